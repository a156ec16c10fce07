"""Brunel (2000), "Dynamics of sparsely connected networks of excitatory and inhibitory spiking
neurons", J. Comput. Neurosci. 8:183-208, with the parameters of NEST's ``brunel_delta_nest.py``.

NE = 10000 s excitatory and NI = 2500 s inhibitory iaf_psc_delta neurons (scale s): tau_m 20 ms,
C_m 1, E_L = V_reset = 0 mV, theta 20 mV, t_ref 2 ms; each neuron receives CE = 1000 s excitatory
(J = 0.1 mV) and CI = 250 s inhibitory (-g J, g = 5) synapses, fixed in-degree, delay 1.5 ms, and an
independent Poisson drive of weight J at eta nu_th CE = eta theta / (J tau_m) = 20 kHz (eta = 2;
independent of CE, as in NEST's script); h = 0.1 ms. Initial membrane potentials uniform in [0, theta)
(NEST's script starts them at random as well).

The state is asynchronous irregular at scale 1 (NEST 3.10: CV of ISIs about 0.175 over 1 s, models.md).
Smaller scales keep J and the drive, so the recurrent inhibition (CI g J) shrinks with s and the rates
rise.
"""
import time

import torch

from ..analysis import firing_rates, isi_cv
from ..network import Network
from ..neurons import LIF, PoissonInput


class BrunelDelta:
    """The network; ``run(t_ms)`` simulates and returns rates and CV. Attributes: ``net``, ``E``, ``I``,
    ``spikes_E``, ``spikes_I`` (spike monitors, None with record=False)."""

    def __init__(self, scale: float = 1.0, *, g: float = 5.0, eta: float = 2.0, J: float = 0.1,
                 delay: float = 1.5, dt: float = 0.1, seed: int = 3, device="cpu", dtype=torch.float32,
                 record: bool = True, distributed: bool = False):
        if not scale > 0:
            raise ValueError(f"scale must be > 0, got {scale}")
        self.NE, self.NI = int(round(10000 * scale)), int(round(2500 * scale))
        self.CE, self.CI = max(1, int(round(1000 * scale))), max(1, int(round(250 * scale)))
        theta, tau_m = 20.0, 20.0
        self.drive_rate = eta * theta / (J * tau_m) * 1000.0  # [Hz]: eta nu_th CE
        net = Network(dt=dt, seed=seed, device=device, dtype=dtype, distributed=distributed)
        lif = dict(C_m=1.0, tau_m=tau_m, t_ref=2.0, E_L=0.0, V_reset=0.0, V_th=theta)
        self.E = net.add(LIF(self.NE, **lif), name="E")
        self.I = net.add(LIF(self.NI, **lif), name="I")
        gen = torch.Generator().manual_seed(seed)
        for pop in (self.E, self.I):
            pop.V_m = (torch.rand(1, len(pop), generator=gen, dtype=torch.float64) * theta).to(dtype)
            drive = net.add(PoissonInput(len(pop), rate=self.drive_rate), name=f"drive_{pop.name}")
            net.connect(drive, pop, "one_to_one", weight=J, delay=delay)
            net.connect(self.E, pop, "fixed_indegree", indegree=self.CE, weight=J, delay=delay)
            net.connect(self.I, pop, "fixed_indegree", indegree=self.CI, weight=-g * J, delay=delay)
        self.net = net
        self.spikes_E = net.monitor(self.E) if record else None
        self.spikes_I = net.monitor(self.I) if record else None

    def run(self, t_ms: float = 1000.0, progress: bool = False) -> dict:
        """Simulates t_ms; returns rates [Hz], the mean CV of ISIs of the excitatory neurons, the
        synapse count and the wall time of the simulation."""
        start = self.net.t
        wall = time.perf_counter()
        self.net.run(t_ms, progress=progress)
        wall = time.perf_counter() - wall
        out = dict(wall=wall, synapses=sum(p.num_synapses for p in self.net.projections), t_ms=t_ms)
        if self.spikes_E is not None:
            times, senders = self.spikes_E.events(gather=self.net.distributed)  # distributed: every process's
            rates_E = firing_rates(times, senders, self.NE, t_ms, start)
            ti, si = self.spikes_I.events(gather=self.net.distributed)
            rates_I = firing_rates(ti, si, self.NI, t_ms, start)
            keep = times >= start
            out.update(rate_E=rates_E.mean().item(), rate_I=rates_I.mean().item(),
                       rate=(rates_E.sum() + rates_I.sum()).item() / (self.NE + self.NI),
                       cv=isi_cv(times[keep], senders[keep])[0])
        return out

    def __repr__(self):
        return (f"<BrunelDelta NE={self.NE} NI={self.NI} CE={self.CE} CI={self.CI}, "
                f"drive {self.drive_rate / 1000:g} kHz>")


__all__ = ["BrunelDelta"]
