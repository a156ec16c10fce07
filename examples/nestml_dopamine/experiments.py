"""The NESTML dopamine-modulated STDP tutorial (seed 002), its three experiments with snn.DopamineSTDP.

A. One synapse: pre spike (seen at 2.0 ms), post spike (seen at 4.5 ms), one dopamine spike at t_vt;
   the weight at t = infinity against t_vt, for A_vt = +1 and -1. NEST 3.10's numbers are printed
   beside ours (they agree to 1e-9: tests/python/test_plasticity.py).
B. Ten iaf_psc_delta neurons, each driven by its own 50 Hz Poisson source through a parrot and a
   plastic synapse (w 5.6 mV, tau_n 50 ms, tau_c 100 ms); dopamine at 2, 3, 4 s as reward (A_vt = +10)
   and at 8, 9, 10 s as punishment (A_vt = -10), set between 30 ms chunks as the tutorial does.
   Rates rise after the rewards and fall after the punishments.
C. Noisy cue association: 800 E / 200 I iaf_psc_exp neurons (C_m 300 pF, tau_m 10 ms, tau_syn 1 ms,
   E_L -65 mV, V_reset -70 mV, V_th -55.4/-56.4 mV, t_ref 4/2 ms), fixed in-degree 80 E (J_ex = 300 pA,
   plastic: A_plus 0.1, A_minus 0.15, tau_c = tau_n = 200 ms) and 20 I (J_in = -1200 pA), 5 Hz Poisson
   noise of 2500 pA per neuron, delay 1 ms. Two stimuli (50 excitatory neurons each, 5000 pA) arrive in
   random order at 5 Hz, at least 10 ms apart; every presentation of S1 is followed 10-29 ms later by a
   dopamine spike. After 10 s the synapses leaving S1's neurons are on average stronger than those
   leaving S2's. The tutorial clips at Wmax = 200 pA but its weights start at 300 pA and are never
   clipped; Wmax is set to 1e6 here so that no weight is clipped either.

    PYTHONPATH=build/python /usr/bin/python3 examples/nestml_dopamine/experiments.py [--only A B C]
        [--seeds 5] [--out examples/out/nestml_dopamine] [--no-plot]
"""
import argparse
import os
import random
import time

import torch

import snn

# NEST 3.10 with the tutorial's NESTML synapse: w(t = inf) for A_vt = +1 at t_vt = round(linspace(4, 5000, 12)).
NEST_EXPERIMENT_A = [1.6480278813, 1.4115513181, 1.2613691360, 1.1658251172, 1.1053126687, 1.0668822575,
                     1.0424757669, 1.0269756261, 1.0171317544, 1.0108692067, 1.0069028455, 1.0043838780]
EXPERIMENT_A_TIMES = [round(4 + k * (5000 - 4) / 11) for k in range(12)]


# ---- A ------------------------------------------------------------------------------------------

def experiment_a(t_vt, A_vt):
    """Pre generator 1.0 ms -> parrot (delay 1) -> plastic synapse (delay 0.5) -> iaf_psc_delta kicked
    by a generator spike at 3.0 ms (weight 9999, delay 1); dopamine generator t_vt -> parrot (delay 1)
    -> volume transmitter (delay 1). The synapse sees pre at 2.0, post at 4.5, dopamine at t_vt + 2.
    Returns the weight after 10 s (t = infinity: c and n have decayed)."""
    net = snn.Network(dt=0.1, dtype=torch.float64)
    pre_gen = net.add(snn.SpikeGeneratorInput(1, [[1.0]]))
    pre = net.add(snn.Parrot(1))
    net.connect(pre_gen, pre, delay=1.0)
    post_gen = net.add(snn.SpikeGeneratorInput(1, [[3.0]]))
    post = net.add(snn.iaf_psc_delta(1))
    net.connect(post_gen, post, weight=9999.0, delay=1.0)
    da_gen = net.add(snn.SpikeGeneratorInput(1, [[float(t_vt)]]))
    da = net.add(snn.Parrot(1))
    net.connect(da_gen, da, delay=1.0)
    net.neuromodulator("dopamine", da, delay=1.0)
    syn = net.connect(pre, post, weight=1.0, delay=0.5, plasticity=snn.DopamineSTDP(tau_plus=10.0, A_vt=A_vt))
    net.run(10000.0)
    return syn.weight.item()


def run_a():
    rows = []
    print("A. weight at t = inf against the dopamine spike time (NEST 3.10 in brackets)")
    for t_vt, nest in zip(EXPERIMENT_A_TIMES, NEST_EXPERIMENT_A):
        up, down = experiment_a(t_vt, 1.0), experiment_a(t_vt, -1.0)
        rows.append((t_vt, up, down))
        print(f"   t_vt {t_vt:5d} ms: A_vt = +1 -> {up:.10f} [{nest:.10f}],  A_vt = -1 -> {down:.10f} "
              f"[{2 - nest:.10f}]")
    return rows


# ---- B ------------------------------------------------------------------------------------------

REWARD_TIMES = [2000.0, 3000.0, 4000.0]
PUNISHMENT_TIMES = [8000.0, 9000.0, 10000.0]


def experiment_b(seed=1, T=12000.0, chunks=400, n_neurons=10, w0=5.6, tau_n=50.0, tau_c=100.0, rate=50.0):
    """Returns the per-chunk c, w (each [chunks + 1, n_neurons]) and n, and the neurons' spikes."""
    net = snn.Network(dt=0.1, seed=seed)
    source = net.add(snn.poisson_generator(n_neurons, rate=rate), name="poisson")
    parrots = net.add(snn.parrot_neuron(n_neurons), name="parrots")
    neurons = net.add(snn.iaf_psc_delta(n_neurons), name="neurons")
    net.connect(source, parrots, "one_to_one", delay=1.0)
    syn = net.connect(parrots, neurons, "one_to_one", weight=w0, delay=1.0,
                      plasticity=snn.DopamineSTDP(tau_n=tau_n, tau_c=tau_c))
    da_gen = net.add(snn.SpikeGeneratorInput(1, [REWARD_TIMES + PUNISHMENT_TIMES]), name="dopamine_times")
    da = net.add(snn.parrot_neuron(1), name="vt_parrot")
    net.connect(da_gen, da, delay=1.0)
    net.neuromodulator("dopamine", da, delay=1.0)
    spikes = net.monitor(neurons)

    def sample():
        return syn.state["c"][0].to("cpu", copy=True), syn.weight.to("cpu", copy=True), float(syn.state["n"].sum())

    log = [sample()]
    t_chunk = T / chunks
    for i in range(chunks):
        # As the tutorial: punishment once the chunk reaches past the first punishment time.
        syn.plasticity.A_vt = -10.0 if (i + 1) * t_chunk > PUNISHMENT_TIMES[0] else 10.0
        net.run(t_chunk)
        log.append(sample())
    times, senders = (x.cpu() for x in spikes.events())
    return dict(t=torch.arange(chunks + 1) * t_chunk, c=torch.stack([x[0] for x in log]),
                w=torch.stack([x[1] for x in log]), n=torch.tensor([x[2] for x in log]),
                times=times, senders=senders, n_neurons=n_neurons)


def rates_b(result):
    """Mean rate [Hz] over the neurons before the rewards (0-2 s), after them (4-8 s) and after the
    punishments (10-12 s)."""
    times = result["times"]
    window = lambda a, b: ((times >= a) & (times < b)).sum().item() / result["n_neurons"] / ((b - a) / 1000)
    return window(0.0, 2000.0), window(4000.0, 8000.0), window(10000.0, 12000.0)


def run_b(seeds):
    print("B. ten neurons, 50 Hz Poisson drive, reward at 2-4 s, punishment at 8-10 s: mean rate [Hz]")
    results = []
    for seed in seeds:
        result = experiment_b(seed)
        before, rewarded, punished = rates_b(result)
        final = " ".join(f"{w:.1f}" for w in result["w"][-1].tolist())
        results.append(result)
        print(f"   seed {seed}: before {before:5.2f}, after the rewards {rewarded:5.2f}, after the punishments "
              f"{punished:5.2f};  weights 5.6 -> {final} mV")
    return results


# ---- C ------------------------------------------------------------------------------------------

def stimulus_schedule(rng, T, n_groups=2, rate=5.0, min_gap=10.0, dopa_delay=(10, 30), reinforced=0):
    """The tutorial's stream: exponential intervals (rounded to ms, at least min_gap), a random group
    each time, and a dopamine spike dopa_delay[0] + randint(dopa_delay[1] - dopa_delay[0]) ms after each
    presentation of the reinforced group."""
    presentations, dopamine = [[] for _ in range(n_groups)], []
    t = 0.0
    while True:
        t += max(min_gap, round(rng.expovariate(rate) * 1000))
        if t >= T:
            break
        group = rng.randrange(n_groups)
        presentations[group].append(t)
        if group == reinforced:
            dopamine.append(t + dopa_delay[0] + rng.randrange(dopa_delay[1] - dopa_delay[0]))
    return presentations, sorted(dopamine)


def experiment_c(seed=1, T=10000.0, chunks=100, NE=800, NI=200, group_size=50, Wmax=1e6):
    """Returns per-chunk group means of w and sums of c, n, and the spikes of E and I."""
    rng = random.Random(seed)
    net = snn.Network(dt=0.1, seed=seed)
    common = dict(C_m=300.0, tau_m=10.0, tau_syn_ex=1.0, tau_syn_in=1.0, E_L=-65.0, V_reset=-70.0)
    E = net.add(snn.iaf_psc_exp(NE, V_th=-55.4, t_ref=4.0, **common), name="E")
    I = net.add(snn.iaf_psc_exp(NI, V_th=-56.4, t_ref=2.0, **common), name="I")
    stdp = dict(A_plus=0.1, A_minus=0.15, tau_c=200.0, tau_n=200.0, Wmax=Wmax)
    plastic = []
    for target in (E, I):
        noise = net.add(snn.poisson_generator(len(target), rate=5.0), name=f"noise_{target.name}")
        net.connect(noise, target, "one_to_one", weight=2500.0, delay=1.0)
        plastic.append(net.connect(E, target, "fixed_indegree", indegree=80, weight=300.0, delay=1.0,
                                   plasticity=snn.DopamineSTDP(**stdp)))
        net.connect(I, target, "fixed_indegree", indegree=20, weight=-1200.0, delay=1.0)
    # Stimuli: one generator and one parrot per group, onto its 50 excitatory neurons with 5000 pA.
    groups = [sorted(rng.sample(range(NE), group_size)) for _ in range(2)]
    presentations, dopamine = stimulus_schedule(rng, T)
    stim = net.add(snn.SpikeGeneratorInput(2, presentations), name="stimulus_times")
    stim_parrots = net.add(snn.parrot_neuron(2), name="stimuli")
    net.connect(stim, stim_parrots, "one_to_one", delay=1.0)
    w_stim = torch.zeros(2, NE)
    for k, members in enumerate(groups):
        w_stim[k, members] = 5000.0
    net.connect(stim_parrots, E, "all_to_all", weight=w_stim, delay=1.0)
    da_gen = net.add(snn.SpikeGeneratorInput(1, [dopamine]), name="dopamine_times")
    da = net.add(snn.parrot_neuron(1), name="vt_parrot")
    net.connect(da_gen, da, delay=1.0)
    net.neuromodulator("dopamine", da, delay=1.0)
    se, si = net.monitor(E), net.monitor(I)

    # Outgoing plastic synapses of each group, over both E -> E and E -> I.
    masks = []
    for members in groups:
        member = torch.zeros(NE, dtype=torch.bool)
        member[members] = True
        masks.append([member[proj.indices()[0].long().cpu()] for proj in plastic])

    def sample():
        w = [torch.cat([p.weight[m] for p, m in zip(plastic, mk)]) for mk in masks]
        c = [sum(p.state["c"][..., m].sum().item() for p, m in zip(plastic, mk)) for mk in masks]
        all_w = torch.cat([p.weight for p in plastic])
        return [x.mean().item() for x in w], c, all_w.mean().item(), float(plastic[0].state["n"].sum())

    log = []
    wall = time.perf_counter()
    for _ in range(chunks):
        net.run(T / chunks)
        log.append(sample())
    wall = time.perf_counter() - wall
    E_times, E_senders = (x.cpu() for x in se.events())
    I_times, I_senders = (x.cpu() for x in si.events())
    return dict(t=(torch.arange(chunks) + 1) * (T / chunks), w=torch.tensor([x[0] for x in log]),
                c=torch.tensor([x[1] for x in log]), w_net=torch.tensor([x[2] for x in log]),
                n=torch.tensor([x[3] for x in log]), E=(E_times, E_senders), I=(I_times, I_senders),
                rate_E=len(E_times) / NE / (T / 1000), rate_I=len(I_times) / NI / (T / 1000),
                presentations=presentations, dopamine=dopamine, groups=groups, wall=wall, T=T)


def run_c(seeds, T=10000.0):
    print(f"C. 800 E / 200 I network, S1 rewarded, {T / 1000:g} s: mean outgoing weight of each group [pA]")
    results = []
    for seed in seeds:
        r = experiment_c(seed, T=T)
        results.append(r)
        w1, w2 = r["w"][-1].tolist()
        print(f"   seed {seed}: S1 {w1:.3f}, S2 {w2:.3f} (S1 - S2 = {w1 - w2:+.3f}); network {r['w_net'][-1]:.3f}; "
              f"{len(r['presentations'][0])} S1 / {len(r['presentations'][1])} S2 presentations, "
              f"{len(r['dopamine'])} dopamine spikes; rates E {r['rate_E']:.2f} Hz, I {r['rate_I']:.2f} Hz; "
              f"{r['wall']:.1f} s")
    diff = torch.tensor([(r["w"][-1, 0] - r["w"][-1, 1]).item() for r in results])
    print(f"   S1 - S2 over {len(seeds)} seeds: mean {diff.mean():+.3f} pA, "
          f"positive in {(diff > 0).sum().item()} of {len(seeds)}")
    return results


# ---- figures ------------------------------------------------------------------------------------

def plot_a(rows, out, plt):
    fig, ax = plt.subplots(figsize=(6, 4))
    t = [r[0] for r in rows]
    ax.plot(t, [r[1] for r in rows], "o-", label="A_vt = +1 (snn)")
    ax.plot(t, [r[2] for r in rows], "o-", label="A_vt = -1 (snn)")
    ax.plot(t, NEST_EXPERIMENT_A, "k+", ms=10, label="NEST 3.10")
    ax.plot(t, [2 - x for x in NEST_EXPERIMENT_A], "k+", ms=10)
    ax.set(xlabel="dopamine spike time t_vt [ms]", ylabel="weight at t = inf", title="A. weight vs dopamine timing")
    ax.legend()
    return save(fig, out, "a_weight_vs_dopamine_time.png")


def plot_b(result, out, plt):
    fig, ax = plt.subplots(4, 1, figsize=(10, 9), sharex=True)
    for k in range(result["n_neurons"]):
        ax[0].plot(result["t"], result["c"][:, k], lw=0.8)
        ax[1].plot(result["t"], result["w"][:, k], lw=0.8, label=f"{k + 1}")
        sel = result["senders"] == k
        ax[3].plot(result["times"][sel], torch.full((int(sel.sum()),), float(k + 1)), "|", ms=4)
    ax[2].plot(result["t"], result["n"], "k")
    for a in ax:
        for t in REWARD_TIMES:
            a.axvline(t, color="g", lw=0.6)
        for t in PUNISHMENT_TIMES:
            a.axvline(t, color="r", lw=0.6)
    ax[0].set(ylabel="eligibility c")
    ax[1].set(ylabel="weight w [mV]")
    ax[1].legend(ncol=5, fontsize=7)
    ax[2].set(ylabel="dopamine n")
    ax[3].set(ylabel="neuron", xlabel="time [ms]")
    fig.suptitle("B. reward (green) and punishment (red) of ten independent synapses")
    return save(fig, out, "b_traces_and_raster.png")


def plot_c(result, out, plt):
    fig, ax = plt.subplots(4, 1, figsize=(10, 10), sharex=True)
    t = result["t"]
    for k, label in enumerate(("S1 (rewarded)", "S2")):
        ax[0].plot(t, result["w"][:, k], label=label)
        ax[1].plot(t, result["c"][:, k], label=label)
    ax[0].plot(t, result["w_net"], "k--", label="all E synapses")
    ax[0].set(ylabel="mean outgoing w [pA]")
    ax[0].legend()
    ax[1].set(ylabel="sum of c")
    ax[2].plot(t, result["n"], "k")
    ax[2].set(ylabel="dopamine n")
    times, senders = result["E"]
    ax[3].plot(times, senders, ",", color="C0")
    times, senders = result["I"]
    ax[3].plot(times, senders + 800, ",", color="C3")
    ax[3].plot(result["dopamine"], [-20] * len(result["dopamine"]), "d", color="orange", ms=4)
    ax[3].set(ylabel="neuron (E, then I)", xlabel="time [ms]")
    fig.suptitle("C. cue association: S1's outgoing synapses are reinforced")
    return save(fig, out, "c_groups_and_raster.png")


def save(fig, out, name):
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, name)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    print(f"   wrote {path}")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", choices=["A", "B", "C"], default=["A", "B", "C"])
    ap.add_argument("--seeds", type=int, default=5, help="seeds for B and C (default 5)")
    ap.add_argument("--time", type=float, default=10000.0, help="C's simulated time in ms (default 10000)")
    ap.add_argument("--out", default="examples/out/nestml_dopamine")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()
    plt = None
    if not args.no_plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    seeds = list(range(1, args.seeds + 1))
    if "A" in args.only:
        rows = run_a()
        if plt:
            plot_a(rows, args.out, plt)
    if "B" in args.only:
        results = run_b(seeds)
        if plt:
            plot_b(results[0], args.out, plt)
    if "C" in args.only:
        results = run_c(seeds, T=args.time)
        if plt:
            plot_c(results[0], args.out, plt)


if __name__ == "__main__":
    main()
