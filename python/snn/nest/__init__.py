"""snn.nest: the PyNEST API over snn's engine. Change ``import nest`` to ``import snn.nest as nest``.

    import snn.nest as nest
    nest.resolution = 0.1
    neuron = nest.Create("iaf_psc_alpha", params={"I_e": 376.0})
    vm = nest.Create("voltmeter")
    sr = nest.Create("spike_recorder")
    nest.Connect(vm, neuron)
    nest.Connect(neuron, sr)
    nest.Simulate(1000.0)
    print(sr.get("events")["times"])

Supported: the kernel (ResetKernel, Get/SetKernelStatus and the attribute form ``nest.resolution``,
Simulate, Prepare/Run/Cleanup, set_verbosity, Models, Get/SetDefaults, CopyModel), nodes (Create,
NodeCollection, GetStatus/SetStatus, ``nodes.V_m``), neuron models iaf_psc_delta, iaf_psc_exp,
iaf_psc_alpha, izhikevich, parrot_neuron and snn's other models under their snn names, devices
poisson_generator, spike_generator, dc_generator, spike_recorder, multimeter, voltmeter,
weight_recorder, volume_transmitter, the NEST 2 names of the PyNEST introduction (iaf_neuron,
spike_detector, withgid/withtime), Connect with NEST's rules and syn_spec, synapse models
static_synapse, stdp_synapse, stdp_triplet_synapse, stdp_dopamine_synapse, GetConnections, nest.random,
nest.raster_plot and nest.voltage_trace. docs/nest.md lists what is not supported and the differences.
Extensions: kernel status ``snn_dtype`` ("float64" as NEST, or "float32") and ``snn_device`` ("cpu",
"cuda"); ``nest.network()`` is the snn.Network underneath.
"""
import sys
import types
from typing import Optional

from .. import __version__ as _snn_version
from . import _kernel, random
from ._kernel import NESTError
from ._nodes import NodeCollection, SynapseCollection, as_nodes, optional_nodes

__version__ = f"snn {_snn_version} (PyNEST 3 API)"


class NESTErrors:
    """PyNEST's error classes (all NESTError, a ValueError)."""

    NESTError = NESTError
    UnknownModelName = NESTError
    BadProperty = NESTError
    BadParameter = NESTError
    UnknownNode = NESTError
    IllegalConnection = NESTError
    BadDelay = NESTError
    KernelException = NESTError
    DictError = NESTError


kernel = types.SimpleNamespace(NESTError=NESTError, NESTErrors=NESTErrors)


def _k():
    return _kernel.kernel()


# ---- kernel -------------------------------------------------------------------------------------

def ResetKernel() -> None:
    """Forgets every node, connection, model change and kernel setting."""
    _kernel.reset()


def SetKernelStatus(params: dict) -> None:
    """Sets kernel parameters: resolution, rng_seed, local_num_threads, print_time, overwrite_files,
    data_path, data_prefix, dict_miss_is_error, snn_dtype, snn_device. resolution, rng_seed, snn_dtype
    and snn_device are fixed once nodes exist (as NEST's resolution)."""
    _k().set_kernel_status(params)


def GetKernelStatus(keys=None):
    """The kernel's status dict, one value (``keys`` a string) or a tuple of values (a list)."""
    if keys is None:
        return _k().kernel_status()
    if isinstance(keys, str):
        return _k().kernel_status(keys)
    return tuple(_k().kernel_status(k) for k in keys)


def set_verbosity(level) -> None:
    """M_ALL, M_DEBUG, M_STATUS, M_INFO (default), M_DEPRECATED, M_WARNING, M_ERROR, M_FATAL, M_QUIET."""
    _k().set_verbosity(level)


def get_verbosity() -> int:
    return _k().verbosity


def Install(module_name: str) -> None:
    """Always an error: snn.nest cannot load NEST extension modules (NESTML-generated models included);
    every model it has is built in (``nest.Models()``)."""
    raise NESTError(f"Install({module_name!r}): snn.nest cannot load NEST extension modules; the models it "
                    f"supports are built in (nest.Models()). NESTML's neuromodulated STDP synapse is NEST's "
                    f"stdp_dopamine_synapse here")


def Models(mtype: str = "all", sel: Optional[str] = None) -> tuple:
    """Model names: mtype "all", "nodes" or "synapses"; sel keeps names containing it."""
    names = _k().model_names(mtype)
    return tuple(n for n in names if sel is None or sel in n)


def GetDefaults(model: str, keys=None, output: str = ""):
    if output:
        raise NESTError(f"GetDefaults: output={output!r} is not supported by snn.nest")
    d = _k().get_defaults(model)
    if keys is None:
        return d
    if isinstance(keys, str):
        if keys not in d:
            raise NESTError(f"{model} has no parameter {keys!r}; parameters: {', '.join(sorted(d))}")
        return d[keys]
    return tuple(GetDefaults(model, k) for k in keys)


def SetDefaults(model: str, params, val=None) -> None:
    """SetDefaults(model, {name: value}) or SetDefaults(model, name, value)."""
    if isinstance(params, str):
        params = {params: val}
    _k().set_defaults(model, params)


def CopyModel(existing: str, new: str, params: Optional[dict] = None) -> None:
    _k().copy_model(existing, new, params)


def network():
    """The snn.Network underneath (made at the first Create)."""
    return _k().network()


# ---- simulation ---------------------------------------------------------------------------------

def Simulate(t: float) -> None:
    """Simulates t ms (>= 0, a multiple of the resolution)."""
    k = _k()
    t = k.check_time(t, "Simulate")
    if k.prepared:
        raise NESTError("Simulate: the kernel is prepared (Prepare was called); use Run, then Cleanup")
    k.run(t)


def Prepare() -> None:
    """Starts a sequence of Run calls (NEST's chunked simulation); end it with Cleanup."""
    k = _k()
    if k.prepared:
        raise NESTError("Prepare: the kernel is prepared already; call Cleanup first")
    k.network()
    k.prepared = True


def Run(t: float) -> None:
    """Simulates t ms after Prepare; state carries over between Run calls."""
    k = _k()
    t = k.check_time(t, "Run")
    if not k.prepared:
        raise NESTError("Run: call Prepare() before Run (and Cleanup() after the last Run)")
    k.run(t)


def Cleanup() -> None:
    k = _k()
    if not k.prepared:
        raise NESTError("Cleanup: the kernel is not prepared (call Prepare first)")
    k.prepared = False


class RunManager:
    """``with nest.RunManager(): nest.Run(...)`` = Prepare, the Runs, Cleanup."""

    def __enter__(self):
        Prepare()
        return self

    def __exit__(self, *exc):
        Cleanup()
        return False


# ---- nodes --------------------------------------------------------------------------------------

def Create(model: str, n: int = 1, params=None, positions=None) -> NodeCollection:
    """n nodes of a model; params: a dict (a value, one value per node, or a nest.random parameter for
    each name) or a list of n dicts."""
    return _k().create(model, n, params, positions)


def GetStatus(nodes, keys=None, output: str = ""):
    """NEST 2's form: a tuple with one status dict per node or connection; with keys a string, its
    values; with a list of keys, a tuple of value lists."""
    if output:
        raise NESTError(f"GetStatus: output={output!r} is not supported by snn.nest")
    if isinstance(nodes, SynapseCollection):
        if keys is None:
            return tuple(c.get() for c in nodes)
        return tuple(c.get(keys) if isinstance(keys, str) else [c.get(k) for k in keys] for c in nodes)
    ids = as_nodes(nodes, "GetStatus")._ids
    if isinstance(keys, str):
        return tuple(s[keys] for s in _k().get_status(ids, [keys]))
    statuses = _k().get_status(ids, None if keys is None else list(keys))
    if keys is None:
        return tuple(statuses)
    return tuple([s[k] for k in keys] for s in statuses)


def SetStatus(nodes, params, val=None) -> None:
    """SetStatus(nodes, {name: value}), SetStatus(nodes, [dict per node]) or SetStatus(nodes, name, value)."""
    if isinstance(params, str):
        params = {params: val}
    if isinstance(nodes, SynapseCollection):
        nodes.set(params)
        return
    _k().set_status(as_nodes(nodes, "SetStatus")._ids, params)


# ---- connections --------------------------------------------------------------------------------

def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection: bool = False):
    """Connects pre to post. conn_spec: a rule name or a dict (rule, indegree/outdegree/p/N,
    allow_autapses, allow_multapses; default all_to_all); syn_spec: a synapse model name or a dict
    (synapse_model, weight, delay, receptor_type, the model's parameters). NEST 2's shortcut
    ``Connect(a, b, weight, delay)`` connects one node to one node."""
    pre_nc, post_nc = as_nodes(pre, "Connect: pre"), as_nodes(post, "Connect: post")
    if isinstance(conn_spec, (int, float)) and not isinstance(conn_spec, bool):
        if len(pre_nc) != 1 or len(post_nc) != 1:
            raise NESTError("Connect(pre, post, weight, delay) connects one node to one node")
        syn = {"weight": conn_spec}
        if syn_spec is not None:
            syn["delay"] = syn_spec
        conn_spec, syn_spec = "one_to_one", syn
    return _k().connect(pre_nc._ids, post_nc._ids, conn_spec, syn_spec, return_synapsecollection)


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None) -> SynapseCollection:
    """The connections from ``source`` and to ``target`` (NodeCollections; None: any) of a synapse
    model (None: any). Recording devices are not listed (their links are not synapses in snn)."""
    if synapse_label is not None:
        raise NESTError("GetConnections: synapse_label is not supported by snn.nest")
    return _k().get_connections(optional_nodes(source, "GetConnections: source"),
                                optional_nodes(target, "GetConnections: target"), synapse_model)


# ---- the NEST 3 attribute form: nest.resolution = 0.1 --------------------------------------------

_KERNEL_ATTRIBUTES = set(_kernel.KERNEL_DEFAULTS) | set(_kernel.READ_ONLY)


class _NestModule(types.ModuleType):
    def __getattr__(self, name):
        if name in _KERNEL_ATTRIBUTES:
            return GetKernelStatus(name)
        if name == "node_models":
            return Models("nodes")
        if name == "synapse_models":
            return Models("synapses")
        if name in ("raster_plot", "voltage_trace"):  # loaded on first use: they import matplotlib
            import importlib
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module 'snn.nest' has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name in _KERNEL_ATTRIBUTES:
            SetKernelStatus({name: value})
        else:
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _NestModule

__all__ = ["ResetKernel", "SetKernelStatus", "GetKernelStatus", "set_verbosity", "get_verbosity", "Install", "Models",
           "GetDefaults", "SetDefaults", "CopyModel", "Simulate", "Prepare", "Run", "Cleanup", "RunManager", "Create",
           "GetStatus", "SetStatus", "Connect", "GetConnections", "NodeCollection", "SynapseCollection", "NESTError",
           "NESTErrors", "random", "network"]
