"""Zenke, Agnes & Gerstner (2015), "Diverse synaptic plasticity mechanisms orchestrated to form and retrieve
memories in spiking neural networks", Nat. Commun. 6:6922: the recurrent network of their Fig. 3, after the
published run scripts (fzenke/pub2015orchestrated: sim_rc_p10c, globalvars.sh, 2run_learn.sh).

    X   64 x 64 Poisson inputs on a grid (side 64 sqrt(s)): background bg_rate (5 Hz); a presented
        pattern adds stim_rate (25 Hz) to its inputs (discs of pattern_fraction of the grid)
    E   4096 s AIF2 neurons (Auryn's AIF2Group; AMPA/NMDA ratio 0.2, adaptation dg_a1 0.1)
    I   1024 s AIF2 neurons without adaptation (AMPA/NMDA ratio 0.3)
    X -> E  receptive fields: the 205 inputs (5 % of 4096) nearest to a random point of the grid, w_ext,
            OrchestratedPlasticity + short-term plasticity
    E -> E  in-degree 410 (10 %), w_ee 0.1, OrchestratedPlasticity + short-term plasticity, no autapses
    E -> I  in-degree 410, w_ei 0.6 (3 wei), short-term plasticity (U 0.2, tau_rec 200, tau_fac 600 ms)
    I -> I  in-degree 102, -0.2;   I -> E  in-degree 102, -0.15, VogelsSprekeler toward 4 Hz (eta / 50)
    delays 0.8 ms (Auryn's minimum delay), h 0.1 ms

The scale s multiplies the population sizes and keeps every in-degree (so a neuron's input statistics are
the full network's; smaller networks are more densely connected). The rule's parameters are the scripts':
A 1e-3, beta 0.04, delta 2e-5, w_max 5, consolidation every 1.2 s toward 0 and 0.5. Differences, stated:
short-term plasticity follows NEST's tsodyks2_synapse (Auryn's STP variant relaxes u toward U); the
inhibitory plasticity is Vogels et al.'s rule toward 4 Hz (the scripts' GlobalPFConnection is Zenke's
variant with a global rate factor); the receptive fields are discs with uniform weights w_ext (the scripts
load them from rf_discsR8.mtx, not published); the patterns are discs at random places (theirs: drawn
shapes); the network starts consolidated (w~ = w; the scripts start from a saved earlier run).
"""
import time
from typing import Optional

import torch

from ..network import Network
from ..neurons import AIF2, PoissonInput
from ..plasticity import OrchestratedPlasticity, ShortTermPlasticity, VogelsSprekeler

FULL_E, FULL_I = 4096, 1024


class Zenke2015:
    """The network (see the module docstring). ``present(pattern, fraction)`` sets the input, ``run(t_ms)``
    simulates and returns rates; ``train(...)`` runs the learning protocol; ``plastic(False)`` freezes
    every rule. Attributes: ``net``, ``X``, ``E``, ``I``, ``ext``, ``ee``, ``ie`` (projections),
    ``patterns`` [n_patterns, NX] (bool), ``spikes_E``, ``spikes_I``."""

    def __init__(self, scale: float = 1.0, *, beta: float = 0.04, delta: float = 2e-5, eta: float = 1e-3,
                 consolidation: bool = True, inhibitory_plasticity: bool = True, short_term: bool = True,
                 bg_rate: float = 5.0, stim_rate: float = 25.0, n_patterns: int = 4, pattern_fraction: float = 0.1,
                 w_ext: float = 0.5, w_ee: float = 0.1, w_ei: float = 0.6, w_ii: float = 0.2, w_ie: float = 0.15,
                 target_rate: float = 4.0, dt: float = 0.1, seed: int = 1, device="cpu", dtype=torch.float32,
                 record: bool = True):
        if not scale > 0:
            raise ValueError(f"scale must be > 0, got {scale}")
        if not 0 < pattern_fraction <= 1:
            raise ValueError(f"pattern_fraction must be in (0, 1], got {pattern_fraction}")
        if isinstance(n_patterns, bool) or not isinstance(n_patterns, int) or n_patterns < 1:
            raise ValueError(f"n_patterns must be an int >= 1, got {n_patterns!r}")
        self.NE, self.NI = max(2, int(round(FULL_E * scale))), max(2, int(round(FULL_I * scale)))
        self.side = max(2, int(round(64 * scale ** 0.5)))  # the inputs: a side x side grid (64 x 64 at scale 1)
        self.NX = self.side * self.side
        self.bg_rate, self.stim_rate = float(bg_rate), float(stim_rate)
        net = Network(dt=dt, seed=seed, device=device, dtype=dtype)
        self.X = net.add(PoissonInput(self.NX, rate=self.bg_rate), name="X")
        self.E = net.add(AIF2(self.NE, ampa_nmda_ratio=0.2, dg_a1=0.1, dg_a2=0.0), name="E")
        self.I = net.add(AIF2(self.NI, ampa_nmda_ratio=0.3, dg_a1=0.0, dg_a2=0.0), name="I")

        def stp():
            return ShortTermPlasticity(U=0.2, tau_rec=200.0, tau_fac=600.0) if short_term else None

        def rule():
            return OrchestratedPlasticity(A_plus=eta, A_minus=eta, beta=beta, delta=delta, w_max=5.0,
                                          consolidation=consolidation)

        def indegree(full_fraction, full_n, n):
            return max(1, min(n, int(round(full_fraction * full_n))))

        kX, kE, kI = indegree(0.05, FULL_E, self.NX), indegree(0.1, FULL_E, self.NE), indegree(0.1, FULL_I, self.NI)
        common = dict(delay=0.8, storage="sparse")
        gen = torch.Generator().manual_seed(seed)
        # Receptive fields: each E neuron takes the kX inputs nearest to a random point of the grid (a disc,
        # radius 8 at scale 1, as the scripts' rf_discsR8); the grid wraps around.
        grid = torch.stack(torch.meshgrid(torch.arange(self.side), torch.arange(self.side), indexing="ij"), -1)
        self.grid = grid.reshape(-1, 2).double()
        centres = torch.rand(self.NE, 2, generator=gen, dtype=torch.float64) * self.side
        pre = torch.cat([self._nearest(c, kX) for c in centres])
        post = torch.arange(self.NE).repeat_interleave(kX)
        self.ext = net.connect(self.X[pre], self.E[post], "one_to_one", weight=w_ext, plasticity=rule(),
                               short_term=stp(), name="X->E", **common)
        self.ee = net.connect(self.E, self.E, "fixed_indegree", indegree=min(kE, self.NE - 1), weight=w_ee,
                              plasticity=rule(), short_term=stp(), autapses=False, name="E->E", **common)
        self.ei = net.connect(self.E, self.I, "fixed_indegree", indegree=kE, weight=w_ei, short_term=stp(),
                              name="E->I", **common)
        self.ii = net.connect(self.I, self.I, "fixed_indegree", indegree=kI, weight=-w_ii, name="I->I", **common)
        # The network starts consolidated at its initial weights (w~ = w), as after an earlier run (the
        # scripts load such a state; Auryn's default start, w~ = 0, would pull every weight to 0).
        for proj in (self.ext, self.ee):
            proj.state["consolidated_weight"].fill_(0.0).add_(proj.weight.detach().to(proj.state["consolidated_weight"].dtype))
        # The scripts' inhibitory rule learns at eta / 50, toward 4 Hz (their alpha).
        isp = VogelsSprekeler(eta=eta / 50, alpha=2 * target_rate * 0.02, Wmax=-5.0) if inhibitory_plasticity else None
        self.ie = net.connect(self.I, self.E, "fixed_indegree", indegree=kI, weight=-w_ie, plasticity=isp,
                              name="I->E", **common)
        # Patterns: discs of pattern_fraction of the grid at random places (the scripts' shapes.pat holds
        # drawn shapes of about that size).
        self.patterns = torch.zeros(n_patterns, self.NX, dtype=torch.bool)
        size = max(1, int(round(pattern_fraction * self.NX)))
        for k in range(n_patterns):
            self.patterns[k, self._nearest(torch.rand(2, generator=gen, dtype=torch.float64) * self.side, size)] = True
        self._gen = gen
        self.net = net
        self.spikes_E = net.monitor(self.E) if record else None
        self.spikes_I = net.monitor(self.I) if record else None
        self.present(None)

    def _nearest(self, centre: torch.Tensor, k: int) -> torch.Tensor:
        """The k grid points nearest to `centre` on the wrapped grid (ties by index)."""
        d = (self.grid - centre).abs()
        d = torch.minimum(d, self.side - d)
        return torch.argsort((d * d).sum(dim=1), stable=True)[:k]

    # ---- input ----------------------------------------------------------------------------------
    def present(self, pattern: Optional[int] = None, fraction: float = 1.0) -> None:
        """Background only (None), or pattern k on top of it; ``fraction`` < 1 stimulates that share of the
        pattern's inputs (the same ones every time: a partial cue)."""
        rates = torch.full((self.NX,), self.bg_rate, dtype=torch.float64)
        if pattern is not None:
            if not 0 <= pattern < len(self.patterns):
                raise ValueError(f"pattern must be in [0, {len(self.patterns)}), got {pattern}")
            if not 0 < fraction <= 1:
                raise ValueError(f"fraction must be in (0, 1], got {fraction}")
            idx = self.patterns[pattern].nonzero().flatten()
            idx = idx[: max(1, int(round(fraction * len(idx))))]
            rates[idx] += self.stim_rate
        self.X.rate = rates

    def plastic(self, on: bool) -> None:
        """Switches every learning rule of the network on or off (short-term plasticity stays)."""
        for p in (self.ext, self.ee, self.ie):
            if p.plasticity is not None:
                p.learning = bool(on)

    # ---- running --------------------------------------------------------------------------------
    def run(self, t_ms: float, progress: bool = False) -> dict:
        """Simulates t_ms with the current input; returns the E and I rates (mean, and the largest single
        neuron's) over that time, the weights' means and the wall time."""
        start = self.net.t
        wall = time.perf_counter()
        self.net.run(t_ms, progress=progress)
        out = dict(wall=time.perf_counter() - wall, t_ms=t_ms, w_ee=self.ee.weight.mean().item(),
                   w_ext=self.ext.weight.mean().item(), w_ie=self.ie.weight.mean().item(),
                   w_ee_max=self.ee.weight.max().item())
        if self.spikes_E is not None:
            out.update(self._rates(start, t_ms))
        return out

    def _rates(self, start: float, t_ms: float) -> dict:
        out = {}
        for name, mon, n in (("E", self.spikes_E, self.NE), ("I", self.spikes_I, self.NI)):
            ev = mon.events()
            keep = ev.times > start
            counts = torch.bincount(ev.senders[keep].cpu(), minlength=n).double()
            rates = counts / (t_ms / 1000.0)
            out[f"rate_{name}"], out[f"max_rate_{name}"] = rates.mean().item(), rates.max().item()
            out[f"rates_{name}"] = rates
        self.spikes_E.clear()
        self.spikes_I.clear()
        return out

    def train(self, seconds: float, on_ms: float = 1000.0, off_ms: float = 3000.0, chunk_ms: float = 100.0,
              progress: bool = True) -> dict:
        """The learning protocol: patterns in random order, each on_ms on, off_ms background. Returns the
        E and I population rates every chunk_ms ('t' [s], 'rate_E', 'rate_I') and the largest E rate."""
        t, rates_E, rates_I, max_E, shown = [], [], [], [], []
        end = self.net.t + seconds * 1000.0
        bar = _bar(progress, seconds)
        while self.net.t < end - 1e-9:
            k = int(torch.randint(len(self.patterns), (1,), generator=self._gen))
            shown.append(k)
            for pattern, length in ((k, on_ms), (None, off_ms)):
                self.present(pattern)
                left = length
                while left > 1e-9 and self.net.t < end - 1e-9:
                    step = min(chunk_ms, left, end - self.net.t)
                    r = self.run(step)
                    t.append(self.net.t / 1000.0)
                    rates_E.append(r["rate_E"])
                    rates_I.append(r["rate_I"])
                    max_E.append(r["max_rate_E"])
                    left -= step
                    if bar is not None:
                        bar.update(step / 1000.0)
                        bar.set_postfix(E=f"{r['rate_E']:.1f} Hz")
        if bar is not None:
            bar.close()
        self.present(None)
        return dict(t=t, rate_E=rates_E, rate_I=rates_I, max_rate_E=max_E, shown=shown)

    def assemblies(self, size: Optional[int] = None) -> torch.Tensor:
        """For each pattern, the E neurons that receive the most input synapses from its inputs (the
        pattern's assembly-to-be): [n_patterns, size] indices, size = pattern_fraction NE by default."""
        pre, post = self.ext.indices()
        size = size or int(self.patterns[0].sum().item() * self.NE / self.NX)
        out = []
        for k in range(len(self.patterns)):
            from_pattern = self.patterns[k][pre.cpu()]
            counts = torch.bincount(post.cpu()[from_pattern], minlength=self.NE)
            out.append(torch.argsort(counts, descending=True, stable=True)[:size])
        return torch.stack(out)

    def assembly_weights(self, assemblies: Optional[torch.Tensor] = None) -> dict:
        """Mean E->E weight of the synapses inside an assembly (pre and post in the same one), between
        assemblies, and of all the others."""
        A = self.assemblies() if assemblies is None else assemblies
        member = torch.full((self.NE,), -1, dtype=torch.long)
        for k in range(len(A)):
            member[A[k]] = k
        pre, post = self.ee.indices()
        w = self.ee.weight.detach().cpu().double()
        mp, mq = member[pre.cpu()], member[post.cpu()]
        inside = (mp >= 0) & (mp == mq)
        between = (mp >= 0) & (mq >= 0) & (mp != mq)
        rest = ~(inside | between)
        return {k: (w[m].mean().item() if m.any() else float("nan")) for k, m in
                (("inside", inside), ("between", between), ("rest", rest))}

    def responses(self, fraction: float = 1.0, t_ms: float = 1000.0, settle_ms: float = 1000.0) -> torch.Tensor:
        """With learning off: each pattern presented (``fraction`` of its inputs) for t_ms after settle_ms of
        background; returns the rates [Hz] of every E neuron, [n_patterns, NE]."""
        was = [p.learning for p in (self.ext, self.ee, self.ie)]
        self.plastic(False)
        out = []
        for k in range(len(self.patterns)):
            self.present(None)
            self.run(settle_ms)
            self.present(k, fraction)
            out.append(self.run(t_ms)["rates_E"])
        self.present(None)
        for p, w in zip((self.ext, self.ee, self.ie), was):
            p.learning = w
        return torch.stack(out)

    def __repr__(self):
        return f"<Zenke2015 NE={self.NE} NI={self.NI} NX={self.NX}, {len(self.patterns)} patterns>"


def _bar(on: bool, total: float):
    if not on:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        return None
    return tqdm(total=total, unit="s", desc="Zenke2015", bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s {postfix}")


__all__ = ["Zenke2015"]
