"""What the parts of the snn.nest kernel share: its constants, its error, the blocks of nodes and the
records of connections, and small helpers."""
import numbers
from typing import Dict, List, Optional

import torch

from ..network import Population
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


class Connection:
    """The synapses one snn projection holds, with the NEST model and parameters they were made with."""

    def __init__(self, proj, model: _models.SynapseModel, values: dict, pre_gids: torch.Tensor, post: Block,
                 weight_recorder: Optional[Block] = None):
        self.proj, self.model, self.values = proj, model, values
        self.pre_gids = pre_gids  # gid of each neuron of the projection's pre population
        self.post = post
        self.weight_recorder = weight_recorder
        self.recorder_monitor = None

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

