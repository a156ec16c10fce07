"""Golden results: MD5 sums of fixed-seed spike trains, states and weights of the studies snn reproduces
(Brunel, Izhikevich 2007, Diehl & Cook, the NESTML dopamine tutorial) and of every model and rule.

Restructurings of the engine must leave every sum unchanged (bitwise the same results). The sums were
recorded before the layout change of issue 18 and are checked by tests/python/test_golden.py.

    PYTHONPATH=build/python /usr/bin/python3 tests/golden/golden.py            # print the sums
    PYTHONPATH=build/python /usr/bin/python3 tests/golden/golden.py --record   # rewrite golden.json
    PYTHONPATH=build/python /usr/bin/python3 tests/golden/golden.py --check    # compare with golden.json

Only the public Python API is used, so the script runs on any build of snn. Sizes are small (about a
minute in all on two cores) but every case goes through the code paths of the full-size studies:
event and matrix delivery, dense and sparse storage, one and per-synapse delays, batches, float32 and
float64, lazy and per-step DopamineSTDP. Results are hashed as raw bytes, so any change in any bit of
any value shows.
"""
import argparse
import hashlib
import json
import os
import sys

import torch

import snn

HERE = os.path.dirname(os.path.abspath(__file__))
RECORD = os.path.join(HERE, "golden.json")


def digest(*tensors) -> str:
    h = hashlib.md5()
    for t in tensors:
        t = t.detach().to("cpu").contiguous()
        h.update(str(tuple(t.shape)).encode())
        h.update(str(t.dtype).encode())
        h.update(t.numpy().tobytes())
    return h.hexdigest()


def events(monitor):
    e = monitor.events()
    return [e.steps, e.batch, e.senders]


# ---- studies --------------------------------------------------------------------------------------

def brunel(dtype):
    model = snn.models.BrunelDelta(scale=0.1, seed=3, dtype=dtype)
    model.run(200.0)
    return digest(*events(model.spikes_E), *events(model.spikes_I), model.E.V_m, model.I.V_m)


def izhikevich2007(plasticity="default", delay=1.0, rewards=True, steps=1500):
    model = snn.models.Izhikevich2007(plasticity=plasticity, delay=delay, seed=1)
    net = model.net
    spikes = net.monitor(model.E)
    for s in range(steps):
        if rewards and s % 250 == 100:
            net.set_signal("dopamine", 0.5)
        net.step()
    parts = events(spikes) + [model.EE.weight, model.EI.weight, model.IE.weight, model.E.V_m, model.E.U_m]
    if model.EE.plasticity is not None:
        parts += [v for _, v in sorted(model.EE.state.items())]
    return digest(*parts)


def izhikevich2007_dopamine_stdp(event_driven):
    model = snn.models.Izhikevich2007(plasticity=snn.DopamineSTDP(Wmax=4.0, A_plus=0.1, A_minus=0.15,
                                                                   event_driven=event_driven), seed=2)
    net = model.net
    da = net.add(snn.PoissonInput(1, rate=5.0), name="da")
    net.neuromodulator("dopamine", da, delay=1.0)
    spikes = net.monitor(model.E)
    net.run(1500.0)
    return digest(*events(spikes), model.EE.weight, model.EI.weight, *[v for _, v in sorted(model.EE.state.items())])


def diehl_cook(variant, batch_size, dtype=torch.float32):
    model = snn.models.DiehlAndCook2015(n_inputs=64, n_neurons=16, variant=variant, batch_size=batch_size, seed=5,
                                        dtype=dtype, time=100.0, rest=50.0 if batch_size == 1 else 0.0)
    gen = torch.Generator().manual_seed(7)
    images = (torch.rand(6, 64, generator=gen) ** 3 * 255.0).round()
    counts = model.present_stream(images)
    return digest(counts, model.input_projection.weight, model.exc.theta, model.exc.V_m)


def nestml_experiment_a(t_vt, A_vt):
    net = snn.Network(dt=0.1, dtype=torch.float64)
    pre_gen = net.add(snn.SpikeGeneratorInput(1, [[1.0]]))
    pre = net.add(snn.Parrot(1))
    net.connect(pre_gen, pre, delay=1.0)
    post_gen = net.add(snn.SpikeGeneratorInput(1, [[3.0]]))
    post = net.add(snn.LIF(1))
    net.connect(post_gen, post, weight=9999.0, delay=1.0)
    da_gen = net.add(snn.SpikeGeneratorInput(1, [[float(t_vt)]]))
    da = net.add(snn.Parrot(1))
    net.connect(da_gen, da, delay=1.0)
    net.neuromodulator("dopamine", da, delay=1.0)
    syn = net.connect(pre, post, weight=1.0, delay=0.5, plasticity=snn.DopamineSTDP(tau_plus=10.0, A_vt=A_vt))
    net.run(3000.0)
    return digest(syn.weight)


def nestml_experiment_b(event_driven):
    net = snn.Network(dt=0.1, seed=1)
    source = net.add(snn.PoissonInput(10, rate=50.0))
    parrots = net.add(snn.Parrot(10))
    neurons = net.add(snn.LIF(10))
    net.connect(source, parrots, "one_to_one", delay=1.0)
    syn = net.connect(parrots, neurons, "one_to_one", weight=5.6, delay=1.0,
                      plasticity=snn.DopamineSTDP(tau_n=50.0, tau_c=100.0, event_driven=event_driven))
    da_gen = net.add(snn.SpikeGeneratorInput(1, [[200.0, 300.0, 400.0, 800.0, 900.0]]))
    da = net.add(snn.Parrot(1))
    net.connect(da_gen, da, delay=1.0)
    net.neuromodulator("dopamine", da, delay=1.0)
    spikes = net.monitor(neurons)
    cs = []
    for i in range(20):
        syn.plasticity.A_vt = -10.0 if i >= 14 else 10.0
        net.run(50.0)
        cs.append(syn.state["c"].clone())
    return digest(*events(spikes), syn.weight, torch.stack(cs), syn.state["n"])


# ---- every model and rule -------------------------------------------------------------------------

def every_model(dtype, batch_size, device="cpu"):
    net = snn.Network(dt=0.1, batch_size=batch_size, dtype=dtype, seed=21, device=device)
    x = net.add(snn.PoissonInput(200, rate=40.0), name="x")
    g = net.add(snn.SpikeGeneratorInput(3, [[1.0, 5.0], [2.0], [3.0, 3.1]]), name="g")
    p = net.add(snn.Parrot(3), name="p")
    s = net.add(snn.SpikeInput(5), name="s")
    pops = [net.add(snn.LIF(50, I_e=200.0), name="lif"),
            net.add(snn.LIFExp(50), name="exp"),
            net.add(snn.LIFAlpha(50), name="alpha"),
            net.add(snn.AdaptiveLIF(50, one_spike=True), name="ada"),
            net.add(snn.AdaptiveLIF(50, tau_theta=50.0, theta_plus=1.0), name="ada2"),
            net.add(snn.Izhikevich(50, I_noise=5.0), name="izh"),
            net.add(snn.ConductanceLIF(50, t_lock=3.0), name="cond"),
            net.add(snn.ConductanceLIF(50, one_spike=True), name="cond1")]
    weights = {"lif": snn.init.normal(3.0, 2.0), "exp": snn.init.normal(60.0, 80.0), "alpha": snn.init.normal(60.0, 80.0),
               "ada": snn.init.normal(6.0, 2.0), "ada2": snn.init.normal(6.0, 2.0), "izh": snn.init.normal(6.0, 2.0),
               "cond": snn.init.normal(0.2, 0.3), "cond1": snn.init.normal(0.2, 0.3)}
    for pop in pops:
        net.connect(x, pop, "fixed_indegree", indegree=40, weight=weights[pop.name],
                    delay=snn.init.uniform(0.1, 2.0) if pop.name in ("exp", "cond") else None)
        net.connect(s, pop, "all_to_all", weight=2.0, delay=0.3)
    net.connect(g, p, "one_to_one")
    net.connect(p, pops[0], "all_to_all", weight=5.0)
    mons = [net.monitor(pop) for pop in [x, g, p, s] + pops]
    current = torch.linspace(0.0, 300.0, 50, dtype=dtype)
    spikes_in = (torch.rand(500, batch_size, 5, generator=torch.Generator().manual_seed(3)) < 0.02).to(dtype)
    net.run(50.0, inputs={"lif": current, "s": spikes_in})
    net.run(30.0, inputs={"exp": current.expand(batch_size, 50), "x": torch.full((batch_size, 200), 80.0, dtype=dtype)})
    net.reset_state()
    net.run(20.0)
    parts = []
    for m in mons:
        parts += events(m)
    for pop in pops:
        parts += [v for _, v in sorted(pop.state.items())]
    return digest(*parts)


RULES = {
    "stdp": lambda: snn.STDP(nu_pre=1e-3, nu_post=1e-2, w_min=0.0, w_max=5.0),
    "stdp_mult_nearest": lambda: snn.STDP(nu_pre=1e-3, nu_post=1e-2, w_min=0.0, w_max=5.0,
                                          weight_dependence="multiplicative", pairing="nearest"),
    "stdp_dc": lambda: snn.STDP(w_min=0.0, w_max=5.0, variant="diehl_cook"),
    "stdp_sweep": lambda: snn.STDP(nu_pre=1e-3, nu_post=1e-2, event_driven=False),
    "triplet": lambda: snn.TripletSTDP(A2_plus=1e-3, A3_minus=1e-4),
    "mstdp": lambda: snn.MSTDP(nu=0.05),
    "mstdpet": lambda: snn.MSTDPET(nu=0.05),
    "izh_da": lambda: snn.IzhikevichDASTDP(),
    "dopamine": lambda: snn.DopamineSTDP(A_plus=0.1, A_minus=0.15),
    "dopamine_step": lambda: snn.DopamineSTDP(A_plus=0.1, A_minus=0.15, event_driven=False),
}


def rule(name, storage, batch_size, dtype=torch.float32):
    net = snn.Network(dt=0.5, batch_size=batch_size, dtype=dtype, seed=4)
    x = net.add(snn.PoissonInput(60, rate=30.0), name="x")
    y = net.add(snn.LIF(40, I_e=300.0, V_th=-60.0), name="y")
    proj = net.connect(x, y, "pairwise_bernoulli", p=0.3, weight=snn.init.uniform(0.5, 3.0), storage=storage,
                       delay=snn.init.uniform(0.5, 3.0) if name in ("izh_da", "stdp") else 1.0,
                       plasticity=RULES[name]())
    signal = proj.plasticity.signal
    da = None
    if name in ("izh_da", "dopamine", "dopamine_step"):
        da = net.add(snn.PoissonInput(1, rate=20.0), name="da")
        net.neuromodulator(signal, da, delay=1.0)
    spikes = net.monitor(y)
    for k in range(6):
        if signal == "reward":
            net.set_signal(signal, torch.tensor([(-1.0) ** (k + b) for b in range(batch_size)]))
        net.run(50.0)
    return digest(*events(spikes), proj.weight, *[v for _, v in sorted(proj.state.items())])


def cases():
    out = {
        "brunel_f32": lambda: brunel(torch.float32),
        "brunel_f64": lambda: brunel(torch.float64),
        "izhikevich2007": lambda: izhikevich2007(),
        "izhikevich2007_delays": lambda: izhikevich2007(delay=snn.init.uniform(1.0, 20.0), steps=1000),
        "izhikevich2007_static": lambda: izhikevich2007(plasticity=None, rewards=False, steps=500),
        "izhikevich2007_dopamine_lazy": lambda: izhikevich2007_dopamine_stdp(True),
        "izhikevich2007_dopamine_step": lambda: izhikevich2007_dopamine_stdp(False),
        "diehl_cook_conductance_b1": lambda: diehl_cook("conductance", 1),
        "diehl_cook_conductance_b3": lambda: diehl_cook("conductance", 3),
        "diehl_cook_current_b1": lambda: diehl_cook("current", 1),
        "diehl_cook_current_b4_f64": lambda: diehl_cook("current", 4, torch.float64),
        "nestml_a_up": lambda: nestml_experiment_a(1000, 1.0),
        "nestml_a_down": lambda: nestml_experiment_a(2500, -1.0),
        "nestml_b_lazy": lambda: nestml_experiment_b(True),
        "nestml_b_step": lambda: nestml_experiment_b(False),
        "every_model_f32_b1": lambda: every_model(torch.float32, 1),
        "every_model_f64_b2": lambda: every_model(torch.float64, 2),
    }
    for name in RULES:
        for storage in ("dense", "sparse"):
            out[f"rule_{name}_{storage}_b1"] = (lambda n=name, s=storage: rule(n, s, 1))
        out[f"rule_{name}_dense_b3_f64"] = (lambda n=name: rule(n, "dense", 3, torch.float64))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="write the sums to golden.json")
    parser.add_argument("--check", action="store_true", help="compare with golden.json (exit 1 on a difference)")
    parser.add_argument("--only", nargs="*", help="case names")
    args = parser.parse_args()
    torch.set_num_threads(2)
    recorded = json.load(open(RECORD))["sums"] if args.check else {}
    sums, bad = {}, []
    for name, case in cases().items():
        if args.only and name not in args.only:
            continue
        sums[name] = case()
        status = ""
        if args.check:
            status = "ok" if recorded.get(name) == sums[name] else f"DIFFERS (recorded {recorded.get(name)})"
            if status != "ok":
                bad.append(name)
        print(f"{name:40s} {sums[name]} {status}", flush=True)
    if args.record:
        if args.only:  # the other cases keep their recorded sums
            sums = dict(json.load(open(RECORD))["sums"], **sums)
        json.dump({"torch": torch.__version__, "sums": sums}, open(RECORD, "w"), indent=1, sort_keys=True)
        print(f"recorded {len(sums)} sums in {RECORD}")
    if bad:
        print(f"{len(bad)} cases differ: {', '.join(bad)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
