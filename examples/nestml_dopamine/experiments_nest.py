"""The NESTML dopamine tutorial's experiments B and C written in PyNEST (seed 002), with NEST's built-in
stdp_dopamine_synapse and volume_transmitter in place of the NESTML-generated models, run on snn.nest
(only the import differs from a NEST script). experiments.py runs the same experiments with snn's own
API; both give the same outcomes (tests/python/test_nest.py):

B. ten iaf_psc_delta neurons, each driven by a 50 Hz poisson_generator through a parrot_neuron and a
   plastic synapse (weight 5.6, tau_n 50 ms, tau_c 100 ms); dopamine spikes at 2, 3, 4 s are rewards
   (A_vt = +10) and at 8, 9, 10 s punishments (A_vt = -10), switched between 30 ms chunks with
   ``syn.set({"A_vt": ...})`` inside Prepare / Run / Cleanup as the tutorial does. The rates rise after
   the rewards and fall after the punishments.
C. 800 E / 200 I iaf_psc_exp neurons with fixed in-degree 80 E (plastic, 300 pA) and 20 I (-1200 pA),
   one 5 Hz poisson_generator of 2500 pA onto all of them, two stimuli of 50 excitatory neurons each
   presented at 5 Hz in random order, a dopamine spike 10-29 ms after each presentation of S1; the
   synapses leaving S1's neurons end up stronger than those leaving S2's.

A_vt (NESTML's name for the dopamine per spike) is an snn.nest extension of stdp_dopamine_synapse: in
NEST's built-in model every dopamine spike counts 1 (A_vt = 1, the default here).

    PYTHONPATH=build/python /usr/bin/python3 examples/nestml_dopamine/experiments_nest.py [--only B C]
        [--seeds 3] [--out examples/out/nestml_dopamine] [--no-plot]
"""
import argparse
import os
import random

import numpy as np

import snn.nest as nest  # was: import nest

REWARD_TIMES = [2000.0, 3000.0, 4000.0]
PUNISHMENT_TIMES = [8000.0, 9000.0, 10000.0]


def experiment_b(seed=1, sim_time=12000.0, n_chunks=400, n_neurons=10):
    nest.ResetKernel()
    nest.set_verbosity("M_WARNING")
    nest.SetKernelStatus({"resolution": 0.1, "rng_seed": seed})
    neurons = nest.Create("iaf_psc_delta", n_neurons)
    poisson_gen = nest.Create("poisson_generator", n_neurons, params={"rate": 50.0})
    parrot_neurons = nest.Create("parrot_neuron", n_neurons)
    vt_sg = nest.Create("spike_generator", params={"spike_times": REWARD_TIMES + PUNISHMENT_TIMES})
    spike_rec = nest.Create("spike_recorder")
    spike_rec_vt = nest.Create("spike_recorder")
    vt = nest.Create("volume_transmitter")
    vt_parrot = nest.Create("parrot_neuron")
    nest.Connect(vt_sg, vt_parrot, syn_spec={"weight": -1.0})
    nest.Connect(vt_parrot, vt, syn_spec={"synapse_model": "static_synapse", "weight": 1.0, "delay": 1.0})
    vt_gid = vt.get("global_id")
    mms = [nest.Create("multimeter", params={"record_from": ["V_m"]}) for _ in range(n_neurons)]
    wr = nest.Create("weight_recorder")
    nest.CopyModel("stdp_dopamine_synapse", "stdp_rec",
                   {"weight_recorder": wr[0], "weight": 5.6, "delay": 1.0, "receptor_type": 0, "vt": vt_gid,
                    "tau_n": 50.0, "tau_c": 100.0})
    nest.Connect(poisson_gen, parrot_neurons, "one_to_one")
    nest.Connect(parrot_neurons, neurons, "one_to_one", syn_spec="stdp_rec")
    nest.Connect(neurons, spike_rec)
    nest.Connect(vt_parrot, spike_rec_vt)
    for i in range(n_neurons):
        nest.Connect(mms[i], neurons[i])

    recordables = ["c", "n", "weight"]
    syn = nest.GetConnections(target=neurons, synapse_model="stdp_rec")
    log = {rec: [syn.get(rec)] for rec in recordables}
    log["t"] = [nest.GetKernelStatus("biological_time")]
    nest.Prepare()
    for i in range(n_chunks):
        if (i + 1) * sim_time / n_chunks > PUNISHMENT_TIMES[0]:
            syn.set({"A_vt": -10.0})
        else:
            syn.set({"A_vt": 10.0})
        nest.Run(sim_time // n_chunks)
        log["t"].append(nest.GetKernelStatus("biological_time"))
        for rec in recordables:
            log[rec].append(syn.get(rec))
    nest.Cleanup()
    events = spike_rec.get("events")
    return dict(log={k: np.array(v) for k, v in log.items()}, times=events["times"], senders=events["senders"],
                vt_times=spike_rec_vt.get("events")["times"], weight_events=wr.get("events"),
                n_neurons=n_neurons, first=neurons[0].get("global_id"))


def rates_b(result):
    """Mean rate [Hz] before the rewards (0-2 s), after them (4-8 s), after the punishments (10-12 s)."""
    t = result["times"]
    window = lambda a, b: ((t >= a) & (t < b)).sum() / result["n_neurons"] / ((b - a) / 1000)
    return window(0.0, 2000.0), window(4000.0, 8000.0), window(10000.0, 12000.0)


def experiment_c(seed=1, total_t_sim=10000.0, n_chunks=100, NE=800, NI=200, subgroup_size=50):
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    nest.ResetKernel()
    nest.set_verbosity("M_WARNING")
    nest.local_num_threads = 2
    nest.resolution = 0.1
    nest.rng_seed = seed
    nest.overwrite_files = True
    common = {"C_m": 300.0, "tau_m": 10.0, "tau_syn_ex": 1.0, "tau_syn_in": 1.0, "E_L": -65.0, "V_reset": -70.0,
              "V_m": -65.0}
    nodes_ex = nest.Create("iaf_psc_exp", NE, params=dict(common, V_th=-55.4, t_ref=4.0))
    nodes_in = nest.Create("iaf_psc_exp", NI, params=dict(common, V_th=-56.4, t_ref=2.0))
    noise = nest.Create("poisson_generator", params={"rate": 5.0})
    vt_sg = nest.Create("spike_generator", params={"spike_times": [], "allow_offgrid_times": True})
    espikes = nest.Create("spike_recorder")
    ispikes = nest.Create("spike_recorder")
    vt = nest.Create("volume_transmitter")
    vt_parrot = nest.Create("parrot_neuron")
    nest.Connect(vt_sg, vt_parrot)
    nest.Connect(vt_parrot, vt, syn_spec={"synapse_model": "static_synapse", "weight": 1.0, "delay": 1.0})
    wr = nest.Create("weight_recorder")
    nest.CopyModel("stdp_dopamine_synapse", "excitatory",
                   {"weight_recorder": wr, "weight": 300.0, "delay": 1.0, "receptor_type": 0, "vt": vt.get("global_id"),
                    "A_plus": 0.1, "A_minus": 0.15, "tau_n": 200.0, "tau_c": 200.0, "Wmax": 1e6})
    nest.CopyModel("static_synapse", "inhibitory", {"weight": -1200.0, "delay": 1.0})
    nest.CopyModel("static_synapse", "poisson", {"weight": 2500.0, "delay": 1.0})
    subgroup_indices = [np.sort(np_rng.choice(NE, size=subgroup_size, replace=False)) for _ in range(2)]
    stim_sg = nest.Create("spike_generator", 2)
    stim_parrots = nest.Create("parrot_neuron", 2)
    nest.Connect(noise, nodes_ex + nodes_in, syn_spec="poisson")
    nest.Connect(stim_sg, stim_parrots, "one_to_one")
    for i in range(2):
        nest.Connect(stim_parrots[i], nodes_ex[subgroup_indices[i]], "all_to_all", syn_spec={"weight": 5000.0})
    nest.Connect(nodes_ex, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": 80}, "excitatory")
    nest.Connect(nodes_in, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": 20}, "inhibitory")
    nest.Connect(nodes_ex, espikes, syn_spec="static_synapse")
    nest.Connect(nodes_in, ispikes, syn_spec="static_synapse")

    # The stimulus stream: exponential gaps (>= 10 ms, rounded to ms), a random group each time, dopamine
    # 10-29 ms after each presentation of group 0.
    t_dopa, t_stim, t = [], [[], []], 0.0
    while t < total_t_sim:
        t += max(10.0, np.round(rng.expovariate(5.0) * 1000))
        group = rng.randrange(2)
        t_stim[group].append(t)
        if group == 0:
            t_dopa.append(t + 10.0 + rng.randrange(20))
    for i in range(2):
        stim_sg[i].spike_times = sorted(t_stim[i])
    vt_sg.spike_times = sorted(t_dopa)

    log = {"t": [], "w_net": [], "S1": [], "S2": []}
    groups = [nodes_ex[subgroup_indices[0]], nodes_ex[subgroup_indices[1]]]
    nest.Prepare()
    for _ in range(n_chunks):
        nest.Run(total_t_sim // n_chunks)
        log["t"].append(nest.GetKernelStatus("biological_time"))
        log["w_net"].append(np.mean(nest.GetConnections(source=nodes_ex, synapse_model="excitatory").weight))
        for name, group in zip(("S1", "S2"), groups):
            log[name].append(np.mean(nest.GetConnections(source=group, synapse_model="excitatory").get("weight")))
    nest.Cleanup()
    ev = espikes.get("events")
    return dict(log={k: np.array(v) for k, v in log.items()}, times=ev["times"], senders=ev["senders"],
                rate_E=espikes.n_events / NE / (total_t_sim / 1000), rate_I=ispikes.n_events / NI / (total_t_sim / 1000),
                n_dopa=len(t_dopa), n_stim=[len(s) for s in t_stim], weight_events=len(wr.get("events")["times"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", default=["B", "C"], choices=["B", "C"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", default="examples/out/nestml_dopamine")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()
    results = {}
    if "B" in args.only:
        print("B. ten neurons, 50 Hz Poisson drive, reward at 2-4 s, punishment at 8-10 s: mean rate [Hz]")
        results["B"] = []
        for seed in range(1, args.seeds + 1):
            r = experiment_b(seed)
            before, rewarded, punished = rates_b(r)
            results["B"].append(r)
            print(f"   seed {seed}: before {before:5.2f}, after the rewards {rewarded:5.2f}, after the punishments "
                  f"{punished:5.2f}; weights 5.6 -> {' '.join(f'{w:.1f}' for w in r['log']['weight'][-1])}; "
                  f"{len(r['weight_events']['times'])} weight_recorder events")
    if "C" in args.only:
        print("C. 800 E / 200 I network, S1 rewarded, 10 s: mean outgoing weight of each group [pA]")
        results["C"] = []
        for seed in range(1, args.seeds + 1):
            r = experiment_c(seed)
            results["C"].append(r)
            s1, s2 = r["log"]["S1"][-1], r["log"]["S2"][-1]
            print(f"   seed {seed}: S1 {s1:.3f}, S2 {s2:.3f} (S1 - S2 = {s1 - s2:+.3f}); network {r['log']['w_net'][-1]:.3f}; "
                  f"rates E {r['rate_E']:.2f} Hz, I {r['rate_I']:.2f} Hz; {r['n_dopa']} dopamine spikes")
    if args.no_plot:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import snn.plot
    os.makedirs(args.out, exist_ok=True)
    if "B" in results:
        r = results["B"][0]
        fig, ax = plt.subplots(3, 1, figsize=(10, 8), sharex=True)
        snn.plot.raster((r["times"], r["senders"]), hist=True, bin_ms=200.0, ax=ax[:2], n_neurons=r["n_neurons"],
                        title="B (PyNEST on snn.nest): neurons, dopamine at 2-4 s (+) and 8-10 s (-)")
        ax[2].plot(r["log"]["t"], r["log"]["weight"])
        ax[2].set(xlabel="time [ms]", ylabel="weight")
        path = os.path.join(args.out, "experiment_b_nest.png")
        fig.savefig(path, dpi=80)
        print(f"wrote {path}")
    if "C" in results:
        r = results["C"][0]
        fig, ax = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
        snn.plot.raster((r["times"], r["senders"]), hist=False, ax=ax[0], markersize=0.5,
                        title="C (PyNEST on snn.nest): excitatory neurons")
        for name in ("S1", "S2"):
            ax[1].plot(r["log"]["t"], r["log"][name], label=f"{name} (S1 rewarded)" if name == "S1" else name)
        ax[1].plot(r["log"]["t"], r["log"]["w_net"], "k--", label="network")
        ax[1].set(xlabel="time [ms]", ylabel="mean outgoing weight [pA]")
        ax[1].legend()
        path = os.path.join(args.out, "experiment_c_nest.png")
        fig.savefig(path, dpi=80)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
