"""Closed-loop reinforcement learning of cart-pole with SynapticSampling and with MSTDPET.

The task is snn.closed_loop.CartPole (gymnasium's CartPole-v1 dynamics, 500 steps at most; a random
policy lasts 22 steps on average). Every 20 ms of network time the runner encodes the observation,
the winning group of output neurons is the action, and the environment takes one step (its own time
step is 20 ms too, so the network runs in real time with the cart).

    inputs   4 x 15 Poisson neurons, Gaussian tuning curves over x, x', theta, theta' (up to 200 Hz)
    outputs  2 groups of 10 neurons ("push left", "push right"), all-to-all plastic synapses from the
             inputs; each group inhibits the other (a fixed projection), so mostly one group fires
    action   the group with more spikes in the 20 ms (WinnerTakeAll)
    reward   +1 when the step brought theta + 0.5 theta' closer to 0, -1 when it did not, -1 when the
             pole fell; the network gets this minus its running mean over 50 steps

The reward is shaped: it says after every step whether the pole is being caught, instead of only how
long the episode lasted (the environment's own reward, 1 per step, is what the curves show). A policy
that always takes the action this reward prefers balances for the full 500 steps; the network must
find which input patterns call for which action from the reward alone.

    SynapticSampling  PoissonDblExp outputs (SPORE's neuron), learning rate 1e-5, temperature 1e-3,
                      prior N(3, 2^2) on theta (w = exp(theta - 3)), updates every 20 ms,
                      eligibility 40 ms, reward gradient 100 ms
    MSTDPET           LIF outputs (iaf_psc_delta), nu 0.01, tau_z 20 ms, a_minus = 0 (the eligibility
                      counts only pre-before-post pairs; with BindsNET's a_minus = -1 the post-before-pre
                      pairs dominate at these rates, a punished group gets stronger and the policy locks),
                      weights in [0, 12] mV

Each seed: the untrained network with learning off (20 episodes), training (``--episodes``), then the
trained network with learning off (20 episodes). Prints both evaluations and draws the learning curves
of both rules over the seeds, the evaluations, and each rule's learned weights.

    PYTHONPATH=build/python /usr/bin/python3 examples/spore/cartpole.py [--seeds 5] [--episodes 200]
        [--rules synaptic_sampling mstdpet] [--out examples/out/spore] [--no-plot]
"""
import argparse
import os
import time

import numpy as np
import torch

import snn
from snn.closed_loop import CartPole, ClosedLoop, PopulationEncoder, WinnerTakeAll

LOW, HIGH = [-2.4, -1.5, -0.15, -1.0], [2.4, 1.5, 0.15, 1.0]  # the tuning curves' range per component
GROUP = 10  # output neurons per action
EVAL_EPISODES = 20


class ShapedCartPole(CartPole):
    """CartPole whose info["shaped"] says whether the step caught the pole (see the module docstring)."""

    @staticmethod
    def _error(state):
        return abs(state[2] + 0.5 * state[3])

    def step(self, action):
        before = self._error(self.state)
        obs, reward, terminated, truncated, info = super().step(action)
        info["shaped"] = -1.0 if terminated else (1.0 if self._error(obs) < before else -1.0)
        return obs, reward, terminated, truncated, info


class Baseline:
    """The shaped reward minus its running mean over ``steps`` steps."""

    def __init__(self, steps=50):
        self.mean, self.k = 0.0, 1.0 / steps
        self.frozen = False  # while learning is off (evaluations) the mean stays where training left it

    def __call__(self, reward, info):
        fed = info["shaped"] - self.mean
        if not self.frozen:
            self.mean += (info["shaped"] - self.mean) * self.k
        return fed


def build(rule, seed, encoder):
    net = snn.Network(dt=1.0, seed=seed)
    inputs = net.add(snn.PoissonInput(encoder.size), name="inputs")
    if rule == "synaptic_sampling":
        outputs = net.add(snn.PoissonDblExp(2 * GROUP), name="outputs")
        plastic = net.connect(inputs, outputs, weight=snn.init.uniform(0.2, 2.0), name="plastic",
                              plasticity=snn.SynapticSampling(
                                  learning_rate=1e-5, temperature=1e-3, prior_mean=3.0, prior_precision=0.25,
                                  weight_update_interval=20.0, episode_length=40.0, integration_time=100.0))
        inhibition = 2.0
    else:
        outputs = net.add(snn.LIF(2 * GROUP, tau_m=10.0, V_th=-55.0, t_ref=2.0), name="outputs")
        plastic = net.connect(inputs, outputs, weight=snn.init.uniform(0.0, 3.0), name="plastic",
                              plasticity=snn.MSTDPET(nu=0.01, tau_z=20.0, a_minus=0.0, w_min=0.0, w_max=12.0))
        inhibition = 5.0
    cross = torch.zeros(2 * GROUP, 2 * GROUP, dtype=torch.float64)
    cross[:GROUP, GROUP:] = cross[GROUP:, :GROUP] = -inhibition
    net.connect(outputs, outputs, weight=cross, name="inhibition")
    return net, plastic


def evaluate(loop, plastic):
    plastic.learning, loop.reward_fn.frozen = False, True
    steps = loop.run(episodes=EVAL_EPISODES, progress=False).episode_steps
    plastic.learning, loop.reward_fn.frozen = True, False
    return float(np.mean(steps))


def train(rule, seed, episodes):
    encoder = PopulationEncoder(LOW, HIGH, 15, 200.0)
    net, plastic = build(rule, seed, encoder)
    loop = ClosedLoop(net, ShapedCartPole(), encoder, WinnerTakeAll(2, seed=seed), "inputs", "outputs",
                      chunk_ms=20.0, seed=seed, reward_fn=Baseline())
    wall = time.perf_counter()
    before = evaluate(loop, plastic)
    curve = np.array(loop.run(episodes=episodes, progress=False).episode_steps)
    after = evaluate(loop, plastic)
    return dict(before=before, curve=curve, after=after, wall=time.perf_counter() - wall,
                weights=plastic.dense_weight().cpu().numpy(), simulated_s=net.t / 1000.0)


def random_policy(episodes=1000, seed=0):
    env, rng, steps = CartPole(), np.random.default_rng(seed), []
    env.reset(seed=seed)
    for _ in range(episodes):
        n, done = 0, False
        while not done:
            _, _, terminated, truncated, _ = env.step(int(rng.integers(2)))
            n, done = n + 1, terminated or truncated
        steps.append(n)
        env.reset()
    return float(np.mean(steps))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--episodes", type=int, default=200)
    ap.add_argument("--rules", nargs="+", default=["synaptic_sampling", "mstdpet"],
                    choices=["synaptic_sampling", "mstdpet"])
    ap.add_argument("--out", default="examples/out/spore")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()
    chance = random_policy()
    print(f"random policy: {chance:.1f} steps per episode (1000 episodes)")
    results = {}
    for rule in args.rules:
        results[rule] = []
        for seed in range(1, args.seeds + 1):
            r = train(rule, seed, args.episodes)
            results[rule].append(r)
            tenth = max(1, args.episodes // 10)
            print(f"{rule} seed {seed}: learning off, untrained {r['before']:.1f} -> trained {r['after']:.1f} steps "
                  f"per episode; training episodes 1-{tenth}: {r['curve'][:tenth].mean():.1f}, last {tenth}: "
                  f"{r['curve'][-tenth:].mean():.1f}; {r['simulated_s']:.0f} s simulated in {r['wall']:.1f} s")
        learned = sum(r["after"] > 2 * chance for r in results[rule])
        print(f"{rule}: the trained policy lasts more than twice as long as a random one in {learned} of "
              f"{len(results[rule])} seeds")
    if args.no_plot:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(args.out, exist_ok=True)
    fig, ax = plt.subplots(1, 2 + len(args.rules), figsize=(6 + 5 * len(args.rules), 4.5))
    window = max(1, min(10, args.episodes // 5))
    for k, (rule, runs) in enumerate(results.items()):
        smooth = np.array([np.convolve(r["curve"], np.ones(window) / window, mode="valid") for r in runs])
        x = np.arange(window, args.episodes + 1)
        ax[0].plot(x, smooth.mean(axis=0), color=f"C{k}", label=f"{rule} (mean of {len(runs)} seeds)")
        ax[0].fill_between(x, smooth.min(axis=0), smooth.max(axis=0), color=f"C{k}", alpha=0.2)
        for j, r in enumerate(runs):
            ax[1].plot([2 * k, 2 * k + 1], [r["before"], r["after"]], "o-", color=f"C{k}", alpha=0.6,
                       label=rule if j == 0 else None)
        w = runs[0]["weights"]
        im = ax[2 + k].imshow(w, aspect="auto", cmap="viridis", interpolation="nearest")
        fig.colorbar(im, ax=ax[2 + k])
        ax[2 + k].set(xlabel="output neuron (left group | right group)", ylabel="input (x, x', theta, theta')",
                      title=f"{rule}: learned weights (seed 1)")
    for a in (ax[0], ax[1]):
        a.axhline(chance, color="grey", ls="--", label="random policy")
    ax[0].set(xlabel="episode", ylabel=f"steps per episode (mean of {window})", title="learning curves",
              ylim=(0, 510))
    ax[0].legend(fontsize="small")
    ax[1].set_xticks(range(2 * len(args.rules)), ["untrained", "trained"] * len(args.rules))
    ax[1].legend(fontsize="small")
    ax[1].set(ylabel=f"steps per episode (mean of {EVAL_EPISODES}, learning off)", title="evaluation", ylim=(0, 510))
    fig.suptitle("cart-pole in closed loop: snn.SynapticSampling and snn.MSTDPET")
    fig.tight_layout()
    path = os.path.join(args.out, "cartpole.png")
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
