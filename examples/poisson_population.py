"""A population driven by Poisson input, with a raster plot.

1000 Poisson sources at 0-40 Hz project (fixed in-degree 100, weights 0.5-1.5 mV, delay 1.5 ms)
onto 200 LIF neurons (NEST iaf_psc_delta defaults) with sparse recurrent inhibition. The script
prints the rates and writes a raster and a rate histogram.

    PYTHONPATH=build/python /usr/bin/python3 examples/poisson_population.py [--time 1000] [--out examples/out]
"""
import argparse
import os
import time

import torch

import snn


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time", type=float, default=1000.0, help="simulated time [ms]")
    ap.add_argument("--n", type=int, default=200, help="number of LIF neurons")
    ap.add_argument("--dt", type=float, default=0.1, help="step [ms]")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--out", default="examples/out", help="folder for the figures")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()

    net = snn.Network(dt=args.dt, device=args.device, seed=args.seed)
    inputs = net.add(snn.PoissonInput(1000), name="inputs")
    neurons = net.add(snn.LIF(args.n), name="neurons")
    net.connect(inputs, neurons, "fixed_indegree", indegree=100, weight=snn.init.uniform(0.5, 1.5), delay=1.5)
    net.connect(neurons, neurons, "pairwise_bernoulli", p=0.1, autapses=False, weight=-2.0, delay=1.0)
    spikes = net.monitor(neurons, "spikes")
    vm = net.monitor(neurons, "V_m", neurons=[0, 1, 2])

    rates = torch.linspace(0.0, 40.0, 1000, device=net.device)  # Hz, one per source
    start = time.perf_counter()
    net.run(args.time, inputs={"inputs": rates}, progress=True)
    wall = time.perf_counter() - start

    times, senders = spikes.events()
    per_neuron = spikes.counts()[0].double() / (args.time / 1000.0)
    print(f"simulated {args.time:g} ms of {args.n} neurons in {wall:.2f} s wall")
    print(f"spikes: {len(times)}; mean rate {per_neuron.mean():.2f} Hz "
          f"(min {per_neuron.min():.1f}, max {per_neuron.max():.1f})")

    if not args.no_plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        os.makedirs(args.out, exist_ok=True)
        fig, ax = plt.subplots(3, 1, figsize=(8, 8), gridspec_kw={"height_ratios": [3, 1, 1]})
        snn.plot.raster((times, senders), hist=False, t_range=(0, args.time), ax=ax[0], color="k",
                        title="LIF population driven by Poisson input", xlabel="")
        snn.plot.traces(vm, ax=ax[1])
        ax[1].set(xlim=(0, args.time))
        ax[2].hist(per_neuron.cpu(), bins=30, color="gray")
        ax[2].set(xlabel="firing rate [Hz]", ylabel="neurons")
        fig.tight_layout()
        path = os.path.join(args.out, "poisson_population.png")
        fig.savefig(path, dpi=100)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
