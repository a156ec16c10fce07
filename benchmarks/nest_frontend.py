"""What snn.nest costs: NEST's brunel_delta written in PyNEST (examples/brunel/brunel_delta_nest.py) on
snn.nest against the same network on snn.Network (snn.models.BrunelDelta), build plus simulation time,
alternating runs (the VM's speed drifts), best of --repeats each. Both record every spike of both
populations, run in float64 (NEST's precision; --dtype float32 for the other) and draw their own
connectivity (same rule, different streams).

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/nest_frontend.py [--scales 0.2 1] [--time 1000]
        [--repeats 3] [--dtype float64] [--record]
"""
import argparse
import importlib.util
import os
import time

import torch

import snn
from common import HERE, parse_args, report

_spec = importlib.util.spec_from_file_location("brunel_delta_nest",
                                               os.path.join(HERE, "..", "examples", "brunel", "brunel_delta_nest.py"))
brunel_nest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brunel_nest)


def via_nest(scale, t_ms, dtype):
    start = time.perf_counter()
    r = brunel_nest.brunel(scale, t_ms, n_rec=50, seed=3, dtype=dtype, verbose=False)
    return time.perf_counter() - start, r["build"], r["sim"], r["rate_ex"]


def via_network(scale, t_ms, dtype):
    start = time.perf_counter()
    model = snn.models.BrunelDelta(scale, seed=3, dtype=torch.float64 if dtype == "float64" else torch.float32)
    build = time.perf_counter() - start
    r = model.run(t_ms)
    return time.perf_counter() - start, build, r["wall"], r["rate_E"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[0.2, 1.0])
    ap.add_argument("--time", type=float, default=1000.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    ap.add_argument("--record", action="store_true")
    args = parse_args(ap)
    rows = ["| scale | synapses | snn.Network build + sim [s] | snn.nest build + sim [s] | overhead | rates E [Hz] (Network / nest) |",
            "|---|---|---|---|---|---|"]
    for scale in args.scales:
        best = {"net": None, "nest": None}
        for _ in range(args.repeats):  # alternate, so both see the same drift
            for name, fn in (("net", via_network), ("nest", via_nest)):
                r = fn(scale, args.time, args.dtype)
                if best[name] is None or r[0] < best[name][0]:
                    best[name] = r
        net, nst = best["net"], best["nest"]
        synapses = int(round(12500 * scale)) * (int(round(1250 * scale)) + 1)
        rows.append(f"| {scale:g} | {synapses:,} | {net[0]:.2f} ({net[1]:.2f} + {net[2]:.2f}) | "
                    f"{nst[0]:.2f} ({nst[1]:.2f} + {nst[2]:.2f}) | {100 * (nst[0] / net[0] - 1):+.1f} % | "
                    f"{net[3]:.2f} / {nst[3]:.2f} |")
        print(rows[-1])
    report(f"snn.nest front end: brunel_delta in PyNEST vs snn.Network ({args.dtype}, {args.time:g} ms)", rows,
           "Totals are whole-function wall times (the PyNEST one includes ResetKernel and reading n_events); best "
           f"of {args.repeats}, alternating. Rates differ by the connectivity draw (different random streams).",
           args.record)


if __name__ == "__main__":
    main()
