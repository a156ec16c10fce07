"""The models snn.nest knows: NEST's names, parameters, units and defaults, and what each becomes in snn.

Neuron models come from snn's model registry (NEST aliases where snn has them: iaf_psc_delta,
iaf_psc_exp, iaf_psc_alpha, izhikevich, parrot_neuron; snn's own names for the others), with NEST's
initial state (V_m = -70 mV for the iaf models, V_m = -65 and U_m = 0 for izhikevich) and the spike
history parameters NEST keeps on every neuron for STDP (tau_minus, tau_minus_triplet). Devices and
synapse models are described here and built by the kernel (_kernel.py).
"""
import copy
import math
from typing import Dict, Optional

from .. import _snn

INF = math.inf
SNN_NEST_VERSION = "snn.nest (PyNEST 3 API)"

# NEST 2 names the PyNEST introduction uses -> NEST 3 names.
NEST2_NAMES = {"iaf_neuron": "iaf_psc_alpha", "spike_detector": "spike_recorder"}
# NEST 2 parameters that NEST 3 dropped and snn.nest accepts and ignores (recorders).
IGNORED_NEST2 = {"withgid", "withtime", "withweight", "withport", "withrport", "to_memory"}
# NEST 2's to_file = True is NEST 3's record_to = "ascii".
NEST2_RECORD_TO = {"to_file": "ascii"}

# Parameters of NEST's archiving node (the spike history STDP synapses read), on every neuron model.
ARCHIVING = {"tau_minus": (20.0, "ms", "time constant of the postsynaptic STDP trace"),
             "tau_minus_triplet": (110.0, "ms", "time constant of the slow postsynaptic triplet trace")}

# Initial state where NEST's differs from snn's reset (snn starts V_m at E_L; NEST at its default V_m).
NEST_STATE = {"iaf_psc_delta": {"V_m": -70.0}, "iaf_psc_exp": {"V_m": -70.0, "I_syn_ex": 0.0, "I_syn_in": 0.0},
              "iaf_psc_alpha": {"V_m": -70.0, "I_syn_ex": 0.0, "I_syn_in": 0.0},
              "izhikevich": {"V_m": -65.0, "U_m": 0.0}}
NEST_DEFAULTS = {"izhikevich": {"consistent_integration": 1.0}}
# snn state that is bookkeeping, not a NEST state variable.
HIDDEN_STATE = {"refractory_steps", "dI_syn_ex", "dI_syn_in"}
# Models of the registry that are not nodes of their own here (devices stand for them).
NOT_NODES = {"PoissonInput", "SpikeGeneratorInput", "SpikeInput"}

RECORDER_PARAMS = {"start": 0.0, "stop": INF, "origin": 0.0, "record_to": "memory", "label": "", "time_in_steps": False,
                   "file_extension": "dat", "precision": 3}
DEVICE_PARAMS = {"start": 0.0, "stop": INF, "origin": 0.0}


class Model:
    """A node model: its kind, the snn model behind it (neurons), defaults of parameters and state."""

    def __init__(self, name: str, kind: str, params: Dict[str, object], state: Optional[Dict[str, float]] = None,
                 snn_model: str = "", recordables=(), units: Optional[Dict[str, str]] = None, base: str = ""):
        self.name, self.kind, self.snn_model = name, kind, snn_model
        self.params, self.state = dict(params), dict(state or {})
        self.recordables = tuple(recordables)
        self.units = dict(units or {})
        self.base = base or name  # the built-in model a CopyModel copy derives from

    @property
    def element_type(self) -> str:
        return {"neuron": "neuron", "recorder": "recorder", "multimeter": "recorder", "weight_recorder": "recorder",
                "volume_transmitter": "other"}.get(self.kind, "stimulator")

    def defaults(self) -> dict:
        d = {"model": self.name, "element_type": self.element_type}
        d.update(copy.deepcopy(self.params))
        d.update(self.state)
        if self.recordables:
            d["recordables"] = list(self.recordables)
        return d

    def copy(self, name: str) -> "Model":
        m = copy.deepcopy(self)
        m.name = name
        return m


class SynapseModel:
    """A synapse model: NEST parameter defaults and the snn rule it becomes (None: static)."""

    def __init__(self, name: str, rule: Optional[str], params: Dict[str, object], state=(), base: str = ""):
        self.name, self.rule, self.params, self.state = name, rule, dict(params), tuple(state)
        self.base = base or name

    def defaults(self) -> dict:
        d = {"synapse_model": self.name}
        d.update(copy.deepcopy(self.params))
        return d

    def copy(self, name: str) -> "SynapseModel":
        m = copy.deepcopy(self)
        m.name = name
        return m


def _neuron_models() -> Dict[str, Model]:
    models = {}
    for snn_name, nest_name, _ in _snn.model_registry():
        if snn_name in NOT_NODES:
            continue
        name = nest_name or snn_name
        table = _snn.model_params(snn_name)
        params = {row[0]: row[1] for row in table}
        units = {row[0]: row[2] for row in table}
        params.update(NEST_DEFAULTS.get(name, {}))
        for k, (v, unit, _) in ARCHIVING.items():
            params[k], units[k] = v, unit
        snn_state = [s for s, _ in _snn.model_state(snn_name) if s not in HIDDEN_STATE]
        state = NEST_STATE.get(name, {s: None for s in snn_state})  # None: snn's reset value
        models[name] = Model(name, "neuron", params, state, snn_name, recordables=snn_state, units=units)
    return models


def builtin_models() -> Dict[str, Model]:
    models = _neuron_models()
    models["poisson_generator"] = Model("poisson_generator", "poisson_generator", dict(rate=0.0, **DEVICE_PARAMS),
                                        units={"rate": "Hz"})
    models["spike_generator"] = Model("spike_generator", "spike_generator",
                                      dict(spike_times=[], allow_offgrid_times=False, precise_times=False,
                                           shift_now_spikes=False, spike_weights=[], spike_multiplicities=[],
                                           **DEVICE_PARAMS))
    models["dc_generator"] = Model("dc_generator", "dc_generator", dict(amplitude=0.0, **DEVICE_PARAMS),
                                   units={"amplitude": "pA"})
    models["spike_recorder"] = Model("spike_recorder", "recorder", dict(RECORDER_PARAMS))
    models["multimeter"] = Model("multimeter", "multimeter", dict(record_from=[], interval=1.0, **RECORDER_PARAMS))
    models["voltmeter"] = Model("voltmeter", "multimeter", dict(record_from=["V_m"], interval=1.0, **RECORDER_PARAMS),
                                base="multimeter")
    models["weight_recorder"] = Model("weight_recorder", "weight_recorder",
                                      dict(senders=[], targets=[], **RECORDER_PARAMS))
    models["volume_transmitter"] = Model("volume_transmitter", "volume_transmitter", dict(deliver_interval=1))
    return models


COMMON_SYNAPSE = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, "weight_recorder": None}


def builtin_synapses() -> Dict[str, SynapseModel]:
    return {
        "static_synapse": SynapseModel("static_synapse", None, dict(COMMON_SYNAPSE)),
        # Guetig et al. (2003) with NEST's names: mu_plus = mu_minus = 1 multiplicative, 0 additive.
        "stdp_synapse": SynapseModel("stdp_synapse", "STDP", dict(COMMON_SYNAPSE, tau_plus=20.0, alpha=1.0,
                                                                    mu_plus=1.0, mu_minus=1.0, Wmax=100.0,
                                                                    **{"lambda": 0.01})),
        "stdp_triplet_synapse": SynapseModel("stdp_triplet_synapse", "TripletSTDP",
                                             dict(COMMON_SYNAPSE, tau_plus=16.8, tau_plus_triplet=101.0, Aplus=5e-10,
                                                  Aminus=7e-3, Aplus_triplet=6.2e-3, Aminus_triplet=2.3e-4,
                                                  Wmax=100.0)),
        "stdp_dopamine_synapse": SynapseModel("stdp_dopamine_synapse", "DopamineSTDP",
                                              dict(COMMON_SYNAPSE, A_plus=1.0, A_minus=1.5, tau_plus=20.0, tau_c=1000.0,
                                                   tau_n=200.0, b=0.0, Wmin=0.0, Wmax=200.0, vt=-1, c=0.0, n=0.0,
                                                   A_vt=1.0),
                                              state=("c", "n")),
        # Vogels et al. (2011); the post trace uses the synapse's tau (NEST's reads the target's tau_minus,
        # 20 ms by default: the same unless it was changed).
        "vogels_sprekeler_synapse": SynapseModel("vogels_sprekeler_synapse", "VogelsSprekeler",
                                                 dict(COMMON_SYNAPSE, tau=20.0, eta=0.001, alpha=0.12, Wmax=1.0)),
    }


def rule_params(model: SynapseModel, values: dict, post_params: dict) -> dict:
    """NEST synapse parameters (values: the model's defaults updated by syn_spec) and the target
    neurons' archiving parameters -> the keyword arguments of the snn rule."""
    v = values
    if model.rule == "STDP":
        mu = {v["mu_plus"], v["mu_minus"]}
        if mu not in ({0.0}, {1.0}):
            raise ValueError(f"{model.name}: snn supports mu_plus = mu_minus = 1 (multiplicative) or 0 (additive), "
                             f"got mu_plus={v['mu_plus']} and mu_minus={v['mu_minus']}")
        multiplicative = mu == {1.0}
        scale = 1.0 if multiplicative else v["Wmax"]
        return dict(nu_post=v["lambda"] * scale, nu_pre=v["alpha"] * v["lambda"] * scale, tau_pre=v["tau_plus"],
                    tau_post=post_params["tau_minus"], w_min=0.0, w_max=v["Wmax"],
                    weight_dependence="multiplicative" if multiplicative else "additive")
    if model.rule == "TripletSTDP":
        return dict(tau_plus=v["tau_plus"], tau_x=v["tau_plus_triplet"], tau_minus=post_params["tau_minus"],
                    tau_y=post_params["tau_minus_triplet"], A2_plus=v["Aplus"], A3_plus=v["Aplus_triplet"],
                    A2_minus=v["Aminus"], A3_minus=v["Aminus_triplet"], w_min=0.0, w_max=v["Wmax"])
    if model.rule == "DopamineSTDP":
        return dict(A_plus=v["A_plus"], A_minus=v["A_minus"], tau_plus=v["tau_plus"], tau_minus=post_params["tau_minus"],
                    tau_c=v["tau_c"], tau_n=v["tau_n"], b=v["b"], Wmin=v["Wmin"], Wmax=v["Wmax"], A_vt=v["A_vt"])
    if model.rule == "VogelsSprekeler":
        return dict(tau=v["tau"], eta=v["eta"], alpha=v["alpha"], Wmax=v["Wmax"])
    return {}
