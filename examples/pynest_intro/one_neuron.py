"""PyNEST introduction, part 1: one neuron driven by a constant current (I_e = 376 pA).

NEST's tutorial creates an iaf_psc_alpha neuron with I_e = 376 pA and records its membrane potential
and spikes for 1000 ms. With a constant current the synapse shape does not matter, so snn's LIF
(iaf_psc_delta) and LIFExp (iaf_psc_exp) give the same trajectory: V_m rises towards
E_L + I_e tau_m / C_m = -54.96 mV, crosses V_th = -55 mV at t* = -tau_m ln(1 - 15 C_m / (I_e tau_m))
= 59.296 ms, and the neuron fires every t_ref + 59.3 ms = 61.3 ms (spikes on the 0.1 ms grid).

    PYTHONPATH=build/python /usr/bin/python3 examples/pynest_intro/one_neuron.py [--out examples/out]
"""
import argparse
import math
import os

import torch

import snn


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="examples/out")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()

    net = snn.Network(dt=0.1, dtype=torch.float64)
    neuron = net.add(snn.iaf_psc_delta(1, I_e=376.0), name="neuron")
    multimeter = net.monitor(neuron, "V_m")
    spike_recorder = net.monitor(neuron, "spikes")
    net.run(1000.0)

    times, _ = spike_recorder.events()
    t_star = -10.0 * math.log(1.0 - 15.0 * 250.0 / (376.0 * 10.0))
    print(f"analytic threshold crossing: {t_star:.3f} ms -> first spike on the grid at {math.ceil(t_star * 10) / 10} ms")
    print("spike times [ms]:", ", ".join(f"{t:.1f}" for t in times.tolist()))
    print(f"{len(times)} spikes in 1000 ms; V_m max {multimeter.values().max():.3f} mV")

    if not args.no_plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        os.makedirs(args.out, exist_ok=True)
        fig, ax = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
        ax[0].plot(multimeter.times(), multimeter.values()[:, 0, 0])
        ax[0].set(ylabel="membrane potential [mV]", title="iaf_psc_delta, I_e = 376 pA")
        ax[1].plot(times, torch.zeros_like(times), ".")
        ax[1].set(xlabel="time [ms]", ylabel="spikes", yticks=[])
        fig.tight_layout()
        path = os.path.join(args.out, "one_neuron.png")
        fig.savefig(path, dpi=100)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
