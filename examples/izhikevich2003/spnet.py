"""Izhikevich (2003), "Simple model of spiking neurons" (IEEE Trans. Neural Netw. 14:1569): the published
network spnet.m, with per-neuron parameters.

1000 Izhikevich neurons in one population, every neuron with its own a, b, c, d (the paper's Fig. 3):
800 excitatory cells, a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2 (regular spiking for r = 0,
chattering for r = 1), and 200 inhibitory cells, a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2
(fast spiking to low-threshold spiking), r uniform per neuron. All-to-all synapses (autapses included)
of weight 0.5 U from excitatory and -U from inhibitory neurons, delay 1 ms; a thalamic input of
5 N(0, 1) (excitatory) and 2 N(0, 1) (inhibitory) drawn per neuron and ms; two half steps of v per 1 ms
step. The paper's figure shows the network settling into alpha (about 10 Hz) and gamma (about 40 Hz)
rhythms.

Timing: spnet.m tests v >= 30 at the start of each ms and records that ms; snn tests at the end of the
crossing step and stamps the spike at its end, the same instant, so spnet's time t is snn's t - 1.
A spike delivered with a 1 ms delay enters the next step's input, as spnet.m adds sum(S(:, fired)) to
the input of the step that follows the crossing: the trajectories are the published loop's
(tests/python/test_examples.py compares every spike with a numpy transcription).

    PYTHONPATH=build/python /usr/bin/python3 examples/izhikevich2003/spnet.py [--time 1000] [--seed 1]
        [--float64] [--out examples/out/izhikevich2003] [--no-plot]
"""
import argparse
import os
import time

import torch

import snn

NE, NI = 800, 200


def draw(seed: int, T: int):
    """spnet.m's random quantities: the per-neuron parameters, the weights S[post, pre] and the thalamic
    input of every ms, [T, 1, N] (float64, CPU)."""
    g = torch.Generator().manual_seed(seed)
    f64 = dict(dtype=torch.float64, generator=g)
    re, ri = torch.rand(NE, **f64), torch.rand(NI, **f64)
    params = dict(a=torch.cat([torch.full((NE,), 0.02, dtype=torch.float64), 0.02 + 0.08 * ri]),
                  b=torch.cat([torch.full((NE,), 0.2, dtype=torch.float64), 0.25 - 0.05 * ri]),
                  c=torch.cat([-65.0 + 15.0 * re ** 2, torch.full((NI,), -65.0, dtype=torch.float64)]),
                  d=torch.cat([8.0 - 6.0 * re ** 2, torch.full((NI,), 2.0, dtype=torch.float64)]))
    N = NE + NI
    S = torch.cat([0.5 * torch.rand(N, NE, **f64), -torch.rand(N, NI, **f64)], dim=1)
    gain = torch.cat([torch.full((NE,), 5.0, dtype=torch.float64), torch.full((NI,), 2.0, dtype=torch.float64)])
    thalamic = torch.randn(T, 1, N, **f64) * gain
    return params, S, thalamic


def spnet(T: int = 1000, seed: int = 1, dtype=torch.float32, device="cpu"):
    """Runs the network for T ms; returns the spike times [ms] and senders, and the wall time."""
    params, S, thalamic = draw(seed, T)
    net = snn.Network(dt=1.0, dtype=dtype, device=device, seed=seed)
    neurons = net.add(snn.Izhikevich(NE + NI, **params), name="neurons")  # one value per neuron
    net.connect(neurons, neurons, "all_to_all", weight=S.T.contiguous(), delay=1.0, storage="dense")
    spikes = net.monitor(neurons)
    wall = time.perf_counter()
    net.run(float(T), inputs={neurons: thalamic.to(device, dtype)})
    wall = time.perf_counter() - wall
    times, senders = (x.cpu() for x in spikes.events())
    return dict(times=times, senders=senders, T=T, wall=wall, neurons=neurons)


def population_rhythm(times, T, first_ms=200.0):
    """The excitatory population's spike count per ms after `first_ms` and the frequency [Hz] of the
    largest peak of its power spectrum (mean removed)."""
    counts = torch.bincount(times.long(), minlength=T + 1)[int(first_ms):T].double()
    power = torch.fft.rfft(counts - counts.mean()).abs() ** 2
    freqs = torch.fft.rfftfreq(len(counts), d=1e-3)
    return counts, freqs, power, float(freqs[1:][power[1:].argmax()])


def report(r):
    times, senders, T = r["times"], r["senders"], r["T"]
    exc = senders < NE
    rate_E = int(exc.sum()) / NE / (T / 1000)
    rate_I = int((~exc).sum()) / NI / (T / 1000)
    _, _, _, peak = population_rhythm(times[exc], T)
    print(f"spnet, {T} ms: {len(times)} spikes; rates E {rate_E:.1f} Hz, I {rate_I:.1f} Hz; excitatory population "
          f"rhythm peaks at {peak:.1f} Hz (the paper: alpha ~10 Hz and gamma ~40 Hz); simulation {r['wall']:.2f} s")
    return rate_E, rate_I, peak


def plot(r, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out, exist_ok=True)
    times, senders, T = r["times"], r["senders"], r["T"]
    exc = senders < NE
    counts, freqs, power, peak = population_rhythm(times[exc], T)
    fig, (ax, ax_rate, ax_power) = plt.subplots(3, 1, figsize=(8, 8), gridspec_kw=dict(height_ratios=[3, 1, 1]))
    ax.plot(times[exc], senders[exc], ".", ms=1, color="tab:blue", label="excitatory")
    ax.plot(times[~exc], senders[~exc], ".", ms=1, color="tab:red", label="inhibitory")
    ax.set(xlim=(0, T), ylim=(0, NE + NI), ylabel="neuron", title="Izhikevich (2003) spnet: per-neuron a, b, c, d")
    ax.legend(loc="upper right", markerscale=8)
    ax_rate.plot(torch.arange(200, T), counts, lw=0.7)
    ax_rate.set(xlim=(0, T), xlabel="time [ms]", ylabel="E spikes / ms")
    keep = freqs <= 100
    ax_power.plot(freqs[keep], power[keep], lw=0.8)
    ax_power.axvline(peak, color="k", ls=":", lw=0.8)
    ax_power.set(xlabel="frequency [Hz]", ylabel="power", title=f"population rhythm (peak {peak:.1f} Hz)")
    fig.tight_layout()
    path = os.path.join(out, "spnet.png")
    fig.savefig(path, dpi=120)
    print(f"figure: {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time", type=int, default=1000, help="simulated ms (default 1000, as spnet.m)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--float64", action="store_true", help="compute in float64 (default float32)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--out", default="examples/out/izhikevich2003")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()
    r = spnet(args.time, args.seed, torch.float64 if args.float64 else torch.float32, args.device)
    report(r)
    if not args.no_plot:
        plot(r, args.out)


if __name__ == "__main__":
    main()
