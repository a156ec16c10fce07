"""Side-by-side benchmarks: snn against every peer simulator that is importable, on the same network,
in the same run, on this machine.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/compare.py [--only P1 P2 P3] [--quick] [--record] [--no-peers]

P1  BindsNET's benchmark network: n Poisson inputs at U(0, 100) Hz, all-to-all onto n LIF neurons
    (BindsNET's LIFNodes: rest/reset -65 mV, threshold -52 mV, tau 100 ms, refractory 5 ms), weights
    N(0, 1) mV, dt 1 ms, 1000 ms; n = 1000, 2500, 5000, 10000.
P2  Izhikevich (2007): 800 regular- and 200 fast-spiking Izhikevich neurons, 100 synapses each
    (excitatory onto any neuron, inhibitory onto excitatory), noise 13 (U - 1/2), dt 1 ms, excitatory
    synapses plastic (IzhikevichDASTDP, and DopamineSTDP), delay 1 ms or uniform 1-20 ms, a dopamine
    reward every second: simulated seconds per wall second.
P3  Brunel (2000) balanced network with NEST's brunel_delta parameters at scale s (NE = 10000 s,
    NI = 2500 s, in-degrees 1000 s and 250 s, 20 kHz Poisson drive per neuron, h = 0.1 ms), 1 s.

Peers: Brian2 (runtime and C++ standalone with 2 OpenMP threads), NEST (2 threads) and BindsNET are run
when importable; the script says which it skipped. Peer times are their simulation times (network
construction excluded), as snn's are. Each case also prints the bandwidth floor: the bytes the run must
touch (weights of every delivered spike's row, synapse data, neuron state) divided by this machine's
measured copy bandwidth.
"""
import argparse
import os
import sys
import tempfile
import time

import torch

import snn
from common import invocation, machine, parse_args, record

THREADS = 2  # CPU threads of snn and of every peer (--threads)

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- machine ------------------------------------------------------------------------------------

def copy_bandwidth() -> float:
    """Bytes moved per second (read + write) by a large tensor copy, with the current threads."""
    src = torch.ones(64 * 1024 * 1024)  # 256 MB
    dst = torch.empty_like(src)
    best = 0.0
    for _ in range(5):
        t = time.perf_counter()
        dst.copy_(src)
        best = max(best, 2 * src.numel() * 4 / (time.perf_counter() - t))
    return best


def peers():
    found = {}
    try:
        import brian2  # noqa: F401
        found["brian2"] = brian2.__version__
    except ImportError:
        pass
    for name in ("nest", "bindsnet"):
        try:
            module = __import__(name)
            found[name] = getattr(module, "__version__", "?")
        except ImportError:
            pass
    return found


# ---- P1 -----------------------------------------------------------------------------------------

LIF_BINDSNET = dict(E_L=-65.0, V_reset=-65.0, V_th=-52.0, tau_m=100.0, t_ref=5.0)


def p1_rates(n, seed=0):
    return torch.rand(n, generator=torch.Generator().manual_seed(seed)) * 100.0


def settle_cpu(seconds=0.5):
    """Busy-waits before a timed section: on this VM a core that was idle (a peer's compile, a sleep)
    runs a short benchmark up to 2x slower until its clock has ramped up (measured: P2 went from 91x to
    59x real time after a 10 s sleep)."""
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end:
        x += 1
    return x


def p1_snn(n):
    net = snn.Network(dt=1.0, seed=0)
    x = net.add(snn.PoissonInput(n), name="X")
    y = net.add(snn.LIF(n, **LIF_BINDSNET), name="Y")
    net.connect(x, y, "all_to_all", weight=snn.init.normal(0.0, 1.0))
    inputs = net.monitor(x)
    spikes = net.monitor(y)
    rates = p1_rates(n)
    settle_cpu()
    t = time.perf_counter()
    net.run(1000.0, inputs={"X": rates})
    wall = time.perf_counter() - t
    # Floor: every input spike reads its row of n float32 weights.
    return wall, dict(spikes=spikes.num_events, touched=inputs.num_events * n * 4)


def p1_brian2(n, standalone):
    import brian2 as b2
    b2.start_scope()
    workdir = tempfile.mkdtemp(prefix="snn_b2_p1_")
    if standalone:
        b2.set_device("cpp_standalone", directory=workdir, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = THREADS
    else:
        b2.set_device("runtime")
    b2.defaultclock.dt = 1 * b2.ms
    P = b2.PoissonGroup(n, rates=p1_rates(n).numpy() * b2.Hz)
    # NEST's iaf_psc_delta semantics: input during refractoriness dropped; refractory one step longer
    # in Brian (NEST clamps t_ref/h steps after the spike step).
    G = b2.NeuronGroup(n, "dv/dt = (-65*mV - v) / (100*ms) : volt (unless refractory)", threshold="v >= -52*mV",
                       reset="v = -65*mV", refractory=6 * b2.ms, method="exact")
    G.v = -65 * b2.mV
    S = b2.Synapses(P, G, "w : volt", on_pre="v_post += w * int(not_refractory_post)")
    S.connect()
    S.w = "randn() * mV"
    M = b2.SpikeMonitor(G)
    if standalone:
        b2.run(1000 * b2.ms)
        return brian2_standalone_result(b2, workdir, lambda: dict(spikes=int(M.num_spikes)))
    b2.run(1 * b2.ms)  # code generation and compilation before timing
    t = time.perf_counter()
    b2.run(999 * b2.ms)
    return time.perf_counter() - t, dict(spikes=int(M.num_spikes))


def brian2_standalone_result(b2, workdir, summary):
    """Builds and runs a Brian2 standalone project; returns its own simulation time and a summary read
    before the device is reset for the next peer run."""
    b2.device.build(directory=workdir, compile=True, run=True, debug=False)
    wall = float(open(os.path.join(workdir, "results", "last_run_info.txt")).read().split()[0])
    info = summary()
    b2.device.reinit()
    b2.device.activate()
    b2.set_device("runtime")
    return wall, info


def p1_nest(n):
    import nest
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 1.0, "local_num_threads": THREADS, "print_time": False})
    pg = nest.Create("poisson_generator", n, params=[{"rate": float(r)} for r in p1_rates(n)])
    parrots = nest.Create("parrot_neuron", n)
    nest.Connect(pg, parrots, "one_to_one")
    lif = nest.Create("iaf_psc_delta", n, params=dict(LIF_BINDSNET, C_m=250.0, V_m=-65.0))
    nest.Connect(parrots, lif, "all_to_all", {"synapse_model": "static_synapse",
                                              "weight": nest.random.normal(0.0, 1.0), "delay": 1.0})
    rec = nest.Create("spike_recorder")
    nest.Connect(lif, rec)
    nest.Simulate(1.0)
    settle_cpu()
    t = time.perf_counter()
    nest.Simulate(999.0)
    return time.perf_counter() - t, dict(spikes=nest.GetStatus(rec, "n_events")[0])


def p1_bindsnet(n):
    from bindsnet.encoding import poisson
    from bindsnet.network import Network
    from bindsnet.network.nodes import Input, LIFNodes
    from bindsnet.network.topology import Connection
    net = Network(dt=1.0)
    net.add_layer(Input(n=n), name="X")
    net.add_layer(LIFNodes(n=n), name="Y")
    net.add_connection(Connection(source=net.layers["X"], target=net.layers["Y"], w=torch.randn(n, n)),
                       source="X", target="Y")
    data = {"X": poisson(datum=p1_rates(n), time=1000)}
    settle_cpu()
    t = time.perf_counter()
    net.run(inputs=data, time=1000)
    return time.perf_counter() - t, {}


# ---- P2 -----------------------------------------------------------------------------------------

def p2_snn(rule, delays, seconds):
    """snn.models.Izhikevich2007. With 1-20 ms delays IzhikevichDASTDP pairs at each synapse's arrival
    times (spnet.m); DopamineSTDP keeps a 1 ms dendritic delay."""
    delay = 1.0 if delays == "1 ms" else snn.init.uniform(0.5, 20.5)  # rounded: 1 .. 20 ms
    plasticity = snn.IzhikevichDASTDP() if rule == "IzhikevichDASTDP" else snn.DopamineSTDP(Wmax=4.0, delay=1.0)
    model = snn.models.Izhikevich2007(plasticity=plasticity, delay=delay, seed=1)
    net = model.net
    se, si = net.monitor(model.E), net.monitor(model.I)
    net.run(1000.0)  # warm up
    settle_cpu()
    t = time.perf_counter()
    for _ in range(seconds):
        net.set_signal("dopamine", 0.5)
        net.run(1000.0)
    wall = time.perf_counter() - t
    rate = (se.num_events + si.num_events) / 1000.0 / (seconds + 1)
    synapses = sum(p.num_synapses for p in net.projections)
    events = rate * 1000 * seconds * 100
    return wall, dict(rate=rate, touched=int(events * 12 + synapses * 8 * 2 * seconds * 100 + 1000 * 16 * seconds * 1000))


def p2_brian2(delays, seconds):
    """The same network in Brian2's C++ standalone mode, Izhikevich's integration scheme and
    DA-STDP written as Brian2 code."""
    import brian2 as b2
    import numpy as np
    b2.start_scope()
    workdir = tempfile.mkdtemp(prefix="snn_b2_p2_")
    b2.set_device("cpp_standalone", directory=workdir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = THREADS
    b2.defaultclock.dt = 1 * b2.ms
    Ne, Ni = 800, 200
    G = b2.NeuronGroup(Ne + Ni, """v : 1
                                    u : 1
                                    a : 1
                                    d : 1
                                    I : 1
                                    trace : 1""", threshold="v >= 30", reset="v = -65; u += d; trace = 0.1",
                       method="euler")
    G.v = -65
    G.a = np.r_[np.full(Ne, 0.02), np.full(Ni, 0.1)]
    G.d = np.r_[np.full(Ne, 8.0), np.full(Ni, 2.0)]
    G.u = 0.2 * G.v
    G.run_regularly("""I += 13 * (rand() - 0.5)
                       v += 0.5 * ((0.04 * v + 5) * v + 140 - u + I)
                       v += 0.5 * ((0.04 * v + 5) * v + 140 - u + I)
                       u += a * (0.2 * v - u)
                       I = 0
                       trace *= 0.95""", when="groups")
    # Dopamine: one shared value of the excitatory synapses, decaying by 0.995 per ms, a reward of 0.5
    # every second.
    exc = b2.Synapses(G[:Ne], G, """w : 1
                                   sd : 1
                                   da : 1 (shared)""",
                      on_pre="I_post += w; sd -= 1.5 * trace_post", on_post="sd += trace_pre")
    exc.connect(j="k for k in sample(N_post, size=100)")
    exc.w = 1.0
    exc.delay = "1*ms" if delays == "1 ms" else "(1 + floor(20 * rand())) * ms"
    exc.run_regularly("da = da * 0.995 + 0.5 * int(abs((t / ms) % 1000) < 0.5)", dt=1 * b2.ms)
    exc.run_regularly("w = clip(w + (0.002 + da) * sd, 0, 4); sd *= 0.99", dt=10 * b2.ms)
    inh = b2.Synapses(G[Ne:], G[:Ne], on_pre="I_post -= 1")
    inh.connect(j="k for k in sample(N_post, size=100)")
    inh.delay = 1 * b2.ms
    M = b2.SpikeMonitor(G)
    b2.run((seconds + 1) * b2.second)
    wall, info = brian2_standalone_result(b2, workdir, lambda: dict(rate=int(M.num_spikes) / 1000.0 / (seconds + 1)))
    return wall * seconds / (seconds + 1), info


# ---- P3 -----------------------------------------------------------------------------------------

def brunel_sizes(scale):
    return int(round(10000 * scale)), int(round(2500 * scale)), int(round(1000 * scale)), int(round(250 * scale))


def p3_snn(scale):
    model = snn.models.BrunelDelta(scale, seed=3)
    settle_cpu()
    r = model.run(1000.0)
    events = (r["rate_E"] * model.NE * (model.NE + model.NI) * model.CE / model.NE
              + r["rate_I"] * model.NI * (model.NE + model.NI) * model.CI / model.NI)
    return r["wall"], dict(rate=r["rate"], cv=r["cv"], synapses=r["synapses"],
                           touched=int(events * 8 + (model.NE + model.NI) * 10000 * 16))


def p3_brian2(scale):
    import brian2 as b2
    b2.start_scope()
    workdir = tempfile.mkdtemp(prefix="snn_b2_p3_")
    b2.set_device("cpp_standalone", directory=workdir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = THREADS
    b2.defaultclock.dt = 0.1 * b2.ms
    NE, NI, CE, CI = brunel_sizes(scale)
    G = b2.NeuronGroup(NE + NI, "dv/dt = -v / (20*ms) : volt (unless refractory)", threshold="v >= 20*mV",
                       reset="v = 0*mV", refractory=2.1 * b2.ms, method="exact")
    G.v = "20*mV * rand()"
    drive = b2.PoissonInput(G, "v", N=1000, rate=20 * b2.Hz, weight=0.1 * b2.mV)  # noqa: F841 (Brian2 finds it by name)
    # Brian2 has no fixed in-degree rule: pairwise Bernoulli with the same mean in-degree.
    exc = b2.Synapses(G[:NE], G, on_pre="v_post += 0.1*mV")
    exc.connect(p=CE / NE)
    exc.delay = 1.5 * b2.ms
    inh = b2.Synapses(G[NE:], G, on_pre="v_post -= 0.5*mV")
    inh.connect(p=CI / NI)
    inh.delay = 1.5 * b2.ms
    M = b2.SpikeMonitor(G)
    b2.run(1 * b2.second)
    return brian2_standalone_result(b2, workdir, lambda: dict(rate=int(M.num_spikes) / (NE + NI)))


# ---- driver -------------------------------------------------------------------------------------

def peer_cells(peer_t, found, wall, names):
    """Table cells: each peer's time ("-": not importable, "n/a": not run or failed), then the best
    peer's time over snn's."""
    times = {k: v[0] for k, v in peer_t.items() if v}
    cells = [f"{times[k]:.3f}" if k in times else ("-" if k.split()[0].lower() not in found else "n/a") for k in names]
    best = min(times.values()) if times else float("nan")
    return " | ".join(cells) + f" | {best / wall:.1f}x |"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", default=["P1", "P2", "P3"])
    ap.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    ap.add_argument("--record", action="store_true", help="append the tables to benchmarks/RESULTS.md")
    ap.add_argument("--no-peers", action="store_true", help="time snn only (e.g. to compare two builds of snn)")
    args = parse_args(ap)
    global THREADS
    THREADS = args.threads

    found = {} if args.no_peers else peers()
    why = "not run: --no-peers" if args.no_peers else "not importable"
    skipped = [p for p in ("brian2", "nest", "bindsnet") if p not in found]
    bw = copy_bandwidth()
    print(f"machine: {machine()}")
    print(f"copy bandwidth: {bw / 1e9:.1f} GB/s; peers: {found or 'none'}; skipped ({why}): {', '.join(skipped) or 'none'}")
    tables = []

    def run_peer(label, fn, *a):
        try:
            return fn(*a)
        except Exception as e:  # a peer's failure is reported, not fatal
            print(f"    {label} failed: {type(e).__name__}: {e}")
            return None

    def run_peers(peers):
        """{label: (module, function, args)} -> {label: (seconds, info) or None} for the importable ones."""
        return {label: run_peer(label, fn, *a) for label, (module, fn, a) in peers.items() if module in found}

    def timings(peer_t, wall, unit):
        """The peers' times and ratios for the printed line; unit(info) adds what each peer measured."""
        return " ".join(f"{k} {v[0]:.3f} s ({v[0] / wall:.1f}x, {unit(v[1])})" for k, v in peer_t.items() if v)

    if "P1" in args.only:
        rows = ["| n | snn [s] | floor [s] | snn / floor | Brian2 standalone [s] | Brian2 runtime [s] | NEST [s] | BindsNET [s] | best peer / snn |",
                "|---|---|---|---|---|---|---|---|---|"]
        for n in ([1000, 2500] if args.quick else [1000, 2500, 5000, 10000]):
            wall, info = p1_snn(n)
            floor = info["touched"] / bw
            wanted = {"Brian2 standalone": ("brian2", p1_brian2, (n, True)), "NEST": ("nest", p1_nest, (n,)),
                      "BindsNET": ("bindsnet", p1_bindsnet, (n,))}
            if n <= 2500:  # Brian2's runtime mode takes minutes beyond
                wanted["Brian2 runtime"] = ("brian2", p1_brian2, (n, False))
            peer_t = run_peers(wanted)
            print(f"P1 n={n}: snn {wall:.3f} s, {info['spikes']} spikes (floor {floor:.3f} s, {wall / floor:.2f}x) "
                  + timings(peer_t, wall, lambda i: f"{i.get('spikes', '?')} spikes"), flush=True)
            rows.append(f"| {n} | {wall:.3f} | {floor:.3f} | {wall / floor:.2f} | "
                        + peer_cells(peer_t, found, wall, ["Brian2 standalone", "Brian2 runtime", "NEST", "BindsNET"]))
        tables.append(("P1 BindsNET's benchmark network, 1000 ms at dt 1 ms", rows))

    if "P2" in args.only:
        seconds = 5 if args.quick else 30
        rows = ["| rule | delays | snn: simulated s / wall s | rate [Hz] | Brian2 standalone: simulated s / wall s |",
                "|---|---|---|---|---|"]
        for rule in ("IzhikevichDASTDP", "DopamineSTDP"):
            for delays in ("1 ms", "1-20 ms"):
                wall, info = p2_snn(rule, delays, seconds)
                peer = run_peer("Brian2", p2_brian2, delays, seconds) if ("brian2" in found and rule == "IzhikevichDASTDP") else None
                speed = seconds / wall
                peer_s = f"{seconds / peer[0]:.0f}" if peer else ("-" if "brian2" not in found else "n/a")
                print(f"P2 {rule}, delays {delays}: snn {speed:.0f}x real time ({info['rate']:.1f} Hz)"
                      + (f"; Brian2 {seconds / peer[0]:.0f}x ({peer[1]['rate']:.1f} Hz)" if peer else ""), flush=True)
                rows.append(f"| {rule} | {delays} | {speed:.0f} | {info['rate']:.1f} | {peer_s} |")
        tables.append((f"P2 Izhikevich (2007) network with dopamine-modulated STDP, {seconds} s simulated", rows))

    if "P3" in args.only:
        rows = ["| scale | neurons | synapses | snn [s] | floor [s] | rate [Hz] | CV ISI | Brian2 standalone [s] | NEST [s] | best peer / snn |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for scale in ([0.1, 0.25] if args.quick else [0.1, 0.25, 0.5, 1.0]):
            wall, info = p3_snn(scale)
            floor = info["touched"] / bw
            peer_t = run_peers({"Brian2 standalone": ("brian2", p3_brian2, (scale,))})
            NE, NI, _, _ = brunel_sizes(scale)
            print(f"P3 scale {scale}: snn {wall:.3f} s, {info['rate']:.1f} Hz, CV {info['cv']:.3f}, "
                  f"{info['synapses']} synapses (floor {floor:.3f} s) "
                  + timings(peer_t, wall, lambda i: f"{i['rate']:.1f} Hz"), flush=True)
            rows.append(f"| {scale} | {NE + NI} | {info['synapses']} | {wall:.3f} | {floor:.3f} | {info['rate']:.1f} | "
                        f"{info['cv']:.3f} | " + peer_cells(peer_t, found, wall, ["Brian2 standalone", "NEST"]))
        tables.append(("P3 Brunel balanced network (brunel_delta), 1 s at h 0.1 ms", rows))

    if args.record:
        command = invocation()
        notes = (f"Copy bandwidth {bw / 1e9:.1f} GB/s. Peers skipped ({why}): {', '.join(skipped) or 'none'}. "
                 "Peer times are their simulation times without network construction (Brian2 standalone: its "
                 "reported run time, with 2 OpenMP threads).")
        for title, rows in tables:
            record(title, command, "\n".join(rows), notes)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
