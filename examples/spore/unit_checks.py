"""SPORE's unit tests as runnable checks on snn (models.md, SPORE section), with a figure:

1. test_dbl_exp_neuron: the PoissonDblExp membrane for excitatory spikes at 10, 20, 50 ms (w 3),
   inhibitory at 15, 25 ms (w -2) and I_e = -3, against the double-exponential sum (SPORE: squared
   error < 1e-5).
2. test_dbl_exp_neuron_rate: the rate against I_e, 10 s x 200 neurons, against the closed form
   1 / (t_dead + h / (1 - exp(-lambda h))), lambda = 1.238 exp(0.25 I_e), and SPORE's measured values.
3. test_reward_synapse: no activity, no noise, learning rate 1e-4: theta decays x0.99 per 100 ms from 1
   to 0.3697296376497269 at 9.9 s.
4. The theta trajectory of one plastic synapse under a fixed pre spike pattern (10, 15, 20, 25, 50 ms and
   every 100 ms after) onto a PoissonDblExp target that the same spikes also drive through a strong
   static synapse (weight 8), so that the target fires just after each pre spike, with a constant reward
   of 1 and no noise: theta rises over the first 0.4 s (pre-before-post eligibility meets the reward), peaks
   and falls back below 0, where the synapse retracts and only the prior moves it.
   (SPORE's own version drives the synapse with test nodes that snn has no counterpart for;
   tests/python/test_synaptic_sampling.py checks a run like this step for step against a transcription
   of SPORE's update.)

    PYTHONPATH=build/python /usr/bin/python3 examples/spore/unit_checks.py [--out examples/out/spore] [--no-plot]
"""
import argparse
import math
import os

import numpy as np
import torch

import snn

SPORE_RATES = {20: 154.7, 10: 13.1, 5: 3.7, 3: 2.4, 2: 2.0, 1: 1.3, 0: 1.1, -1: 0.6, -3: 0.4}


def membrane():
    net = snn.Network(dt=0.1, dtype=torch.float64)
    exc = net.add(snn.SpikeGeneratorInput(1, [[10.0, 20.0, 50.0]]))
    inh = net.add(snn.SpikeGeneratorInput(1, [[15.0, 25.0]]))
    neuron = net.add(snn.PoissonDblExp(1, I_e=-3.0, c_2=0.0))  # c_2 = 0: no spikes, so no resets
    net.connect(exc, neuron, weight=3.0, delay=1.0)
    net.connect(inh, neuron, weight=-2.0, delay=1.0)
    vm = net.monitor(neuron, "V_m")
    net.run(100.0)
    t, v = vm.times().numpy(), vm.values()[:, 0, 0].numpy()

    def psp(t0, w, rise, fall):
        d = np.clip(t - t0, 0.0, None)
        return np.where(t >= t0 - 1e-9, w * fall / (fall - rise) * (np.exp(-d / fall) - np.exp(-d / rise)), 0.0)

    expected = -3.0 + sum(psp(t0 + 1.0, 3.0, 2.0, 20.0) for t0 in (10.0, 20.0, 50.0)) \
        + sum(psp(t0 + 1.0, -2.0, 1.0, 10.0) for t0 in (15.0, 25.0))
    return t, v, expected


def rates(T=10000.0, n=200):
    out = {}
    for I_e in SPORE_RATES:
        net = snn.Network(dt=0.1, dtype=torch.float64, seed=2)
        pop = net.add(snn.PoissonDblExp(n, I_e=float(I_e)))
        mon = net.monitor(pop)
        net.run(T)
        lam, h = 1.238 * math.exp(0.25 * I_e), 1e-4
        closed = 1.0 / (1e-3 + h / (1.0 - math.exp(-lam * h)))
        out[I_e] = (mon.num_events / n / (T / 1000), closed)
    return out


def prior_decay():
    net = snn.Network(dt=0.1, dtype=torch.float64)
    pre, post = net.add(snn.SpikeGeneratorInput(1, [[]])), net.add(snn.PoissonDblExp(1))
    proj = net.connect(pre, post, plasticity=snn.SynapticSampling(temperature=0.0, learning_rate=1e-4))
    proj.state["synaptic_parameter"].fill_(1.0)
    theta = net.monitor(proj, "synaptic_parameter", interval=100.0)
    net.run(9900.0)
    return theta.times().numpy(), theta.values()[:, 0, 0].numpy()


def reward_pattern(seconds=10):
    rule = dict(weight_update_interval=100.0, temperature=0.0, learning_rate=1e-4, episode_length=100.0,
                max_param=100.0, min_param=-100.0, max_param_change=100.0, integration_time=10000.0)
    net = snn.Network(dt=0.1, dtype=torch.float64, seed=5)
    times = [10.0, 15.0, 20.0, 25.0, 50.0] + [100.0 * k + 10.0 for k in range(1, 10 * seconds)]
    pre = net.add(snn.SpikeGeneratorInput(1, [times]))
    post = net.add(snn.PoissonDblExp(1))
    net.connect(pre, post, weight=8.0)  # the drive: the target fires within milliseconds of each pre spike
    proj = net.connect(pre, post, weight=math.exp(-2.0), plasticity=snn.SynapticSampling(**rule))
    theta = net.monitor(proj, "synaptic_parameter", interval=100.0)
    net.set_signal("reward", 1.0)
    net.run(1000.0 * seconds)
    return theta.times().numpy(), theta.values()[:, 0, 0].numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="examples/out/spore")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()
    t, v, expected = membrane()
    err = float(np.sum((v - expected) ** 2))
    print(f"1. membrane: squared error against the double-exponential sum {err:.2e} (SPORE accepts 1e-5)")
    r = rates()
    print("2. rate against I_e [Hz]: snn (closed form) [SPORE measured]")
    for I_e, (rate, closed) in r.items():
        print(f"   I_e {I_e:3d}: {rate:7.2f} ({closed:7.2f}) [{SPORE_RATES[I_e]}]")
    tt, theta = prior_decay()
    print(f"3. prior only: theta(9.9 s) = {theta[-1]!r} (SPORE: 0.3697296376497269)")
    tr, theta_r = reward_pattern()
    print(f"4. spike pattern with reward: theta {theta_r[0]:.4f} at 0.1 s -> {theta_r.max():.4f} at most, "
          f"{theta_r[-1]:.4f} at {tr[-1] / 1000:g} s")
    if args.no_plot:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(args.out, exist_ok=True)
    fig, ax = plt.subplots(2, 2, figsize=(12, 8))
    snn.plot.traces((t, v), ax=ax[0, 0], ylabel="V_m", labels=["snn"], title="1. PoissonDblExp membrane")
    ax[0, 0].plot(t, expected, "k:", label="double-exponential sum")
    ax[0, 0].legend()
    drives = list(r)
    ax[0, 1].semilogy(drives, [r[i][0] for i in drives], "o", label="snn, 10 s x 200 neurons")
    ax[0, 1].semilogy(drives, [r[i][1] for i in drives], "-", label="closed form")
    ax[0, 1].semilogy(drives, [SPORE_RATES[i] for i in drives], "k+", ms=10, label="SPORE (one neuron, 10 s)")
    ax[0, 1].set(xlabel="I_e", ylabel="rate [Hz]", title="2. rate against I_e")
    ax[0, 1].legend()
    ax[1, 0].plot(tt / 1000, theta, ".-")
    ax[1, 0].set(xlabel="time [s]", ylabel="theta", title="3. prior only: theta_k = 0.99^k")
    ax[1, 1].plot(tr / 1000, theta_r, ".-")
    ax[1, 1].set(xlabel="time [s]", ylabel="theta", title="4. fixed spike pattern with reward")
    fig.tight_layout()
    path = os.path.join(args.out, "unit_checks.png")
    fig.savefig(path, dpi=80)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
