"""Cost against spikes x fanout, not against N^2: n Poisson sources (20 Hz) -> n LIF neurons with a
fixed out-degree of 100 (sparse storage) and recurrent LIF -> LIF connections with out-degree 100,
dt 0.1 ms, 1000 ms, for n = 1000 to 100000. The synaptic events (spikes x fanout) grow as n, N^2 as
n^2; if delivery is event-driven the wall time per synaptic event stays flat.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/scaling.py [--sizes 1000 3000 10000 30000 100000] [--record]
"""
import argparse

import snn
from common import best_of, machine, parse_args, report


def run(n, repeats):
    net = snn.Network(dt=0.1, seed=1)
    x = net.add(snn.PoissonInput(n, rate=20.0), name="X")
    lif = net.add(snn.LIF(n, tau_m=20.0), name="Y")
    net.connect(x, lif, "fixed_outdegree", outdegree=100, weight=1.5, delay=1.0)
    net.connect(lif, lif, "fixed_outdegree", outdegree=100, weight=-0.5, delay=1.5)
    sx, sy = net.monitor(x), net.monitor(lif)
    net.run(100.0)  # warm-up

    def sim():
        sx.clear()
        sy.clear()
        net.run(1000.0)

    wall = best_of(repeats, sim)
    events = (sx.num_events + sy.num_events) * 100
    return wall, sx.num_events, sy.num_events, events


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000, 30000, 100000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--record", action="store_true")
    args = parse_args(ap)
    rows = ["| n | N^2 | input spikes | LIF spikes | synaptic events | wall [s] | ns per synaptic event |",
            "|---|---|---|---|---|---|---|"]
    for n in args.sizes:
        wall, sx, sy, events = run(n, args.repeats)
        print(f"n={n}: {wall:.3f} s, {events:,} synaptic events, {wall / events * 1e9:.1f} ns per event", flush=True)
        rows.append(f"| {n} | {n * n:.1e} | {sx} | {sy} | {events} | {wall:.3f} | {wall / events * 1e9:.1f} |")
    report("Scaling with spikes x fanout (sparse, event-driven)", rows,
           f"Best of {args.repeats}; {machine()}. The wall time includes the neurons' and the Poisson sources' "
           "per-step updates, which grow as n too.", args.record)


if __name__ == "__main__":
    main()
