"""Host reads of the GPU targets' workloads (issue 24; docs/gpu.md): per step and per run.

On CUDA each read of a device value by the host, and each blocking copy between host and device, waits
for the GPU. snn.debug.host_reads() counts them, inside the steps and between them, on any device (on
the CPU the same code paths make the same calls). For each workload: steps taken, reads inside them,
and reads between steps per run (input checks, per-run decisions, monitor compaction, the script's own).
A warm-up run comes first (indices built at first use).

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/host_reads.py [--device cpu] [--record]
"""
import argparse

import torch

import snn
from common import invocation, parse_args, record
from p1_bindsnet_network import build_snn


def diehl_cook(device, batch):
    """Diehl & Cook (2015), N = 400, the paper's protocol through present() (synthetic digits: the
    reads do not depend on the pixels)."""
    model = snn.models.DiehlAndCook2015(n_neurons=400, batch_size=batch, device=device, seed=1)
    images = torch.randint(0, 256, (batch, 784), generator=torch.Generator().manual_seed(1)).to(torch.float32)

    def present():
        model.present(images)
    present()
    return present


def izhikevich(device, rule):
    model = snn.models.Izhikevich2007(plasticity=getattr(snn, rule)(), device=device)
    model.net.run(100.0)
    return lambda: model.net.run(1000.0)


def bindsnet(device, n):
    net, rates, _ = build_snn(n, device, seed=0)
    net.run(10.0, inputs={"X": rates})
    return lambda: net.run(1000.0, inputs={"X": rates})


def closed_loop_steps(device):
    """A closed loop's pattern: one net.step() per environment step, a reward set between them."""
    model = snn.models.Izhikevich2007(device=device)
    model.net.run(10.0)

    def loop():
        for k in range(100):
            model.net.set_signal("dopamine", 0.5 if k % 10 == 0 else 0.0)  # a float: no tensor, no read
            model.net.step()
    return loop


WORKLOADS = [
    ("Diehl & Cook N = 400, one image (present)", lambda d: diehl_cook(d, 1)),
    ("Diehl & Cook N = 400, batch of 256 (present)", lambda d: diehl_cook(d, 256)),
    ("Izhikevich 2007, IzhikevichDASTDP, 1 s", lambda d: izhikevich(d, "IzhikevichDASTDP")),
    ("Izhikevich 2007, DopamineSTDP, 1 s", lambda d: izhikevich(d, "DopamineSTDP")),
    ("BindsNET's network, n = 10000, 1 s", lambda d: bindsnet(d, 10000)),
    ("Izhikevich 2007, 100 x net.step()", closed_loop_steps),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--record", action="store_true")
    args = parse_args(ap)
    rows = ["| workload | steps | reads in steps | reads between steps | runs | between steps per run |",
            "|---|---|---|---|---|---|"]
    for name, make in WORKLOADS:
        run = make(args.device)
        with snn.debug.host_reads() as reads:
            run()
        rows.append(f"| {name} | {reads.steps} | {reads.in_steps} | {reads.outside_steps} | {reads.runs} | "
                    f"{reads.outside_steps / max(reads.runs, 1):.1f} |")
        if reads.in_steps:
            rows[-1] += f" in steps: {reads.ops_in_steps}"
        print(rows[-1], flush=True)
    print("\n".join(rows))
    if args.record:
        record(f"Host reads per step and per run ({args.device})", invocation(), "\n".join(rows),
               "Reads counted by snn.debug.host_reads() (an observer of ATen's operators; docs/gpu.md).")


if __name__ == "__main__":
    main()
