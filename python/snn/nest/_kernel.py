"""The snn.nest kernel: NEST's simulation kernel over one snn.Network.

Nodes live in blocks, one per ``Create`` call, numbered by global id from 1. A block of neurons,
parrots or spike generators is one snn population, made when the block is created (so parameters set
later go straight to the engine). Devices that snn expresses differently are emulated:

- poisson_generator: NEST sends every target its own Poisson train, so each Connect from a
  generator makes an snn PoissonInput with one source per connection (rate = the generator's), wired
  one_to_one to the targets;
- dc_generator: its amplitude (times the connection weight) is the targets' external current input of
  each run, which Simulate splits at the generators' start and stop times;
- spike_recorder, multimeter, weight_recorder: snn monitors on the recorded populations, read in NEST's
  ``events`` layout (times, senders, ...; ordered by time, then sender);
- volume_transmitter: an snn neuromodulator signal fed by the spikes of the connected population.

A Connect between collections that span several blocks becomes one snn projection per pair of blocks
(``pop[...]`` views where a block is used in part). Rules whose draws couple the blocks (fixed_indegree
from sources in several blocks, fixed_outdegree onto targets in several, fixed_total_number across
blocks) are drawn here, with NEST's definitions, and connected as explicit pairs.
"""
import bisect
import math
import numbers
import os
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from .. import init as snn_init
from .. import neurons as snn_neurons
from .. import plasticity as snn_plasticity
from .._snn import check_model
from ..network import Network, Population
from . import _models
from .random import Parameter

VERBOSITY = {"M_ALL": 0, "M_DEBUG": 5, "M_STATUS": 7, "M_INFO": 10, "M_DEPRECATED": 18, "M_WARNING": 20,
             "M_ERROR": 30, "M_FATAL": 40, "M_QUIET": 100}
RULES = ("one_to_one", "all_to_all", "fixed_indegree", "fixed_outdegree", "pairwise_bernoulli", "fixed_total_number")
RULE_ARGS = {"fixed_indegree": "indegree", "fixed_outdegree": "outdegree", "pairwise_bernoulli": "p",
             "fixed_total_number": "N"}
KERNEL_DEFAULTS = dict(resolution=0.1, rng_seed=143202461, local_num_threads=1, print_time=False,
                       overwrite_files=False, data_path="", data_prefix="", dict_miss_is_error=True,
                       snn_dtype="float64", snn_device="cpu")
READ_ONLY = ("biological_time", "network_size", "num_connections", "min_delay", "max_delay", "total_num_virtual_procs")
FROZEN = ("resolution", "rng_seed", "snn_dtype", "snn_device")  # fixed once the network exists
SCALAR_DEVICE_PARAMS = ("rate", "amplitude", "start", "stop", "origin", "interval")
SYNAPSE_READ_ONLY = {"source", "target", "synapse_model", "delay", "receptor", "port", "vt", "weight_recorder"}


class NESTError(ValueError):
    """An error of snn.nest (PyNEST's nest.kernel.NESTError); the message names the argument and value."""


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _gid(value, what: str) -> int:
    """A single node id from an int or a one-node NodeCollection."""
    from ._nodes import NodeCollection
    if isinstance(value, NodeCollection) and len(value) == 1:
        return int(value._ids[0])
    if isinstance(value, (list, tuple)) and len(value) == 1:
        return _gid(value[0], what)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    raise NESTError(f"{what} must be one node (an id or a one-node NodeCollection), got {value!r}")


class Block:
    """The nodes of one Create call: ids first .. first + n - 1."""

    def __init__(self, first: int, n: int, model: _models.Model):
        self.first, self.n, self.model = first, n, model
        self.pop: Optional[Population] = None  # neurons, parrots, spike generators
        self.extra: Dict[str, torch.Tensor] = {}  # neurons: NEST-only parameters (tau_minus, ...), per node
        self.nodes: List[dict] = []  # devices: parameters per node
        self.emitters = []  # poisson_generator: (PoissonInput population, generator index per source)
        self.recorded = []  # spike_recorder: per node, [(block, local ids, recorded after t)]
        self.meters = []  # multimeter: per node, [(block, local ids, {variable: StateMonitor})]
        self.cleared = []  # recorders: per node, events up to this time are dropped (n_events = 0)
        self.signal = ""  # volume_transmitter: the snn signal

    @property
    def kind(self) -> str:
        return self.model.kind

    def gids(self, local: torch.Tensor) -> torch.Tensor:
        return local + self.first


class Connection:
    """The synapses one snn projection holds, with the NEST model and parameters they were made with."""

    def __init__(self, proj, model: _models.SynapseModel, values: dict, pre_gids: torch.Tensor, post: Block,
                 weight_recorder: Optional[Block] = None):
        self.proj, self.model, self.values = proj, model, values
        self.pre_gids = pre_gids  # gid of each neuron of the projection's pre population
        self.post = post
        self.weight_recorder = weight_recorder
        self.recorder_monitor = None


class Kernel:
    def __init__(self):
        self.status = dict(KERNEL_DEFAULTS)
        self.verbosity = VERBOSITY["M_INFO"]
        self.models = _models.builtin_models()
        self.synapses = _models.builtin_synapses()
        self.net: Optional[Network] = None
        self.blocks: List[Block] = []
        self.firsts: List[int] = []
        self.next_gid = 1
        self.connections: List[Connection] = []
        self.spike_monitors = {}  # id(block) -> SpikeMonitor
        self.prepared = False
        self.signals: Dict[int, str] = {}
        self.files = set()  # ascii files this kernel wrote (overwritten after each run)
        self._rng: Optional[torch.Generator] = None

    # ---- kernel status ------------------------------------------------------------------------
    def network(self) -> Network:
        if self.net is None:
            dtype = torch.float64 if self.status["snn_dtype"] == "float64" else torch.float32
            self.net = Network(dt=self.status["resolution"], seed=self.status["rng_seed"], dtype=dtype,
                               device=self.status["snn_device"])
        return self.net

    def rng(self) -> torch.Generator:
        """Draws of node parameters and of the connections made here (seeded by rng_seed)."""
        if self._rng is None:
            self._rng = torch.Generator().manual_seed(int(self.status["rng_seed"]) * 7919 + 17)
        return self._rng

    @property
    def resolution(self) -> float:
        return self.status["resolution"]

    @property
    def time(self) -> float:
        return 0.0 if self.net is None else self.net.t

    def kernel_status(self, key: Optional[str] = None):
        """Every status entry, or one (computed alone: scripts read biological_time every chunk)."""
        derived = {
            "biological_time": lambda: self.time,
            "network_size": lambda: self.next_gid - 1,
            "num_connections": lambda: sum(c.proj.num_synapses for c in self.connections),
            "min_delay": lambda: min((float(c.proj.delay.min()) for c in self.connections), default=self.resolution),
            "max_delay": lambda: max((float(c.proj.delay.max()) for c in self.connections), default=self.resolution),
            "total_num_virtual_procs": lambda: self.status["local_num_threads"],
        }
        if key is not None:
            if key in derived:
                return derived[key]()
            if key not in self.status:
                raise NESTError(f"unknown kernel status {key!r}; keys: {', '.join(sorted([*self.status, *derived]))}")
            return self.status[key]
        s = dict(self.status)
        s.update({k: f() for k, f in derived.items()})
        return s

    def set_kernel_status(self, params: dict) -> None:
        if not isinstance(params, dict):
            raise TypeError(f"SetKernelStatus takes a dict, got {type(params).__name__}")
        checked = {}
        for key, value in params.items():
            if key in READ_ONLY and key != "total_num_virtual_procs":
                raise NESTError(f"kernel status {key!r} is read-only")
            if key == "total_num_virtual_procs":
                key = "local_num_threads"
            if key not in KERNEL_DEFAULTS:
                raise NESTError(f"unknown kernel status {key!r}; settable: {', '.join(sorted(KERNEL_DEFAULTS))}")
            if key in FROZEN and self.net is not None and value != self.status[key]:
                raise NESTError(f"cannot change {key} to {value!r} after nodes were created (it is "
                                f"{self.status[key]!r}); call nest.ResetKernel() first")
            checked[key] = self._kernel_value(key, value)
        self.status.update(checked)
        if "local_num_threads" in checked:
            torch.set_num_threads(max(1, min(checked["local_num_threads"], os.cpu_count() or 1)))

    @staticmethod
    def _kernel_value(key, value):
        if key == "resolution":
            if not _is_number(value) or not value > 0 or not math.isfinite(value):
                raise NESTError(f"resolution must be a number > 0 [ms], got {value!r}")
            return float(value)
        if key in ("rng_seed", "local_num_threads"):
            low = 0 if key == "rng_seed" else 1
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
                raise NESTError(f"{key} must be an int >= {low}, got {value!r}")
            return int(value)
        if key in ("print_time", "overwrite_files", "dict_miss_is_error"):
            if not isinstance(value, (bool, np.bool_)):
                raise NESTError(f"{key} must be True or False, got {value!r}")
            return bool(value)
        if key == "snn_dtype":
            if value not in ("float32", "float64"):
                raise NESTError(f"snn_dtype must be 'float32' or 'float64', got {value!r}")
            return value
        if not isinstance(value, str):
            raise NESTError(f"{key} must be a string, got {value!r}")
        return value

    def set_verbosity(self, level) -> None:
        if isinstance(level, str) and level in VERBOSITY:
            self.verbosity = VERBOSITY[level]
        elif isinstance(level, numbers.Integral) and not isinstance(level, bool):
            self.verbosity = int(level)
        else:
            raise NESTError(f"set_verbosity: level must be one of {', '.join(VERBOSITY)} or an int, got {level!r}")

    def info(self, message: str) -> None:
        if self.verbosity <= VERBOSITY["M_INFO"]:
            print(f"snn.nest: {message}")

    # ---- models -------------------------------------------------------------------------------
    def model(self, name, what: str = "model"):
        """A node or synapse model by name (NEST 2 names mapped)."""
        if not isinstance(name, str):
            raise TypeError(f"{what} must be a model name (a string), got {type(name).__name__}")
        name = _models.NEST2_NAMES.get(name, name)
        if name in self.models:
            return self.models[name]
        if name in self.synapses:
            return self.synapses[name]
        raise NESTError(f"unknown {what} {name!r}; snn.nest supports: {', '.join(self.model_names())}")

    def model_names(self, mtype: str = "all") -> List[str]:
        if mtype == "nodes":
            return sorted(self.models)
        if mtype == "synapses":
            return sorted(self.synapses)
        if mtype != "all":
            raise NESTError(f"Models: mtype must be 'all', 'nodes' or 'synapses', got {mtype!r}")
        return sorted(self.models) + sorted(self.synapses)

    def get_defaults(self, name) -> dict:
        m = self.model(name)
        d = m.defaults()
        if isinstance(m, _models.SynapseModel):
            d["num_connections"] = sum(c.proj.num_synapses for c in self.connections if c.model.name == m.name)
        return d

    def set_defaults(self, name, params: dict) -> None:
        m = self.model(name)
        if not isinstance(params, dict):
            raise TypeError(f"SetDefaults takes a dict of parameters, got {type(params).__name__}")
        if isinstance(m, _models.SynapseModel):
            m.params.update(self._synapse_params(m, params, where=f"SetDefaults({m.name!r})"))
            return
        updates = self._model_updates(m, params, f"SetDefaults({m.name!r})")
        for k, v in updates.items():
            (m.state if k in m.state else m.params)[k] = v

    def copy_model(self, existing, new: str, params: Optional[dict]) -> None:
        m = self.model(existing, "model to copy")
        if not isinstance(new, str) or not new:
            raise NESTError(f"CopyModel: the new name must be a non-empty string, got {new!r}")
        if new in self.models or new in self.synapses:
            raise NESTError(f"CopyModel: a model named {new!r} exists already")
        copy = m.copy(new)
        registry = self.synapses if isinstance(m, _models.SynapseModel) else self.models
        registry[new] = copy
        try:
            if params:
                self.set_defaults(new, params)
        except Exception:
            del registry[new]
            raise

    def _model_updates(self, m: _models.Model, params: dict, where: str) -> dict:
        """Model-level (scalar) parameter updates, checked: {name: value}."""
        out = {}
        for k, v in params.items():
            if m.kind != "neuron":
                item = self._device_item(m, k, v, where)
                if item is not None:
                    out[item[0]] = item[1]
                continue
            if k not in m.params and k not in m.state:
                raise NESTError(self._unknown(m, k, where))
            if not _is_number(v):
                raise NESTError(f"{where}: {k} must be a number, got {v!r}")
            out[k] = float(v)
        if m.kind == "neuron":
            snn_params = {k: v for k, v in {**m.params, **out}.items() if k not in _models.ARCHIVING and k not in m.state}
            self._check_neuron(m, 1, snn_params, where)
        return out

    def _check_neuron(self, m, n, params, where):
        try:
            check_model(m.snn_model, n, params, [])
        except ValueError as e:
            raise NESTError(f"{where}: {e}") from None

    def _unknown(self, m, key, where) -> str:
        known = sorted(k for k in list(m.params) + list(m.state))
        return f"{where}: {m.name} has no parameter {key!r}; parameters: {', '.join(known)}"

    # ---- nodes --------------------------------------------------------------------------------
    def check_ids(self, ids: torch.Tensor, what: str = "NodeCollection") -> None:
        if ids.numel() and (ids.min() < 1 or ids.max() >= self.next_gid):
            bad = ids[(ids < 1) | (ids >= self.next_gid)][0].item()
            raise NESTError(f"{what}: node {bad} does not exist (nodes are 1..{self.next_gid - 1})")

    def split(self, ids: torch.Tensor) -> List[Tuple[Block, torch.Tensor, torch.Tensor]]:
        """[(block, local indices, positions in ids)] in order of first appearance."""
        if not ids.numel():
            return []
        starts = torch.tensor(self.firsts, dtype=torch.long)
        which = torch.searchsorted(starts, ids, right=True) - 1
        blocks = torch.unique(which).tolist()
        first_seen = {b: int((which == b).nonzero()[0]) for b in blocks}
        out = []
        for b in sorted(blocks, key=first_seen.get):
            pos = (which == b).nonzero().flatten()
            block = self.blocks[b]
            out.append((block, ids[pos] - block.first, pos))
        return out

    def block_of(self, gid: int) -> Block:
        return self.blocks[bisect.bisect_right(self.firsts, gid) - 1]

    def describe(self, ids: torch.Tensor) -> str:
        parts = []
        for block, local, _ in self.split(ids):
            first, last = int(local[0]) + block.first, int(local[-1]) + block.first
            step = "" if len(local) < 2 or bool((local[1:] - local[:-1] == 1).all()) else ", (not contiguous)"
            parts.append(f"model={block.model.name}, size={len(local)}, first={first}, last={last}{step}")
        return "NodeCollection(" + "; ".join(f"metadata=None, {p}" for p in parts) + ")"

    def create(self, name, n, params, positions):
        from ._nodes import NodeCollection
        if positions is not None:
            raise NESTError("Create: positions (spatial networks) are not supported by snn.nest")
        m = self.model(name, "model")
        if isinstance(m, _models.SynapseModel):
            raise NESTError(f"Create: {m.name!r} is a synapse model; nodes: {', '.join(sorted(self.models))}")
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise NESTError(f"Create: n must be an int >= 1, got {n!r}")
        n = int(n)
        per_node = self._node_params(m, n, params, "Create")
        block = Block(self.next_gid, n, m.copy(m.name))
        block.model.base = m.base
        if m.kind == "neuron":
            self._make_neurons(block, per_node)
        elif m.kind == "spike_generator":
            block.nodes = [self._device_node(m, per_node, i) for i in range(n)]
            block.pop = self.network().add(snn_neurons.SpikeGeneratorInput(n), name=f"{m.name}_{block.first}")
            block.pop._cpp.set_params({"allow_offgrid_times": float(block.nodes[0]["allow_offgrid_times"])})
            self._push_spike_times(block, range(n))
        else:
            block.nodes = [self._device_node(m, per_node, i) for i in range(n)]
            if m.kind == "volume_transmitter":
                self.network()
        if m.kind in ("recorder", "multimeter", "weight_recorder"):
            block.recorded = [[] for _ in range(n)]
            block.meters = [[] for _ in range(n)]
            block.cleared = [-math.inf] * n
        self.blocks.append(block)
        self.firsts.append(block.first)
        self.next_gid += n
        return NodeCollection._of(torch.arange(block.first, block.first + n, dtype=torch.long))

    def _node_params(self, m: _models.Model, n: int, params, where: str) -> Dict[str, object]:
        """params (None, a dict, or a list of n dicts) -> {name: a value for all, or n values}."""
        if params is None:
            return {}
        if isinstance(params, (list, tuple)):
            if len(params) != n:
                raise NESTError(f"{where}: got {len(params)} parameter dicts for {n} nodes")
            if not all(isinstance(p, dict) for p in params):
                raise TypeError(f"{where}: params must be a dict or a list of dicts")
            keys = set().union(*(p.keys() for p in params))
            out = {}
            for k in keys:
                missing = [i for i, p in enumerate(params) if k not in p]
                if missing:
                    raise NESTError(f"{where}: parameter {k!r} is missing in the dict of node {missing[0]} "
                                    f"(snn.nest needs every dict of the list to have the same keys)")
                out[k] = _PerNode([p[k] for p in params])
            return out
        if not isinstance(params, dict):
            raise TypeError(f"{where}: params must be a dict or a list of dicts, got {type(params).__name__}")
        return dict(params)

    def _values(self, m, key: str, value, n: int, where: str) -> torch.Tensor:
        """A neuron parameter or state value for n nodes: float64 [n]."""
        if isinstance(value, Parameter):
            return value.draw(n, self.rng())
        if isinstance(value, _PerNode):
            value = value.values
        if _is_number(value):
            return torch.full((n,), float(value), dtype=torch.float64)
        if isinstance(value, (bool, np.bool_)):
            return torch.full((n,), float(value), dtype=torch.float64)
        try:
            t = torch.as_tensor(np.asarray(value, dtype=np.float64))
        except (TypeError, ValueError):
            raise NESTError(f"{where}: {m.name} parameter {key} must be a number, one number per node or a "
                            f"nest.random parameter, got {value!r}") from None
        if t.dim() != 1 or t.numel() != n:
            raise NESTError(f"{where}: {m.name} parameter {key} has {t.numel()} values for {n} nodes")
        return t

    def _make_neurons(self, block: Block, per_node: dict) -> None:
        m, n = block.model, block.n
        for k in per_node:
            if k not in m.params and k not in m.state:
                raise NESTError(self._unknown(m, k, "Create"))
        values = {k: self._values(m, k, v, n, "Create") for k, v in per_node.items()}
        snn_params = {}
        for k, default in m.params.items():
            if k in _models.ARCHIVING:
                block.extra[k] = values.get(k, torch.full((n,), float(default), dtype=torch.float64))
                continue
            v = values.get(k)
            snn_params[k] = float(default) if v is None else (float(v[0]) if bool((v == v[0]).all()) else v)
        self._check_neuron(m, n, snn_params, "Create")
        cls = getattr(snn_neurons, m.snn_model)
        spec = cls(n) if not snn_params else cls(n, **snn_params)
        block.pop = self.network().add(spec, name=f"{m.name}_{block.first}")
        for k, default in m.state.items():
            v = values.get(k)
            if v is None and default is None:
                continue
            state = block.pop._cpp.state(k)
            state[:] = (v if v is not None else torch.tensor(float(default))).to(state.dtype)

    def _device_node(self, m: _models.Model, per_node: dict, i: int) -> dict:
        node = {k: (list(v) if isinstance(v, list) else v) for k, v in m.params.items()}
        for k, v in per_node.items():
            item = self._device_item(m, k, v.values[i] if isinstance(v, _PerNode) else v, "Create")
            if item is not None:
                node[item[0]] = item[1]
        return node

    def _device_item(self, m: _models.Model, key: str, value, where: str):
        """(name, checked value) of a device parameter as stored, or None for NEST 2 flags without effect."""
        if key in _models.IGNORED_NEST2:
            return None
        if key in _models.NEST2_RECORD_TO and "record_to" in m.params:
            return "record_to", _models.NEST2_RECORD_TO[key] if value else "memory"
        if key not in m.params:
            raise NESTError(self._unknown(m, key, where))
        return key, self._device_value(m, key, value, where)

    def _device_value(self, m: _models.Model, key: str, value, where: str):
        """A checked device parameter (one node)."""
        kind = m.kind
        if key in ("rate", "amplitude", "start", "stop", "origin", "interval"):
            if not _is_number(value) or math.isnan(value):
                raise NESTError(f"{where}: {m.name} parameter {key} must be a number, got {value!r}")
            value = float(value)
            if key in ("rate", "start", "origin") and value < 0 or key == "stop" and value < 0:
                raise NESTError(f"{where}: {m.name} parameter {key} must be >= 0, got {value}")
            if key == "interval":
                steps = value / self.resolution
                if value < self.resolution or abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
                    raise NESTError(f"{where}: {m.name} interval must be a multiple of the resolution "
                                    f"({self.resolution} ms), got {value}")
            if key == "amplitude" and not math.isfinite(value):
                raise NESTError(f"{where}: dc_generator amplitude must be finite, got {value}")
            return value
        if key == "spike_times" or key == "spike_multiplicities":
            try:
                times = [float(t) for t in np.asarray(value, dtype=np.float64).reshape(-1)]
            except (TypeError, ValueError):
                raise NESTError(f"{where}: {key} must be a list of numbers, got {value!r}") from None
            if key == "spike_times" and any(b < a for a, b in zip(times, times[1:])):
                raise NESTError(f"{where}: spike_times must be sorted in increasing order (as in NEST), got {times}")
            if key == "spike_multiplicities" and any(t < 0 or t != int(t) for t in times):
                raise NESTError(f"{where}: spike_multiplicities must be counts >= 0, got {times}")
            return times
        if key in ("allow_offgrid_times", "precise_times", "shift_now_spikes", "time_in_steps"):
            if not isinstance(value, (bool, np.bool_)) and value not in (0, 1):
                raise NESTError(f"{where}: {key} must be True or False, got {value!r}")
            if key in ("precise_times", "shift_now_spikes", "time_in_steps") and value:
                raise NESTError(f"{where}: {key}=True is not supported by snn.nest (spikes are on the grid)")
            return bool(value)
        if key == "spike_weights":
            if len(value):
                raise NESTError(f"{where}: spike_weights are not supported by snn.nest (use the connection weight)")
            return []
        if key == "record_to":
            if value not in ("memory", "ascii"):
                raise NESTError(f"{where}: record_to {value!r} is not supported by snn.nest; use 'memory' or 'ascii'")
            return value
        if key in ("label", "file_extension"):
            if not isinstance(value, str):
                raise NESTError(f"{where}: {key} must be a string, got {value!r}")
            return value
        if key == "precision":
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value <= 17:
                raise NESTError(f"{where}: precision must be an int in [0, 17], got {value!r}")
            return int(value)
        if key == "record_from":
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise NESTError(f"{where}: record_from must be a list of variable names, got {value!r}")
            return list(value)
        if key in ("senders", "targets"):
            from ._nodes import as_nodes
            return [] if value is None or (hasattr(value, "__len__") and not len(value)) else \
                as_nodes(value, f"{where}: {key}").tolist()
        if key == "deliver_interval":
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise NESTError(f"{where}: deliver_interval must be an int >= 1, got {value!r}")
            return int(value)
        raise NESTError(f"{where}: parameter {key} of {m.name} cannot be set")

    def _push_spike_times(self, block: Block, nodes) -> None:
        """A spike generator's times (start < t <= stop, shifted by origin, repeated by multiplicity,
        only those after the current time, as NEST emits them) into the engine."""
        times = []
        now = self.time
        for i in nodes:
            p = block.nodes[i]
            mult = p["spike_multiplicities"] or [1] * len(p["spike_times"])
            if len(mult) != len(p["spike_times"]):
                raise NESTError(f"spike_generator {block.first + i}: {len(mult)} spike_multiplicities for "
                                f"{len(p['spike_times'])} spike_times")
            ts = [p["origin"] + t for t, k in zip(p["spike_times"], mult) for _ in range(int(k))
                  if p["start"] < t <= p["stop"]]
            times.append([t for t in ts if t > now + 1e-9 * self.resolution])
        try:
            block.pop.set_spike_times(times, list(nodes))
        except ValueError as e:
            raise NESTError(f"spike_generator: {e}") from None

    # ---- status of nodes ----------------------------------------------------------------------
    def get_status(self, ids: torch.Tensor, keys) -> List[dict]:
        out: List[Optional[dict]] = [None] * len(ids)
        for block, local, pos in self.split(ids):
            for p, entry in zip(pos.tolist(), self._block_status(block, local, keys)):
                out[p] = entry
        return out

    def _block_status(self, block: Block, local: torch.Tensor, keys) -> List[dict]:
        m = block.model
        columns: Dict[str, list] = {}
        base = {"model": m.name, "element_type": m.element_type, "local": True}
        if m.kind == "neuron":
            names = list(m.params) + [k for k in m.state]
            wanted = names + ["global_id", "recordables", *base] if keys is None else list(keys)
            for k in wanted:
                if k == "global_id":
                    columns[k] = (local + block.first).tolist()
                elif k in block.extra:
                    columns[k] = block.extra[k][local].tolist()
                elif k in block.pop._cpp.param_names():
                    v = block.pop._cpp.param(k)
                    columns[k] = [v] * len(local) if isinstance(v, float) else v[local].tolist()
                elif k in block.pop._cpp.state_names():
                    columns[k] = block.pop._cpp.state(k)[0, local].double().cpu().tolist()
                elif k == "recordables":
                    columns[k] = [list(m.recordables)] * len(local)
                elif k in base:
                    columns[k] = [base[k]] * len(local)
                else:
                    raise NESTError(self._unknown(m, k, "GetStatus"))
            if "consistent_integration" in columns:
                columns["consistent_integration"] = [bool(v) for v in columns["consistent_integration"]]
            return [{k: columns[k][i] for k in wanted} for i in range(len(local))]
        result = []
        for i in local.tolist():
            node = dict(base, global_id=block.first + i, **block.nodes[i])
            if m.kind in ("recorder", "multimeter", "weight_recorder"):
                events = None
                if keys is None or "events" in keys or "n_events" in keys:
                    events = self.events(block, i)
                node["events"] = events
                node["n_events"] = 0 if events is None else len(events["times"])
            if keys is None:
                if node.get("events") is None:
                    node.pop("events", None)
                result.append(node)
                continue
            for k in keys:
                if k not in node:
                    raise NESTError(self._unknown(m, k, "GetStatus"))
            result.append({k: node[k] for k in keys})
        return result

    def set_status(self, ids: torch.Tensor, params) -> None:
        n = len(ids)
        if isinstance(params, (list, tuple)):
            per_node = self._node_params(_models.Model("nodes", "x", {}), n, list(params), "SetStatus")
        elif isinstance(params, dict):
            per_node = dict(params)
        else:
            raise TypeError(f"SetStatus takes a dict or a list of dicts, got {type(params).__name__}")
        # Check everything first, then apply: a failed call changes nothing.
        plans = []
        for block, local, pos in self.split(ids):
            plans.append(self._plan_set(block, local, pos, per_node, n))
        for apply in plans:
            apply()

    def _plan_set(self, block: Block, local: torch.Tensor, pos: torch.Tensor, per_node: dict, n_nodes: int):
        m = block.model
        where = f"SetStatus({m.name} {block.first + int(local[0])}...)"

        if m.kind == "neuron":
            params, state, extra = {}, {}, {}
            for k, v in per_node.items():
                if k in _models.IGNORED_NEST2:
                    continue
                if k not in m.params and k not in m.state:
                    raise NESTError(self._unknown(m, k, where))
                if isinstance(v, _PerNode):  # from a list of dicts: this block's share
                    vals = self._values(m, k, [v.values[p] for p in pos.tolist()], len(local), where)
                elif isinstance(v, Parameter) or _is_number(v) or isinstance(v, (bool, np.bool_)):
                    vals = self._values(m, k, v, len(local), where)
                else:  # one value per node of the whole collection
                    vals = self._values(m, k, v, n_nodes, where)[pos]
                if k in block.extra:
                    extra[k] = vals
                elif k in m.state:
                    if not bool(torch.isfinite(vals).all()):
                        raise NESTError(f"{where}: {k} must be finite")
                    state[k] = vals
                else:
                    params[k] = vals
            new = {}
            for k, vals in params.items():
                cur = block.pop._cpp.param(k)
                full = torch.full((block.n,), cur, dtype=torch.float64) if isinstance(cur, float) else cur.clone()
                full[local] = vals
                new[k] = float(full[0]) if bool((full == full[0]).all()) else full
            if new:
                everything = {k: block.pop._cpp.param(k) for k in block.pop._cpp.param_names()}
                everything.update(new)
                self._check_neuron(m, block.n, everything, where)

            def apply():
                if new:
                    block.pop._cpp.set_params(new)
                for k, vals in state.items():
                    st = block.pop._cpp.state(k)
                    st[:, local.to(st.device)] = vals.to(st.dtype).to(st.device)
                for k, vals in extra.items():
                    block.extra[k][local] = vals
            return apply

        updates = []
        for idx, i in enumerate(local.tolist()):
            node = {}
            for k, v in per_node.items():
                if isinstance(v, _PerNode):
                    v = v.values[int(pos[idx])]
                elif k in SCALAR_DEVICE_PARAMS and not _is_number(v) and np.ndim(v) == 1:
                    if len(v) != n_nodes:
                        raise NESTError(f"{where}: {k} has {len(v)} values for {n_nodes} nodes")
                    v = float(v[int(pos[idx])])
                if k == "n_events":
                    if v != 0:
                        raise NESTError(f"{where}: n_events can only be set to 0 (clears the events), got {v!r}")
                    node[k] = 0
                    continue
                if k in ("record_from", "interval") and block.meters[i]:
                    raise NESTError(f"{where}: {k} cannot change after the multimeter was connected")
                item = self._device_item(m, k, v, where)
                if item is not None:
                    node[item[0]] = item[1]
            updates.append((i, node))

        def apply():
            for i, node in updates:
                if node.pop("n_events", None) == 0:
                    block.cleared[i] = self.time
                block.nodes[i].update(node)
                if m.kind == "poisson_generator" and "rate" in node:
                    self._refresh_rates(block)
                if m.kind == "spike_generator":
                    if "allow_offgrid_times" in node:
                        block.pop._cpp.set_params({"allow_offgrid_times": float(node["allow_offgrid_times"])})
            if m.kind == "spike_generator":
                self._push_spike_times(block, [i for i, _ in updates])
        return apply

    # ---- connections --------------------------------------------------------------------------
    def conn_spec(self, spec) -> dict:
        if spec is None:
            spec = "all_to_all"
        if isinstance(spec, str):
            spec = {"rule": spec}
        if not isinstance(spec, dict):
            raise TypeError(f"conn_spec must be a rule name or a dict, got {type(spec).__name__}")
        rule = spec.get("rule")
        if rule not in RULES:
            raise NESTError(f"unknown connection rule {rule!r}; snn.nest supports: {', '.join(RULES)}")
        allowed = {"rule", "allow_autapses", "allow_multapses", RULE_ARGS.get(rule, "rule")}
        extra = set(spec) - allowed
        if extra:
            raise NESTError(f"conn_spec for {rule}: unknown key(s) {', '.join(sorted(extra))}; "
                            f"allowed: {', '.join(sorted(allowed))}")
        out = {"rule": rule, "allow_autapses": bool(spec.get("allow_autapses", True)),
               "allow_multapses": bool(spec.get("allow_multapses", True))}
        if rule in RULE_ARGS:
            arg = RULE_ARGS[rule]
            if arg not in spec:
                raise NESTError(f"conn_spec for {rule} needs {arg!r}")
            v = spec[arg]
            if arg == "p":
                if not _is_number(v) or not 0 <= v <= 1:
                    raise NESTError(f"conn_spec: p must be a number in [0, 1], got {v!r}")
                v = float(v)
            elif isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
                raise NESTError(f"conn_spec: {arg} must be an int >= 0, got {v!r}")
            out[arg] = int(v) if arg != "p" else v
        return out

    def syn_spec(self, spec) -> Tuple[_models.SynapseModel, dict, set]:
        if spec is None:
            spec = {}
        if isinstance(spec, str):
            spec = {"synapse_model": spec}
        if not isinstance(spec, dict):
            raise TypeError(f"syn_spec must be a synapse model name or a dict, got {type(spec).__name__}")
        spec = dict(spec)
        name = spec.pop("synapse_model", spec.pop("model", "static_synapse"))
        m = self.model(name, "synapse model")
        if not isinstance(m, _models.SynapseModel):
            raise NESTError(f"syn_spec: {name!r} is not a synapse model; synapse models: {', '.join(sorted(self.synapses))}")
        given = self._synapse_params(m, spec, where="syn_spec", per_synapse=True)
        values = dict(m.params)
        values.update(given)
        return m, values, set(given)

    def _synapse_params(self, m: _models.SynapseModel, params: dict, where: str, per_synapse: bool = False) -> dict:
        out = {}
        for k, v in params.items():
            if k == "w":  # NESTML's name for the weight
                k = "weight"
            if k == "d":
                k = "delay"
            if k not in m.params:
                raise NESTError(f"{where}: {m.name} has no parameter {k!r}; parameters: {', '.join(sorted(m.params))}")
            if k == "vt":
                out[k] = -1 if v is None or (_is_number(v) and v < 0) else _gid(v, f"{where}: vt")
                if out[k] >= 1 and self.block_of(out[k]).kind != "volume_transmitter":
                    raise NESTError(f"{where}: vt must be a volume_transmitter, node {out[k]} is a "
                                    f"{self.block_of(out[k]).model.name}")
            elif k == "weight_recorder":
                out[k] = None if v is None else _gid(v, f"{where}: weight_recorder")
                if out[k] is not None and self.block_of(out[k]).kind != "weight_recorder":
                    raise NESTError(f"{where}: weight_recorder must be a weight_recorder, node {out[k]} is a "
                                    f"{self.block_of(out[k]).model.name}")
            elif k in ("weight", "delay") and per_synapse and not _is_number(v):
                if isinstance(v, dict) and "distribution" in v:
                    v = _nest2_distribution(v, where)
                if not isinstance(v, Parameter):
                    try:
                        v = np.asarray(v, dtype=np.float64)
                    except (TypeError, ValueError):
                        raise NESTError(f"{where}: {k} must be a number, an array or a nest.random parameter, "
                                        f"got {v!r}") from None
                out[k] = v
            elif k == "receptor_type":
                if v != 0:
                    raise NESTError(f"{where}: receptor_type {v!r} is not available: snn's neurons take receptor 0 "
                                    f"(the sign of the weight selects excitatory or inhibitory input)")
                out[k] = 0
            else:
                if not _is_number(v) or not math.isfinite(v):
                    raise NESTError(f"{where}: {m.name} parameter {k} must be a finite number, got {v!r}")
                out[k] = float(v)
        if "delay" in out and _is_number(out["delay"]) and out["delay"] < self.resolution - 1e-12:
            raise NESTError(f"{where}: delay must be >= the resolution ({self.resolution} ms), got {out['delay']}")
        return out

    def connect(self, pre_ids, post_ids, conn_spec, syn_spec, return_collection: bool):
        conn = self.conn_spec(conn_spec)
        pre_parts, post_parts = self.split(pre_ids), self.split(post_ids)
        if not pre_parts or not post_parts:
            return self._collection([])
        kinds = {b.kind for b, _, _ in pre_parts}, {b.kind for b, _, _ in post_parts}
        for side, ks in zip(("pre", "post"), kinds):
            if len(ks) > 1:
                raise NESTError(f"Connect: {side} mixes kinds of nodes ({', '.join(sorted(ks))}); connect them separately")
        pk, qk = next(iter(kinds[0])), next(iter(kinds[1]))
        pname, qname = pre_parts[0][0].model.name, post_parts[0][0].model.name
        receiving = ("neuron",)
        if pk == "multimeter":
            if qk != "neuron":
                raise NESTError(f"Connect: a {pname} records from neurons; got {qname} as target")
            return self._connect_multimeter(pre_ids, post_ids, conn)
        if qk == "recorder":
            if pk not in ("neuron", "spike_generator"):
                raise NESTError(f"Connect: a spike_recorder records neurons and spike generators, not {pname}")
            return self._connect_spike_recorder(pre_ids, post_ids, conn)
        if qk == "volume_transmitter":
            return self._connect_volume_transmitter(pre_parts, post_parts, conn, syn_spec)
        if pk in ("recorder", "weight_recorder", "volume_transmitter"):
            raise NESTError(f"Connect: a {pname} only receives; connect the other way round "
                            f"(Connect(neurons, {pname}))" if pk != "weight_recorder" else
                            "Connect: a weight_recorder is attached through a synapse model "
                            "(CopyModel(..., {'weight_recorder': wr}))")
        if qk not in receiving:
            raise NESTError(f"Connect: a {qname} cannot receive connections"
                            + (f"; connect the other way round (Connect({qname}, neurons))"
                               if qk == "multimeter" else " (generators only send)"))
        model, values, given = self.syn_spec(syn_spec)
        if pk == "dc_generator":
            return self._connect_dc(pre_ids, post_ids, conn, model, values)
        return self._connect_spiking(pre_ids, post_ids, pre_parts, post_parts, conn, model, values, pk, return_collection)

    def _pairs(self, rule: dict, pre_ids: torch.Tensor, post_ids: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Positions (i, j) of every connection, drawn here with NEST's rule definitions, in the order
        NEST's arrays of weights are laid out (one_to_one: k; all_to_all: [post][pre]; fixed_indegree:
        [post][k]; fixed_outdegree: [pre][k]; fixed_total_number: [n])."""
        n_pre, n_post = len(pre_ids), len(post_ids)
        name, g = rule["rule"], self.rng()
        autapses, multapses = rule["allow_autapses"], rule["allow_multapses"]
        if name == "one_to_one":
            if n_pre != n_post:
                raise NESTError(f"Connect one_to_one: pre and post must have equal sizes, got {n_pre} and {n_post}")
            i = torch.arange(n_pre)
            keep = torch.ones(n_pre, dtype=torch.bool) if autapses else pre_ids != post_ids
            return i[keep], i[keep]
        if name == "all_to_all":
            j, i = torch.meshgrid(torch.arange(n_post), torch.arange(n_pre), indexing="ij")
            i, j = i.reshape(-1), j.reshape(-1)
        elif name == "pairwise_bernoulli":
            j, i = torch.meshgrid(torch.arange(n_post), torch.arange(n_pre), indexing="ij")
            hit = torch.rand(n_post, n_pre, generator=g, dtype=torch.float64) < rule["p"]
            i, j = i[hit], j[hit]
        elif name in ("fixed_indegree", "fixed_outdegree"):
            indegree = name == "fixed_indegree"
            K = rule["indegree" if indegree else "outdegree"]
            owners, partners = (post_ids, pre_ids) if indegree else (pre_ids, post_ids)
            chosen = []
            for o in range(len(owners)):
                allowed = torch.ones(len(partners), dtype=torch.bool) if autapses else partners != owners[o]
                candidates = allowed.nonzero().flatten()
                if K and not len(candidates) or (not multapses and K > len(candidates)):
                    raise NESTError(f"Connect {name}: {K} partners requested, {len(candidates)} possible without "
                                    f"{'multapses' if not multapses else 'autapses'}")
                if multapses:
                    pick = candidates[torch.randint(len(candidates), (K,), generator=g)]
                else:
                    pick = candidates[torch.randperm(len(candidates), generator=g)[:K]]
                chosen.append(pick)
            partner = torch.cat(chosen) if chosen else torch.zeros(0, dtype=torch.long)
            owner = torch.arange(len(owners)).repeat_interleave(K)
            i, j = (partner, owner) if indegree else (owner, partner)
            return i, j
        else:  # fixed_total_number
            N = rule["N"]
            if multapses:
                i = torch.randint(n_pre, (4 * N + 16,), generator=g)
                j = torch.randint(n_post, (4 * N + 16,), generator=g)
                ok = torch.ones_like(i, dtype=torch.bool) if autapses else pre_ids[i] != post_ids[j]
                i, j = i[ok][:N], j[ok][:N]
            else:
                cells = torch.randperm(n_pre * n_post, generator=g)
                i, j = cells // n_post, cells % n_post
                ok = torch.ones_like(i, dtype=torch.bool) if autapses else pre_ids[i] != post_ids[j]
                i, j = i[ok][:N], j[ok][:N]
            if len(i) < N:
                raise NESTError(f"Connect fixed_total_number: could not place N={N} connections")
            return i, j
        if not autapses:
            keep = pre_ids[i] != post_ids[j]
            i, j = i[keep], j[keep]
        return i, j

    def _per_pair(self, value, key: str, rule: dict, n_pre: int, n_post: int, n_pairs: int, pairs=None):
        """A weight or delay for explicit pairs: a number, a tensor [pairs] or an snn distribution."""
        if isinstance(value, Parameter):
            return value.to_init()
        if _is_number(value):
            return float(value)
        arr = torch.as_tensor(np.asarray(value, dtype=np.float64))
        expected = self._array_shape(rule, n_pre, n_post)
        if tuple(arr.shape) != expected:
            raise NESTError(f"syn_spec: {key} array has shape {tuple(arr.shape)}; {rule['rule']} between {n_pre} "
                            f"and {n_post} nodes takes shape {expected}")
        if rule["rule"] == "all_to_all" and pairs is not None:
            i, j = pairs
            return arr[j, i]
        return arr.reshape(-1) if pairs is None else arr.reshape(-1)[pairs[2]]

    @staticmethod
    def _array_shape(rule, n_pre, n_post):
        name = rule["rule"]
        if name == "one_to_one":
            return (n_pre,)
        if name == "all_to_all":
            return (n_post, n_pre)
        if name == "fixed_indegree":
            return (n_post, rule["indegree"])
        if name == "fixed_outdegree":
            return (n_pre, rule["outdegree"])
        if name == "fixed_total_number":
            return (rule["N"],)
        raise NESTError(f"syn_spec: {name} takes a number or a nest.random parameter for weight and delay, "
                        f"not an array")

    def _grid_delay(self, d):
        """Delays on the resolution grid (NEST rounds them), at least one step."""
        h = self.resolution
        if isinstance(d, snn_init.Distribution):
            return d
        if isinstance(d, float):
            steps = round(d / h)
            if steps < 1:
                raise NESTError(f"delay must be >= the resolution ({h} ms), got {d}")
            return steps * h
        steps = torch.round(d / h)
        if d.numel() and steps.min() < 1:
            raise NESTError(f"delay must be >= the resolution ({h} ms), got {float(d.min())}")
        return steps * h

    def _rule_for(self, model: _models.SynapseModel, values: dict, post: Block, local: torch.Tensor):
        if model.rule is None:
            return None
        post_params = {}
        for k in _models.ARCHIVING:
            v = post.extra[k][local] if k in post.extra else torch.tensor([_models.ARCHIVING[k][0]])
            if not bool((v == v[0]).all()):
                raise NESTError(f"{model.name}: the targets' {k} differs between neurons; snn needs one value per "
                                f"Connect and target population")
            post_params[k] = float(v[0])
        try:
            kwargs = _models.rule_params(model, values, post_params)
        except ValueError as e:
            raise NESTError(str(e)) from None
        if model.rule == "DopamineSTDP":
            vt = values.get("vt", -1)
            if vt is None or vt < 1:
                raise NESTError(f"{model.name}: no volume transmitter assigned; set 'vt' to a volume_transmitter "
                                f"(CopyModel('stdp_dopamine_synapse', name, {{'vt': vt}}))")
            return snn_plasticity.DopamineSTDP(signal=self._signal(vt), **kwargs)
        return getattr(snn_plasticity, model.rule)(**kwargs)

    def _signal(self, vt_gid: int) -> str:
        block = self.block_of(vt_gid)
        if not block.signal:
            block.signal = "dopamine" if not self.signals else f"dopamine_vt{vt_gid}"
            self.signals[vt_gid] = block.signal
        return block.signal

    def _connect_spiking(self, pre_ids, post_ids, pre_parts, post_parts, conn, model, values, pk, want):
        """Neurons, parrots and spike generators onto neurons: one projection per pair of blocks."""
        rule = conn["rule"]
        n_pre, n_post = len(pre_ids), len(post_ids)
        weight, delay = values["weight"], values["delay"]
        for key in ("weight", "delay"):
            v = values[key]
            if not _is_number(v) and not isinstance(v, Parameter):
                expected = self._array_shape(conn, n_pre, n_post)
                if tuple(np.shape(v)) != expected:
                    raise NESTError(f"syn_spec: {key} array has shape {tuple(np.shape(v))}; {rule} between {n_pre} "
                                    f"and {n_post} nodes takes shape {expected}")
        if pk == "poisson_generator":
            return self._connect_poisson(pre_ids, post_ids, pre_parts, conn, model, values, want)
        # Each call below gets (pre block, pre local, post block, post local, spec kwargs, weight, delay).
        calls = []
        engine_rule = rule in ("all_to_all", "pairwise_bernoulli") or \
            (rule == "fixed_indegree" and len(pre_parts) == 1) or \
            (rule == "fixed_outdegree" and len(post_parts) == 1) or \
            (rule == "fixed_total_number" and len(pre_parts) == 1 and len(post_parts) == 1)
        if rule == "one_to_one" or not engine_rule:
            i, j = self._pairs(conn, pre_ids, post_ids)
            k = torch.arange(len(i))
            w = self._per_pair(weight, "weight", conn, n_pre, n_post, len(i), (i, j, k) if rule != "one_to_one" else (i, j, i))
            d = self._per_pair(delay, "delay", conn, n_pre, n_post, len(i), (i, j, k) if rule != "one_to_one" else (i, j, i))
            pre_of, post_of = pre_ids[i], post_ids[j]
            for pb, pl, pp in self.split(pre_of):
                sub_post = post_of[pp]
                for qb, ql, qp in self.split(sub_post):
                    sel = pp[qp]
                    calls.append((pb, pl[qp], qb, ql, dict(conn="one_to_one"), _take(w, sel), _take(d, sel)))
        else:
            for pb, pl, pp in pre_parts:
                for qb, ql, qp in post_parts:
                    kw = dict(conn=rule, autapses=conn["allow_autapses"], multapses=conn["allow_multapses"])
                    if rule in RULE_ARGS:
                        kw[RULE_ARGS[rule]] = conn[RULE_ARGS[rule]]
                    calls.append((pb, pl, qb, ql, kw, self._block_values(weight, conn, pp, qp, n_pre, n_post),
                                  self._block_values(delay, conn, pp, qp, n_pre, n_post)))
        made = []
        for pb, pl, qb, ql, kw, w, d in calls:
            if rule not in ("one_to_one", "all_to_all", "pairwise_bernoulli") and conn["allow_multapses"]:
                kw["storage"] = "sparse"  # multapses stay separate synapses, as NEST lists them
            plasticity = self._rule_for(model, values, qb, ql)
            proj = self._project(pb.pop, pl, qb.pop, ql, kw, w, self._grid_delay(d), plasticity)
            made.append(self._record(proj, model, values, pb.pop, pb.first + torch.arange(pb.n), qb))
        return self._collection(made) if want else None

    def _block_values(self, value, conn, pre_pos, post_pos, n_pre, n_post):
        """The share of a NEST weight or delay array for one pair of blocks, in the engine's layout."""
        if isinstance(value, Parameter):
            return value.to_init()
        if _is_number(value):
            return float(value)
        arr = torch.as_tensor(np.asarray(value, dtype=np.float64))
        rule = conn["rule"]
        if rule == "all_to_all":
            return arr[post_pos][:, pre_pos].t().contiguous()
        if rule == "fixed_indegree":
            return arr[post_pos].reshape(-1)
        if rule == "fixed_outdegree":
            return arr[pre_pos].reshape(-1)
        return arr.reshape(-1)

    def _project(self, pre_pop, pre_local, post_pop, post_local, kw, weight, delay, plasticity):
        pre = pre_pop if _whole(pre_local, pre_pop.size) else pre_pop[pre_local]
        post = post_pop if _whole(post_local, post_pop.size) else post_pop[post_local]
        w = weight.to_init() if isinstance(weight, Parameter) else weight
        if isinstance(w, torch.Tensor):
            w = w.to(self.net.dtype)
        d = delay
        try:
            return self.net.connect(pre, post, kw.pop("conn"), weight=w, delay=d, plasticity=plasticity, **kw)
        except ValueError as e:
            raise NESTError(f"Connect: {e}") from None

    def _record(self, proj, model, values, pre_pop, pre_gids, post_block) -> Connection:
        wr = values.get("weight_recorder")
        c = Connection(proj, model, dict(values), pre_gids, post_block,
                       self.block_of(wr) if wr is not None else None)
        for k in model.state:
            v = values.get(k, 0.0)
            if v:
                state = proj.plasticity.state[k]
                state.fill_(v)
        if c.weight_recorder is not None:
            c.recorder_monitor = self.net.monitor(proj, "transmissions")
        self.connections.append(c)
        return c

    def _connect_poisson(self, pre_ids, post_ids, pre_parts, conn, model, values, want):
        """poisson_generator -> targets: one PoissonInput source per connection (NEST sends each target
        its own train), one_to_one onto the targets."""
        gen_block = pre_parts[0][0]
        if len(pre_parts) > 1:
            raise NESTError("Connect: the poisson_generators of one Connect must come from one Create call")
        i, j = self._pairs(conn, pre_ids, post_ids)
        k = torch.arange(len(i))
        pairs = (i, j, k) if conn["rule"] != "one_to_one" else (i, j, i)
        w = self._per_pair(values["weight"], "weight", conn, len(pre_ids), len(post_ids), len(i), pairs)
        d = self._grid_delay(self._per_pair(values["delay"], "delay", conn, len(pre_ids), len(post_ids), len(i), pairs))
        gen_local = pre_ids[i] - gen_block.first
        made = []
        for qb, ql, qp in self.split(post_ids[j]):
            gens = gen_local[qp]
            rates = torch.tensor([gen_block.nodes[g]["rate"] for g in gens.tolist()], dtype=torch.float64)
            rate = float(rates[0]) if len(rates) and bool((rates == rates[0]).all()) else rates
            source = self.net.add(snn_neurons.PoissonInput(len(gens), rate=rate),
                                  name=f"poisson_generator_{gen_block.first}_to_{qb.first}_{len(self.connections)}")
            gen_block.emitters.append((source, gens))
            plasticity = self._rule_for(model, values, qb, ql)
            proj = self._project(source, torch.arange(len(gens)), qb.pop, ql, dict(conn="one_to_one"), _take(w, qp),
                                 _take(d, qp), plasticity)
            made.append(self._record(proj, model, values, source, gens + gen_block.first, qb))
        return self._collection(made) if want else None

    def _refresh_rates(self, block: Block) -> None:
        rates = torch.tensor([node["rate"] for node in block.nodes], dtype=torch.float64)
        for source, gens in block.emitters:
            r = rates[gens]
            source._cpp.set_params({"rate": float(r[0]) if bool((r == r[0]).all()) else r})

    def _connect_dc(self, pre_ids, post_ids, conn, model, values):
        if model.rule is not None:
            raise NESTError(f"Connect: a dc_generator sends currents through static synapses, not {model.name}")
        i, j = self._pairs(conn, pre_ids, post_ids)
        pairs = (i, j, torch.arange(len(i))) if conn["rule"] != "one_to_one" else (i, j, i)
        w = self._per_pair(values["weight"], "weight", conn, len(pre_ids), len(post_ids), len(i), pairs)
        if isinstance(w, snn_init.Distribution):
            raise NESTError("Connect: dc_generator weights must be numbers or arrays")
        w = torch.full((len(i),), w, dtype=torch.float64) if isinstance(w, float) else w
        gens = self.split(pre_ids[i])
        for gb, gl, gp in gens:
            for qb, ql, qp in self.split(post_ids[j][gp]):
                sel = gp[qp]
                gb.emitters.append((qb, gl[qp], ql, w[sel]))
        return None

    def _connect_spike_recorder(self, pre_ids, post_ids, conn):
        i, j = self._pairs(conn, pre_ids, post_ids)
        for rb, rl, rp in self.split(post_ids[j]):
            sources = pre_ids[i][rp]
            for node in torch.unique(rl).tolist():
                mine = sources[rl == node]
                for sb, sl, _ in self.split(torch.unique(mine)):
                    if id(sb) not in self.spike_monitors:
                        self.spike_monitors[id(sb)] = self.net.monitor(sb.pop)
                    rb.recorded[node].append((sb, sl, self.time))
        return None

    def _connect_multimeter(self, pre_ids, post_ids, conn):
        i, j = self._pairs(conn, pre_ids, post_ids)
        plan = []
        for mb, ml, mp in self.split(pre_ids[i]):
            for node in torch.unique(ml).tolist():
                p = mb.nodes[node]
                targets = torch.unique(post_ids[j][mp][ml == node])
                for tb, tl, _ in self.split(targets):
                    missing = [v for v in p["record_from"] if v not in tb.model.recordables]
                    if missing:
                        raise NESTError(f"Connect: {tb.model.name} cannot be recorded from {missing[0]!r}; "
                                        f"recordables: {', '.join(tb.model.recordables)}")
                    if p["interval"] < self.resolution:
                        raise NESTError(f"multimeter interval {p['interval']} is below the resolution {self.resolution}")
                    plan.append((mb, node, tb, tl, p))
        for mb, node, tb, tl, p in plan:
            monitors = {v: self.net.monitor(tb.pop, v, neurons=tl.tolist(), interval=p["interval"])
                        for v in p["record_from"]}
            mb.meters[node].append((tb, tl, monitors))
        return None

    def _connect_volume_transmitter(self, pre_parts, post_parts, conn, syn_spec):
        if len(post_parts) != 1 or len(post_parts[0][1]) != 1:
            raise NESTError("Connect: connect to one volume_transmitter at a time")
        vt_block, vt_local, _ = post_parts[0]
        vt_gid = vt_block.first + int(vt_local[0])
        model, values, _ = self.syn_spec(syn_spec)
        for sb, sl, _ in pre_parts:
            if sb.kind not in ("neuron", "spike_generator") or not _whole(sl, sb.n):
                raise NESTError("Connect: snn.nest feeds a volume_transmitter from whole populations (all nodes of "
                                "one Create call, e.g. a parrot_neuron); got part of "
                                f"{sb.model.name} {sb.first}..{sb.first + sb.n - 1}")
            d = values["delay"]
            if not _is_number(d):
                raise NESTError("Connect: the delay to a volume_transmitter must be a number")
            self.net.neuromodulator(self._signal(vt_gid), sb.pop, delay=self._grid_delay(float(d)))
        return None

    def _collection(self, connections):
        from ._nodes import SynapseCollection
        return SynapseCollection([(c, torch.arange(c.proj.num_synapses)) for c in connections])

    # ---- connections: reading and writing -----------------------------------------------------
    def get_connections(self, source, target, synapse_model):
        from ._nodes import SynapseCollection
        if synapse_model is not None:
            m = self.model(synapse_model, "synapse_model")
            if not isinstance(m, _models.SynapseModel):
                raise NESTError(f"GetConnections: {synapse_model!r} is not a synapse model")
        groups = []
        for c in self.connections:
            if synapse_model is not None and c.model.name != m.name:
                continue
            pre, post = c.proj.indices()
            keep = torch.ones(len(pre), dtype=torch.bool)
            if source is not None:
                keep &= torch.isin(c.pre_gids[pre.cpu()], source)
            if target is not None:
                keep &= torch.isin(post.cpu() + c.post.first, target)
            groups.append((c, keep.nonzero().flatten()))
        return SynapseCollection(groups)

    def synapse_keys(self, groups) -> List[str]:
        keys = ["source", "target", "synapse_model", "weight", "delay", "receptor", "port"]
        for c, _ in groups:
            keys += [k for k in c.model.params if k not in keys and k not in ("receptor_type",)]
        return keys

    def synapse_values(self, groups, name: str) -> list:
        out = []
        for c, sel in groups:
            out += self._synapse_column(c, sel, name)
        return out

    def _synapse_column(self, c: Connection, sel: torch.Tensor, name: str) -> list:
        if name == "w":
            name = "weight"
        proj = c.proj
        pre, post = proj.indices()
        pre, post = pre.cpu()[sel], post.cpu()[sel]
        if name == "source":
            return c.pre_gids[pre].tolist()
        if name == "target":
            return (post + c.post.first).tolist()
        if name == "synapse_model":
            return [c.model.name] * len(sel)
        if name in ("receptor", "receptor_type"):
            return [0] * len(sel)
        if name == "port":
            return sel.tolist()
        if name == "weight":
            return _entries(proj.weight, proj.storage, sel, pre, post)
        if name == "delay":
            d = proj.delay
            return [float(d)] * len(sel) if d.dim() == 0 else _entries(d, proj.storage, sel, pre, post)
        if name in c.model.state:
            state = proj.plasticity.state[name]
            if state.dim() == 1:  # one value per batch entry (n): the same for every synapse
                return [float(state[0])] * len(sel)
            return _entries(state[0], proj.storage, sel, pre, post)
        if name in c.values:
            v = c.values[name]
            return [v if not isinstance(v, (np.ndarray, Parameter)) else None] * len(sel)
        raise NESTError(f"{c.model.name} connections have no {name!r}; keys: {', '.join(self.synapse_keys([(c, sel)]))}")

    def set_synapses(self, groups, params: dict, n: int) -> None:
        if not isinstance(params, dict):
            raise TypeError(f"SynapseCollection.set takes a dict, got {type(params).__name__}")
        plans, start = [], 0
        for c, sel in groups:
            plans.append(self._plan_synapses(c, sel, params, start, n))
            start += len(sel)
        for apply in plans:
            apply()

    def _plan_synapses(self, c: Connection, sel: torch.Tensor, params: dict, start: int, n: int):
        proj = c.proj
        changes, rule_values, state_values = None, {}, {}
        for key, value in params.items():
            key = {"w": "weight"}.get(key, key)
            if key in SYNAPSE_READ_ONLY:
                raise NESTError(f"SetStatus: {key} of a connection cannot be changed in snn.nest")
            if key != "weight" and key not in c.model.params:
                raise NESTError(f"SetStatus: {c.model.name} has no parameter {key!r}; parameters: "
                                f"{', '.join(sorted(c.model.params))}")
            if _is_number(value):
                vals = torch.full((len(sel),), float(value), dtype=torch.float64)
            else:
                arr = torch.as_tensor(np.asarray(value, dtype=np.float64)).reshape(-1)
                if arr.numel() != n:
                    raise NESTError(f"SetStatus: {key} has {arr.numel()} values for {n} connections")
                vals = arr[start:start + len(sel)]
            if not bool(torch.isfinite(vals).all()):
                raise NESTError(f"SetStatus: {key} values must be finite")
            if key == "weight":
                changes = vals
            elif key in c.model.state:
                state_values[key] = vals
            else:
                if not bool((vals == vals[0]).all()) or len(sel) != proj.num_synapses:
                    raise NESTError(f"SetStatus: snn shares {key} among the synapses of one Connect call; set one "
                                    f"value for all of them (GetConnections of the whole Connect)")
                rule_values[key] = float(vals[0])
        rule_kwargs = None
        if rule_values:
            values = dict(c.values, **rule_values)
            rule = self._rule_for(c.model, values, c.post, torch.arange(c.post.n))
            rule_kwargs = rule.params  # the engine's names, checked by the rule's constructor

        def apply():
            if changes is not None:
                pre, post = proj.indices()
                w = proj.weight.clone()
                _assign(w, proj.storage, sel, pre.cpu()[sel], post.cpu()[sel], changes)
                proj.weight = w
            for key, vals in state_values.items():
                state = proj.plasticity.state[key]
                if state.dim() == 1:
                    state.fill_(float(vals[0]))
                else:
                    pre, post = proj.indices()
                    _assign(state[0], proj.storage, sel, pre.cpu()[sel], post.cpu()[sel], vals)
            if rule_kwargs is not None:
                c.values.update(rule_values)
                proj.plasticity.set(**rule_kwargs)
        return apply

    # ---- recorders ----------------------------------------------------------------------------
    def events(self, block: Block, node: int) -> dict:
        p = block.nodes[node]
        lo, hi = p["origin"] + p["start"], p["origin"] + p["stop"]
        since = block.cleared[node]
        if block.kind == "recorder":
            times, senders = [], []
            for sb, sl, after in block.recorded[node]:
                t, s = self.spike_monitors[id(sb)].events()
                t, s = t.cpu(), s.cpu()
                keep = torch.isin(s, sl) & (t > max(after, since, lo)) & (t <= hi)
                times.append(t[keep])
                senders.append(s[keep] + sb.first)
            t = torch.cat(times) if times else torch.zeros(0, dtype=torch.float64)
            s = torch.cat(senders) if senders else torch.zeros(0, dtype=torch.long)
            order = _order(t, s)
            return {"times": t[order].numpy(), "senders": s[order].numpy()}
        if block.kind == "multimeter":
            times, senders, columns = [], [], {v: [] for v in p["record_from"]}
            for tb, tl, monitors in block.meters[node]:
                if not monitors:
                    continue
                first = next(iter(monitors.values()))
                t = first.times().cpu()
                keep = (t > max(since, lo)) & (t <= hi)
                m = len(tl)
                times.append(t[keep].repeat_interleave(m))
                senders.append((tl + tb.first).repeat(int(keep.sum())))
                for v, mon in monitors.items():
                    columns[v].append(mon.values()[keep][:, 0, :].double().cpu().reshape(-1))
            t = torch.cat(times) if times else torch.zeros(0, dtype=torch.float64)
            s = torch.cat(senders) if senders else torch.zeros(0, dtype=torch.long)
            order = _order(t, s)
            out = {"times": t[order].numpy(), "senders": s[order].numpy()}
            for v, parts in columns.items():
                out[v] = (torch.cat(parts)[order] if parts else torch.zeros(0, dtype=torch.float64)).numpy()
            return out
        if block.kind == "weight_recorder":
            cols = {k: [] for k in ("times", "senders", "targets", "weights")}
            for c in self.connections:
                if c.weight_recorder is not block or c.recorder_monitor is None:
                    continue
                ev = c.recorder_monitor.events()
                t, pre, post, w = ev["times"], ev["senders"], ev["targets"], ev["weights"]
                src, tgt = c.pre_gids[pre], post + c.post.first
                keep = (t > max(since, lo)) & (t <= hi)
                if p["senders"]:
                    keep &= torch.isin(src, torch.tensor(p["senders"]))
                if p["targets"]:
                    keep &= torch.isin(tgt, torch.tensor(p["targets"]))
                for k, v in zip(cols, (t, src, tgt, w.double())):
                    cols[k].append(v[keep])
            out = {k: torch.cat(v) if v else torch.zeros(0) for k, v in cols.items()}
            order = _order(out["times"].double(), out["senders"].long()) if len(out["times"]) else torch.zeros(0, dtype=torch.long)
            return {k: v[order].numpy() for k, v in out.items()}
        return {}

    # ---- simulation ---------------------------------------------------------------------------
    def check_time(self, t, what: str) -> float:
        if not _is_number(t) or not math.isfinite(t):
            raise NESTError(f"{what}: t must be a finite number of ms, got {t!r}")
        t = float(t)
        if t < 0:
            raise NESTError(f"{what}: t must be >= 0 ms, got {t}")
        steps = t / self.resolution
        if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
            raise NESTError(f"{what}: t = {t} ms is not a multiple of the resolution ({self.resolution} ms)")
        return t

    def run(self, t: float) -> None:
        net = self.network()
        if t == 0:
            return
        self._ascii_files()  # refuses the run before it starts if a file may not be written
        t0 = net.t
        cuts = sorted({c for c in self._change_times() if t0 < c < t0 + t - 1e-9 * self.resolution})
        edges = [t0] + cuts + [t0 + t]
        progress = self.status["print_time"]
        for a, b in zip(edges, edges[1:]):
            steps = round((b - a) / self.resolution)
            if steps:
                net.run(steps * self.resolution, inputs=self._inputs_at(a), progress=progress)
        self._write_files()

    def _ascii_files(self):
        """[(block, node, path)] of the recorders with record_to = "ascii" (NEST 3's file names:
        data_path/data_prefix + label-id-0.dat); an error for a file this kernel may not overwrite."""
        out = []
        for block in self.blocks:
            if block.kind not in ("recorder", "multimeter", "weight_recorder"):
                continue
            for i, p in enumerate(block.nodes):
                if p["record_to"] != "ascii":
                    continue
                name = f"{self.status['data_prefix']}{p['label'] or block.model.name}-{block.first + i}-0.{p['file_extension']}"
                path = os.path.join(self.status["data_path"] or ".", name)
                if path not in self.files and os.path.exists(path) and not self.status["overwrite_files"]:
                    raise NESTError(f"recorder {block.first + i}: {path} exists; set nest.overwrite_files = True "
                                    f"or choose another data_path, data_prefix or label")
                out.append((block, i, path))
        return out

    def _write_files(self) -> None:
        """All events so far of each ascii recorder, rewritten after every run, tab-separated."""
        for block, i, path in self._ascii_files():
            p = block.nodes[i]
            ev = self.events(block, i)
            columns = ["sender", "time_ms"] + [k for k in ev if k not in ("senders", "times")]
            cols = [ev["senders"], ev["times"]] + [ev[k] for k in columns[2:]]
            fmt = "\t".join(["%d", f"%.{p['precision']}f"] +
                             ["%d" if k == "targets" else f"%.{p['precision']}f" for k in columns[2:]])
            with open(path, "w") as f:
                f.write(f"# NEST version: {_models.SNN_NEST_VERSION}\n# RecordingBackendASCII version: 2\n")
                f.write("\t".join(columns) + "\n")
                if len(ev["times"]):
                    np.savetxt(f, np.column_stack(cols), fmt=fmt)
            self.files.add(path)

    def _change_times(self):
        for block in self.blocks:
            if block.kind in ("dc_generator", "poisson_generator") and block.emitters:
                for p in block.nodes:
                    yield p["origin"] + p["start"]
                    if math.isfinite(p["stop"]):
                        yield p["origin"] + p["stop"]

    def _inputs_at(self, t: float) -> dict:
        """External inputs of the run segment starting at t: dc currents, rates of generators that are off."""
        h = self.resolution
        inputs = {}
        for block in self.blocks:
            if not block.emitters or block.kind not in ("dc_generator", "poisson_generator"):
                continue
            active = torch.tensor([p["origin"] + p["start"] <= t + 1e-9 * h and t + 1e-9 * h < p["origin"] + p["stop"]
                                   for p in block.nodes])
            if block.kind == "poisson_generator":
                if bool(active.all()):
                    continue
                rates = torch.tensor([p["rate"] for p in block.nodes], dtype=torch.float64) * active
                for source, gens in block.emitters:
                    inputs[source.name] = rates[gens].to(self.net.dtype)
            else:
                amps = torch.tensor([p["amplitude"] for p in block.nodes], dtype=torch.float64) * active
                for target, gens, local, w in block.emitters:
                    cur = inputs.get(target.pop.name)
                    if cur is None:
                        cur = torch.zeros(target.n, dtype=torch.float64)
                    inputs[target.pop.name] = cur.index_add(0, local, amps[gens] * w)
        return {k: v.to(self.net.dtype).to(self.net.device) for k, v in inputs.items()}


class _PerNode:
    """One value per node (from a list of parameter dicts)."""

    __slots__ = ("values",)

    def __init__(self, values):
        self.values = values


def _whole(local: torch.Tensor, n: int) -> bool:
    return len(local) == n and bool((local == torch.arange(n)).all())


def _take(value, sel):
    return value[sel] if isinstance(value, torch.Tensor) else value


def _order(t: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """Indices ordering events by time, then sender."""
    if not len(t):
        return torch.zeros(0, dtype=torch.long)
    by_sender = torch.argsort(s, stable=True)
    return by_sender[torch.argsort(t[by_sender], stable=True)]


def _entries(tensor: torch.Tensor, storage: str, sel, pre, post) -> list:
    """Values of chosen synapses from a [S] (sparse) or [N_pre, N_post] (dense) tensor."""
    if storage == "sparse":
        return tensor[sel.to(tensor.device)].double().cpu().tolist()
    return tensor[pre.to(tensor.device), post.to(tensor.device)].double().cpu().tolist()


def _assign(tensor, storage, sel, pre, post, values):
    values = values.to(tensor.dtype).to(tensor.device)
    if storage == "sparse":
        tensor[sel.to(tensor.device)] = values
    else:
        tensor[pre.to(tensor.device), post.to(tensor.device)] = values


def _nest2_distribution(spec: dict, where: str) -> Parameter:
    """NEST 2's {'distribution': 'uniform', 'low': .., 'high': ..} dicts."""
    from . import random
    kind = spec.get("distribution")
    try:
        if kind == "uniform":
            return random.uniform(spec.get("low", 0.0), spec.get("high", 1.0))
        if kind == "normal":
            return random.normal(spec.get("mu", 0.0), spec.get("sigma", 1.0))
        if kind == "lognormal":
            return random.lognormal(spec.get("mu", 0.0), spec.get("sigma", 1.0))
        if kind == "exponential":
            return random.exponential(1.0 / spec.get("lambda", 1.0))
    except ValueError as e:
        raise NESTError(f"{where}: {e}") from None
    raise NESTError(f"{where}: distribution {kind!r} is not supported; snn.nest supports uniform, normal, "
                    f"lognormal, exponential")


_KERNEL: Optional[Kernel] = None


def kernel() -> Kernel:
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = Kernel()
    return _KERNEL


def reset() -> None:
    global _KERNEL
    _KERNEL = Kernel()
