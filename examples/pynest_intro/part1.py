"""PyNEST introduction, part 1 ("Neurons and simple neural networks"), with snn.

The tutorial's neuron is iaf_neuron, NEST's integrate-and-fire neuron with alpha-shaped currents
(iaf_psc_alpha here, snn.LIFAlpha), resolution 0.1 ms, 1000 ms:
  1. one neuron with I_e = 376 pA: its membrane potential and spikes. The membrane approaches
     E_L + I_e tau_m / C_m = -54.96 mV, crosses V_th = -55 mV at t* = -tau_m ln(1 - 15 C_m/(I_e tau_m))
     = 59.296 ms and fires every t_ref + 59.3 ms = 61.3 ms;
  2. the same neuron without current, driven by Poisson noise: 80 kHz of 1.2 pA excitatory and 15 kHz
     of -2.0 pA inhibitory events (mean drive 1.2 x 80 - 2.0 x 15 = 66 pA x e tau_syn = 359 pA: the
     membrane fluctuates close to threshold and fires irregularly);
  3. two neurons: neuron 1 (I_e = 376 pA) drives neuron 2 with weight 20 pA and delay 1 ms; neuron 2's
     membrane shows one PSP per spike of neuron 1, starting 1 ms after it;
  4. two populations of 10: pop1 (I_e = 376 pA) onto pop2, "one_to_one" (10 connections) and
     "all_to_all" (100 connections, ten times the drive).

    PYTHONPATH=build/python /usr/bin/python3 examples/pynest_intro/part1.py [--out examples/out/pynest_intro]
"""
import argparse
import math
import os

import torch

import snn


def one_neuron(T=1000.0):
    net = snn.Network(dt=0.1, dtype=torch.float64)
    neuron = net.add(snn.iaf_psc_alpha(1, I_e=376.0), name="neuron")
    multimeter = net.monitor(neuron, "V_m")
    spike_recorder = net.monitor(neuron, "spikes")
    net.run(T)
    return multimeter, spike_recorder


def noisy_neuron(T=1000.0, seed=1):
    net = snn.Network(dt=0.1, dtype=torch.float64, seed=seed)
    neuron = net.add(snn.iaf_psc_alpha(1, I_e=0.0), name="neuron")
    noise = net.add(snn.poisson_generator(2), name="noise")
    net.connect(noise, neuron, weight=torch.tensor([[1.2], [-2.0]], dtype=torch.float64), delay=1.0)
    multimeter = net.monitor(neuron, "V_m")
    spike_recorder = net.monitor(neuron, "spikes")
    net.run(T, inputs={"noise": torch.tensor([80000.0, 15000.0], dtype=torch.float64)})
    return multimeter, spike_recorder


def two_neurons(T=1000.0):
    net = snn.Network(dt=0.1, dtype=torch.float64)
    neuron1 = net.add(snn.iaf_psc_alpha(1, I_e=376.0), name="neuron1")
    neuron2 = net.add(snn.iaf_psc_alpha(1), name="neuron2")
    net.connect(neuron1, neuron2, weight=20.0, delay=1.0)
    multimeter = net.monitor(neuron2, "V_m")
    spikes1 = net.monitor(neuron1, "spikes")
    net.run(T)
    return multimeter, spikes1


def two_populations(rule, T=1000.0):
    net = snn.Network(dt=0.1, dtype=torch.float64)
    pop1 = net.add(snn.iaf_psc_alpha(10, I_e=376.0), name="pop1")
    pop2 = net.add(snn.iaf_psc_alpha(10), name="pop2")
    proj = net.connect(pop1, pop2, rule, weight=20.0, delay=1.0)
    multimeter = net.monitor(pop2, "V_m")
    net.run(T)
    return multimeter, proj


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="examples/out/pynest_intro")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()

    vm, sr = one_neuron()
    times, _ = sr.events()
    t_star = -10.0 * math.log(1.0 - 15.0 * 250.0 / (376.0 * 10.0))
    print(f"1. one neuron, I_e = 376 pA: {len(times)} spikes, first at {times[0]:.1f} ms "
          f"(threshold crossing {t_star:.3f} ms -> {math.ceil(t_star * 10) / 10} ms on the grid), "
          f"intervals {sorted({round(x, 6) for x in (times[1:] - times[:-1]).tolist()})} ms")
    vm_noise, sr_noise = noisy_neuron()
    print(f"2. Poisson noise (80 kHz x 1.2 pA, 15 kHz x -2.0 pA): {len(sr_noise.events())} spikes in 1 s, "
          f"V_m mean {vm_noise.values().mean():.2f} mV, std {vm_noise.values().std():.2f} mV")
    vm2, s1 = two_neurons()
    print(f"3. two neurons: neuron 1 fires {len(s1.events())} times; neuron 2 peaks at "
          f"{vm2.values().max():.2f} mV ({vm2.values().max() + 70:.3f} mV PSP)")
    for rule in ("one_to_one", "all_to_all"):
        vmp, proj = two_populations(rule)
        print(f"4. two populations, {rule}: {proj.num_synapses} connections; pop2 V_m peaks at "
              f"{vmp.values().max():.2f} mV")

    if args.no_plot:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(args.out, exist_ok=True)
    fig, ax = plt.subplots(2, 2, figsize=(12, 7))
    snn.plot.traces(vm, ax=ax[0, 0], title="1. I_e = 376 pA (red: spikes)", xlabel="")
    ax[0, 0].plot(times, torch.full_like(times, -54.0), "|", color="r", ms=10)
    snn.plot.traces(vm_noise, ax=ax[0, 1], title="2. Poisson noise, 80 kHz (+1.2 pA) and 15 kHz (-2.0 pA)",
                    xlabel="", lw=0.6)
    snn.plot.traces(vm2, ax=ax[1, 0], title="3. neuron 2, driven by neuron 1 (20 pA, 1 ms)")
    for rule, style in (("one_to_one", "-"), ("all_to_all", "--")):
        vmp, _ = two_populations(rule, T=300.0)
        snn.plot.traces(vmp, neurons=[0], ax=ax[1, 1], labels=[rule] * 10, title="4. pop2 neuron 0", ls=style)
    ax[1, 1].legend()
    fig.tight_layout()
    path = os.path.join(args.out, "part1.png")
    fig.savefig(path, dpi=90)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
