"""The Python face of the C++ engine: Network, Population, SpikeMonitor, StateMonitor.

Everything heavy runs in C++ (``snn._snn``); this module turns Python arguments into the engine's
types, gives populations attribute access to their parameters and state (``pop.tau_m``,
``pop.V_m``), and adds conveniences such as a progress bar for long runs. Tensors are shared with
the engine, never copied, unless a docstring says otherwise.
"""
import json
import numbers
import os
from collections import OrderedDict
from typing import Dict, Iterator, Mapping, Optional, Sequence, Union

import torch

from . import _snn, distributed as _distributed
from .init import Distribution
from .neurons import Model, neuron_parameter
from .plasticity import Rule, RuleHandle, ShortTermPlasticity

_DTYPES = {torch.float32: "float32", torch.float64: "float64", "float32": "float32", "float64": "float64",
           "float": "float32", "double": "float64"}


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a number, got {type(value).__name__}")
    return float(value)


def _integer(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")
    return int(value)


def _init(value, what: str):
    """A weight or delay argument -> the engine's Init."""
    if isinstance(value, Distribution):
        return value._to_cpp()
    if isinstance(value, torch.Tensor):
        return _snn.Init.from_tensor(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _snn.Init.constant(float(value))
    raise TypeError(f"{what} must be a number, a tensor or an snn.init distribution, got {type(value).__name__}")


class Population:
    """A population of a network. Parameters and state variables are attributes:

    ``pop.tau_m`` reads a parameter: a float when every neuron has the same value, else a float64
    tensor [n] (a copy). ``pop.tau_m = 20.0`` sets it for every neuron, ``pop.I_e = tensor`` (or a list)
    one value per neuron (validated neuron by neuron; nothing changes on error). ``pop.V_m`` is the
    [batch, n] state tensor itself (shared with the engine), and ``pop.V_m = -65.0`` or
    ``pop.V_m = tensor`` copies values into it.
    """

    __slots__ = ("_cpp", "_net")

    def __init__(self, net: "Network", cpp):
        object.__setattr__(self, "_net", net)
        object.__setattr__(self, "_cpp", cpp)

    @property
    def name(self) -> str:
        return self._cpp.name

    @property
    def model(self) -> str:
        return self._cpp.model

    @property
    def size(self) -> int:
        """The number of neurons (of the whole population, in a distributed network)."""
        return self._cpp.global_size

    n = size

    def __len__(self) -> int:
        return self._cpp.global_size

    @property
    def local_neurons(self) -> range:
        """The neurons this process holds: all of them, or in a distributed network this process's
        block (state tensors such as ``pop.V_m`` are [batch, len(local_neurons)])."""
        return range(self._cpp.first, self._cpp.first + self._cpp.size)

    @property
    def network(self) -> "Network":
        return self._net

    @property
    def spikes(self) -> torch.Tensor:
        """Spike counts of the last step, [batch, n] (shared)."""
        return self._cpp.spikes

    @property
    def params(self) -> Dict[str, Union[float, torch.Tensor]]:
        """All parameters, by name (a copy): floats, or tensors [n] where the neurons differ."""
        return {k: self._cpp.param(k) for k in self._cpp.param_names()}

    @property
    def units(self) -> Dict[str, str]:
        """The unit of each parameter."""
        return dict(self._cpp.param_units())

    @property
    def state(self) -> Dict[str, torch.Tensor]:
        """All state tensors, by name (shared)."""
        return {k: self._cpp.state(k) for k in self._cpp.state_names()}

    @property
    def learning(self) -> bool:
        return self._cpp.learning

    @learning.setter
    def learning(self, on: bool):
        self._cpp.learning = bool(on)

    def set(self, **params) -> None:
        """Sets several parameters at once, each a number or one per neuron (checked together: nothing
        changes on error)."""
        self._cpp.set_params({k: neuron_parameter(self.model, k, v) for k, v in params.items()})

    def set_spike_times(self, times: Sequence[Sequence[float]], neurons: Optional[Sequence[int]] = None) -> None:
        """SpikeGeneratorInput: replaces the spike times [ms] of ``neurons`` (default: all; ``times[k]``
        for ``neurons[k]``), also after a run (times must then lie after ``net.t``). ``pop.spike_times =
        [[...], ...]`` sets all of them."""
        try:
            times = [[float(t) for t in ts] for ts in times]
        except TypeError:
            raise TypeError("spike_times must be a list of lists of times in ms, one per neuron") from None
        self._cpp.set_spike_times([] if neurons is None else [_integer(i, "neurons[i]") for i in neurons], times)

    def __getattr__(self, name):
        cpp = object.__getattribute__(self, "_cpp")
        if name == "spike_times" and cpp.model == "SpikeGeneratorInput":
            return cpp.spike_times()
        if name in cpp.param_names():
            return cpp.param(name)
        if name in cpp.state_names():
            return cpp.state(name)
        raise AttributeError(f"{cpp.model} population '{cpp.name}' has no attribute {name!r}; "
                             f"parameters: {', '.join(cpp.param_names()) or '(none)'}; "
                             f"state: {', '.join(cpp.state_names()) or '(none)'}")

    def __setattr__(self, name, value):
        cpp = self._cpp
        if name in cpp.param_names():
            cpp.set_param(name, neuron_parameter(cpp.model, name, value))
        elif name in cpp.state_names():
            current = cpp.state(name)
            if isinstance(value, torch.Tensor):
                value = value.to(current.device)  # values are copied in, from any device
            else:
                value = torch.as_tensor(value, dtype=current.dtype, device=current.device)
            cpp.set_state(name, value)
        elif name == "learning":
            object.__setattr__(self, name, value)
        elif name == "spike_times" and cpp.model == "SpikeGeneratorInput":
            self.set_spike_times(value)
        else:
            raise AttributeError(f"{cpp.model} population '{cpp.name}' has no parameter or state {name!r}; "
                                 f"parameters: {', '.join(cpp.param_names()) or '(none)'}; "
                                 f"state: {', '.join(cpp.state_names()) or '(none)'}")

    def __getitem__(self, index) -> "PopulationView":
        """Some of the neurons: ``pop[10:20]``, ``pop[[0, 5, 7]]``, ``pop[mask]``, usable wherever
        ``connect`` takes a population (the rule connects only those neurons)."""
        return PopulationView(self, index)

    def __repr__(self):
        return f"<Population '{self.name}': {self.model}, n={self.size}>"


class PopulationView:
    """Some neurons of a population, in a given order (``pop[2:5]``): ``connect`` treats them as a
    population of their own (indegrees, one_to_one pairing and weight tensors follow this order)."""

    __slots__ = ("population", "indices")

    def __init__(self, population: Population, index):
        n = population.size
        if isinstance(index, slice):
            ids = list(range(n))[index]
        elif isinstance(index, numbers.Integral) and not isinstance(index, bool):
            i = int(index)
            if not -n <= i < n:
                raise IndexError(f"neuron {i} is out of range for '{population.name}' ({n} neurons)")
            ids = [i % n]
        else:
            t = torch.as_tensor(index)
            if t.dtype == torch.bool:
                if t.shape != (n,):
                    raise IndexError(f"a mask over '{population.name}' must have shape [{n}], got {list(t.shape)}")
                t = t.nonzero().flatten()
            if t.dim() != 1 or (t.numel() and (t.dtype.is_floating_point or t.dtype.is_complex)):
                raise IndexError(f"neuron indices must be a 1-D list of ints, got {index!r}")
            ids = [int(i) for i in t.tolist()]
            bad = [i for i in ids if not -n <= i < n]
            if bad:
                raise IndexError(f"neuron {bad[0]} is out of range for '{population.name}' ({n} neurons)")
            ids = [i % n for i in ids]
        self.population, self.indices = population, ids

    @property
    def name(self) -> str:
        return self.population.name

    @property
    def size(self) -> int:
        return len(self.indices)

    def __len__(self) -> int:
        return len(self.indices)

    def __repr__(self):
        return f"<PopulationView of '{self.population.name}': {len(self.indices)} of {self.population.size} neurons>"


class SpikeEvents:
    """Recorded spikes. Unpacks as ``times, senders = monitor.events()``.

    times [ms] (float64, NEST's stamps: a spike of step s is at (s + 1) dt), senders (neuron
    index in the population), batch (batch entry), steps (step index), all 1-D tensors of equal
    length, ordered by (step, batch, neuron).
    """

    __slots__ = ("times", "senders", "batch", "steps")

    def __init__(self, times, senders, batch, steps):
        self.times, self.senders, self.batch, self.steps = times, senders, batch, steps

    def __iter__(self) -> Iterator[torch.Tensor]:
        return iter((self.times, self.senders))

    def __len__(self) -> int:
        return int(self.times.numel())

    def __repr__(self):
        return f"<SpikeEvents: {len(self)} spikes>"


def _gather_events(ev: SpikeEvents, dt: float) -> SpikeEvents:
    columns = torch.stack([ev.steps, ev.batch, ev.senders], 1).contiguous()
    parts = _distributed.allgather_bytes(columns.numpy().tobytes())
    rows = [torch.frombuffer(bytearray(b), dtype=torch.int64).view(-1, 3) for b in parts if b]
    all_rows = torch.cat(rows) if rows else torch.zeros(0, 3, dtype=torch.int64)
    # Each process's events are ordered by (step, neuron) (one batch entry), its neurons one block.
    all_rows = all_rows[torch.sort(all_rows[:, 0] * (2 ** 31) + all_rows[:, 2], stable=True).indices]
    steps, batch, senders = all_rows[:, 0].contiguous(), all_rows[:, 1].contiguous(), all_rows[:, 2].contiguous()
    times = (steps.to(torch.float64) + 1.0) * dt
    return SpikeEvents(times, senders, batch, steps)


class SpikeMonitor:
    """Records the spikes of a population (NEST's spike_recorder). See ``Network.monitor``."""

    def __init__(self, cpp, population: Population):
        self._cpp, self.population = cpp, population

    def events(self, gather: bool = False) -> SpikeEvents:
        """The recorded spikes. In a distributed network, those of the neurons this process holds
        (senders are indices in the whole population); with ``gather=True`` every process's, on every
        process, ordered by (step, batch, neuron) as in one process (a collective: every process calls it)."""
        ev = SpikeEvents(*self._cpp.events())
        if not gather or not self.population._net.distributed:
            return ev
        return _gather_events(ev, self.population._net.dt)

    def dense(self) -> torch.Tensor:
        """Spike counts [T, batch, n] (int16) for every step recorded since creation or clear()."""
        return self._cpp.dense()

    def counts(self) -> torch.Tensor:
        """Spike count per neuron [batch, n] (int64) since creation or clear()."""
        return self._cpp.counts()

    def clear(self) -> None:
        self._cpp.clear()

    @property
    def num_events(self) -> int:
        return self._cpp.num_events

    @property
    def recorded_steps(self) -> int:
        return self._cpp.recorded_steps

    @property
    def capacity(self) -> int:
        return self._cpp.capacity

    def __repr__(self):
        return f"<SpikeMonitor of '{self.population.name}': {self.num_events} spikes>"


class StateMonitor:
    """Records a state variable of a population (NEST's multimeter) or the weights or rule state of a
    projection (NEST's weight_recorder). See ``Network.monitor``."""

    def __init__(self, cpp, owner):
        self._cpp, self.owner = cpp, owner

    @property
    def population(self):
        """The monitored population (None for projection monitors)."""
        return self.owner if isinstance(self.owner, Population) else None

    @property
    def variable(self) -> str:
        return self._cpp.variable

    @property
    def neurons(self) -> torch.Tensor:
        """The recorded neurons (in a distributed network, those this process holds, as indices in
        the whole population)."""
        neurons = self._cpp.neurons
        pop = self.population
        return neurons + pop.local_neurons.start if pop is not None and pop.local_neurons.start else neurons

    def values(self, gather: bool = False) -> torch.Tensor:
        """Samples [T, batch, len(neurons)] (a copy). In a distributed network, those of the neurons this
        process holds; with ``gather=True`` every process's, in neuron order, on every process (a
        collective: every process calls it)."""
        values = self._cpp.values()
        pop = self.population
        if not gather or pop is None or not pop.network.distributed:
            return values
        return _distributed.allgather_tensor(values, -1).to(values.device)

    def times(self) -> torch.Tensor:
        """Sample times [T] in ms (float64): the end of the step each sample was taken after."""
        return self._cpp.times()

    def clear(self) -> None:
        self._cpp.clear()

    @property
    def num_samples(self) -> int:
        return self._cpp.num_samples

    def __repr__(self):
        return f"<StateMonitor of '{self.owner.name}.{self.variable}': {self.num_samples} samples>"


class WeightMonitor(StateMonitor):
    """Records chosen synapses' weights over time (NEST's weight_recorder), sampled every ``interval``
    ms into memory reserved per run. ``values()`` is [T, 1, len(synapses)]."""


class TransmissionMonitor:
    """Records every spike's passage through a projection's synapses with the weight (NEST's
    weight_recorder): ``events()`` -> dict of times [ms] (the spike's stamp), senders and targets (neuron
    indices), weights, ordered by time. See ``Network.monitor(projection, "transmissions")``."""

    def __init__(self, cpp, projection: "Projection"):
        self._cpp, self.projection = cpp, projection

    def events(self) -> Dict[str, torch.Tensor]:
        times, senders, targets, weights = self._cpp.events()
        return {"times": times, "senders": senders, "targets": targets, "weights": weights}

    @property
    def num_events(self) -> int:
        return self._cpp.num_events

    def clear(self) -> None:
        self._cpp.clear()

    def __repr__(self):
        return f"<TransmissionMonitor of '{self.projection.name}': {self.num_events} events>"


class Projection:
    """Connections from one population to another (returned by ``Network.connect``).

    ``weight`` [n_pre, n_post] is the engine's tensor (shared); assigning a tensor copies it in after
    checks. ``plasticity`` is the learning rule (or None), ``state`` its state tensors (``proj.state["c"]``),
    ``learning`` switches it on and off.
    """

    def __init__(self, net: "Network", cpp):
        self._net, self._cpp = net, cpp

    name = property(lambda self: self._cpp.name)
    rule = property(lambda self: self._cpp.rule, doc="The connection rule.")
    synapse_count = property(lambda self: self._cpp.synapse_count, doc="Synapses per entry [n_pre, n_post].")
    num_synapses = property(lambda self: self._cpp.num_synapses)
    delay = property(lambda self: self._cpp.delay, doc="Delay in ms: a 0-dim tensor, or [n_pre, n_post].")
    uniform_delay_steps = property(lambda self: self._cpp.uniform_delay_steps)

    @property
    def pre(self) -> Population:
        return self._net._populations[self._cpp.pre.name]

    @property
    def post(self) -> Population:
        return self._net._populations[self._cpp.post.name]

    storage = property(lambda self: self._cpp.storage, doc='"dense" or "sparse".')
    synapse_bytes = property(lambda self: self._cpp.synapse_bytes, doc="Bytes held by the synapse arrays.")
    last_delivery = property(lambda self: self._cpp.last_delivery,
                             doc='How the last step delivered spikes: "none", "events" or "matrix".')

    def indices(self):
        """(pre, post): the source and target of every synapse, [num_synapses] each, in storage order
        (in a distributed network, the synapses onto the targets this process holds)."""
        return self._cpp.indices()

    def dense_weight(self, gather: bool = False) -> torch.Tensor:
        """Weights as [n_pre, n_post] (sparse storage: a new tensor, multapses summed). In a distributed
        network the columns of the targets this process holds; with ``gather=True`` all of them, on
        every process (a collective: every process calls it)."""
        w = self._cpp.dense_weight()
        if not gather or not self._net.distributed:
            return w
        return _distributed.allgather_tensor(w, 1).to(w.device)

    @property
    def weight(self) -> torch.Tensor:
        """[n_pre, n_post] (dense) or [num_synapses] in CSR order (sparse; see indices())."""
        return self._cpp.weight

    @weight.setter
    def weight(self, value: torch.Tensor):
        if isinstance(value, torch.Tensor):
            value = value.to(self._cpp.weight.device)  # values are copied in, from any device
        self._cpp.weight = value

    @property
    def plasticity(self) -> Optional[RuleHandle]:
        rule = self._cpp.plasticity
        return None if rule is None else RuleHandle(rule)

    @property
    def short_term(self) -> Optional[RuleHandle]:
        """The projection's short-term plasticity (parameters as attributes, ``.state``), or None."""
        stp = self._cpp.short_term
        return None if stp is None else RuleHandle(stp)

    @property
    def state(self) -> Dict[str, torch.Tensor]:
        rule = self._cpp.plasticity
        return {} if rule is None else {k: rule.state(k) for k in rule.state_names()}

    @property
    def learning(self) -> bool:
        return self._cpp.learning

    @learning.setter
    def learning(self, on: bool):
        self._cpp.learning = bool(on)

    @property
    def normalize_target(self) -> Optional[float]:
        return self._cpp.normalize_target

    @normalize_target.setter
    def normalize_target(self, target: Optional[float]):
        self._cpp.normalize_target = None if target is None else _number(target, "normalize")

    def normalize(self, target: float) -> None:
        """Scales each target neuron's incoming weights to sum to ``target`` now."""
        self._cpp.normalize(_number(target, "target"))

    def __repr__(self):
        rule = self._cpp.plasticity
        return (f"<Projection '{self.name}': {self.rule}, {self.num_synapses} synapses"
                f"{', ' + rule.rule if rule is not None else ''}>")


PopulationRef = Union[Population, str]
Side = Union[Population, PopulationView, str]


class Network:
    """A spiking network simulated in steps of ``dt`` ms for ``batch_size`` independent copies.

    Args:
        dt: step in ms (> 0).
        batch_size: number of independent copies of the state (B); every state tensor is [B, n].
        device: "cpu", "cuda" or "cuda:<index>" (or a torch.device).
        dtype: torch.float32 or torch.float64.
        seed: seeds every random draw (connectivity, weights, Poisson input); the same seed gives
            bitwise the same run on the same device, whatever the thread count.
        distributed: one network across the processes of ``mpirun -np N`` (docs/distributed.md):
            each process holds a block of every population and the synapses onto it, and spikes
            are exchanged once per minimum delay; the same spikes on any number of processes.
            Outside mpirun, one process runs it all. Static synapses and one batch entry for now.

    Order of one step: deliver the input due now, integrate and emit spikes, push spikes into the
    projections' delay buffers, plasticity, monitors, t += dt.
    """

    def __init__(self, dt: float = 0.1, batch_size: int = 1, device: Union[str, torch.device] = "cpu",
                 dtype: Union[torch.dtype, str] = torch.float32, seed: int = 0, distributed: bool = False):
        dt = _number(dt, "dt")
        batch_size = _integer(batch_size, "batch_size")
        seed = _integer(seed, "seed")
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        if dtype not in _DTYPES:
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
        if not isinstance(device, (str, torch.device)):
            raise TypeError(f"device must be a string or torch.device, got {type(device).__name__}")
        if not isinstance(distributed, bool):
            raise TypeError(f"distributed must be True or False, got {type(distributed).__name__}")
        comm = _distributed.communicator() if distributed else None
        self._net = _snn.Network(dt, batch_size, str(device), _DTYPES[dtype], seed, distributed, comm)
        self._populations: Dict[str, Population] = {}
        self._projections = []
        self._monitors = []
        self.metadata: dict = {}  # what save(metadata=...) stored, on a network from snn.load()
        if not distributed:
            _distributed.warn_whole_copies()

    # ---- properties ---------------------------------------------------------------------------
    @property
    def dt(self) -> float:
        return self._net.dt

    @property
    def batch_size(self) -> int:
        return self._net.batch_size

    @property
    def device(self) -> torch.device:
        return torch.device(self._net.device)

    @property
    def dtype(self) -> torch.dtype:
        return torch.float32 if self._net.dtype == "float32" else torch.float64

    @property
    def seed(self) -> int:
        return self._net.seed

    @property
    def t(self) -> float:
        """Current time in ms (step_count x dt)."""
        return self._net.t

    @property
    def distributed(self) -> bool:
        """Whether the network is split across processes (``Network(distributed=True)``)."""
        return self._net.distributed

    @property
    def exchange_stats(self) -> dict:
        """Distributed networks: the steps between spike exchanges in the last run (the shortest
        delay); the exchanges, the 64-bit words this process sent and received, and the seconds it
        spent in them (waiting for the others included), since the projections last changed."""
        return dict(self._net.exchange_stats)

    @property
    def step_count(self) -> int:
        return self._net.step_count

    @property
    def populations(self) -> Dict[str, Population]:
        return dict(self._populations)

    @property
    def projections(self) -> "list[Projection]":
        return list(self._projections)

    def __getitem__(self, name: str) -> Population:
        return self._population(name)

    # ---- building -----------------------------------------------------------------------------
    def add(self, model: Model, name: Optional[str] = None) -> Population:
        """Adds a population built from a model spec (``snn.LIF(100, tau_m=20.0)``)."""
        if not isinstance(model, Model):
            raise TypeError(f"add() takes a model such as snn.LIF(100), got {type(model).__name__}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string, got {type(name).__name__}")
        cpp = self._net.add(model.model, model.n, model.params, name or "", model.spike_times)
        pop = Population(self, cpp)
        self._populations[cpp.name] = pop
        return pop

    def _population(self, ref: PopulationRef, what: str = "population") -> Population:
        if isinstance(ref, Population):
            if ref._net is not self:
                raise ValueError(f"{what} '{ref.name}' belongs to another network")
            return ref
        if isinstance(ref, str):
            if ref not in self._populations:
                known = ", ".join(self._populations) or "(none)"
                raise ValueError(f"no population named '{ref}'; populations: {known}")
            return self._populations[ref]
        raise TypeError(f"{what} must be a Population or a population name, got {type(ref).__name__}")

    def connect(self, pre: Side, post: Side, conn: str = "all_to_all", *,
                weight: Union[float, torch.Tensor, Distribution] = 1.0,
                delay: Union[None, float, torch.Tensor, Distribution] = None,
                indegree: Optional[int] = None, outdegree: Optional[int] = None, p: Optional[float] = None,
                N: Optional[int] = None, autapses: bool = True, multapses: bool = True,
                name: Optional[str] = None, plasticity: Optional[Rule] = None,
                normalize: Optional[float] = None, storage: str = "auto", short_term=None) -> Projection:
        """Connects two populations and returns the projection.

        ``pre`` and ``post`` are populations (or names), or views of some of their neurons
        (``pop[0:50]``, ``pop[[3, 7]]``): the rule then connects only those, in that order, and the
        projection still spans the whole populations. ``one_to_one`` between views with repeated
        indices makes explicit pairs (``pre[k] -> post[k]``).

        Args:
            conn: connection rule (NEST names): "one_to_one", "all_to_all", "fixed_indegree"
                (indegree=), "fixed_outdegree" (outdegree=), "pairwise_bernoulli" (p=),
                "fixed_total_number" (N=).
            weight: a number, a tensor [n_pre, n_post] (or one value per synapse for the rules
                that list synapses), or an snn.init distribution. Units are the target's: mV jumps
                for LIF/AdaptiveLIF, pA for LIFExp; w < 0 is inhibitory.
            delay: in ms, >= dt; default one step. Constants and tensors must be multiples of dt;
                values drawn from a distribution are rounded to the nearest step.
            autapses: allow i -> i when pre is post. multapses: allow repeated pairs (fixed_* rules).
            plasticity: a learning rule (snn.STDP(...), snn.DopamineSTDP(...), ...), or None.
            short_term: snn.ShortTermPlasticity(...) (NEST's tsodyks2_synapse): each spike transmits
                w x u; composes with ``plasticity``.
            normalize: scale each target's incoming weights to sum to this value at the start of
                every run (Diehl & Cook: 78), or None.
            storage: "dense" ([n_pre, n_post] weights), "sparse" (CSR by source: 8 bytes per synapse,
                12 with per-synapse delays) or "auto" (sparse below a third of the entries).
        """
        pre_ids = pre.indices if isinstance(pre, PopulationView) else None
        post_ids = post.indices if isinstance(post, PopulationView) else None
        pre_pop = self._population(pre.population if pre_ids is not None else pre, "pre")
        post_pop = self._population(post.population if post_ids is not None else post, "post")
        if not isinstance(conn, str):
            raise TypeError(f"conn must be a rule name such as 'all_to_all', got {type(conn).__name__}")
        if plasticity is not None and not isinstance(plasticity, Rule):
            raise TypeError(f"plasticity must be a rule such as snn.STDP(), got {type(plasticity).__name__}")
        if short_term is not None and not isinstance(short_term, ShortTermPlasticity):
            raise TypeError(f"short_term must be snn.ShortTermPlasticity(...), got {type(short_term).__name__}")
        spec = _snn.ConnectSpec()
        spec.rule = conn
        spec.weight = _init(weight, "weight")
        spec.delay = None if delay is None else _init(delay, "delay")
        spec.indegree = None if indegree is None else _integer(indegree, "indegree")
        spec.outdegree = None if outdegree is None else _integer(outdegree, "outdegree")
        spec.N = None if N is None else _integer(N, "N")
        spec.p = None if p is None else _number(p, "p")
        spec.autapses, spec.multapses = bool(autapses), bool(multapses)
        spec.pre_neurons, spec.post_neurons = pre_ids, post_ids
        spec.name = name or ""
        spec.storage = storage
        spec.plasticity = None if plasticity is None else plasticity._spec()
        spec.short_term = None if short_term is None else short_term._spec()
        spec.normalize = None if normalize is None else _number(normalize, "normalize")
        cpp = self._net.connect(pre_pop._cpp, post_pop._cpp, spec)
        proj = Projection(self, cpp)
        self._projections.append(proj)
        return proj

    # ---- neuromodulators ----------------------------------------------------------------------
    def neuromodulator(self, name: str, source: PopulationRef, delay: Optional[float] = None) -> None:
        """Makes the spikes of ``source`` feed the neuromodulator ``name`` (NEST's volume transmitter),
        seen ``delay`` ms later (default one step). Each spike is one event; what an event does is the
        rule's business (DopamineSTDP: n += A_vt / tau_n)."""
        pop = self._population(source, "neuromodulator source")
        self._net.neuromodulator(name, pop._cpp, self.dt if delay is None else _number(delay, "delay"))

    def set_signal(self, name: str, value) -> None:
        """Sets a neuromodulator signal: a number or one value per batch entry.

        Events signals ("dopamine"): the amount counts in the next step only (a reward delivery).
        Level signals ("reward"): the value holds from the next step until changed.
        """
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            self._net.set_signal_value(name, float(value))  # no tensor on the way: a closed loop sets it often
            return
        if not isinstance(value, torch.Tensor):
            value = torch.as_tensor(value, dtype=torch.float64)
        self._net.set_signal(name, value)

    def signal(self, name: str) -> torch.Tensor:
        """The value of a signal in the last step, [batch]."""
        return self._net.signal(name).value

    @property
    def signals(self) -> "list[str]":
        return self._net.signal_names()

    def monitor(self, population: Union[PopulationRef, "Projection"], what: str = "spikes", *,
                neurons: Optional[Sequence[int]] = None, synapses: Optional[Sequence] = None,
                interval: Optional[float] = None, capacity: Optional[int] = None, on_full: str = "grow",
                staging_steps: Optional[int] = None) -> Union[SpikeMonitor, StateMonitor]:
        """Records "spikes" or a state variable ("V_m", ...) of a population, or "weight" or a rule
        state ("c", ...) of a projection, sampled every ``interval`` (``synapses=[(i, j), ...]``), or
        its "transmissions" (NEST's weight_recorder: the weight of each synapse a spike passes through).

        Spikes: events (``monitor.events()``), dense counts (``dense()``), totals (``counts()``).
        Capacity is in events (default 2**20, reserved up front); ``on_full="grow"`` doubles it
        when needed, ``on_full="error"`` stops the run at a step boundary with MonitorFullError
        and keeps everything recorded. ``staging_steps``: steps staged between moves into the store
        (default: 64 on the CPU; on CUDA the whole run, up to 256 MiB of staging rows, so that the GPU
        is not waited for during the run).
        State: ``neurons`` (indices, default all), ``interval`` in ms (default dt), samples taken
        at the end of each step that ends on a multiple of the interval. Each run reserves the
        samples it will take; with a fixed ``capacity`` and ``on_full="error"`` a run that would
        overflow is refused before it starts.
        """
        if not isinstance(on_full, str):
            raise TypeError(f"on_full must be 'grow' or 'error', got {type(on_full).__name__}")
        if isinstance(population, Projection):
            return self._monitor_projection(population, what, neurons, synapses, interval, capacity, on_full)
        if synapses is not None:
            raise ValueError("synapses= applies to projection monitors")
        pop = self._population(population, "monitored population")
        if what == "spikes":
            if neurons is not None or interval is not None:
                raise ValueError("neurons= and interval= apply to state monitors; a spike monitor records every neuron")
            cap = 1 << 20 if capacity is None else _integer(capacity, "capacity")
            staging = 0 if staging_steps is None else _integer(staging_steps, "staging_steps")  # 0: automatic
            if staging_steps is not None and staging <= 0:
                raise ValueError(f"spike monitor staging_steps must be > 0 (or None: automatic), got {staging_steps}")
            mon = SpikeMonitor(self._net.monitor_spikes(pop._cpp, cap, on_full, staging), pop)
        else:
            if what not in pop._cpp.state_names():
                raise ValueError(f"cannot monitor {what!r} of '{pop.name}' ({pop.model}): choose 'spikes' or a state "
                                 f"variable: {', '.join(pop._cpp.state_names()) or '(none)'}")
            idx = [] if neurons is None else [_integer(i, "neurons[i]") for i in neurons]
            if neurons is not None and not idx:
                raise ValueError("neurons must list at least one index (or be None for all)")
            iv = 0.0 if interval is None else _number(interval, "interval")
            cap = -1 if capacity is None else _integer(capacity, "capacity")
            mon = StateMonitor(self._net.monitor_state(pop._cpp, what, idx, iv, cap, on_full), pop)
        self._monitors.append(mon)
        return mon

    def _monitor_projection(self, proj, what, neurons, synapses, interval, capacity, on_full):
        if proj._net is not self:
            raise ValueError(f"projection '{proj.name}' belongs to another network")
        if what == "transmissions":
            if any(x is not None for x in (neurons, synapses, interval, capacity)):
                raise ValueError("a transmissions monitor records every synapse at every spike: it takes no "
                                 "neurons=, synapses=, interval= or capacity=")
            mon = TransmissionMonitor(self._net.monitor_transmissions(proj._cpp), proj)
            self._monitors.append(mon)
            return mon
        if neurons is not None and synapses is not None:
            raise ValueError("give synapses= (pairs) or neurons= (for per-neuron rule state), not both")
        n_post = proj.post.size
        if synapses is not None:
            cols = []
            for pair in synapses:
                if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                    raise TypeError(f"synapses must be (pre, post) index pairs, got {pair!r}")
                i, j = _integer(pair[0], "synapse pre index"), _integer(pair[1], "synapse post index")
                if not (0 <= i < proj.pre.size and 0 <= j < n_post):
                    raise ValueError(f"synapse ({i}, {j}) is out of range for [{proj.pre.size}, {n_post}]")
                cols.append(i * n_post + j)
        else:
            cols = [] if neurons is None else [_integer(i, "neurons[i]") for i in neurons]
        iv = 0.0 if interval is None else _number(interval, "interval")
        cap = -1 if capacity is None else _integer(capacity, "capacity")
        cls = WeightMonitor if what == "weight" else StateMonitor
        mon = cls(self._net.monitor_projection(proj._cpp, what, cols, iv, cap, on_full), proj)
        self._monitors.append(mon)
        return mon

    # ---- running ------------------------------------------------------------------------------
    def _inputs(self, inputs: Optional[Mapping]) -> Dict[str, torch.Tensor]:
        if inputs is None:
            return {}
        if not isinstance(inputs, Mapping):
            raise TypeError(f"inputs must be a dict {{population name: tensor}}, got {type(inputs).__name__}")
        out = {}
        for key, value in inputs.items():
            name = self._population(key, "inputs key").name
            if not isinstance(value, torch.Tensor):
                value = torch.as_tensor(value, dtype=self.dtype, device=self.device)
            out[name] = value
        return out

    def run(self, t_ms: float, inputs: Optional[Mapping] = None, progress: bool = False) -> None:
        """Advances the network by ``t_ms`` (a multiple of dt).

        Args:
            inputs: {population or name: tensor}. Neurons take an external current [pA], Poisson
                sources a rate [Hz]. Shape [n] or [batch, n] (held for the run) or
                [steps, batch, n] (one slice per step). Same dtype and device as the network.
                Inputs last for this run only.
            progress: show a progress bar (tqdm) and run in chunks, which also lets Ctrl-C stop
                the run between chunks. Ignored by a distributed network, which runs in one piece
                on every process: every piece ends with an exchange that all processes must join.
        """
        t_ms = _number(t_ms, "t_ms")
        n_steps = self._net.steps_in(t_ms)
        tensors = self._inputs(inputs)
        if not progress or self.distributed or n_steps < 2:
            self._net.run_steps(n_steps, tensors)
            return
        self._net.check_inputs(tensors, n_steps)
        chunks = min(100, n_steps)
        try:
            from tqdm import tqdm
            bar = tqdm(total=n_steps, unit="step", desc=f"run {t_ms:g} ms")
        except ImportError:  # pragma: no cover - tqdm is a dependency of the examples only
            bar = None
        done = 0
        for c in range(chunks):
            end = (c + 1) * n_steps // chunks
            part = {k: (v[done:end] if v.dim() == 3 else v) for k, v in tensors.items()}
            self._net.run_steps(end - done, part)
            if bar is not None:
                bar.update(end - done)
            done = end
        if bar is not None:
            bar.close()

    def step(self, inputs: Optional[Mapping] = None) -> None:
        """Advances the network by one step (dt)."""
        self._net.run_steps(1, self._inputs(inputs))

    def reset_state(self, include_learned: bool = False) -> None:
        """Initial values for membrane potentials, currents, refractoriness and input in flight.

        Time keeps running (random draws stay fresh) and weights are kept; learned neuron state
        (AdaptiveLIF's theta) is kept unless ``include_learned``.
        """
        self._net.reset_state(bool(include_learned))

    def train(self, mode: bool = True) -> "Network":
        """Turns learning on (or off with mode=False) for everything plastic in the network."""
        self._net.set_learning(bool(mode))
        return self

    def eval(self) -> "Network":
        """Turns learning off (adaptive thresholds frozen)."""
        return self.train(False)

    # ---- checkpoints -----------------------------------------------------------------------------
    def state_dict(self) -> "OrderedDict[str, torch.Tensor]":
        """Copies of everything that changes while the network runs or is set after it is built:
        parameters, state, input in flight, weights, rule state, signals, learning switches and the
        step count (the random streams' position). Connectivity is included, as structure."""
        return OrderedDict(_snn.state_dict(self._net))

    def load_state_dict(self, state_dict: Mapping[str, torch.Tensor]) -> None:
        """Loads a state dict into this network, which must be built the same way (same script and
        seed: its connectivity must be equal). Every entry must be present and no other, with the same
        dtypes and shapes; tensors may be on any device. Checked first: on error nothing changes."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict must be a mapping of names to tensors, got {type(state_dict).__name__}")
        for key, value in state_dict.items():
            if not isinstance(key, str) or not isinstance(value, torch.Tensor):
                raise TypeError(f"state_dict entries must be str -> torch.Tensor, got {key!r} -> {type(value).__name__}")
        _snn.load_state_dict(self._net, list(state_dict.items()))

    def save(self, path: Union[str, "os.PathLike"], metadata: Optional[Mapping] = None) -> None:
        """Writes the whole network (structure and state_dict) to ``path``; ``snn.load(path)`` rebuilds
        it, and running it continues bitwise as if it had not stopped. Monitors are not saved: read
        them first. ``metadata``: the caller's own values (tensors, and anything JSON can hold, such as
        an epoch count or a dataset name), given back as the loaded network's ``metadata``. The file
        is written under a temporary name and renamed when complete."""
        _snn.save(self._net, _path(path, "path"), _encode_metadata(metadata or {}))

    @classmethod
    def _wrap(cls, cpp) -> "Network":
        net = cls.__new__(cls)
        net._net = cpp
        net._populations = {}
        for name in cpp.population_names():
            net._populations[name] = Population(net, cpp.population(name))
        net._projections = [Projection(net, cpp.projection(i)) for i in range(cpp.num_projections())]
        net._monitors = []
        net.metadata = {}
        return net

    def __repr__(self):
        return (f"<snn.Network dt={self.dt} ms, batch={self.batch_size}, {self.device}, {self.dtype}, "
                f"t={self.t:g} ms, populations={list(self._populations)}>")


def _path(path, what: str) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} must be a str or os.PathLike, got {type(path).__name__}")
    return os.fspath(path)


def load(path: Union[str, "os.PathLike"], device: Optional[Union[str, torch.device]] = None) -> Network:
    """Rebuilds a network written by ``Network.save`` (on ``device``, default the one it was saved
    from). A truncated, corrupted or newer file raises ValueError."""
    if device is not None and not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be a string or torch.device, got {type(device).__name__}")
    cpp, metadata = _snn.load(_path(path, "path"), "" if device is None else str(device))
    net = Network._wrap(cpp)
    net.metadata = _decode_metadata(metadata)
    return net


def _encode_metadata(metadata: Mapping) -> list:
    if not isinstance(metadata, Mapping):
        raise TypeError(f"metadata must be a mapping, got {type(metadata).__name__}")
    tensors, plain = [], {}
    for key, value in metadata.items():
        if not isinstance(key, str):
            raise TypeError(f"metadata keys must be strings, got {key!r}")
        if isinstance(value, torch.Tensor):
            tensors.append(("tensor." + key, value.detach().cpu()))
        else:
            plain[key] = value
    try:
        text = json.dumps(plain)
    except (TypeError, ValueError) as e:
        raise TypeError(f"metadata values must be tensors or what JSON holds (numbers, strings, lists, dicts): {e}")
    return tensors + [("json", torch.tensor(list(text.encode()), dtype=torch.uint8))]


def _decode_metadata(entries) -> dict:
    out = {}
    for key, value in entries:
        if key == "json":
            out.update(json.loads(bytes(value.tolist()).decode()))
        elif key.startswith("tensor."):
            out[key[len("tensor."):]] = value
    return out
