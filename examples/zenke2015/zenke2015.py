"""Zenke, Agnes & Gerstner (2015): orchestrated plasticity forms assemblies from repeated stimuli and keeps
the network stable; without the heterosynaptic and transmitter-induced terms (beta = delta = 0) it runs
away. snn.models.Zenke2015 (docs in its module) at a chosen scale.

Protocol (the paper's run scripts: 1 s stimuli, 20 s apart; here --off 3 s by default to fit more
presentations in less time):
  1. before learning, with plasticity off: each pattern for 1 s (full cue), then half of its inputs (a
     partial cue); the response of its assembly-to-be (the E neurons with the most inputs from it);
  2. learning for --seconds with random patterns, in two networks from the same start: orchestrated
     (beta 0.04, delta 2e-5) and the control (beta = delta = 0);
  3. the same responses after learning.
Prints the E rates over learning (mean and the largest neuron's, per 10 s), when the control ran away (E
rate above 50 Hz or a weight at its bound), and the assembly responses before and after. Figures: the E
population rate over time for both runs, the E->E weight distributions, the assembly responses to full
and partial cues before and after.

    PYTHONPATH=build/python /usr/bin/python3 examples/zenke2015/zenke2015.py [--scale 0.25] [--seconds 1000]
        [--off 3.0] [--seed 1] [--out examples/out/zenke2015] [--no-plot] [--no-control]
"""
import argparse
import os
import time

import numpy as np
import torch

import snn


def assembly_response(model, rates, assemblies):
    """Mean rate of each pattern's assembly while its pattern is shown, and of the other E neurons."""
    own = [rates[k, assemblies[k]].mean().item() for k in range(len(assemblies))]
    mask = torch.ones(model.NE, dtype=torch.bool)
    mask[assemblies.flatten()] = False
    rest = rates[:, mask].mean().item()
    return np.array(own), rest


def run(args, beta, delta, label):
    model = snn.models.Zenke2015(args.scale, beta=beta, delta=delta, seed=args.seed)
    assemblies = model.assemblies()
    out = dict(label=label)
    out["weights_before"] = model.assembly_weights(assemblies)
    out["before_full"] = assembly_response(model, model.responses(1.0), assemblies)
    out["before_part"] = assembly_response(model, model.responses(0.5), assemblies)
    wall = time.perf_counter()
    history = model.train(args.seconds, off_ms=args.off * 1000.0, progress=not args.no_progress)
    out["wall"] = time.perf_counter() - wall
    out["history"] = history
    out["w_ee"] = model.ee.weight.detach().cpu().numpy()
    out["weights_after"] = model.assembly_weights(assemblies)
    out["w_max_hit"] = bool((model.ee.weight >= 5.0 - 1e-6).any())
    rates = np.array(history["rate_E"])
    if rates.max() < 50.0:  # a network that ran away tells nothing about recall
        out["after_full"] = assembly_response(model, model.responses(1.0), assemblies)
        out["after_part"] = assembly_response(model, model.responses(0.5), assemblies)
    runaway = np.nonzero(rates > 50.0)[0]
    out["runaway_s"] = history["t"][runaway[0]] if len(runaway) else None
    return out


def report(r, seconds):
    t, rates, max_rates = np.array(r["history"]["t"]), np.array(r["history"]["rate_E"]), np.array(r["history"]["max_rate_E"])
    t0 = t[0] - (t[1] - t[0]) if len(t) > 1 else 0.0
    width = seconds / 10
    edges = t0 + width * np.arange(11)
    tenths = [(rates[(t > a) & (t <= b)].mean(), max_rates[(t > a) & (t <= b)].max()) for a, b in zip(edges[:-1], edges[1:])
              if ((t > a) & (t <= b)).any()]
    print(f"{r['label']}: E rate over learning (mean / largest neuron in 100 ms bins) per {width:g} s: "
          + ", ".join(f"{m:.1f}/{x:.0f}" for m, x in tenths))
    print(f"  E->E weights: mean {r['w_ee'].mean():.3f}, max {r['w_ee'].max():.3f}{' (at the bound 5)' if r['w_max_hit'] else ''}; "
          f"{seconds:.0f} s simulated in {r['wall']:.0f} s")
    wb, wa = r["weights_before"], r["weights_after"]
    print(f"  mean E->E weight inside assemblies {wb['inside']:.3f} -> {wa['inside']:.3f}, between them "
          f"{wb['between']:.3f} -> {wa['between']:.3f}, elsewhere {wb['rest']:.3f} -> {wa['rest']:.3f}")
    if r["runaway_s"] is not None:
        print(f"  ran away: E rate above 50 Hz from t = {r['runaway_s']:.1f} s")
    (bf, rest_bf), (bp, rest_bp) = r["before_full"], r["before_part"]
    print(f"  assemblies before learning: full cue {bf.mean():.1f} Hz, half cue {bp.mean():.1f} Hz "
          f"(other E neurons {rest_bf:.1f} / {rest_bp:.1f} Hz)")
    if "after_full" in r:
        (af, rest_af), (ap, rest_ap) = r["after_full"], r["after_part"]
        print(f"  assemblies after learning:  full cue {af.mean():.1f} Hz, half cue {ap.mean():.1f} Hz "
              f"(other E neurons {rest_af:.1f} / {rest_ap:.1f} Hz)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--seconds", type=float, default=1000.0)
    ap.add_argument("--off", type=float, default=3.0, help="background between stimuli [s]")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="examples/out/zenke2015")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--no-control", action="store_true", help="skip the beta = delta = 0 run")
    args = ap.parse_args()
    results = [run(args, 0.04, 2e-5, "orchestrated (beta 0.04, delta 2e-5)")]
    if not args.no_control:
        results.append(run(args, 0.0, 0.0, "control (beta = delta = 0)"))
    for r in results:
        report(r, args.seconds)
    if args.no_plot:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(args.out, exist_ok=True)
    fig, ax = plt.subplots(1, 3, figsize=(16, 4.5))
    for k, r in enumerate(results):
        ax[0].plot(r["history"]["t"], r["history"]["rate_E"], color=f"C{k}", lw=0.6, label=r["label"])
        ax[1].hist(r["w_ee"], bins=100, range=(0, 5), color=f"C{k}", alpha=0.6, log=True, label=r["label"])
    ax[0].set(xlabel="time [s]", ylabel="E rate [Hz] (100 ms bins)", title="E population rate during learning",
              yscale="log")
    ax[0].legend(fontsize="small")
    ax[1].set(xlabel="E->E weight", ylabel="synapses", title=f"E->E weights after {args.seconds:.0f} s")
    ax[1].legend(fontsize="small")
    r = results[0]
    labels, values = ["full cue\nbefore", "half cue\nbefore"], [r["before_full"][0], r["before_part"][0]]
    if "after_full" in r:
        labels += ["full cue\nafter", "half cue\nafter"]
        values += [r["after_full"][0], r["after_part"][0]]
    for i, v in enumerate(values):
        ax[2].bar(np.arange(len(v)) + i * (len(v) + 1), v, color=f"C{i + 2}")
    ax[2].set_xticks([i * (len(values[0]) + 1) + (len(values[0]) - 1) / 2 for i in range(len(values))], labels)
    ax[2].set(ylabel="assembly rate [Hz]", title="assemblies (one bar per pattern), orchestrated run")
    fig.suptitle(f"Zenke et al. (2015) in snn, scale {args.scale} ({results[0]['w_ee'].size} E->E synapses)")
    fig.tight_layout()
    path = os.path.join(args.out, "zenke2015.png")
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
