"""Bad input raises a Python exception whose text names the argument and the value, and leaves the
network unchanged."""
import math

import pytest
import torch

import snn
from conftest import TEST_DEVICE as DEV  # where the fixture's network runs; inputs are made there


@pytest.fixture
def net():
    net = snn.Network(dt=0.1, batch_size=2, seed=1)
    net.add(snn.PoissonInput(5), name="x")
    net.add(snn.LIF(5), name="n")
    net.add(snn.Parrot(5), name="p")
    return net


@pytest.mark.parametrize("kwargs, match", [
    (dict(dt=0.0), "dt must be > 0 ms.*got 0"),
    (dict(dt=-1.0), "dt must be > 0 ms.*got -1"),
    (dict(dt=math.nan), "dt must be > 0 ms.*nan"),
    (dict(batch_size=0), "batch_size must be > 0, got 0"),
    (dict(dtype=torch.int32), "dtype must be torch.float32 or torch.float64"),
    (dict(device="tpu"), "device.*tpu"),
    (dict(seed=-1), "seed must be >= 0, got -1"),
])
def test_network_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        snn.Network(**kwargs)


def test_dt_of_wrong_type():
    with pytest.raises(TypeError, match="dt must be a number, got str"):
        snn.Network(dt="0.1")


@pytest.mark.skipif(snn.cuda_built(), reason="this build has CUDA")
def test_cuda_device_without_cuda_build():
    with pytest.raises(ValueError, match="built without CUDA"):
        snn.Network(device="cuda")


@pytest.mark.parametrize("make, match", [
    (lambda: snn.LIF(0), "n must be > 0, got 0"),
    (lambda: snn.LIF(10, tau_m=-3.0), "tau_m must be > 0 ms, got -3"),
    (lambda: snn.LIF(10, C_m=0.0), "C_m must be > 0 pF, got 0"),
    (lambda: snn.LIFExp(10, tau_syn_in=0.0), "tau_syn_in must be > 0 ms, got 0"),
    (lambda: snn.AdaptiveLIF(10, tau_theta=-1.0), "tau_theta must be > 0 ms"),
    (lambda: snn.LIF(10, taum=3.0), "no parameter 'taum'.*tau_m"),
    (lambda: snn.LIF(10, V_reset=-50.0), "V_reset must be < V_th"),
    (lambda: snn.LIF(3, tau_m=[10.0, -2.0, 5.0]), r"tau_m\[1\] must be > 0 ms, got -2"),
    (lambda: snn.LIF(3, V_th=torch.tensor([-55.0, -55.0, -80.0])), "V_reset must be < V_th.*at neuron 2"),
    (lambda: snn.LIF(3, I_e=[1.0, 2.0]), "one number or one per neuron \\(3\\), got 2 values"),
    (lambda: snn.AdaptiveLIF(2, one_spike=[0, 1]), "one_spike is a switch of the whole population"),
    (lambda: snn.SpikeGeneratorInput(2, [[1.0]]), "one list per neuron"),
])
def test_bad_models_are_refused_when_made(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_parameter_types_are_refused_when_made():
    with pytest.raises(TypeError, match="LIF: parameter tau_m must be a number, or one number per neuron"):
        snn.LIF(3, tau_m="fast")


def test_spike_times_off_the_grid_are_refused_when_added(net):
    before = list(net.populations)
    with pytest.raises(ValueError, match=r"spike_times\[0\] = 0.05 ms is not a multiple of dt = 0.1 ms"):
        net.add(snn.SpikeGeneratorInput(1, [[0.05]]))
    assert list(net.populations) == before


def test_bad_parameter_values_leave_population_unchanged(net):
    n = net["n"]
    with pytest.raises(ValueError, match="tau_m must be > 0 ms, got -3"):
        n.tau_m = -3.0
    assert n.tau_m == 10.0
    with pytest.raises(TypeError, match="tau_m must be a number, or one number per neuron"):
        n.tau_m = "fast"
    with pytest.raises(ValueError, match=r"tau_m\[2\] must be > 0 ms, got 0"):
        n.tau_m = torch.tensor([10.0, 10.0, 0.0, 10.0, 10.0])
    assert n.tau_m == 10.0
    with pytest.raises(AttributeError, match="no parameter or state 'tau'.*tau_m"):
        n.tau = 3.0
    with pytest.raises(AttributeError, match="has no attribute 'taum'"):
        n.taum
    with pytest.raises(ValueError, match="V_m.*\\[2, 5\\]"):
        n.V_m = torch.zeros(3, 5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(delay=0.0), "delay must be at least one step.*0 ms"),
    (dict(delay=0.25), "delay 0.25 ms is not a multiple of dt = 0.1 ms.*rounded to 0.3"),
    (dict(weight=torch.ones(3, 3)), "weight tensor has shape \\[3, 3\\]; expected \\[5, 5\\]"),
    (dict(conn="one_to_many"), "unknown connection rule 'one_to_many'"),
    (dict(conn="fixed_indegree"), "indegree must be given"),
    (dict(conn="pairwise_bernoulli", p=2.0), "p must be in \\[0, 1\\], got 2"),
    (dict(weight=snn.init.uniform(1.0, 0.0)), "low < high"),
])
def test_bad_connections(net, kwargs, match):
    conn = kwargs.pop("conn", "all_to_all")
    with pytest.raises(ValueError, match=match):
        net.connect("x", "n", conn, **kwargs)
    assert net.projections == []


def test_weight_of_wrong_type(net):
    with pytest.raises(TypeError, match="weight must be a number, a tensor or an snn.init distribution, got str"):
        net.connect("x", "n", weight="strong")


def test_populations_of_another_network(net):
    other = snn.Network(dt=0.1, batch_size=2)
    y = other.add(snn.LIF(5))
    with pytest.raises(ValueError, match="belongs to another network"):
        net.connect("x", y)
    with pytest.raises(ValueError, match="belongs to another network"):
        net.monitor(y)


@pytest.mark.parametrize("t, inputs, exc, match", [
    (-1.0, None, ValueError, "run time must be >= 0 ms.*-1"),
    (0.25, None, ValueError, "0.25 ms is not a multiple of dt"),
    (1.0, {"y": torch.ones(2, 5)}, ValueError, "no population named 'y'; populations: x, n, p"),
    (1.0, {"x": torch.ones(3, 5, device=DEV)}, ValueError, r"inputs\['x'\] has shape \[3, 5\]; expected \[5\], \[2, 5\]"),
    (1.0, {"x": torch.ones(2, 5, dtype=torch.float64, device=DEV)}, TypeError, r"inputs\['x'\] has dtype Double.*float32"),
    (1.0, {"x": -torch.ones(2, 5, device=DEV)}, ValueError, "rates must be >= 0 Hz, got -1"),
    (1.0, {"n": torch.full((2, 5), math.inf, device=DEV)}, ValueError, "not finite"),
    (1.0, {"p": torch.ones(2, 5)}, ValueError, r"population 'p' \(Parrot\) takes no input"),
    (1.0, {"x": torch.ones(4, 2, 5, device=DEV)}, ValueError, r"\[4, 2, 5\].*\[10, 2, 5\]"),
    (1.0, {"x": torch.ones(2, 5, device="meta")}, ValueError, r"inputs\['x'\] is on meta; the network is on (cpu|cuda:0)"),
])
def test_bad_runs_change_nothing(net, t, inputs, exc, match):
    net.run(1.0)
    v = net["n"].V_m.clone()
    with pytest.raises(exc, match=match):
        net.run(t, inputs=inputs)
    assert net.step_count == 10 and torch.equal(v, net["n"].V_m)


def test_unknown_monitor_variable(net):
    with pytest.raises(ValueError, match="cannot monitor 'I_syn' of 'n'.*'spikes' or a state variable: V_m"):
        net.monitor("n", "I_syn")
    with pytest.raises(ValueError, match="interval must be a positive multiple of dt = 0.1 ms, got 0.25"):
        net.monitor("n", "V_m", interval=0.25)
    with pytest.raises(ValueError, match="on_full must be 'grow' or 'error'"):
        net.monitor("n", on_full="drop")
