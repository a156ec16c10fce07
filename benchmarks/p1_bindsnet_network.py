"""P1: BindsNET's benchmark network, timed in snn (and in BindsNET when it is installed).

n Poisson inputs with rates U(0, 100) Hz, all-to-all onto n LIF neurons with weights N(0, 1),
dt = 1 ms, 1000 ms simulated. The LIF neurons use BindsNET's LIFNodes defaults (rest and reset
-65 mV, threshold -52 mV, tau 100 ms, refractory 5 ms) so both simulators run the same model.
Wall time covers the simulation only (building the network is reported separately).

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/p1_bindsnet_network.py [--n 1000 2500 5000] [--record]
"""
import argparse
import time

import torch

import snn
from common import best_of, invocation, parse_args, record


def build_snn(n, device, seed):
    net = snn.Network(dt=1.0, device=device, seed=seed)
    x = net.add(snn.PoissonInput(n), name="X")
    y = net.add(snn.LIF(n, E_L=-65.0, V_reset=-65.0, V_th=-52.0, tau_m=100.0, t_ref=5.0), name="Y")
    net.connect(x, y, "all_to_all", weight=snn.init.normal(0.0, 1.0))
    spikes = net.monitor(y, "spikes")
    rates = torch.rand(n, generator=torch.Generator().manual_seed(seed)).mul(100.0).to(device)
    return net, rates, spikes


def time_snn(n, device, repeats):
    start = time.perf_counter()
    net, rates, spikes = build_snn(n, device, seed=0)
    build = time.perf_counter() - start

    def once():
        net.run(1000.0, inputs={"X": rates})
        if device != "cpu":
            torch.cuda.synchronize()

    wall = best_of(repeats, once)
    return build, wall, spikes.num_events / max(1, repeats)


def time_bindsnet(n, repeats):
    """BindsNET's own benchmark network (its benchmark/benchmark.py), if BindsNET is importable."""
    try:
        from bindsnet.network import Network
        from bindsnet.network.nodes import Input, LIFNodes
        from bindsnet.network.topology import Connection
        from bindsnet.encoding import poisson
    except ImportError:
        return None
    net = Network(dt=1.0)
    net.add_layer(Input(n=n), name="X")
    net.add_layer(LIFNodes(n=n), name="Y")
    net.add_connection(Connection(source=net.layers["X"], target=net.layers["Y"], w=torch.randn(n, n)),
                       source="X", target="Y")
    data = {"X": poisson(datum=torch.rand(n) * 100.0, time=1000)}
    return best_of(repeats, lambda: net.run(inputs=data, time=1000))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 2500, 5000])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--repeats", type=int, default=3, help="runs per size; the fastest counts")
    ap.add_argument("--record", action="store_true", help="append the results to benchmarks/RESULTS.md")
    args = parse_args(ap)

    rows = ["| n | snn build [s] | snn run 1000 ms [s] | output spikes | BindsNET run [s] | BindsNET / snn |",
            "|---|---|---|---|---|---|"]
    for n in args.n:
        build, wall, spikes = time_snn(n, args.device, args.repeats)
        peer = time_bindsnet(n, args.repeats) if args.device == "cpu" else None
        ratio = f"{peer / wall:.1f}x" if peer else "-"
        peer_s = f"{peer:.3f}" if peer else "not installed"
        print(f"n={n:6d}  snn: build {build:.3f} s, run {wall:.3f} s ({spikes:.0f} spikes); BindsNET: {peer_s}  {ratio}",
              flush=True)
        rows.append(f"| {n} | {build:.3f} | {wall:.3f} | {spikes:.0f} | {peer_s} | {ratio} |")
    if args.record:
        command = invocation()
        record(f"P1 BindsNET benchmark network ({args.device})", command, "\n".join(rows))


if __name__ == "__main__":
    main()
