"""DopamineSTDP against the rate of dopamine spikes: the P2 network (Izhikevich 2007: 1000 neurons,
100 synapses each, 1 ms delays, NEST's DopamineSTDP on the excitatory synapses) with a Poisson
dopamine source (`net.neuromodulator("dopamine", PoissonInput(1, rate=R))`) instead of one reward per
second, event-driven (NEST's lazy closed form) and integrated every step (`event_driven=False`):
simulated seconds per wall second. The event-driven rule visits the synapses of neurons that spiked
and, on the CPU, sweeps every synapse at each dopamine spike; the per-step rule sweeps every synapse
at every step.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/dopamine_rates.py [--rates 10 100 1000] [--seconds 2] [--record]
"""
import argparse
import time

import snn
from common import machine, parse_args, report


def run(rate, event_driven, seconds, device):
    model = snn.models.Izhikevich2007(plasticity=snn.DopamineSTDP(Wmax=4.0, delay=1.0, event_driven=event_driven),
                                      delay=1.0, seed=1, device=device)
    net = model.net
    dopamine = net.add(snn.PoissonInput(1, rate=rate), name="dopamine source")
    net.neuromodulator("dopamine", dopamine)
    net.run(200.0)  # warm-up
    start = time.perf_counter()
    net.run(1000.0 * seconds)
    _ = model.EE.weight.sum().item()  # weights brought up to date (and, on CUDA, the device synchronised)
    return seconds / (time.perf_counter() - start)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rates", type=float, nargs="+", default=[10.0, 100.0, 1000.0], help="dopamine spikes per second")
    ap.add_argument("--seconds", type=int, default=2, help="simulated seconds per measurement")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--record", action="store_true")
    args = parse_args(ap)
    if args.seconds < 1:
        raise SystemExit(f"--seconds must be >= 1, got {args.seconds}")
    rows = ["| dopamine rate [Hz] | event-driven: simulated s / wall s | per step: simulated s / wall s |",
            "|---|---|---|"]
    for rate in args.rates:
        lazy = run(rate, True, args.seconds, args.device)
        step = run(rate, False, args.seconds, args.device)
        print(f"dopamine {rate:g} Hz: event-driven {lazy:.3g}x real time, per step {step:.3g}x", flush=True)
        rows.append(f"| {rate:g} | {lazy:.3g} | {step:.3g} |")
    report(f"DopamineSTDP against the dopamine rate (P2 network, {args.device})", rows,
           f"{args.seconds} simulated s per measurement after 200 ms of warm-up; {machine()}.", args.record)


if __name__ == "__main__":
    main()
