"""The Python API: building, running, state and parameter access, monitors, tensors without copies."""
import math
import re

import pytest
import torch

import snn


def test_readme_python_example_runs(repo, tmp_path, monkeypatch):
    """The Python example in README.md runs as written (in a scratch directory: it saves a checkpoint),
    and the checkpoint it writes loads."""
    text = open(f"{repo}/README.md").read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README.md has no python example"
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    assert snn.load("run.snn").t == namespace["net"].t


def test_pynest_first_neuron_spike_times():
    net = snn.Network(dt=0.1, dtype=torch.float64)
    neuron = net.add(snn.iaf_psc_delta(1, I_e=376.0))
    vm = net.monitor(neuron, "V_m")
    spikes = net.monitor(neuron, "spikes")
    net.run(1000.0)
    times, senders = spikes.events()
    expected = torch.tensor([59.3 + 61.3 * k for k in range(16)], dtype=torch.float64)
    assert torch.allclose(times.cpu(), expected, atol=1e-9)
    assert torch.all(senders == 0)
    assert vm.values().shape == (10000, 1, 1)
    assert torch.allclose(vm.times()[:3].cpu(), torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64))


def test_population_attributes_are_parameters_and_shared_state():
    net = snn.Network(dt=0.1, batch_size=2)
    pop = net.add(snn.LIF(5, tau_m=20.0), name="exc")
    assert pop.tau_m == 20.0 and pop.C_m == 250.0 and pop.name == "exc" and len(pop) == 5
    assert net["exc"] is pop
    v = pop.V_m
    assert v.shape == (2, 5) and v.dtype == torch.float32
    pop.V_m = -60.0  # copied into the same tensor
    assert torch.all(v == -60.0)
    v[0, 1] = -50.0  # in-place edits reach the engine
    assert pop.V_m[0, 1] == -50.0
    ptr = v.data_ptr()
    net.run(1.0)
    assert pop.V_m.data_ptr() == ptr  # no copies, ever
    pop.tau_m = 15.0
    assert pop.tau_m == 15.0
    pop.set(V_th=-45.0, V_reset=-50.0)
    assert pop.params["V_th"] == -45.0 and pop.units["tau_m"] == "ms"


def test_weights_are_shared_and_settable():
    net = snn.Network(dt=1.0, dtype=torch.float64, seed=3)
    a = net.add(snn.PoissonInput(4))
    b = net.add(snn.LIF(3))
    proj = net.connect(a, b, "all_to_all", weight=snn.init.normal(0.0, 1.0))
    w = proj.weight
    assert w.shape == (4, 3)
    proj.weight = torch.full((4, 3), 0.5, dtype=torch.float64)
    assert torch.all(w == 0.5)
    assert proj.num_synapses == 12 and proj.delay.item() == 1.0


def test_connection_rules_by_name_and_keywords():
    net = snn.Network(dt=0.1, seed=2)
    a = net.add(snn.LIF(100))
    b = net.add(snn.LIF(50))
    assert net.connect(a, b, "fixed_indegree", indegree=10).synapse_count.sum(0).eq(10).all()
    assert net.connect(a, b, "fixed_outdegree", outdegree=5).synapse_count.sum(1).eq(5).all()
    assert net.connect(a, b, "fixed_total_number", N=123).num_synapses == 123
    assert net.connect(a, a, conn="all_to_all", autapses=False).num_synapses == 9900
    p = net.connect("LIF_0", "LIF_1", "pairwise_bernoulli", p=0.2, weight=2.0, delay=snn.init.uniform(0.1, 2.0))
    assert abs(p.num_synapses - 1000) < 3 * math.sqrt(5000 * 0.2 * 0.8)
    assert p.uniform_delay_steps == -1


def test_batched_poisson_input_and_dense_monitor():
    net = snn.Network(dt=1.0, batch_size=3, seed=5)
    x = net.add(snn.PoissonInput(100), name="X")
    m = net.monitor(x, "spikes")
    rates = torch.tensor([[0.0] * 100, [50.0] * 100, [200.0] * 100], device=net.device)
    net.run(200.0, inputs={"X": rates})
    counts = m.counts()
    assert counts.shape == (3, 100)
    assert counts[0].sum() == 0
    for b, rate in ((1, 50.0), (2, 200.0)):
        mean = rate * 0.2 * 100
        assert abs(counts[b].sum().item() - mean) < 3 * math.sqrt(mean)
    dense = m.dense()
    assert dense.shape == (200, 3, 100) and dense.sum() == counts.sum()
    ev = m.events()
    assert len(ev) == counts.sum() and ev.batch.max() == 2


def test_progress_runs_in_chunks_with_per_step_input():
    net = snn.Network(dt=1.0, seed=1)
    x = net.add(snn.PoissonInput(10))
    m = net.monitor(x)
    rates = torch.zeros(100, 1, 10, device=net.device)
    rates[50:] = 1000.0
    net.run(100.0, inputs={x: rates}, progress=True)
    dense = m.dense()
    assert dense[:50].sum() == 0 and dense[50:].sum() > 300
    assert net.t == 100.0 and net.step_count == 100


def test_monitor_full_error_policy_keeps_data():
    net = snn.Network(dt=1.0, seed=1)
    x = net.add(snn.PoissonInput(50, rate=500.0))
    m = net.monitor(x, "spikes", capacity=100, on_full="error", staging_steps=4)
    with pytest.raises(snn.MonitorFullError, match="Nothing was lost"):
        net.run(100.0)
    assert isinstance(snn.MonitorFullError("x"), RuntimeError)
    got = m.num_events
    assert got > 100 and len(m.events()) == got
    stopped_at = net.step_count
    assert 0 < stopped_at < 100


def test_float64_and_reset():
    net = snn.Network(dt=0.1, dtype=torch.float64)
    n = net.add(snn.LIFExp(2, I_e=1000.0))
    net.run(3.0)
    assert n.V_m.dtype == torch.float64 and n.V_m[0, 0] > -70.0
    net.reset_state()
    assert torch.all(n.V_m == -70.0) and net.t == pytest.approx(3.0)


def test_nest_aliases_and_docstrings():
    assert snn.iaf_psc_exp is snn.LIFExp and snn.poisson_generator is snn.PoissonInput
    assert "tau_syn_ex" in snn.LIFExp.__doc__ and "[pA]" not in snn.LIF.__doc__.split("Parameters")[0]
    assert repr(snn.LIF(3, tau_m=5.0)) == "snn.LIF(3, tau_m=5.0)"


@pytest.mark.parametrize("model", ["LIF", "LIFExp", "LIFAlpha", "AdaptiveLIF", "Izhikevich"])
def test_parameter_set_between_runs_applies_at_the_next_run(model):
    """Models keep the constants they derive from their parameters instead of looking them up every
    step: a parameter set between runs must still take effect (here I_e, which makes silent neurons
    fire). ConductanceLIF's equivalent is in test_mnist.py."""
    def spikes_after_change(change):
        net = snn.Network(dt=0.5, dtype=torch.float64)
        pop = net.add(getattr(snn, model)(3), name="pop")
        spikes = net.monitor(pop)
        net.run(20.0)
        if change:
            pop.I_e = 50.0 if model == "Izhikevich" else 2000.0
        net.run(60.0)
        return spikes.dense()[40:].sum().item()
    assert spikes_after_change(False) == 0
    assert spikes_after_change(True) > 0


def test_spike_monitor_events_match_the_spikes_of_every_step():
    """The monitor's events (compacted from its staging rows every `staging_steps` steps and at the end
    of a run) against the spikes of an identical network read after every single step: same steps,
    batch entries and neurons in row-major order, a count of c as c events (Poisson at 3 kHz, dt 0.1
    ms: mostly none, sometimes two or more per step), over 5 full staging blocks and a partial one."""
    def network():
        net = snn.Network(dt=0.1, batch_size=3, seed=2)
        return net, net.add(snn.PoissonInput(130, rate=3000.0), name="x")
    net, x = network()
    mon = net.monitor(x, staging_steps=7)
    net.run(4.0)  # 40 steps
    stepped, y = network()
    expected = []
    for step in range(40):
        stepped.run(0.1)
        s = y.spikes.to(torch.int64)
        for b, i in zip(*torch.nonzero(s, as_tuple=True)):
            expected += [(step, int(b), int(i))] * int(s[b, i])
    ev = mon.events()
    got = list(zip(ev.steps.tolist(), ev.batch.tolist(), ev.senders.tolist()))
    assert len(got) > 1000 and len(got) > len(set(got))  # many events, some of multiplicity > 1
    assert got == sorted(expected)
    assert mon.dense().sum().item() == len(expected)
