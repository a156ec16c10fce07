"""Izhikevich (2007), solving the distal reward problem (Cereb. Cortex 17:2443), with snn.

Fig. 1 (the published daspnet.m; snn.models.Izhikevich2007): 800 regular-spiking and 200 fast-spiking
Izhikevich neurons with 100 synapses each, delay 1 ms, noise 13 (U - 1/2) per ms, excitatory synapses
plastic (IzhikevichDASTDP, weights in [0, 4]). One synapse, from excitatory neuron n1 = 0 to its first
excitatory target n2, starts at 0; every time n2 fires within 20 ms after n1 (n1's latest spike,
strictly earlier), dopamine DA += 0.5 is delivered 1000 + ceil(2000 U) ms later. The paper's result:
within the hour the rewarded synapse grows to the maximum (4) while the other excitatory synapses stay
low (almost all below 3.5): dopamine arriving seconds late still reinforces the synapse whose
eligibility trace it finds.

--pavlovian (Fig. 2): 100 random groups S1..S100 of 50 neurons (from all 1000); every 100-300 ms one
group, in random order, gets a 1 ms pulse of current 40 (as in GeNN's reproduction, Knight et al.);
each presentation of S1 is followed by DA += 0.5 after U(0, 1000) ms. The network's response to S1
(spikes of excitatory neurons outside S1 within 50 ms of the pulse) grows relative to the
response to the other groups.

    PYTHONPATH=build/python /usr/bin/python3 examples/izhikevich2007/distal_reward.py [--minutes 60]
        [--seed 1] [--pavlovian] [--out examples/out/izhikevich2007] [--no-plot]
"""
import argparse
import bisect
import math
import os
import random
import time

import torch

import snn

REWARD = 0.5  # DA += 0.5 per reward (daspnet.m)


class RewardSchedule:
    """Rewards scheduled at absolute times [ms]; ``run_until`` advances the network to a time, stopping
    one step before each reward to inject it (a signal set from Python counts in the next step)."""

    def __init__(self, net):
        self.net, self.times, self.delivered = net, [], []

    def add(self, t_ms: float):
        bisect.insort(self.times, t_ms)

    def _due(self) -> bool:
        return bool(self.times) and self.times[0] <= self.net.t + self.net.dt + 1e-9

    def step(self, inputs=None):
        """One step, with the rewards that fall in it (daspnet.m adds 0.5 once however many fall in it)."""
        if self._due():
            while self._due():
                self.delivered.append(self.times.pop(0))
            self.net.set_signal("dopamine", REWARD)
        self.net.run(self.net.dt, inputs=inputs)

    def run_until(self, t_end: float):
        while self.net.t < t_end - 1e-9:
            if self._due():
                self.step()
                continue
            stop = t_end if not self.times else min(t_end, self.times[0] - self.net.dt)
            self.net.run(round((stop - self.net.t) / self.net.dt) * self.net.dt)


def progress_bar(total, desc):
    try:
        from tqdm import tqdm
        return tqdm(total=total, unit="s", desc=desc, mininterval=1.0)
    except ImportError:  # pragma: no cover
        return None


# ---- Fig. 1: the rewarded synapse ---------------------------------------------------------------

def distal_reward(minutes=60.0, seed=1, chunk_ms=100.0, progress=True, raster_ms=1000.0):
    model = snn.models.Izhikevich2007(seed=seed)
    net = model.net
    index, n2 = model.synapse(0, 0)
    n1 = 0
    model.EE.weight[index] = 0.0  # daspnet.m: s(n1, syn) = 0
    rng = random.Random(seed)
    spikes_E, spikes_I = net.monitor(model.E), net.monitor(model.I)
    schedule = RewardSchedule(net)
    counts_E, counts_I = torch.zeros(800), torch.zeros(200)
    last_n1 = -math.inf
    history = []  # (t, w, sd) of the rewarded synapse at the end of each chunk
    rasters = {}
    total = minutes * 60000.0
    bar = progress_bar(total / 1000.0, "simulated") if progress else None
    wall = time.perf_counter()
    while net.t < total - 1e-9:
        start = net.t
        schedule.run_until(min(start + chunk_ms, total))
        times, senders = (x.cpu() for x in spikes_E.events())
        ti, si = (x.cpu() for x in spikes_I.events())
        counts_E += torch.bincount(senders.long(), minlength=800)[:800].float()
        counts_I += torch.bincount(si.long(), minlength=200)[:200].float()
        # Rewards: n2 fires within 20 ms after n1's latest (strictly earlier) spike.
        pair = (senders == n1) | (senders == n2)
        for t, s in sorted(zip(times[pair].tolist(), senders[pair].tolist()), key=lambda x: (x[0], x[1] != n1)):
            if s == n1:
                last_n1 = t
            if s == n2 and t > last_n1 and t - last_n1 < 20.0:
                schedule.add(t + 1000.0 + math.ceil(2000.0 * rng.random()))
        for label, at in (("first", 0.0), ("last", total - raster_ms)):
            if at <= start < at + raster_ms:
                rasters.setdefault(label, [[], []])
                rasters[label][0].append(torch.cat([times, ti]))
                rasters[label][1].append(torch.cat([senders, si + 800]))
        spikes_E.clear()
        spikes_I.clear()
        history.append((net.t, model.EE.weight[index].item(), model.EE.state["sd"][0, index].item()))
        if bar is not None:
            bar.update((net.t - start) / 1000.0)
            bar.set_postfix(w=f"{history[-1][1]:.2f}", rewards=len(schedule.delivered), refresh=False)
    wall = time.perf_counter() - wall
    if bar is not None:
        bar.close()
    hist = torch.tensor(history, dtype=torch.float64)
    weights = model.excitatory_weights()
    others = torch.cat([weights[:index], weights[index + 1:]])
    first = lambda level: next((t for t, w, _ in history if w >= level), None)
    return dict(history=hist, weights=weights, index=index, n1=n1, n2=n2, rewards=schedule.delivered,
                w_final=hist[-1, 1].item(), t_35=first(3.5), t_4=first(4.0),
                fraction_others_35=(others > 3.5).double().mean().item(), mean_others=others.mean().item(),
                rate_E=counts_E.mean().item() / (total / 1000), rate_I=counts_I.mean().item() / (total / 1000),
                rasters={k: (torch.cat(v[0]), torch.cat(v[1])) for k, v in rasters.items()}, wall=wall, minutes=minutes)


def report(r):
    fmt = lambda t: "never" if t is None else f"{t / 1000:.1f} s ({t / 60000:.1f} min)"
    print(f"Fig. 1, {r['minutes']:g} min simulated in {r['wall']:.0f} s "
          f"({r['minutes'] * 60 / r['wall']:.0f}x real time); synapse {r['n1']} -> {r['n2']}")
    print(f"  rewards delivered: {len(r['rewards'])}")
    print(f"  rewarded synapse: reaches 3.5 at {fmt(r['t_35'])}, 4 at {fmt(r['t_4'])}; final {r['w_final']:.3f}")
    print(f"  other excitatory synapses: mean {r['mean_others']:.3f}, fraction above 3.5 "
          f"{r['fraction_others_35']:.5f}")
    print(f"  rates: excitatory {r['rate_E']:.2f} Hz, inhibitory {r['rate_I']:.2f} Hz")


def plot(r, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(12, 8))
    for k, label in enumerate(("first", "last")):
        if label not in r["rasters"]:
            continue
        ax = fig.add_subplot(2, 2, k + 1)
        t, s = r["rasters"][label]
        ax.plot(t / 1000.0, s, ".", ms=1)
        ax.set(title=f"{label} second", xlabel="time [s]", ylabel="neuron")
    ax = fig.add_subplot(2, 2, 3)
    h = r["history"]
    ax.plot(h[:, 0] / 60000.0, h[:, 1], label="rewarded synapse w")
    ax.plot(h[:, 0] / 60000.0, h[:, 2] * 10, label="eligibility sd x 10", lw=0.5)
    rewards = torch.tensor(r["rewards"]) / 60000.0
    ax.plot(rewards, torch.zeros_like(rewards), "rx", ms=3, label="rewards")
    ax.set(xlabel="time [min]", ylabel="weight", ylim=(-0.5, 4.5))
    ax.legend(loc="upper left", fontsize=8)
    ax = fig.add_subplot(2, 2, 4)
    w = r["weights"]
    ax.hist(w[w > 0].numpy(), bins=40, range=(0, 4))
    ax.plot([r["w_final"]], [0], "r.", ms=12)
    ax.set(xlabel="excitatory weight", ylabel="synapses", yscale="log", title="weights at the end (red: rewarded)")
    fig.suptitle("Izhikevich (2007), Fig. 1: distal reward")
    fig.tight_layout()
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "distal_reward.png")
    fig.savefig(path, dpi=90)
    print(f"wrote {path}")


# ---- Fig. 2: Pavlovian conditioning -------------------------------------------------------------

def pavlovian(minutes=60.0, seed=1, groups=100, group_size=50, pulse=40.0, window_ms=50.0, progress=True):
    """Returns, per presentation, its time, group and the excitatory response (spikes of excitatory
    neurons outside the stimulated group within window_ms after the pulse)."""
    model = snn.models.Izhikevich2007(seed=seed)
    net = model.net
    rng = random.Random(seed)
    members = [rng.sample(range(1000), group_size) for _ in range(groups)]
    pulses = []
    for m in members:
        current = torch.zeros(1000)
        current[m] = pulse
        pulses.append((current[:800], current[800:]))
    spikes_E = net.monitor(model.E)
    schedule = RewardSchedule(net)
    log = []
    total = minutes * 60000.0
    bar = progress_bar(total / 1000.0, "simulated") if progress else None
    wall = time.perf_counter()
    while net.t < total - 1e-9:
        start = net.t
        schedule.run_until(min(start + rng.randint(100, 300), total))
        if net.t >= total - 1e-9:
            break
        g = rng.randrange(groups)
        spikes_E.clear()
        schedule.step(inputs={model.E: pulses[g][0], model.I: pulses[g][1]})
        if g == 0:
            schedule.add(net.t + rng.randint(1, 1000))
        schedule.run_until(min(net.t + window_ms, total))
        times, senders = spikes_E.events()
        outside = ~torch.isin(senders.long(), torch.tensor([i for i in members[g] if i < 800], dtype=torch.long))
        log.append((start, g, int(outside.sum())))
        spikes_E.clear()
        if bar is not None:
            bar.update((net.t - start) / 1000.0)
    wall = time.perf_counter() - wall
    if bar is not None:
        bar.close()
    return dict(log=torch.tensor(log, dtype=torch.float64), wall=wall, minutes=minutes,
                rewards=len(schedule.delivered))


def report_pavlovian(r):
    log = r["log"]
    print(f"Fig. 2, {r['minutes']:g} min simulated in {r['wall']:.0f} s; {len(log)} presentations, "
          f"{r['rewards']} rewards")
    span = min(600000.0, r["minutes"] * 60000.0 / 3)
    for label, sel in (("first", log[:, 0] < span), ("last", log[:, 0] >= r["minutes"] * 60000.0 - span)):
        s1 = log[sel & (log[:, 1] == 0), 2]
        rest = log[sel & (log[:, 1] != 0), 2]
        print(f"  {label} {span / 60000:.1f} min: response to S1 {s1.mean():.1f} spikes ({len(s1)} shows), "
              f"to the others {rest.mean():.1f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=60.0, help="simulated minutes (default 60, as the paper)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pavlovian", action="store_true", help="Fig. 2 instead of Fig. 1")
    ap.add_argument("--out", default="examples/out/izhikevich2007")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args()
    if args.pavlovian:
        report_pavlovian(pavlovian(args.minutes, args.seed, progress=not args.no_progress))
        return
    r = distal_reward(args.minutes, args.seed, progress=not args.no_progress)
    report(r)
    if not args.no_plot:
        plot(r, args.out)


if __name__ == "__main__":
    main()
