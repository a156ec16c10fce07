"""snn — spiking neural networks on torch tensors, with C++/CUDA kernels.

A minimal session::

    import torch, snn
    net = snn.Network(dt=0.1, seed=1)
    neuron = net.add(snn.LIF(1, I_e=376.0), name="neuron")      # NEST iaf_psc_delta
    vm = net.monitor(neuron, "V_m")
    spikes = net.monitor(neuron, "spikes")
    net.run(1000.0)
    times, senders = spikes.events()

Models (NEST aliases in brackets): LIF [iaf_psc_delta], LIFExp [iaf_psc_exp], LIFAlpha [iaf_psc_alpha],
AdaptiveLIF, ConductanceLIF, Izhikevich [izhikevich], PoissonInput [poisson_generator],
SpikeGeneratorInput [spike_generator], Parrot [parrot_neuron], SpikeInput: every model of the engine's
registry (``snn._snn.model_registry()``). Parameters are one value or one per neuron. Weights and
delays: numbers, tensors, or snn.init distributions. Learning rules (``plasticity=``): STDP
[stdp_synapse], TripletSTDP [stdp_triplet_synapse], DopamineSTDP [stdp_dopamine_synapse],
IzhikevichDASTDP, MSTDP, MSTDPET; neuromodulators with ``net.neuromodulator`` / ``net.set_signal``.
See docs/ in the repository for the step order, units and every parameter.
"""
import torch  # noqa: F401  (loads libtorch before the extension module)

from . import _snn
from . import neurons, plasticity
from . import analysis, closed_loop, datasets, debug, distributed, encoders, evaluation, init, models, plot
from .distributed import num_processes, rank
from ._snn import MonitorFullError
from .neurons import *  # noqa: F401,F403  (Model and every model of the registry, with its NEST alias)
from .network import load, Network, Population, PopulationView, Projection, SpikeEvents, SpikeMonitor, StateMonitor, TransmissionMonitor, WeightMonitor
from .plasticity import *  # noqa: F401,F403  (every rule of the registry, with its NEST alias)

__version__ = "0.1.0"


def cuda_built() -> bool:
    """Whether this build of snn can run networks on CUDA devices."""
    return _snn.cuda_built()


def set_load_adaptive(enabled: bool) -> None:
    """CPU threads on a shared machine. On (the default), snn's kernels use only the cores that other
    programs leave free (their CPU time in Linux's /proc/stat, averaged over about 100 ms):
    beside a compile that fills the cores they run on the calling thread, since a thread that shares a
    core with another program is parked by the scheduler and the others wait for it. Off, every thread
    of ``torch.set_num_threads`` takes part whatever the load. Results are the same either way."""
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be a bool, got {type(enabled).__name__}")
    _snn.set_load_adaptive(enabled)


def load_adaptive() -> bool:
    """Whether snn's CPU threads yield to other programs' load (see set_load_adaptive)."""
    return _snn.load_adaptive()


__all__ = ["MonitorFullError", "Network", "Population", "PopulationView", "Projection", "SpikeEvents", "SpikeMonitor",
           "StateMonitor", "TransmissionMonitor", "WeightMonitor", "analysis", "closed_loop", "cuda_built", "datasets", "debug", "encoders",
           "distributed", "evaluation", "init", "load", "load_adaptive", "models", "neurons", "num_processes", "plot", "plasticity",
           "rank", "set_load_adaptive"] + neurons.__all__ + plasticity.__all__
