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

This file holds the kernel's status, its models and the simulation; the nodes (_create.py), the
connections (_connect.py) and the recorders (_record.py) are mixins of the one Kernel class; what they
share is in _common.py.
"""
import math
import numbers
import os
from typing import Dict, List, Optional

import numpy as np
import torch

from ..network import Network
from . import _models
from ._common import FROZEN, KERNEL_DEFAULTS, READ_ONLY, VERBOSITY, Block, Connection, NESTError, _is_number
from ._connect import ConnectMixin
from ._create import NodesMixin
from ._record import RecordMixin


class Kernel(NodesMixin, ConnectMixin, RecordMixin):
    """Everything a PyNEST session has made since the last ResetKernel."""

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


_KERNEL: Optional[Kernel] = None


def kernel() -> Kernel:
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = Kernel()
    return _KERNEL


def reset() -> None:
    global _KERNEL
    _KERNEL = Kernel()
