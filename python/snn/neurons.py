"""Neuron models and spike sources: the specifications ``net.add(...)`` instantiates.

Each class takes the number of neurons and keyword parameters with NEST's names and units
(``snn.LIF(100, tau_m=20.0, V_th=-50.0)``). A parameter is one number for every neuron or one number
per neuron (a tensor or a list of length n: ``snn.LIF(10, I_e=torch.linspace(300, 500, 10))``).
Unknown names and invalid values raise ``ValueError`` when the model is made. The classes, their
parameter tables (defaults, units, meaning) and NEST aliases come from the C++ model registry, so
``help(snn.LIF)`` always shows what the library really uses, and a model added to the registry
appears here without Python code (a class is written by hand only where its constructor differs).
"""
import numbers
from typing import Optional, Sequence

import torch

from . import _snn


class Model:
    """A model name, a size and parameter overrides. Use the subclasses (``snn.LIF`` ...)."""

    model = ""

    def __init__(self, n: int, **params):
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"{type(self).__name__}: n must be an int, got {n!r}")
        self.n = n
        self.params = {name: neuron_parameter(self, name, value) for name, value in params.items()}
        if not hasattr(self, "spike_times"):
            self.spike_times = []
        _snn.check_model(self.model, n, self.params, self.spike_times)  # ValueError now, not at net.add()

    def __repr__(self):
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"snn.{type(self).__name__}({self.n}{args})"


def parameter_value(owner, name: str, value) -> float:
    """A rule's parameter as a float (bools are flags: 0 or 1); TypeError for anything else."""
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{type(owner).__name__}: parameter {name} must be a number, got {type(value).__name__}")
    return float(value)


def neuron_parameter(owner, name: str, value):
    """A neuron parameter: a float (bools are flags), or one value per neuron as a float64 tensor (from a
    tensor, a list, a tuple or a numpy array); TypeError for anything else."""
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (list, tuple)) or type(value).__module__ == "numpy":
        try:
            return torch.as_tensor(value, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError):
            pass
    what = owner if isinstance(owner, str) else type(owner).__name__
    raise TypeError(f"{what}: parameter {name} must be a number, or one number per neuron (a tensor or a list), "
                    f"got {type(value).__name__}")


def parameter_rows(table, name_width: int, unit_width: int) -> list:
    """Docstring lines for a C++ parameter table [(name, default, unit, meaning[, may differ per neuron])]."""
    return ["Parameters (name, default, unit, meaning):"] + [
        f"    {row[0]:<{name_width}} {row[1]:<10g} {row[2] or '-':<{unit_width}} {row[3]}"
        + (" (one value for the population)" if len(row) > 4 and not row[4] else "") for row in table]


def _document(cls):
    """Appends the C++ parameter and state tables to a model's docstring."""
    rows = parameter_rows(_snn.model_params(cls.model), 12, 6)
    state = _snn.model_state(cls.model)
    if state:
        rows.append("")
        rows.append("State variables ([batch, n] tensors): " + ", ".join(f"{n} [{u}]" if u else n for n, u in state))
    rows += ["", "Each parameter is one number or one per neuron (a tensor or list of length n); reading it",
             "from a population gives a float when every neuron has the same value, else a float64 tensor [n]."]
    cls.__doc__ = (cls.__doc__ or "") + "\n".join("    " + r if r else r for r in rows)
    return cls


@_document
class LIF(Model):
    """Leaky integrate-and-fire with delta synapses: NEST ``iaf_psc_delta``.

    Exact integration; a spike of weight w makes V_m jump by w mV; input arriving during the
    refractory period is discarded; external current input is in pA.
    """

    model = "LIF"


@_document
class LIFExp(Model):
    """Leaky integrate-and-fire with exponential currents: NEST ``iaf_psc_exp``.

    Exact integration (Rotter & Diesmann 1999); weights in pA; w > 0 feeds the excitatory current,
    w < 0 the inhibitory one.
    """

    model = "LIFExp"


@_document
class LIFAlpha(Model):
    """Leaky integrate-and-fire with alpha-shaped currents: NEST ``iaf_psc_alpha`` (PyNEST's default).

    Exact integration; a spike of weight w [pA] produces a current w (t/tau) e^(1 - t/tau), peaking at w
    after tau_syn; w > 0 excitatory, w < 0 inhibitory.
    """

    model = "LIFAlpha"


@_document
class AdaptiveLIF(Model):
    """Adaptive-threshold LIF of Diehl & Cook (2015) on an ``iaf_psc_delta`` membrane.

    Threshold V_th + theta; theta += theta_plus at each spike (while learning) and decays with
    tau_theta. ``one_spike=True``: at most one spike per step and batch entry (the neuron furthest
    above threshold).
    """

    model = "AdaptiveLIF"


@_document
class Izhikevich(Model):
    """Izhikevich (2003) neuron, integrated as in Izhikevich's published code (two half steps for v).

    Regular spiking: a=0.02, b=0.2, c=-65, d=8; fast spiking: a=0.1, d=2.
    """

    model = "Izhikevich"


@_document
class PoissonInput(Model):
    """Poisson spike sources: NEST ``poisson_generator``, one independent generator per neuron.

    Rates come from ``net.run(..., inputs={name: rates})`` (Hz, [n], [batch, n] or [steps, batch, n]),
    else from the ``rate`` parameter. Counts above one per step are delivered as multiplicity.
    """

    model = "PoissonInput"


@_document
class Parrot(Model):
    """Re-emits the spikes it receives in the step they arrive: NEST ``parrot_neuron``.

    The weights of connections into a parrot are ignored (it counts spikes).
    """

    model = "Parrot"

    def __init__(self, n: int):
        super().__init__(n)


@_document
class SpikeGeneratorInput(Model):
    """Spikes at given times: NEST ``spike_generator``.

    ``spike_times[i]`` lists the times (ms, > 0, on the dt grid) of neuron i; a spike at t is
    emitted in the step that ends at t and reaches a target with delay d at t + d.
    """

    model = "SpikeGeneratorInput"

    def __init__(self, n: int, spike_times: Optional[Sequence[Sequence[float]]] = None, **params):
        if spike_times is None:
            spike_times = [[] for _ in range(n if isinstance(n, int) else 0)]
        try:
            self.spike_times = [[float(t) for t in times] for times in spike_times]
        except TypeError:
            raise TypeError("SpikeGeneratorInput: spike_times must be a list of lists of times in ms, one per neuron")
        super().__init__(n, **params)


@_document
class ConductanceLIF(Model):
    """Conductance-based LIF with an adaptive threshold: the neurons of Diehl & Cook (2015).

    ``tau_m dV/dt = (E_L - V) + g_ex (E_ex - V) + g_in (E_in - V)``, conductances decay with
    tau_syn_ex / tau_syn_in; a weight w > 0 adds w to g_ex, w < 0 adds |w| to g_in. Exponential Euler
    with each conductance's mean over the step (exact charge per spike; stable for any conductance,
    unlike the forward Euler of the published code). t_lock: threshold lockout after a spike. Defaults: their
    excitatory neuron (their inhibitory one: tau_m 10, E_L -60, E_in -85, V_th -40, V_reset -45,
    t_ref 2, theta_plus 0).
    """

    model = "ConductanceLIF"


@_document
class SpikeInput(Model):
    """Emits given spike counts: ``net.run(T, inputs={name: spikes})`` with spikes [steps, batch, n]
    (one slice per step) or [batch, n] (every step), e.g. from ``snn.encoders``."""

    model = "SpikeInput"

    def __init__(self, n: int):
        super().__init__(n)


def _from_registry():
    """A class for every registered model that has none above, and the NEST aliases, from the C++ table."""
    made = {}
    for name, nest_name, summary in _snn.model_registry():
        cls = globals().get(name)
        if not (isinstance(cls, type) and issubclass(cls, Model)):
            cls = _document(type(name, (Model,), {"model": name, "__doc__": summary + ".\n\n", "__module__": __name__}))
            made[name] = cls
        if nest_name:
            made[nest_name] = cls
    globals().update(made)
    return sorted(made)


# NEST names (iaf_psc_delta = LIF, ...), and classes for models without one of their own.
__all__ = ["Model"] + [name for name, _, _ in _snn.model_registry()] + _from_registry()
