"""snn — spiking neural networks on torch tensors, with C++/CUDA kernels.

A minimal session::

    import torch, snn
    net = snn.Network(dt=0.1, seed=1)
    neuron = net.add(snn.LIF(1, I_e=376.0), name="neuron")      # NEST iaf_psc_delta
    vm = net.monitor(neuron, "V_m")
    spikes = net.monitor(neuron, "spikes")
    net.run(1000.0)
    times, senders = spikes.events()

Models (NEST aliases in brackets): LIF [iaf_psc_delta], LIFExp [iaf_psc_exp], AdaptiveLIF,
Izhikevich [izhikevich], PoissonInput [poisson_generator], SpikeGeneratorInput [spike_generator],
Parrot [parrot_neuron]. Weights and delays: numbers, tensors, or snn.init distributions.
Learning rules (``plasticity=``): STDP, TripletSTDP, DopamineSTDP [stdp_dopamine_synapse],
IzhikevichDASTDP, MSTDP, MSTDPET; neuromodulators with ``net.neuromodulator`` / ``net.set_signal``.
See docs/ in the repository for the step order, units and every parameter.
"""
import torch  # noqa: F401  (loads libtorch before the extension module)

from . import _snn
from . import analysis, datasets, encoders, evaluation, init, models
from ._snn import MonitorFullError
from .neurons import (AdaptiveLIF, ConductanceLIF, Izhikevich, LIF, LIFAlpha, LIFExp, Model, Parrot, PoissonInput, SpikeGeneratorInput, SpikeInput,
                     iaf_psc_alpha, iaf_psc_delta, iaf_psc_exp, izhikevich, parrot_neuron, poisson_generator, spike_generator)
from .network import Network, Population, Projection, SpikeEvents, SpikeMonitor, StateMonitor, WeightMonitor
from .plasticity import (MSTDP, MSTDPET, DopamineSTDP, IzhikevichDASTDP, STDP, TripletSTDP, stdp_dopamine_synapse,
                         stdp_synapse, stdp_triplet_synapse)

__version__ = "0.1.0"


def cuda_built() -> bool:
    """Whether this build of snn can run networks on CUDA devices."""
    return _snn.cuda_built()


__all__ = [
    "ConductanceLIF", "LIFAlpha", "iaf_psc_alpha", "SpikeInput", "analysis", "datasets", "encoders", "evaluation", "models", "DopamineSTDP", "IzhikevichDASTDP", "MSTDP", "MSTDPET", "Projection", "STDP", "TripletSTDP", "stdp_dopamine_synapse",
    "stdp_synapse", "stdp_triplet_synapse", "AdaptiveLIF", "Izhikevich", "LIF", "LIFExp", "Model", "MonitorFullError", "Network", "Parrot", "PoissonInput",
    "Population", "SpikeEvents", "SpikeGeneratorInput", "SpikeMonitor", "StateMonitor", "WeightMonitor", "cuda_built", "iaf_psc_delta",
    "iaf_psc_exp", "init", "izhikevich", "parrot_neuron", "poisson_generator", "spike_generator",
]
