"""Checkpoints: a network saved at any step and loaded continues bitwise as if it had not stopped.

Every registered model and rule is covered (the test fails when one is added without a case here),
in float32 and float64, batch 1 and 3, dense and sparse storage. The reference runs the same chunks
without stopping; after the resumed chunks, the whole state dict (state, weights, rule state, input in
flight, step count) and the spikes recorded after the stop must be identical, bit for bit.
"""
import os

import pytest
import torch

import snn
from snn import _snn

# Weight of 40 Poisson inputs at 40 Hz that makes each model fire (units: the model's synapses).
MODEL_WEIGHT = {"LIF": 3.0, "LIFExp": 150.0, "LIFAlpha": 60.0, "AdaptiveLIF": 6.0, "Izhikevich": 12.0, "AdEx": 20.0,
                "AIF2": 0.2, "ConductanceLIF": 0.3, "PoissonDblExp": 1.0, "Parrot": 1.0}
SOURCES = {"PoissonInput", "SpikeInput", "SpikeGeneratorInput"}

RULES = {
    "STDP": lambda: snn.STDP(nu_pre=1e-3, nu_post=1e-2, w_min=0.0, w_max=5.0),
    "STDP_sweep": lambda: snn.STDP(nu_pre=1e-3, nu_post=1e-2, event_driven=False, variant="diehl_cook"),
    "TripletSTDP": lambda: snn.TripletSTDP(A2_plus=1e-3, A3_minus=1e-4),
    "DopamineSTDP": lambda: snn.DopamineSTDP(A_plus=0.1, A_minus=0.15),
    "DopamineSTDP_step": lambda: snn.DopamineSTDP(A_plus=0.1, A_minus=0.15, event_driven=False),
    "IzhikevichDASTDP": lambda: snn.IzhikevichDASTDP(),
    "MSTDP": lambda: snn.MSTDP(nu=0.05),
    "MSTDPET": lambda: snn.MSTDPET(nu=0.05),
    "SynapticSampling": lambda: snn.SynapticSampling(),
    "OrchestratedPlasticity": lambda: snn.OrchestratedPlasticity(consolidation_interval=2.0),
    "VogelsSprekeler": lambda: snn.VogelsSprekeler(eta=0.01),
}


def test_every_model_and_rule_has_a_case():
    models = {name for name, _, _ in _snn.model_registry()}
    assert models == set(MODEL_WEIGHT) | SOURCES
    rules = {name for name, *_ in _snn.rule_registry()}
    assert rules <= {name.split("_")[0] if name.endswith(("_sweep", "_step")) else name for name in RULES}


def every_model(dtype, batch):
    net = snn.Network(dt=0.1, batch_size=batch, dtype=dtype, seed=21)
    x = net.add(snn.PoissonInput(100, rate=torch.linspace(20.0, 60.0, 100)), name="x")
    g = net.add(snn.SpikeGeneratorInput(3, [[1.0, 5.0, 31.0], [2.0, 44.4], [3.0, 3.1, 62.0]]), name="g")
    s = net.add(snn.SpikeInput(5), name="s")
    for model, w in MODEL_WEIGHT.items():
        params = {"I_e": torch.linspace(0.0, 100.0, 20)} if model == "LIF" else {}  # per-neuron parameters too
        pop = net.add(getattr(snn, model)(20, **params), name=model)
        src = g if model == "Parrot" else x
        net.connect(src, pop, "all_to_all" if model == "Parrot" else "fixed_indegree", indegree=40, storage="sparse",
                    weight=w if model == "Parrot" else snn.init.normal(w, w / 2),
                    delay=snn.init.uniform(0.1, 2.0) if model in ("LIFExp", "AdEx") else None)
        if model not in ("Parrot", "PoissonDblExp"):
            net.connect(s, pop, "all_to_all", weight=w, delay=0.3)
    return net, None


def rule_net(rule, storage, dtype, batch):
    net = snn.Network(dt=0.5, batch_size=batch, dtype=dtype, seed=4)
    x = net.add(snn.PoissonInput(60, rate=30.0), name="x")
    post = snn.PoissonDblExp(40) if rule == "SynapticSampling" else (
        snn.AIF2(40) if rule == "OrchestratedPlasticity" else snn.LIF(40, I_e=300.0, V_th=-60.0))
    y = net.add(post, name="y")
    base = rule.split("_")[0] if rule.endswith(("_sweep", "_step")) else rule
    delays = snn.init.uniform(0.5, 3.0) if base in ("IzhikevichDASTDP", "STDP") else 1.0
    weight = snn.init.uniform(0.05, 0.3) if base == "OrchestratedPlasticity" else snn.init.uniform(0.5, 3.0)
    proj = net.connect(x, y, "pairwise_bernoulli", p=0.3, weight=weight, storage=storage, delay=delays,
                       plasticity=RULES[rule](),
                       short_term=snn.ShortTermPlasticity(U=0.2, tau_fac=100.0) if base == "TripletSTDP" else None)
    if base in ("IzhikevichDASTDP", "DopamineSTDP"):
        da = net.add(snn.PoissonInput(1, rate=20.0), name="da")
        net.neuromodulator(proj.plasticity.signal, da, delay=1.0)
    return net, proj.plasticity.signal


CHUNKS = 4


def run_chunk(net, k, signal, dtype):
    """The k-th chunk of a run: its own inputs and, for reward rules, its own reward."""
    B = net.batch_size
    if signal == "reward":
        net.set_signal(signal, torch.tensor([(-1.0) ** (k + b) * 0.5 for b in range(B)], dtype=dtype))
    inputs = {}
    if "s" in net.populations:
        inputs["s"] = (torch.rand(100, B, 5, generator=torch.Generator().manual_seed(k)) < 0.05).to(dtype)
    if k == 2 and "x" in net.populations:
        inputs["x"] = torch.full((B, net["x"].size), 45.0, dtype=dtype)
    net.run(10.0 if net.dt == 0.1 else 50.0, inputs)


def check_resume(build, tmp_path, stop, dtype, device=None):
    """Runs CHUNKS chunks straight, and `stop` chunks + save + load + the rest; compares bitwise."""
    ref, signal = build()
    ref_mon = {name: ref.monitor(name) for name in ref.populations}
    for k in range(CHUNKS):
        run_chunk(ref, k, signal, dtype)

    net, _ = build()
    for k in range(stop):
        run_chunk(net, k, signal, dtype)
    path = tmp_path / "net.snn"
    net.save(path)
    t_stop = net.t
    del net
    resumed = snn.load(path, device=device)
    assert resumed.t == t_stop
    mon = {name: resumed.monitor(name) for name in resumed.populations}
    for k in range(stop, CHUNKS):
        run_chunk(resumed, k, signal, dtype)

    expected, got = ref.state_dict(), resumed.state_dict()
    assert list(expected) == list(got)
    for key in expected:
        assert torch.equal(expected[key], got[key]) or (expected[key].isnan() == got[key].isnan()).all(), key
    fired = 0
    for name in ref.populations:
        e_ref, e = ref_mon[name].events(), mon[name].events()
        after = e_ref.times > t_stop + 1e-9
        for field in ("times", "senders", "batch"):
            assert torch.equal(getattr(e_ref, field)[after], getattr(e, field)), (name, field)
        t = e.times
        fired += len(t) > 0
    return fired


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("batch", [1, 3])
def test_every_model_resumes_bitwise(tmp_path, dtype, batch):
    fired = check_resume(lambda: every_model(dtype, batch), tmp_path, 2, dtype)
    assert fired >= len(MODEL_WEIGHT) - 1  # the spikes after the stop exercise every model's spiking path


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("storage,batch,dtype", [("sparse", 1, torch.float32), ("dense", 3, torch.float64)])
def test_every_rule_resumes_bitwise(tmp_path, rule, storage, batch, dtype):
    check_resume(lambda: rule_net(rule, storage, dtype, batch), tmp_path, 1, dtype)
    check_resume(lambda: rule_net(rule, storage, dtype, batch), tmp_path, 3, dtype)


def test_state_dict_round_trip_into_the_same_script(tmp_path):
    net, signal = rule_net("DopamineSTDP", "sparse", torch.float64, 2)
    run_chunk(net, 0, signal, torch.float64)
    state = net.state_dict()
    run_chunk(net, 1, signal, torch.float64)
    after_one = net.state_dict()
    other, _ = rule_net("DopamineSTDP", "sparse", torch.float64, 2)  # built by the same script
    other.load_state_dict(state)
    assert other.t == 50.0
    run_chunk(other, 1, signal, torch.float64)
    for key, value in after_one.items():
        assert torch.equal(value, other.state_dict()[key]) or value.isnan().all(), key
    # a state dict holds copies: running on does not change it
    assert state["network.step"].item() == 100


def test_state_dict_lists_hidden_state():
    net, signal = rule_net("DopamineSTDP", "sparse", torch.float32, 1)
    run_chunk(net, 0, signal, torch.float32)  # Poisson budgets are drawn at the first step
    keys = set(net.state_dict())
    for key in ["network.step", "populations.x.budget", "populations.y.V_m", "populations.y.input_ring",
                "projections.x->y.weight", "projections.x->y.row_ptr", "projections.x->y.plasticity.c",
                "projections.x->y.plasticity.t_last", "projections.x->y.plasticity.params.tau_c", "signals.dopamine.in_flight"]:
        assert key in keys, key


def test_load_state_dict_refuses_other_networks_and_changes_nothing():
    net, signal = rule_net("STDP", "sparse", torch.float32, 1)
    run_chunk(net, 0, signal, torch.float32)
    before = net.state_dict()
    other_seed = snn.Network(dt=0.5, seed=99)
    other_seed.add(snn.PoissonInput(60, rate=30.0), name="x")
    other_seed.add(snn.LIF(40, I_e=300.0, V_th=-60.0), name="y")
    other_seed.connect("x", "y", "pairwise_bernoulli", p=0.3, plasticity=snn.STDP())
    with pytest.raises(ValueError, match="other connectivity|shape"):
        net.load_state_dict(other_seed.state_dict())
    bad = dict(before)
    bad["populations.y.V_m"] = bad["populations.y.V_m"].double()
    with pytest.raises(TypeError, match=r"populations.y.V_m.*dtype"):
        net.load_state_dict(bad)
    bad = dict(before)
    del bad["projections.x->y.weight"]
    with pytest.raises(ValueError, match=r"lacks 'projections.x->y.weight'"):
        net.load_state_dict(bad)
    bad = dict(before, extra=torch.zeros(1))
    with pytest.raises(ValueError, match="extra"):
        net.load_state_dict(bad)
    bad = dict(before)
    bad["projections.x->y.plasticity.params.tau_pre"] = torch.tensor(-1.0, dtype=torch.float64)
    bad["populations.y.V_m"] = torch.full_like(before["populations.y.V_m"], 7.0)
    with pytest.raises(ValueError, match="tau_pre"):
        net.load_state_dict(bad)
    with pytest.raises(TypeError, match="mapping"):
        net.load_state_dict([1, 2])
    with pytest.raises(TypeError, match="torch.Tensor"):
        net.load_state_dict({"network.step": 3})
    after = net.state_dict()
    for key in before:
        assert torch.equal(before[key], after[key]) or before[key].isnan().all(), key


def saved_bytes(tmp_path):
    net, signal = rule_net("MSTDPET", "dense", torch.float32, 2)
    run_chunk(net, 0, signal, torch.float32)
    path = tmp_path / "net.snn"
    net.save(str(path))
    return path, path.read_bytes()


def test_damaged_files_are_refused(tmp_path):
    path, data = saved_bytes(tmp_path)
    assert snn.load(path).t == 50.0
    cases = {
        "truncated": data[: len(data) // 2],
        "header only": data[:20],
        "empty": b"",
        "not a checkpoint": b"PK\x03\x04" + data[4:],
        "corrupted": data[:500] + bytes([data[500] ^ 0x10]) + data[501:],
        "future version": data[:8] + (99).to_bytes(4, "little") + data[12:],
        "trailing bytes": data + b"\0" * 9,
    }
    messages = {"truncated": "truncated", "header only": "truncated", "empty": "not an snn checkpoint",
                "not a checkpoint": "not an snn checkpoint", "corrupted": "checksum", "future version": "newer snn",
                "trailing bytes": "after its checksum"}
    for name, bad in cases.items():
        p = tmp_path / f"{name}.snn"
        p.write_bytes(bad)
        with pytest.raises(ValueError, match=messages[name]):
            snn.load(p)
    with pytest.raises(ValueError, match="cannot read"):
        snn.load(tmp_path / "missing.snn")
    with pytest.raises(TypeError, match="path"):
        snn.load(3)
    with pytest.raises(ValueError, match="device"):
        snn.load(path, device="tpu")


def test_a_checksummed_file_with_wrong_structure_is_refused(tmp_path):
    path, data = saved_bytes(tmp_path)
    entries = _snn.decode_checkpoint(data)
    edits = {
        "structure.populations.1.n": torch.tensor(41),          # spikes are [B, 40]
        "structure.projections.0.pre": torch.tensor(7),         # no population 7
        "structure.network.dtype": torch.tensor(list(b"int8"), dtype=torch.uint8),
        "projections.x->y.count": None,                          # connectivity missing
    }
    for key, value in edits.items():
        changed = [(k, v if k != key else value) for k, v in entries if not (k == key and value is None)]
        (tmp_path / "edited.snn").write_bytes(_snn.encode_checkpoint(changed))
        with pytest.raises(ValueError):
            snn.load(tmp_path / "edited.snn")


def test_the_format_is_documented():
    doc = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "engine.md")).read()
    assert "## Checkpoints" in doc and "SNNCKPT" in doc and "FNV-1a" in doc
