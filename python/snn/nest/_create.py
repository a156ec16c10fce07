"""Nodes of the snn.nest kernel: Create, the parameters of neurons and devices, GetStatus / SetStatus."""
import bisect
import math
import numbers
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from .. import neurons as snn_neurons
from .._snn import check_model
from . import _models
from ._common import SCALAR_DEVICE_PARAMS, Block, NESTError, _is_number, _PerNode
from .random import Parameter


class NodesMixin:
    """Kernel methods for nodes (the Kernel holds blocks, firsts, next_gid, models, status)."""

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
