"""NodeCollection and SynapseCollection: PyNEST 3's handles on nodes and connections.

A NodeCollection is an ordered list of global ids (1, 2, ... in creation order, as NEST numbers its
nodes). It indexes, slices, concatenates (``a + b``), iterates (one-node collections) and reads or
writes parameters and state (``get``/``set``, ``nodes.V_m``). A SynapseCollection lists connections
(from ``GetConnections``) and reads or writes their weights and the state of their learning rule.
"""
import numbers
from typing import Iterable, Optional

import numpy as np
import torch

from . import _kernel


def _as_ids(value) -> torch.Tensor:
    """gids from a NodeCollection, an int, or a list / tuple / array / tensor of ints or NodeCollections."""
    if isinstance(value, NodeCollection):
        return value._ids
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return torch.tensor([int(value)], dtype=torch.long)
    if isinstance(value, (list, tuple)) and any(isinstance(v, NodeCollection) for v in value):
        return torch.cat([_as_ids(v) for v in value]) if value else torch.zeros(0, dtype=torch.long)
    try:
        t = torch.as_tensor(np.asarray(value) if not isinstance(value, torch.Tensor) else value)
    except (TypeError, ValueError, RuntimeError):
        t = None
    if t is None or t.dim() > 1 or (t.numel() and (t.dtype.is_floating_point or t.dtype == torch.bool)):
        raise TypeError(f"expected a NodeCollection or node ids (ints), got {value!r}")
    return t.reshape(-1).long()


class _Attributes:
    """``coll.name`` reads get(name); ``coll.name = value`` is set({name: value})."""

    __slots__ = ()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name, value):
        self.set({name: value})


def _one_dict(params, kwargs, what: str):
    if params is None:
        return kwargs
    if kwargs:
        raise TypeError(f"{what}.set: give a dict or keyword arguments, not both")
    return params


class NodeCollection(_Attributes):
    """Nodes by global id (NEST 3). ``nest.NodeCollection([1, 2, 3])`` makes one from ids."""

    __slots__ = ("_ids",)

    def __init__(self, ids: Iterable[int] = ()):
        ids = _as_ids(list(ids) if not isinstance(ids, (torch.Tensor, np.ndarray, NodeCollection)) else ids)
        _kernel.kernel().check_ids(ids)
        object.__setattr__(self, "_ids", ids)

    @classmethod
    def _of(cls, ids: torch.Tensor) -> "NodeCollection":
        nc = object.__new__(cls)
        object.__setattr__(nc, "_ids", ids)
        return nc

    # ---- sequence -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self._ids.numel())

    def __iter__(self):
        for i in range(len(self)):
            yield NodeCollection._of(self._ids[i:i + 1])

    def __getitem__(self, index) -> "NodeCollection":
        n = len(self)
        if isinstance(index, slice):
            return NodeCollection._of(self._ids[index])
        if isinstance(index, numbers.Integral) and not isinstance(index, bool):
            if not -n <= index < n:
                raise IndexError(f"index {index} is out of range for a NodeCollection of {n} nodes")
            i = int(index) % n
            return NodeCollection._of(self._ids[i:i + 1])
        t = torch.as_tensor(np.asarray(index))
        if t.dtype == torch.bool:
            if t.numel() != n:
                raise IndexError(f"a boolean index must have {n} entries, got {t.numel()}")
            return NodeCollection._of(self._ids[t.reshape(-1)])
        if t.dim() != 1 or (t.numel() and t.dtype.is_floating_point):
            raise IndexError(f"NodeCollection indices must be ints, a slice or a 1-D list of ints, got {index!r}")
        t = t.long()
        if t.numel() and (t.min() < -n or t.max() >= n):
            raise IndexError(f"index {t[(t < -n) | (t >= n)][0].item()} is out of range for a NodeCollection of {n} nodes")
        return NodeCollection._of(self._ids[t % max(n, 1)])

    def __add__(self, other) -> "NodeCollection":
        other_ids = _as_ids(other)
        both = torch.cat([self._ids, other_ids])
        if torch.unique(both).numel() != both.numel():
            raise ValueError("NodeCollection + NodeCollection: the two collections overlap (NEST requires disjoint ones)")
        return NodeCollection._of(torch.sort(both).values)

    __radd__ = __add__

    def __eq__(self, other):
        return isinstance(other, NodeCollection) and torch.equal(self._ids, other._ids)

    def __hash__(self):
        return hash(tuple(self._ids.tolist()))

    def __contains__(self, node) -> bool:
        return bool(torch.isin(_as_ids(node), self._ids).all())

    def index(self, node) -> int:
        hits = (self._ids == int(_as_ids(node)[0])).nonzero()
        if not len(hits):
            raise ValueError(f"node {node} is not in the NodeCollection")
        return int(hits[0])

    def tolist(self) -> list:
        return self._ids.tolist()

    @property
    def global_id(self):
        return self.get("global_id")

    # ---- parameters and state -----------------------------------------------------------------
    def get(self, *keys, output: str = ""):
        """No key: every parameter; one key: its value (one node) or a tuple (several); several keys
        (or a list): a dict. ``output="pandas"`` is not supported."""
        if output:
            raise ValueError(f"NodeCollection.get: output={output!r} is not supported by snn.nest (only the default)")
        if len(keys) == 1 and isinstance(keys[0], (list, tuple)):
            keys = tuple(keys[0])
        statuses = _kernel.kernel().get_status(self._ids, keys if keys else None)
        single = len(self) == 1
        if not keys:
            if single:
                return statuses[0]
            return {k: tuple(s[k] for s in statuses) for k in statuses[0]} if statuses else {}
        if len(keys) == 1:
            values = tuple(s[keys[0]] for s in statuses)
            return values[0] if single else values
        return {k: (statuses[0][k] if single else tuple(s[k] for s in statuses)) for k in keys}

    def set(self, params=None, **kwargs) -> None:
        """``set({"I_e": 376.0})``, ``set(I_e=376.0)``, per node with lists or arrays, or a list of one
        dict per node. Checked first: nothing changes on error."""
        _kernel.kernel().set_status(self._ids, _one_dict(params, kwargs, "NodeCollection"))

    def __repr__(self):
        if not len(self):
            return "NodeCollection(<empty>)"
        return _kernel.kernel().describe(self._ids)

    __str__ = __repr__


class SynapseCollection(_Attributes):
    """Connections (``nest.GetConnections``): ``get("weight")``, ``get(["source", "target"])``,
    ``set(weight=...)``, ``conns.weight``; rule state (``c``, ``n``) and parameters (``A_vt``) of
    learning synapses. One group per snn projection, each with the synapses (storage positions) chosen."""

    __slots__ = ("_groups",)

    def __init__(self, groups=()):
        object.__setattr__(self, "_groups", [g for g in groups if len(g[1])])

    def __len__(self) -> int:
        return sum(len(sel) for _, sel in self._groups)

    def __iter__(self):
        for conn, sel in self._groups:
            for k in range(len(sel)):
                yield SynapseCollection([(conn, sel[k:k + 1])])

    def __getitem__(self, index) -> "SynapseCollection":
        n = len(self)
        if isinstance(index, numbers.Integral) and not isinstance(index, bool):
            if not -n <= index < n:
                raise IndexError(f"index {index} is out of range for a SynapseCollection of {n} connections")
            index = int(index) % n
            index = slice(index, index + 1)
        if not isinstance(index, slice):
            raise IndexError("SynapseCollection takes an int or a slice")
        wanted = torch.arange(n)[index]
        groups, start = [], 0
        for conn, sel in self._groups:
            inside = wanted[(wanted >= start) & (wanted < start + len(sel))] - start
            groups.append((conn, sel[inside]))
            start += len(sel)
        return SynapseCollection(groups)

    def __add__(self, other: "SynapseCollection") -> "SynapseCollection":
        return SynapseCollection(self._groups + other._groups)

    def get(self, *keys, output: str = ""):
        if output:
            raise ValueError(f"SynapseCollection.get: output={output!r} is not supported by snn.nest (only the default)")
        if len(keys) == 1 and isinstance(keys[0], (list, tuple)):
            keys = tuple(keys[0])
        k = _kernel.kernel()
        names = keys if keys else k.synapse_keys(self._groups)
        values = {name: k.synapse_values(self._groups, name) for name in names}
        single = len(self) == 1
        if len(keys) == 1:
            v = values[keys[0]]
            return v[0] if single else v
        return {name: (v[0] if single else v) for name, v in values.items()}

    def set(self, params=None, **kwargs) -> None:
        params = _one_dict(params, kwargs, "SynapseCollection")
        if isinstance(params, (list, tuple)):
            if len(params) != len(self):
                raise ValueError(f"SynapseCollection.set: {len(params)} dicts for {len(self)} connections")
            keys = set().union(*(p.keys() for p in params)) if params else set()
            params = {key: [p[key] for p in params] for key in keys}
        _kernel.kernel().set_synapses(self._groups, params, len(self))

    def __repr__(self):
        return f"SynapseCollection({len(self)} connections)"


def as_nodes(value, what: str) -> NodeCollection:
    """A NodeCollection from what PyNEST scripts pass (a NodeCollection, [nc[0]], node ids)."""
    if isinstance(value, NodeCollection):
        return value
    try:
        ids = _as_ids(value)
    except TypeError:
        raise TypeError(f"{what} must be a NodeCollection (or node ids), got {type(value).__name__}") from None
    _kernel.kernel().check_ids(ids, what)
    return NodeCollection._of(ids)


def optional_nodes(value, what: str) -> Optional[torch.Tensor]:
    return None if value is None else as_nodes(value, what)._ids
