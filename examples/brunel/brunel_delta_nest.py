"""Brunel (2000) balanced network written against the PyNEST API (NEST's brunel_delta example: its
structure and parameters), run on snn.nest: only the import differs from a NEST 3 script.

NE = 10000 s excitatory and NI = 2500 s inhibitory iaf_psc_delta neurons (scale s), CE = 1000 s, CI =
250 s fixed in-degree, J = 0.1 mV, g = 5, eta = 2 (one poisson_generator, which NEST turns into an
independent 20 kHz train per neuron), delay 1.5 ms, theta 20 mV, h = 0.1 ms. Initial V_m uniform in
[0, theta) (snn.models.BrunelDelta does the same; its rates and CV are compared in
tests/python/test_nest.py and its speed in benchmarks/nest_frontend.py).

    PYTHONPATH=build/python /usr/bin/python3 examples/brunel/brunel_delta_nest.py [--scale 1] [--time 1000]
        [--n-rec 50] [--seed 3] [--out examples/out/brunel] [--no-plot]
"""
import argparse
import os
import time

import snn.nest as nest  # was: import nest


def brunel(scale=1.0, simtime=1000.0, n_rec=50, seed=3, dtype="float64", verbose=True):
    """Builds and simulates the network; returns rates, CV and timings of the recorded neurons."""
    dt, delay = 0.1, 1.5
    g, eta, epsilon = 5.0, 2.0, 0.1
    order = int(round(2500 * scale))
    NE, NI = 4 * order, order
    CE, CI = max(1, int(round(epsilon * 10000 * scale))), max(1, int(round(epsilon * 2500 * scale)))
    tauMem, theta, J = 20.0, 20.0, 0.1
    J_ex, J_in = J, -g * J
    nu_th = theta / (J * CE * tauMem)
    p_rate = 1000.0 * eta * nu_th * CE  # [Hz]: eta theta / (J tau_m) = 20 kHz, whatever the scale

    nest.ResetKernel()
    start_build = time.perf_counter()
    nest.resolution = dt
    nest.rng_seed = seed
    nest.print_time = verbose
    nest.overwrite_files = True
    nest.snn_dtype = dtype  # snn.nest's extension: NEST computes in float64, the default here too
    neuron_params = {"C_m": 1.0, "tau_m": tauMem, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_th": theta}
    nest.SetDefaults("iaf_psc_delta", neuron_params)
    nodes_ex = nest.Create("iaf_psc_delta", NE, params={"V_m": nest.random.uniform(min=0.0, max=theta)})
    nodes_in = nest.Create("iaf_psc_delta", NI, params={"V_m": nest.random.uniform(min=0.0, max=theta)})
    noise = nest.Create("poisson_generator", params={"rate": p_rate})
    espikes = nest.Create("spike_recorder", params={"label": "brunel-py-ex"})
    ispikes = nest.Create("spike_recorder", params={"label": "brunel-py-in"})

    nest.CopyModel("static_synapse", "excitatory", {"weight": J_ex, "delay": delay})
    nest.CopyModel("static_synapse", "inhibitory", {"weight": J_in, "delay": delay})
    nest.Connect(noise, nodes_ex, syn_spec="excitatory")
    nest.Connect(noise, nodes_in, syn_spec="excitatory")
    nest.Connect(nodes_ex[:n_rec], espikes, syn_spec="static_synapse")
    nest.Connect(nodes_in[:n_rec], ispikes, syn_spec="static_synapse")
    nest.Connect(nodes_ex, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    nest.Connect(nodes_in, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
    build_time = time.perf_counter() - start_build

    start_sim = time.perf_counter()
    nest.Simulate(simtime)
    sim_time = time.perf_counter() - start_sim

    events_ex = espikes.n_events
    events_in = nest.GetStatus(ispikes, "n_events")[0]
    rate_ex = events_ex / simtime * 1000.0 / min(n_rec, NE)
    rate_in = events_in / simtime * 1000.0 / min(n_rec, NI)
    num_synapses = nest.GetDefaults("excitatory")["num_connections"] + nest.GetDefaults("inhibitory")["num_connections"]
    return dict(NE=NE, NI=NI, rate_ex=rate_ex, rate_in=rate_in, synapses=num_synapses, build=build_time,
                sim=sim_time, espikes=espikes, events=espikes.get("events"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--time", type=float, default=1000.0)
    ap.add_argument("--n-rec", type=int, default=50, help="neurons recorded per population (NEST's N_rec)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    ap.add_argument("--out", default="examples/out/brunel")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()
    r = brunel(args.scale, args.time, args.n_rec, args.seed, args.dtype)
    from snn.analysis import isi_cv
    import torch
    cv, _ = isi_cv(torch.as_tensor(r["events"]["times"]), torch.as_tensor(r["events"]["senders"]))
    print("Brunel network simulation (Python, snn.nest)")
    print(f"Number of neurons : {r['NE'] + r['NI']}")
    print(f"Number of synapses: {r['synapses']}")
    print(f"Excitatory rate   : {r['rate_ex']:.2f} Hz")
    print(f"Inhibitory rate   : {r['rate_in']:.2f} Hz")
    print(f"CV of ISIs (exc.) : {cv:.3f}")
    print(f"Building time     : {r['build']:.2f} s")
    print(f"Simulation time   : {r['sim']:.2f} s")
    if args.no_plot:
        return
    import matplotlib
    matplotlib.use("Agg")
    os.makedirs(args.out, exist_ok=True)
    axes = nest.raster_plot.from_device(r["espikes"], hist=True, title=f"Brunel (2000) on snn.nest, scale {args.scale:g}")
    path = os.path.join(args.out, f"brunel_nest_scale{args.scale:g}.png")
    axes[0].figure.savefig(path, dpi=90)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
