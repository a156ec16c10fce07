"""SPORE's pattern-matching showcase, in process (no MUSIC): reward-based synaptic sampling learns to
answer two input patterns with two groups of stochastic neurons.

50 Poisson inputs show one of two patterns at a time (phases of 0.5-1 s; a random half of the inputs at
60 Hz, the rest at 2 Hz: snn.closed_loop.PatternMatching); 20 PoissonDblExp neurons in two groups of 10;
the inputs connect all-to-all with two synapses per pair (two projections), each a SynapticSampling
synapse (learning rate 5e-8, temperature 0.1, prior precision 0.25, updates every 100 ms; initial
weights uniform in [0.05, 0.3], theta = 3 + ln w). Every 10 ms
the runner reads the groups' rates; the reward is sigmoid(0.2 (right group's rate - other's - 25 Hz))
when the right group is ahead, else 0, fed to the synapses minus its running mean over 50 s (a baseline:
SPORE's showcase normalises its reward by a running mean over 50 s). Prints, per simulated minute, the
mean reward, the share of steps the right group wins, and the share of retracted synapses; draws the
reward and selectivity curves, the weights by group, and rasters before and after learning.

    PYTHONPATH=build/python /usr/bin/python3 examples/spore/pattern_matching.py [--seeds 5] [--minutes 20]
        [--dt 1.0] [--out examples/out/spore] [--no-plot]
"""
import argparse
import os
import time

import numpy as np
import torch

import snn
from snn.closed_loop import ClosedLoop, GroupRates, IdentityEncoder, PatternMatching


class Baseline:
    """reward - its running mean (time constant tau_ms), and a record of who won each step."""

    def __init__(self, tau_ms=50000.0, step_ms=10.0):
        self.mean, self.k = None, step_ms / tau_ms
        self.correct = []

    def __call__(self, reward, info):
        self.correct.append(info["correct"])
        self.mean = reward if self.mean is None else self.mean + (reward - self.mean) * self.k
        return reward - self.mean


def showcase(seed=1, minutes=10, dt=1.0, record_rasters=True):
    net = snn.Network(dt=dt, seed=seed)
    inputs = net.add(snn.PoissonInput(50), name="inputs")
    neurons = net.add(snn.PoissonDblExp(20), name="neurons")
    rule = dict(learning_rate=5e-8, temperature=0.1, prior_precision=0.25, weight_update_interval=100.0)
    projections = [net.connect(inputs, neurons, weight=snn.init.uniform(0.05, 0.3), storage="sparse", name=f"syn{k}",
                               plasticity=snn.SynapticSampling(**rule)) for k in range(2)]
    env = PatternMatching(step_ms=10.0, episode_ms=60000.0)  # an "episode" is one simulated minute
    baseline = Baseline()
    loop = ClosedLoop(net, env, IdentityEncoder(), GroupRates(2), inputs, neurons, chunk_ms=10.0, seed=seed,
                      reward_fn=baseline)
    spikes = net.monitor(neurons) if record_rasters else None
    first_minute = None
    retracted, per_minute, wall = [], [], time.perf_counter()
    for minute in range(minutes):
        history = loop.run(episodes=1, progress=False)
        steps = len(history.rewards)
        per_minute.append((history.episode_rewards[0] / steps, float(np.mean(baseline.correct[-steps:]))))
        w = torch.cat([p.weight for p in projections])
        retracted.append((w == 0).double().mean().item())
        if spikes is not None and minute < minutes - 1:
            if minute == 0:
                first_minute = tuple(x.cpu().numpy() for x in spikes.events())
            spikes.clear()  # keep the first and the last minute
    wall = time.perf_counter() - wall
    result = dict(reward=np.array([r for r, _ in per_minute]), correct=np.array([c for _, c in per_minute]),
                  retracted=np.array(retracted), wall=wall, minutes=minutes,
                  weights=sum(p.dense_weight() for p in projections).cpu().numpy(), patterns=env.patterns)
    if spikes is not None:
        last = tuple(x.cpu().numpy() for x in spikes.events())
        result["raster"] = (first_minute or last, last)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--minutes", type=int, default=20)
    ap.add_argument("--dt", type=float, default=1.0)
    ap.add_argument("--out", default="examples/out/spore")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()
    results = []
    for seed in range(1, args.seeds + 1):
        r = showcase(seed, args.minutes, args.dt, record_rasters=not args.no_plot and seed == 1)
        results.append(r)
        print(f"seed {seed}: reward per step {r['reward'][0]:.3f} -> {r['reward'][-1]:.3f}; right group ahead "
              f"{100 * r['correct'][0]:.0f} % -> {100 * r['correct'][-1]:.0f} % of steps; retracted synapses "
              f"{100 * r['retracted'][-1]:.1f} %; {args.minutes} min simulated in {r['wall']:.1f} s "
              f"({60 * args.minutes / r['wall']:.0f}x real time)")
    rose = sum(r["reward"][-1] > r["reward"][0] and r["correct"][-1] > 0.5 for r in results)
    print(f"reward rose and the groups became selective in {rose} of {len(results)} seeds")
    if args.no_plot:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(args.out, exist_ok=True)
    fig, ax = plt.subplots(2, 3, figsize=(15, 8))
    minutes = np.arange(1, args.minutes + 1)
    for k, r in enumerate(results):
        ax[0, 0].plot(minutes, r["reward"], label=f"seed {k + 1}")
        ax[0, 1].plot(minutes, 100 * r["correct"])
        ax[0, 2].plot(minutes, 100 * r["retracted"])
    ax[0, 0].set(xlabel="simulated minute", ylabel="mean reward per 10 ms step", title="reward")
    ax[0, 0].legend(fontsize="small")
    ax[0, 1].set(xlabel="simulated minute", ylabel="% of steps", title="right group ahead")
    ax[0, 2].set(xlabel="simulated minute", ylabel="% of synapses", title="retracted synapses (w = 0)")
    r = results[0]
    order = np.argsort(r["patterns"][0] - r["patterns"][1])  # inputs of pattern 1 first, then of pattern 0
    snn.plot.weights(r["weights"][order], ax=ax[1, 0], title="weights (inputs sorted by pattern; columns: groups)")
    (t0, s0), (t1, s1) = r["raster"]
    end = args.minutes * 60000.0
    snn.plot.raster((t0, s0), hist=False, t_range=(0, 5000), ax=ax[1, 1], title="first 5 s", markersize=1)
    snn.plot.raster((t1 - (end - 5000), s1), hist=False, t_range=(0, 5000), ax=ax[1, 2], markersize=1,
                    title=f"last 5 s (from {end / 60000 - 5 / 60:.2f} min)")
    fig.suptitle("SPORE pattern matching with snn.SynapticSampling")
    fig.tight_layout()
    path = os.path.join(args.out, "pattern_matching.png")
    fig.savefig(path, dpi=80)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
