"""Brunel (2000) balanced network with NEST's brunel_delta parameters (snn.models.BrunelDelta).

NE 10000 s, NI 2500 s iaf_psc_delta neurons (scale s), CE 1000 s, CI 250 s fixed in-degree, J 0.1 mV,
g 5, eta 2 (20 kHz Poisson drive per neuron), delay 1.5 ms, tau_m 20 ms, theta 20 mV, V_reset 0,
t_ref 2 ms, h 0.1 ms. Prints the rates and the CV of inter-spike intervals and draws a raster of 50
excitatory neurons, the population rate in 5 ms bins, and the histograms of single-neuron rates and CVs.

NEST 3.10 at scale 1 (models.md): CV about 0.175, 34-46 s for 1 s on 2 threads of a 2-core machine.

    PYTHONPATH=build/python /usr/bin/python3 examples/brunel/brunel_delta.py [--scale 1] [--time 1000]
        [--seed 3] [--out examples/out/brunel] [--no-plot]

Across processes (docs/distributed.md), with the same spikes:

    PYTHONPATH=build/python mpirun -np 2 /usr/bin/python3 examples/brunel/brunel_delta.py --distributed
"""
import argparse
import os
import time


import snn
from snn.analysis import firing_rates, isi_cv


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="network scale s (default 1: 12500 neurons)")
    ap.add_argument("--time", type=float, default=1000.0, help="simulated time in ms (default 1000)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--out", default="examples/out/brunel")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--distributed", action="store_true", help="one network across the processes of mpirun")
    args = ap.parse_args()
    say = print if snn.rank() == 0 else (lambda *a, **k: None)  # one process reports

    build = time.perf_counter()
    model = snn.models.BrunelDelta(args.scale, seed=args.seed, device=args.device, distributed=args.distributed)
    build = time.perf_counter() - build
    synapses = sum(p.num_synapses for p in model.net.projections)
    if args.distributed:
        synapses = sum(snn.distributed.allgather([synapses]))
        say(f"{snn.num_processes()} processes, each holding a block of every population and the synapses onto it")
    say(f"{model}: {synapses:,} synapses, built in {build:.1f} s")
    result = model.run(args.time, progress=True)  # (a distributed network runs without one)
    say(f"simulated {args.time:g} ms in {result['wall']:.1f} s ({args.time / 1000 / result['wall']:.2f}x real time)")
    say(f"rates: excitatory {result['rate_E']:.2f} Hz, inhibitory {result['rate_I']:.2f} Hz; "
          f"CV of ISIs (excitatory) {result['cv']:.3f}")
    times, senders = model.spikes_E.events(gather=args.distributed)  # distributed: every process's
    if args.no_plot or snn.rank() != 0:
        return

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    times, senders = times.cpu(), senders.cpu()
    fig, ax = plt.subplots(2, 2, figsize=(12, 7), gridspec_kw=dict(height_ratios=(2, 1)))
    snn.plot.raster((times, senders), neurons=range(50), hist=False, t_range=(0, args.time), ax=ax[0, 0],
                    ylabel="excitatory neuron", xlabel="", title=f"raster, 50 of {model.NE} excitatory neurons")
    snn.plot.rate_histogram((times, senders), args.time, model.NE, bin_ms=5.0, ax=ax[1, 0])
    ax[1, 0].sharex(ax[0, 0])
    rates = firing_rates(times, senders, model.NE, args.time)
    ax[0, 1].hist(rates.numpy(), bins=40)
    ax[0, 1].set(xlabel="single-neuron rate [Hz]", ylabel="neurons", title=f"mean {result['rate_E']:.1f} Hz")
    _, cvs = isi_cv(times, senders)
    ax[1, 1].hist(cvs.numpy(), bins=40)
    ax[1, 1].set(xlabel="CV of ISIs", ylabel="neurons", title=f"mean {result['cv']:.3f}")
    fig.suptitle(f"Brunel (2000), brunel_delta parameters, scale {args.scale:g}")
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"brunel_scale{args.scale:g}.png")
    fig.savefig(path, dpi=90)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
