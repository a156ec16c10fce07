"""The bad-input audit: every public entry point of a network tried with wrong types, shapes,
devices, NaN/inf, negative and huge values. Each bad call raises ValueError or TypeError whose text
names the argument, and leaves the network exactly as it was (its whole state_dict, bit for bit).

One table of calls (CALLS), and sweeps over every parameter of every model and rule of the
registries: a bad value is refused naming the parameter; a value that is accepted must give a network
that runs (no crash, no sanitizer report in the C++ build).
"""
import math

import pytest
import torch

import snn
from snn import _snn


def rich_network():
    """Populations of the newer models, short-term and long-term plasticity, signals and monitors."""
    net = snn.Network(dt=0.5, batch_size=2, seed=3)
    net.add(snn.PoissonInput(6, rate=20.0), name="x")
    net.add(snn.SpikeGeneratorInput(2, [[1.0], [2.0]]), name="g")
    net.add(snn.LIF(4), name="lif")
    net.add(snn.AdEx(3), name="adex")
    net.add(snn.AIF2(3), name="aif2")
    net.add(snn.PoissonDblExp(3), name="pde")
    net.connect("x", "lif", plasticity=snn.STDP(), short_term=snn.ShortTermPlasticity())
    net.connect("x", "aif2", weight=0.1, plasticity=snn.OrchestratedPlasticity())
    net.connect("x", "pde", plasticity=snn.SynapticSampling())
    net.connect("x", "adex", weight=1.0, plasticity=snn.VogelsSprekeler())
    net.connect("x", "lif", name="da", plasticity=snn.DopamineSTDP())
    net.neuromodulator("dopamine", "x")
    net.monitor("lif")
    net.run(5.0)
    return net


NAN, INF, HUGE = math.nan, math.inf, 1e300

# (what, call on the network, exception, message pattern)
CALLS = [
    ("run: negative time", lambda n: n.run(-1.0), ValueError, "run time must be >= 0"),
    ("run: NaN time", lambda n: n.run(NAN), ValueError, "run time"),
    ("run: inf time", lambda n: n.run(INF), ValueError, "run time"),
    ("run: time of wrong type", lambda n: n.run("1"), TypeError, "t_ms"),
    ("run: unknown input", lambda n: n.run(1.0, {"nobody": torch.ones(6)}), ValueError, "no population named 'nobody'"),
    ("run: input of wrong shape", lambda n: n.run(1.0, {"x": torch.ones(7)}), ValueError, r"inputs\['x'\] has shape"),
    ("run: input of wrong dtype", lambda n: n.run(1.0, {"x": torch.ones(6, dtype=torch.float64)}), TypeError, "dtype"),
    ("run: input on another device", lambda n: n.run(1.0, {"x": torch.ones(6, device="meta")}), ValueError, "is on meta"),
    ("run: NaN rate", lambda n: n.run(1.0, {"x": torch.full((6,), NAN)}), ValueError, "not finite"),
    ("run: huge rate", lambda n: n.run(1.0, {"x": torch.full((6,), 1e30)}), ValueError, "rates must be <= "),
    ("run: negative rate", lambda n: n.run(1.0, {"x": -torch.ones(6)}), ValueError, "rates must be >= 0"),
    ("run: inf current", lambda n: n.run(1.0, {"lif": torch.full((4,), INF)}), ValueError, "not finite"),
    ("set_signal: NaN", lambda n: n.set_signal("dopamine", NAN), ValueError, "finite"),
    ("set_signal: wrong shape", lambda n: n.set_signal("dopamine", torch.ones(3)), ValueError, "shape"),
    ("set_signal: unknown", lambda n: n.set_signal("serotonin", 1.0), ValueError, "no signal named 'serotonin'"),
    ("parameter: NaN", lambda n: setattr(n["lif"], "tau_m", NAN), ValueError, "tau_m"),
    ("parameter: negative", lambda n: setattr(n["adex"], "C_m", -1.0), ValueError, "C_m"),
    ("parameter: wrong length", lambda n: setattr(n["lif"], "I_e", [1.0, 2.0]), ValueError, "one per neuron"),
    ("parameter: wrong type", lambda n: setattr(n["aif2"], "tau_m", "slow"), TypeError, "tau_m"),
    ("parameter: huge rate", lambda n: setattr(n["x"], "rate", HUGE), ValueError, "rate must be <="),
    ("state: wrong shape", lambda n: setattr(n["lif"], "V_m", torch.zeros(3)), ValueError, "V_m"),
    ("state: NaN", lambda n: setattr(n["lif"], "V_m", torch.full((4,), NAN)), ValueError, "finite"),
    ("state: wrong dtype", lambda n: setattr(n["lif"], "V_m", torch.zeros(4, dtype=torch.bool)), TypeError, "V_m"),
    ("weight: wrong shape", lambda n: setattr(n.projections[0], "weight", torch.ones(2, 2)), ValueError, "shape"),
    ("weight: NaN", lambda n: setattr(n.projections[0], "weight", torch.full((6, 4), NAN)), ValueError, "finite"),
    ("rule parameter: NaN", lambda n: setattr(n.projections[0].plasticity, "tau_pre", NAN), ValueError, "tau_pre"),
    ("rule parameter: wrong type", lambda n: setattr(n.projections[1].plasticity, "tau_plus", []), TypeError, "tau_plus"),
    ("short-term parameter: U > 1", lambda n: setattr(n.projections[0].short_term, "U", 2.0), ValueError, "U must be in"),
    ("spike times: NaN", lambda n: n["g"].set_spike_times([[NAN], [9.0]]), ValueError, "spike times must be > 0"),
    ("spike times: in the past", lambda n: n["g"].set_spike_times([[1.0], [9.0]]), ValueError, "not after"),
    ("spike times: wrong count", lambda n: n["g"].set_spike_times([[9.0]]), ValueError, "one list per neuron"),
    ("connect: NaN weight", lambda n: n.connect("x", "lif", weight=NAN), ValueError, "weight must be finite"),
    ("connect: inf delay", lambda n: n.connect("x", "lif", delay=INF), ValueError, "delay"),
    ("connect: negative indegree", lambda n: n.connect("x", "lif", "fixed_indegree", indegree=-1), ValueError, "indegree"),
    ("connect: huge indegree", lambda n: n.connect("x", "lif", "fixed_indegree", indegree=10**12, multapses=False),
     ValueError, "indegree"),
    ("connect: weight tensor with inf", lambda n: n.connect("x", "lif", weight=torch.full((6, 4), INF)), ValueError,
     "not finite"),
    ("connect: source as target", lambda n: n.connect("lif", "x"), ValueError, "takes no synaptic input"),
    ("monitor: unknown variable", lambda n: n.monitor("lif", "g_ex"), ValueError, "cannot monitor 'g_ex'"),
    ("monitor: interval off the grid", lambda n: n.monitor("lif", "V_m", interval=0.3), ValueError, "interval"),
    ("neuromodulator: delay off the grid", lambda n: n.neuromodulator("dopamine", "x", delay=0.7), ValueError, "delay"),
    ("load_state_dict: another network", lambda n: n.load_state_dict({"network.step": torch.tensor(3)}), ValueError,
     "lacks"),
    ("load_state_dict: wrong dtype", lambda n: n.load_state_dict(
        {k: (v.double() if k == "populations.lif.V_m" else v) for k, v in n.state_dict().items()}), TypeError, "dtype"),
    ("load_state_dict: not a mapping", lambda n: n.load_state_dict(3), TypeError, "mapping"),
    ("save: metadata not JSON", lambda n: n.save("/tmp/snn-bad-input.snn", metadata={"f": object()}), TypeError,
     "metadata"),
    ("save: path of wrong type", lambda n: n.save(3.5), TypeError, "path"),
    ("set_load_adaptive: not a bool", lambda n: snn.set_load_adaptive("no"), TypeError, "enabled must be a bool"),
]


@pytest.mark.parametrize("what, call, exc, match", CALLS, ids=[c[0] for c in CALLS])
def test_bad_calls_raise_and_change_nothing(what, call, exc, match):
    net = rich_network()
    before = net.state_dict()
    n_projections = len(net.projections)
    with pytest.raises(exc, match=match):
        call(net)
    after = net.state_dict()
    assert list(before) == list(after) and len(net.projections) == n_projections
    for key in before:
        assert torch.equal(before[key], after[key]) or (before[key].isnan() == after[key].isnan()).all(), key
    net.run(1.0)  # and it still runs


BAD_VALUES = [NAN, INF, -INF]
SOURCES = ("SpikeGeneratorInput", "PoissonInput", "SpikeInput")
ODD_VALUES = [-1e300, 1e300, 0.0, -1.0]


def models():
    return [name for name, _, _ in _snn.model_registry() if name not in ("SpikeInput",)]


@pytest.mark.parametrize("model", models())
def test_every_model_parameter_refuses_nan_inf_and_survives_odd_values(model):
    for name, *_ in _snn.model_params(model):
        for value in BAD_VALUES:
            if value == INF and name.startswith("tau"):
                continue  # some time constants may be switched off with inf
            with pytest.raises(ValueError, match=name):
                make_model(model, **{name: value})
        with pytest.raises(TypeError, match=name):
            make_model(model, **{name: "x"})
        with pytest.raises(ValueError, match=name):
            make_model(model, **{name: [1.0] * 4})  # three neurons
        for value in ODD_VALUES:
            net = snn.Network(dt=0.5, seed=1)  # float32: 1e300 does not fit
            net.add(snn.PoissonInput(3, rate=50.0), name="x")
            try:
                pop = net.add(make_model(model, **{name: value}), name="p")
            except ValueError as e:
                assert name in str(e)
                continue
            if pop._cpp.receives_spikes if hasattr(pop._cpp, "receives_spikes") else model not in SOURCES:
                net.connect("x", "p", weight=1.0)
            net.run(3.0)  # accepted values run


def make_model(model, **params):
    if model == "SpikeGeneratorInput":
        return snn.SpikeGeneratorInput(3, [[1.0], [], [2.0]], **params)
    return getattr(snn, model)(3, **params)


@pytest.mark.parametrize("rule", [name for name, *_ in _snn.rule_registry()])
def test_every_rule_parameter_refuses_nan_and_wrong_types(rule):
    cls = getattr(snn, rule)
    names = [name for name, *_ in _snn.plasticity_params(rule)]
    assert names, rule
    for name in names:
        with pytest.raises(ValueError, match=name):
            cls(**{name: NAN})
        with pytest.raises(TypeError, match=name):
            cls(**{name: "x"})
