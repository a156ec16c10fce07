"""Building a network, timed apart from simulating it: P1 (BindsNET's network, n up to 10000, every
weight form), Brunel (2000) at scale 1 and Diehl & Cook N = 400, against the same construction in the
peers that are installed (Brian2 here, in its runtime mode; NEST and BindsNET when importable); and
every random rule once at Brunel's size, against a copy of the arrays it writes.

A construction is timed from nothing to a network ready to run (populations, connections, weights).
The floor given for dense all-to-all is a copy of its weights (torch.clone of the [n, n] float32
tensor): what "building at memory speed" is measured against.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/construction.py [--sizes 1000 2000 5000 10000] \
        [--no-peers] [--record]
"""
import argparse
import time

import torch

import snn
from common import parse_args, report


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def p1_snn(n, weight):
    def build():
        net = snn.Network(dt=1.0, seed=0)
        x = net.add(snn.PoissonInput(n), name="X")
        y = net.add(snn.LIF(n, E_L=-65.0, V_reset=-65.0, V_th=-52.0, tau_m=100.0, t_ref=5.0), name="Y")
        net.connect(x, y, "all_to_all", weight=weight)
        return net
    return timed(build)[0]


def p1_brian2(n):
    import brian2 as b2
    b2.start_scope()
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"

    def build():
        P = b2.PoissonGroup(n, rates=10 * b2.Hz)
        G = b2.NeuronGroup(n, "dv/dt = (-65*mV - v) / (100*ms) : volt", threshold="v >= -52*mV", reset="v = -65*mV",
                           method="exact")
        S = b2.Synapses(P, G, "w : volt", on_pre="v_post += w")
        S.connect()
        S.w = "randn() * mV"
        return S
    return timed(build)[0]


def p1_bindsnet(n):
    from bindsnet.network import Network
    from bindsnet.network.nodes import Input, LIFNodes
    from bindsnet.network.topology import Connection

    def build():
        net = Network(dt=1.0)
        x, y = Input(n=n), LIFNodes(n=n)
        net.add_layer(x, name="X")
        net.add_layer(y, name="Y")
        net.add_connection(Connection(source=x, target=y, w=torch.randn(n, n)), source="X", target="Y")
        return net
    return timed(build)[0]


def p1_nest(n):
    import nest
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")

    def build():
        x = nest.Create("poisson_generator", n)
        y = nest.Create("iaf_psc_delta", n)
        nest.Connect(x, y, "all_to_all", {"synapse_model": "static_synapse", "weight": nest.random.normal(0.0, 1.0)})
    return timed(build)[0]


def brunel_snn():
    return timed(lambda: snn.models.BrunelDelta(1.0, seed=3))[0]


def brunel_brian2():
    import brian2 as b2
    b2.start_scope()
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"

    def build():
        NE, NI, CE, CI = 10000, 2500, 1000, 250
        G = b2.NeuronGroup(NE + NI, "dv/dt = -v / (20*ms) : volt (unless refractory)", threshold="v >= 20*mV",
                           reset="v = 0*mV", refractory=2 * b2.ms, method="exact")
        exc = b2.Synapses(G[:NE], G, on_pre="v_post += 0.1*mV")
        exc.connect(p=CE / NE)  # Brian2 has no fixed in-degree rule: Bernoulli with the same mean
        exc.delay = 1.5 * b2.ms
        inh = b2.Synapses(G[NE:], G, on_pre="v_post -= 0.5*mV")
        inh.connect(p=CI / NI)
        inh.delay = 1.5 * b2.ms
        return G
    return timed(build)[0]


def diehl_cook_snn():
    return timed(lambda: snn.models.DiehlAndCook2015(n_inputs=784, n_neurons=400, seed=0))[0]


U = snn.init.uniform
# Each random rule on one population of n neurons connected to itself (dense: a 5000-neuron one).
RULES = [
    ("pairwise_bernoulli p = 0.05, sparse", 12500, dict(rule="pairwise_bernoulli", p=0.05, weight=0.1, delay=1.5)),
    ("pairwise_bernoulli p = 0.5, dense", 5000, dict(rule="pairwise_bernoulli", p=0.5, weight=0.1, storage="dense")),
    ("fixed_indegree 1250, uniform weight and delay", 12500,
     dict(rule="fixed_indegree", indegree=1250, weight=U(0.0, 1.0), delay=U(1.0, 20.0))),
    ("fixed_outdegree 1250, uniform weight and delay", 12500,
     dict(rule="fixed_outdegree", outdegree=1250, weight=U(0.0, 1.0), delay=U(1.0, 20.0))),
    ("fixed_total_number N = 15.6 M", 12500, dict(rule="fixed_total_number", N=15_625_000, weight=0.1, delay=1.5)),
]


def rule_snn(n, kw):
    net = snn.Network(dt=0.5, seed=1)
    a = net.add(snn.LIF(n), name="a")
    kw = dict(kw)
    return timed(lambda: net.connect(a, a, kw.pop("rule"), **kw))


def best(repeats, fn, *args):
    return min(fn(*args) for _ in range(repeats))


def peer(fn, *args):
    try:
        return f"{best(1, fn, *args):.2f}"
    except ImportError:
        return "not installed"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--peer-max", type=int, default=5000, help="largest n the peers build (Brian2 at 10000: 1e8 "
                                                                  "synapses in numpy, minutes and gigabytes)")
    ap.add_argument("--record", action="store_true")
    args = parse_args(ap)
    rows = ["| network | snn [s] | floor: copy of the weights [s] | Brian2 [s] | NEST [s] | BindsNET [s] |",
            "|---|---|---|---|---|---|"]
    for n in args.sizes:
        weights = torch.rand(n, n)
        floor = best(args.repeats, lambda: timed(lambda: weights.clone())[0])
        forms = {"normal(0, 1)": snn.init.normal(0.0, 1.0), "scalar": 0.5, "tensor": torch.randn(n, n)}
        for name, weight in forms.items():
            wall = best(args.repeats, p1_snn, n, weight)
            peers = ["-"] * 3
            if name == "normal(0, 1)" and not args.no_peers and n <= args.peer_max:
                peers = [peer(p1_brian2, n), peer(p1_nest, n), peer(p1_bindsnet, n)]
            row = f"| P1 n = {n}, all_to_all, weight {name} | {wall:.3f} | {floor:.3f} | " + " | ".join(peers) + " |"
            print(row, flush=True)
            rows.append(row)
    wall = best(args.repeats, brunel_snn)
    peers = ["-"] * 3 if args.no_peers else [peer(brunel_brian2), "-", "-"]
    rows.append(f"| Brunel scale 1 (12500 neurons, 15.6 M synapses, fixed_indegree) | {wall:.3f} | - | " + " | ".join(peers) + " |")
    print(rows[-1], flush=True)
    wall = best(args.repeats, diehl_cook_snn)
    rows.append(f"| Diehl & Cook N = 400 (784 x 400 dense + 400 x 400) | {wall:.3f} | - | - | - | - |")
    print(rows[-1], flush=True)
    for name, n, kw in RULES:
        wall, syn = min((rule_snn(n, kw) for _ in range(args.repeats)), key=lambda r: r[0])
        if syn.storage == "sparse":  # the floor: a copy of the targets (int32) and weights (float32)
            arrays = (torch.zeros(syn.num_synapses, dtype=torch.int32), torch.rand(syn.num_synapses))
        else:  # weights and synapse counts per entry
            arrays = (torch.rand(n, n), torch.rand(n, n))
        floor = best(args.repeats, lambda: timed(lambda: [x.clone() for x in arrays])[0])
        rows.append(f"| {name} ({n} neurons, {syn.num_synapses / 1e6:.1f} M synapses) | {wall:.3f} | {floor:.3f} | - | - | - |")
        print(rows[-1], flush=True)
        del syn
    report("Construction (network building, apart from simulation)", rows,
           "Best of --repeats builds. Brian2 in runtime mode with the numpy target (its construction; "
           "its standalone mode builds in generated C++ at run time). The floor is a copy of [n, n] float32 "
           "(P1) or of the arrays a rule writes (sparse: targets and weights; dense: weights and counts), "
           "torch.clone into fresh memory.",
           args.record)


if __name__ == "__main__":
    main()
