"""Izhikevich (2007), "Solving the distal reward problem through linkage of STDP and dopamine
signaling", Cereb. Cortex 17:2443-2452: the network of the published daspnet.m (Fig. 1 and 2).

800 regular-spiking (a 0.02, d 8) and 200 fast-spiking (a 0.1, d 2) Izhikevich neurons (b 0.2,
c -65 mV, two half steps of v per 1 ms step), each driven by the noise current 13 (U - 1/2) drawn
afresh every ms. Every neuron has 100 synapses: an excitatory neuron onto random neurons of the whole
network (weight 1, plastic: IzhikevichDASTDP, weights in [0, 4]), an inhibitory one onto random
excitatory neurons (weight -1, static); delay 1 ms; repeated targets and self-connections allowed,
as in the published code.

One difference: daspnet.m draws each excitatory neuron's 100 targets over all 1000 neurons (80
excitatory and 20 inhibitory on average, binomially); here each excitatory neuron has exactly 80
excitatory and 20 inhibitory targets (two projections, E -> E and E -> I).

Dopamine is the "dopamine" signal: ``net.set_signal("dopamine", 0.5)`` is the published reward.
"""
from typing import Union

import torch

from .. import init
from ..network import Network
from ..neurons import Izhikevich
from ..plasticity import IzhikevichDASTDP, Rule


class Izhikevich2007:
    """The network. Attributes: ``net``, ``E``, ``I`` (populations), ``EE``, ``EI``, ``IE``
    (projections; EE and EI plastic unless plasticity=None).

    Args:
        plasticity: the rule of the excitatory synapses ("default": IzhikevichDASTDP()), or None.
        delay: of the excitatory synapses, in ms: 1 (the paper) or an snn.init distribution
            (the paper's spnet.m uses 1-20 ms; IzhikevichDASTDP then pairs at each synapse's arrivals).
        seed, device, dtype, distributed: as snn.Network. noise: amplitude of the noise current (13).
    """

    def __init__(self, *, plasticity: Union[Rule, str, None] = "default", delay: Union[float, init.Distribution] = 1.0,
                 noise: float = 13.0, seed: int = 1, device="cpu", dtype=torch.float32, distributed: bool = False):
        if plasticity == "default":
            plasticity = IzhikevichDASTDP()
        net = Network(dt=1.0, seed=seed, device=device, dtype=dtype, distributed=distributed)
        self.E = net.add(Izhikevich(800, a=0.02, d=8.0, I_noise=noise), name="E")
        self.I = net.add(Izhikevich(200, a=0.1, d=2.0, I_noise=noise), name="I")
        self.EE = net.connect(self.E, self.E, "fixed_outdegree", outdegree=80, weight=1.0, delay=delay,
                              plasticity=plasticity, name="EE", storage="sparse")
        self.EI = net.connect(self.E, self.I, "fixed_outdegree", outdegree=20, weight=1.0, delay=delay,
                              plasticity=plasticity, name="EI", storage="sparse")
        self.IE = net.connect(self.I, self.E, "fixed_outdegree", outdegree=100, weight=-1.0, delay=1.0, name="IE")
        self.net = net

    def synapse(self, pre: int, k: int = 0) -> "tuple[int, int]":
        """(index into EE.weight, target) of excitatory neuron ``pre``'s k-th synapse onto an excitatory
        neuron (daspnet.m's n1 = 1, syn = 1 is pre 0, k 0). EE is stored sparse: one weight per synapse."""
        sources, targets = self.EE.indices()
        index = int(torch.nonzero(sources == pre).flatten()[k])
        return index, int(targets[index])

    def excitatory_weights(self) -> torch.Tensor:
        """All excitatory weights (E -> E then E -> I), one per synapse."""
        return torch.cat([self.EE.weight, self.EI.weight])

    def __repr__(self):
        rule = self.EE.plasticity.rule if self.EE.plasticity is not None else "static"
        return f"<Izhikevich2007: 800 RS + 200 FS neurons, 100 synapses each, {rule}>"


__all__ = ["Izhikevich2007"]
