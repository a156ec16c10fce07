"""What the closed-loop runner costs: the pattern-matching network (50 Poisson inputs, 20 PoissonDblExp
neurons, 2000 SynapticSampling synapses, dt 1 ms or 0.1 ms) run in 10 ms chunks by snn.closed_loop's
ClosedLoop with SPORE's task, against the same network run in the same 10 ms chunks by a bare loop
(net.run with the same input rates, nothing else). Alternating, best of --repeats.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/closed_loop.py [--seconds 60] [--repeats 3] [--record]
"""
import argparse
import time

import numpy as np
import torch

import snn
from common import parse_args, report
from snn.closed_loop import ClosedLoop, GroupRates, IdentityEncoder, PatternMatching


def build(dt, seed=1):
    net = snn.Network(dt=dt, seed=seed)
    inputs = net.add(snn.PoissonInput(50), name="inputs")
    neurons = net.add(snn.PoissonDblExp(20), name="neurons")
    for k in range(2):
        net.connect(inputs, neurons, weight=snn.init.uniform(0.5, 1.5), storage="sparse",
                    plasticity=snn.SynapticSampling(learning_rate=5e-8, prior_precision=0.25))
    return net


def with_runner(dt, seconds, chunk_ms):
    net = build(dt)
    env = PatternMatching(step_ms=chunk_ms, episode_ms=seconds * 1000.0)
    loop = ClosedLoop(net, env, IdentityEncoder(), GroupRates(2), "inputs", "neurons", chunk_ms=chunk_ms, seed=1)
    start = time.perf_counter()
    loop.run(episodes=1, progress=False)
    return time.perf_counter() - start


def bare(dt, seconds, chunk_ms):
    net = build(dt)
    rates = torch.as_tensor(PatternMatching().reset(seed=1)[0], dtype=net.dtype)
    inputs = {"inputs": rates}
    start = time.perf_counter()
    for _ in range(int(round(seconds * 1000.0 / chunk_ms))):
        net.run(chunk_ms, inputs=inputs)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--chunk", type=float, default=10.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--record", action="store_true")
    args = parse_args(ap)
    rows = ["| dt [ms] | chunk [ms] | network alone [s] | with ClosedLoop [s] | runner's share | simulated / wall |",
            "|---|---|---|---|---|---|"]
    for dt in (1.0, 0.1):
        best = {"bare": np.inf, "loop": np.inf}
        for _ in range(args.repeats):
            best["bare"] = min(best["bare"], bare(dt, args.seconds, args.chunk))
            best["loop"] = min(best["loop"], with_runner(dt, args.seconds, args.chunk))
        rows.append(f"| {dt:g} | {args.chunk:g} | {best['bare']:.2f} | {best['loop']:.2f} | "
                    f"{100 * (best['loop'] / best['bare'] - 1):+.1f} % | {args.seconds / best['loop']:.0f}x |")
        print(rows[-1])
    report(f"closed loop: SPORE pattern matching, {args.seconds:g} s simulated", rows,
           "The bare loop runs the network in the same chunks with fixed rates; the runner adds encoding, "
           "reading the output spikes, the environment, and the reward signal.", args.record)


if __name__ == "__main__":
    main()
