"""Memory of a sparse network: 10000 x 10000 LIF neurons, fixed out-degree 1000 (1e7 synapses) with
per-synapse delays (12 bytes per synapse): the process's resident memory after building and running
against the synapse arrays' bytes, and the peak while building.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/memory.py [--record]
"""
import argparse
import resource

import torch

import snn
from common import machine, report


def resident() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    torch.zeros(1)
    net = snn.Network(dt=0.1, seed=1)
    pre, post = net.add(snn.LIF(10000)), net.add(snn.LIF(10000))
    before = resident()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    proj = net.connect(pre, post, "fixed_outdegree", outdegree=1000, weight=0.1, delay=snn.init.uniform(0.5, 5.0))
    net.run(1.0)
    grown = resident() - before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - max(before, peak_before)
    arrays = proj.synapse_bytes
    rows = ["| synapses | synapse arrays [MB] | resident growth [MB] | ratio | peak growth while building [MB] | ratio |",
            "|---|---|---|---|---|---|",
            f"| {proj.num_synapses:,} | {arrays / 1e6:.1f} | {grown / 1e6:.1f} | {grown / arrays:.2f} | {peak / 1e6:.1f} | "
            f"{peak / arrays:.2f} |"]
    report("Memory of a sparse network with 1e7 synapses", rows,
           f"{machine()}. Building draws targets and delays in two passes over the rows (counts, then fill), "
           "whose temporaries make the peak.", args.record)


if __name__ == "__main__":
    main()
