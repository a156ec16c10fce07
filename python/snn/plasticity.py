"""Learning rules, passed as ``net.connect(..., plasticity=snn.STDP(...))``.

Each class takes keyword parameters (validated when the projection is made; changeable later
through ``projection.plasticity.<name> = value``). Three-factor rules read a neuromodulator signal
(``signal=``): "dopamine" for DopamineSTDP and IzhikevichDASTDP (events: spikes of populations
added with ``net.neuromodulator(...)`` plus amounts from ``net.set_signal``), "reward" for MSTDP
and MSTDPET (a level per batch entry set with ``net.set_signal``). ``help(snn.STDP)`` lists the
parameters with their defaults, from the C++ rule itself.
"""
from typing import Optional

from . import _snn
from .neurons import parameter_rows, parameter_value

_CHOICES = {
    # python keyword: (accepted values, C++ boolean parameter set when the value is the second one)
    "weight_dependence": (("additive", "multiplicative"), "multiplicative"),
    "pairing": (("all_to_all", "nearest"), "nearest"),
    "variant": (("pair", "diehl_cook"), "diehl_cook"),
}


class Rule:
    """A learning rule and its parameters. Use the subclasses (``snn.STDP`` ...)."""

    rule = ""
    choices = ()

    def __init__(self, signal: Optional[str] = None, **params):
        self.signal = signal
        self.params = {}
        for name, value in params.items():
            if name in self.choices:
                allowed, flag = _CHOICES[name]
                if value not in allowed:
                    raise ValueError(f"{type(self).__name__}: {name} must be one of {', '.join(allowed)}, got {value!r}")
                self.params[flag] = float(value == allowed[1])
            else:
                self.params[name] = parameter_value(self, name, value)  # bools too: event_driven=False
        if self.rule:
            _snn.check_rule(self.rule, self.params, self.signal or "")  # ValueError now, not at connect()

    def _spec(self):
        return _snn.PlasticitySpec(self.rule, self.params, self.signal or "")

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"snn.{type(self).__name__}({args})"


def _document(cls):
    rows = parameter_rows(_snn.plasticity_params(cls.rule), 18, 4)
    cls.__doc__ = (cls.__doc__ or "") + "\n".join("    " + r for r in rows)
    return cls


@_document
class STDP(Rule):
    """Pair-based STDP with traces (BindsNET's PostPre / WeightDependentPostPre semantics).

    At a pre spike ``w -= nu_pre * x_post``, at a post spike ``w += nu_post * x_pre`` (traces include
    this step's spikes), clipped to [w_min, w_max]. Options (keywords):
    ``weight_dependence="additive" | "multiplicative"`` (LTD x (w - w_min), LTP x (w_max - w)),
    ``pairing="all_to_all" | "nearest"`` (traces incremented or set to 1),
    ``variant="pair" | "diehl_cook"`` (Diehl & Cook 2015: post traces of 20 and 40 ms taken before this
    step's post spike; ``w += nu_post x_pre post2``, ``w -= nu_pre post1``).
    """

    rule = "STDP"
    choices = ("weight_dependence", "pairing", "variant")

    def __init__(self, **params):
        super().__init__(params.pop("signal", None), **params)  # a signal given here is refused: it reads none


@_document
class TripletSTDP(Rule):
    """Triplet STDP of Pfister & Gerstner (2006), minimal all-to-all model (defaults: their visual
    cortex fit). Pre spike: ``w -= o1 (A2_minus + A3_minus r2)``; post spike:
    ``w += r1 (A2_plus + A3_plus o2)``; traces taken just before the spike.
    """

    rule = "TripletSTDP"

    def __init__(self, **params):
        super().__init__(params.pop("signal", None), **params)  # a signal given here is refused: it reads none


@_document
class DopamineSTDP(Rule):
    """Dopamine-modulated STDP: NEST ``stdp_dopamine_synapse`` / NESTML ``neuromodulated_stdp``.

    Eligibility c (pairs of pre spikes and post spikes seen after the dendritic ``delay``), dopamine n
    (each neuromodulator spike adds A_vt / tau_n), ``dw/dt = c (n - b)`` integrated in closed form,
    weights clipped to [Wmin, Wmax]. Signal: "dopamine" by default (``signal=`` to choose).
    """

    rule = "DopamineSTDP"

    def __init__(self, signal: str = "dopamine", **params):
        super().__init__(signal, **params)


@_document
class IzhikevichDASTDP(Rule):
    """Izhikevich (2007) dopamine-modulated STDP, as in the published code (daspnet.m).

    Eligibility sd from STDP traces (0.1 at a spike, x0.95 per ms, LTD factor 1.5); dopamine DA
    (x0.995 per ms) plus the signal's amounts; every 10 ms ``w = clip(w + (0.002 + DA) sd)``,
    ``sd *= 0.99``. Signal: "dopamine" (``net.set_signal("dopamine", 0.5)`` is the published reward).
    Pre spikes pair when they arrive at the synapse: after the projection's delay, per synapse when the
    projection has per-synapse delays (spnet.m's 1-20 ms), or after the rule's own ``delay`` if given.
    """

    rule = "IzhikevichDASTDP"

    def __init__(self, signal: str = "dopamine", **params):
        super().__init__(signal, **params)


@_document
class MSTDP(Rule):
    """Reward-modulated STDP (Florian 2007; BindsNET's MSTDP): ``w += nu r(t) zeta(t - dt)`` with the
    point eligibility ``zeta = P+ s_post + s_pre P-``. Signal: "reward", one value per batch entry
    (``net.set_signal("reward", r)``).
    """

    rule = "MSTDP"

    def __init__(self, signal: str = "reward", **params):
        super().__init__(signal, **params)


@_document
class MSTDPET(Rule):
    """Reward-modulated STDP with an eligibility trace (Florian 2007; BindsNET's MSTDPET):
    ``z <- z exp(-dt/tau_z) + zeta/tau_z``, ``w += nu dt r(t) z``. Signal: "reward".
    """

    rule = "MSTDPET"

    def __init__(self, signal: str = "reward", **params):
        super().__init__(signal, **params)


def _from_registry():
    """A class for every registered rule that has none above (reading its default signal, if any), and
    the NEST aliases, from the C++ table."""
    made = {}
    for name, nest_name, signal, summary in _snn.rule_registry():
        cls = globals().get(name)
        if not (isinstance(cls, type) and issubclass(cls, Rule)):
            def __init__(self, signal=signal or None, **params):
                Rule.__init__(self, signal, **params)
            cls = _document(type(name, (Rule,), {"rule": name, "__init__": __init__, "__doc__": summary + ".\n\n",
                                                 "__module__": __name__}))
            made[name] = cls
        if nest_name:
            made[nest_name] = cls
    globals().update(made)
    return sorted(made)


# NEST names (stdp_synapse = STDP, ...), and classes for rules without one of their own.
__all__ = ["Rule", "RuleHandle", "ShortTermPlasticity", "tsodyks2_synapse"] + [name for name, *_ in _snn.rule_registry()] + _from_registry()


class ShortTermPlasticity:
    """Short-term plasticity of a projection, NEST's ``tsodyks2_synapse`` (Tsodyks, Uziel & Markram 2000):
    ``net.connect(pre, post, weight=w, short_term=snn.ShortTermPlasticity(U=0.2, tau_rec=150.0,
    tau_fac=600.0))``. Each presynaptic neuron keeps x (resources) and u (utilisation); at a spike, h after
    its last one, ``x <- 1 + (x - x u - 1) exp(-h/tau_rec)``, ``u <- U + u (1 - U) exp(-h/tau_fac)``, and the
    spike transmits ``w x u``. Composes with any learning rule (the rule changes w). State (per pre neuron):
    ``proj.short_term.state["x"]``, ``["u"]``, ``["last_spike_step"]``.

"""

    def __init__(self, **params):
        self.params = {name: parameter_value(self, name, value) for name, value in params.items()}
        _snn.ShortTermSpec(self.params)  # ValueError now, not at connect()

    def _spec(self):
        return _snn.ShortTermSpec(self.params)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"snn.ShortTermPlasticity({args})"


ShortTermPlasticity.__doc__ += "\n".join("    " + r for r in parameter_rows(_snn.short_term_params(), 18, 4))
tsodyks2_synapse = ShortTermPlasticity  # NEST's name


class RuleHandle:
    """The learning rule of a projection: parameters as attributes (``rule.A_vt = -1.0``, validated,
    effective from the next step), state tensors in ``rule.state``."""

    __slots__ = ("_cpp",)

    def __init__(self, cpp):
        object.__setattr__(self, "_cpp", cpp)

    @property
    def rule(self) -> str:
        return self._cpp.rule

    @property
    def signal(self) -> str:
        return self._cpp.signal

    @property
    def params(self):
        return {k: self._cpp.param(k) for k in self._cpp.param_names()}

    @property
    def state(self):
        return {k: self._cpp.state(k) for k in self._cpp.state_names()}

    def set(self, **params) -> None:
        self._cpp.set_params({k: parameter_value(self, k, v) for k, v in params.items()})

    def __getattr__(self, name):
        cpp = object.__getattribute__(self, "_cpp")
        if name in cpp.param_names():
            return cpp.param(name)
        raise AttributeError(f"{cpp.rule} has no parameter {name!r}; parameters: {', '.join(cpp.param_names())}")

    def __setattr__(self, name, value):
        if name not in self._cpp.param_names():
            raise AttributeError(f"{self._cpp.rule} has no parameter {name!r}; parameters: {', '.join(self._cpp.param_names())}")
        self._cpp.set_param(name, parameter_value(self, name, value))  # bools are flags (event_driven = False)

    def __repr__(self):
        return f"<{self.rule} rule>"
