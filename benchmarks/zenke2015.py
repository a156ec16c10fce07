"""Speed of Zenke et al. (2015)'s memory network (snn.models.Zenke2015): every plasticity mechanism on
(OrchestratedPlasticity on X->E and E->E, short-term plasticity, VogelsSprekeler on I->E), background input
with a pattern shown 1 s in every 4, dt 0.1 ms. Builds the network, then simulates --seconds; reports the
build time, the simulated seconds per wall second and the rates. The paper's runs took hours on a cluster
(Auryn on 4 MPI ranks; 3600 s per phase).

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/zenke2015.py [--scales 0.25 1] [--seconds 10] [--record]
"""
import argparse
import time

import numpy as np

import snn
from common import parse_args, report


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[0.25, 1.0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--record", action="store_true")
    args = parse_args(ap)
    rows = ["| scale | NE + NI | synapses | build [s] | simulated [s] | wall [s] | simulated / wall | E rate [Hz] | I rate [Hz] |",
            "|---|---|---|---|---|---|---|---|---|"]
    for scale in args.scales:
        t = time.perf_counter()
        model = snn.models.Zenke2015(scale)
        build = time.perf_counter() - t
        synapses = sum(p.num_synapses for p in model.net.projections)
        t = time.perf_counter()
        history = model.train(args.seconds, on_ms=1000.0, off_ms=3000.0, chunk_ms=1000.0, progress=False)
        wall = time.perf_counter() - t
        rows.append(f"| {scale:g} | {model.NE} + {model.NI} | {synapses:,} | {build:.2f} | {args.seconds:g} | {wall:.1f} | "
                    f"{args.seconds / wall:.2f} | {np.mean(history['rate_E']):.1f} | {np.mean(history['rate_I']):.1f} |")
        print(rows[-1], flush=True)
    report(f"Zenke et al. (2015) network, {args.seconds:g} s simulated, every mechanism plastic", rows,
           "Wall time of train() (1 s patterns, 3 s background, rates read every second), after the build.",
           args.record)


if __name__ == "__main__":
    main()
