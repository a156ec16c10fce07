"""Neuron parameters from Python: one value or one per neuron (python/snn/neurons.py, snn/params.h)."""
import numpy as np
import pytest
import torch

import snn


def rates(model, n, t_ms=1000.0, **params):
    net = snn.Network(dt=0.1, seed=2)
    pop = net.add(model(n, **params))
    spikes = net.monitor(pop)
    net.run(t_ms)
    return spikes.counts()[0].cpu().double() / (t_ms / 1000.0)


def test_ten_currents_give_ten_rates_matching_the_single_neuron_runs():
    currents = torch.linspace(380.0, 1400.0, 10, dtype=torch.float64)
    together = rates(snn.LIF, 10, I_e=currents)
    alone = torch.stack([rates(snn.LIF, 1, I_e=float(i))[0] for i in currents])
    assert torch.equal(together, alone)
    assert (together[1:] > together[:-1]).all(), together  # ten different rates, rising with the current


@pytest.mark.parametrize("model, name, values, fixed", [
    (snn.LIFExp, "tau_m", [5.0, 7.0, 10.0, 15.0, 20.0], dict(I_e=600.0)),
    (snn.LIFAlpha, "V_th", [-60.0, -58.0, -55.0, -52.0, -50.0], dict(I_e=600.0)),
    (snn.Izhikevich, "d", [2.0, 4.0, 6.0, 8.0, 10.0], dict(I_e=10.0)),
    (snn.AdaptiveLIF, "theta_plus", [0.0, 0.5, 1.0, 2.0, 4.0], dict(I_e=1500.0, tau_theta=50.0)),
])
def test_each_neuron_runs_as_alone_with_its_value(model, name, values, fixed):
    together = rates(model, len(values), t_ms=300.0, **{name: values}, **fixed)
    alone = torch.stack([rates(model, 1, t_ms=300.0, **{name: v}, **fixed)[0] for v in values])
    assert torch.equal(together, alone)
    assert len(set(together.tolist())) > 1


def test_reading_gives_a_float_when_uniform_and_a_tensor_otherwise():
    net = snn.Network(dt=0.1)
    pop = net.add(snn.LIF(4, V_th=[-55.0, -54.0, -53.0, -52.0]))
    assert isinstance(pop.tau_m, float) and pop.tau_m == 10.0
    assert torch.equal(pop.V_th, torch.tensor([-55.0, -54.0, -53.0, -52.0], dtype=torch.float64))
    assert isinstance(pop.params["V_th"], torch.Tensor) and isinstance(pop.params["E_L"], float)
    pop.V_th[0] = 0.0  # a copy: the population is unchanged
    assert pop.V_th[0].item() == -55.0
    pop.V_th = np.full(4, -50.0)  # numpy, and equal values: one value again
    assert pop.V_th == -50.0
    pop.set(I_e=(100.0, 200.0, 300.0, 400.0), tau_m=torch.tensor([5.0, 6.0, 7.0, 8.0], dtype=torch.float32))
    assert pop.I_e.tolist() == [100.0, 200.0, 300.0, 400.0] and pop.tau_m.tolist() == [5.0, 6.0, 7.0, 8.0]
    pop.I_e = 0.0
    assert pop.I_e == 0.0
    with pytest.raises(ValueError, match=r"tau_m\[1\] must be > 0 ms, got -1"):
        pop.set(tau_m=[1.0, -1.0, 1.0, 1.0], I_e=5.0)
    assert pop.I_e == 0.0  # nothing changed


def test_per_neuron_initial_state_and_reset():
    net = snn.Network(dt=0.1, batch_size=3)
    E_L = torch.tensor([-70.0, -65.0, -60.0], dtype=torch.float64)
    pop = net.add(snn.LIF(3, E_L=E_L, V_reset=-80.0))
    assert torch.equal(pop.V_m.double(), E_L.expand(3, 3))
    net.run(2.0)
    net.reset_state()
    assert torch.equal(pop.V_m.double(), E_L.expand(3, 3))


def test_model_classes_check_their_parameters_when_made():
    with pytest.raises(ValueError, match="tau_m must be > 0 ms, got -3"):
        snn.LIF(1, tau_m=-3.0)
    with pytest.raises(ValueError, match="ConductanceLIF has no parameter 'I_e'"):
        snn.ConductanceLIF(1, I_e=5.0)


def test_registry_models_and_their_input_kinds():
    net = snn.Network(dt=0.1)
    kinds = {m: net.add(getattr(snn, m)(2))._cpp.input_kind for m in ("LIF", "PoissonInput", "Parrot", "SpikeInput")}
    assert kinds == {"LIF": "current", "PoissonInput": "rate", "Parrot": "none", "SpikeInput": "spikes"}


def test_monitor_on_full_is_checked_by_the_engine():
    net = snn.Network(dt=0.1)
    pop = net.add(snn.LIF(2))
    with pytest.raises(ValueError, match="on_full must be 'grow' or 'error', got 'gorw'"):
        net.monitor(pop, on_full="gorw")
    with pytest.raises(ValueError, match="on_full must be 'grow' or 'error', got 'Error'"):
        net.monitor(pop, "V_m", on_full="Error")


def nest_izhikevich(T_steps, h, I_e, jumps, a=0.02, b=0.2, c=-65.0, d=8.0, V_th=30.0, V_min=-1e300, v=-65.0, u=0.0):
    """A transcription of NEST 3's izhikevich update with consistent_integration (float64): forward
    Euler from the old (v, u), weights arriving in a step as a jump of v, v bounded by V_min."""
    vs, spikes = [], []
    for k in range(T_steps):
        v_old, u_old = v, u
        v = v_old + h * (0.04 * v_old * v_old + 5.0 * v_old + 140.0 - u_old + I_e) + jumps.get(k, 0.0)
        u = u_old + h * a * (b * v_old - u_old)
        v = max(v, V_min)
        if v >= V_th:
            v, u = c, u + d
            spikes.append(k)
        vs.append(v)
    return np.array(vs), spikes


def test_izhikevich_consistent_integration_is_nests_forward_euler():
    net = snn.Network(dt=0.1, dtype=torch.float64)
    neuron = net.add(snn.Izhikevich(1, I_e=10.0, consistent_integration=True))
    neuron.U_m = 0.0  # NEST's initial u
    gen = net.add(snn.SpikeGeneratorInput(1, [[5.0, 50.0]]))
    net.connect(gen, neuron, weight=4.0, delay=1.0)
    vm = net.monitor(neuron, "V_m")
    spikes = net.monitor(neuron)
    net.run(300.0)
    # The generator's spike stamped t arrives in the step that ends at t + delay: steps 59 and 509.
    expected, expected_spikes = nest_izhikevich(3000, 0.1, 10.0, {59: 4.0, 509: 4.0})
    assert len(expected_spikes) > 5
    np.testing.assert_allclose(vm.values()[:, 0, 0].numpy(), expected, rtol=0, atol=1e-9)
    assert spikes.events().steps.tolist() == expected_spikes


def test_izhikevich_v_min_bounds_the_membrane_potential():
    net = snn.Network(dt=0.1, dtype=torch.float64)
    neuron = net.add(snn.Izhikevich(2, I_e=[-40.0, -40.0], V_min=[-70.0, -1e300], consistent_integration=True))
    net.run(50.0)
    v = neuron.V_m[0].tolist()
    assert v[0] == -70.0 and v[1] < -70.0
