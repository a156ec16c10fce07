"""ShortTermPlasticity (NEST tsodyks2_synapse): transmitted amplitudes against the recursion and its
steady state, composition with a learning rule, state, reset and bad input."""
import math

import numpy as np
import pytest
import torch

import snn

H = 0.1


def amplitudes(times, stp, weight=2.0, rule=None):
    """What each spike of one presynaptic neuron transmits, read off a non-leaking delta neuron."""
    net = snn.Network(dt=H, dtype=torch.float64)
    pre = net.add(snn.SpikeGeneratorInput(1, [times]), name="pre")
    post = net.add(snn.LIF(1, E_L=0.0, V_reset=0.0, V_th=1e12, tau_m=1e9), name="post")
    proj = net.connect(pre, post, weight=weight, delay=H, short_term=stp, plasticity=rule)
    vm = net.monitor(post, "V_m")
    net.run(times[-1] + 2 * H)
    v = vm.values()[:, 0, 0].numpy()
    leak = math.exp(-H / 1e9)
    jumps = v[1:] - v[:-1] * leak
    steps = [round(t / H) - 1 for t in times]  # V after the step ending at t + H (the delay) minus before
    return jumps[steps], proj


def recursion(times, U, tau_rec, tau_fac):
    x, u, out, last = 1.0, U, [], None
    for t in times:
        if last is not None:
            h = t - last
            x = 1 + (x - x * u - 1) * math.exp(-h / tau_rec)
            u = U + u * (1 - U) * (math.exp(-h / tau_fac) if tau_fac > 0 else 0.0)
        out.append(x * u)
        last = t
    return np.array(out)


@pytest.mark.parametrize("U,tau_rec,tau_fac", [(0.2, 150.0, 600.0), (0.5, 800.0, 0.0), (0.05, 100.0, 1000.0)])
def test_regular_train_transmits_the_recursion_and_reaches_its_steady_state(U, tau_rec, tau_fac):
    times = [10.0 + 25.0 * k for k in range(300)]  # 40 Hz
    got, proj = amplitudes(times, snn.ShortTermPlasticity(U=U, tau_rec=tau_rec, tau_fac=tau_fac))
    expected = 2.0 * recursion(times, U, tau_rec, tau_fac)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    # Steady state of a regular train of period T (the fixed point of both maps):
    # u* = U / (1 - (1 - U) e^(-T/tau_fac)), x* = (1 - e^(-T/tau_rec)) / (1 - (1 - u*) e^(-T/tau_rec))
    T = 25.0
    ef = math.exp(-T / tau_fac) if tau_fac > 0 else 0.0
    er = math.exp(-T / tau_rec)
    u_inf = U / (1 - (1 - U) * ef)
    x_inf = (1 - er) / (1 - (1 - u_inf) * er)
    assert got[-1] == pytest.approx(2.0 * x_inf * u_inf, rel=1e-9)
    assert proj.short_term.state["last_spike_step"].item() == round(times[-1] / H) - 1
    assert proj.short_term.state["u"].item() == pytest.approx(u_inf, rel=1e-9)


def test_depression_and_facilitation_shapes():
    times = [10.0 + 20.0 * k for k in range(8)]
    dep, _ = amplitudes(times, snn.ShortTermPlasticity(U=0.5, tau_rec=800.0))
    fac, _ = amplitudes(times, snn.ShortTermPlasticity(U=0.03, tau_rec=100.0, tau_fac=1000.0))
    assert np.all(np.diff(dep) < 0) and np.all(np.diff(fac) > 0)
    assert dep[0] == pytest.approx(2.0 * 0.5) and fac[0] == pytest.approx(2.0 * 0.03)  # the first spike: x u


def test_composes_with_a_learning_rule_which_sees_the_spikes_themselves():
    def run(stp):
        net = snn.Network(dt=H, dtype=torch.float64)
        pre = net.add(snn.SpikeGeneratorInput(2, [[5.0, 9.0, 13.0, 30.0, 31.0], [7.0, 28.0, 50.0]]), name="pre")
        drive = net.add(snn.SpikeGeneratorInput(1, [[8.0, 15.0, 32.0, 45.0]]), name="drive")
        post = net.add(snn.LIF(1, t_ref=0.1), name="post")  # spikes when, and only when, driven
        net.connect(drive, post, weight=100.0)
        proj = net.connect(pre, post, weight=1.0, short_term=stp, plasticity=snn.STDP(nu_pre=0.1, nu_post=0.2))
        vm = net.monitor(post, "V_m")
        net.run(60.0)
        return proj.dense_weight()[:, 0], vm.values()[:, 0, 0]
    w_stp, v_stp = run(snn.ShortTermPlasticity(U=0.4, tau_rec=200.0))
    w_static, v_static = run(None)
    assert not torch.allclose(w_static, torch.ones(2, dtype=torch.float64))  # the rule changed the weights ...
    assert torch.equal(w_stp, w_static)                # ... identically: it sees the spikes, not x u
    assert not torch.allclose(v_stp, v_static)          # while the membrane got w x u

def test_reset_state_and_parameters_between_runs():
    net = snn.Network(dt=H)
    pre = net.add(snn.SpikeGeneratorInput(2, [[1.0, 2.0], [1.5]]), name="pre")
    post = net.add(snn.LIF(2), name="post")
    proj = net.connect(pre, post, weight=1.0, short_term=snn.tsodyks2_synapse(U=0.3))
    net.run(5.0)
    assert proj.short_term.state["x"][0].tolist() == pytest.approx([1 + (1 - 0.3 - 1) * math.exp(-1 / 800), 1.0])
    assert proj.short_term.state["last_spike_step"][0].tolist() == [19, 14]
    net.reset_state()
    assert proj.short_term.state["x"].tolist() == [[1.0, 1.0]] and proj.short_term.state["u"][0, 0].item() == pytest.approx(0.3)
    assert proj.short_term.state["last_spike_step"].tolist() == [[-1, -1]]
    proj.short_term.tau_rec = 100.0
    assert proj.short_term.tau_rec == 100.0


def test_bad_input_is_refused_and_changes_nothing():
    for bad, match in [(dict(U=1.5), "U must be in"), (dict(tau_rec=0.0), "tau_rec"), (dict(tau_fac=-1.0), "tau_fac"),
                       (dict(u=2.0), "u must be in"), (dict(tau_d=100.0), "tau_d")]:
        with pytest.raises(ValueError, match=match):
            snn.ShortTermPlasticity(**bad)
    net = snn.Network(dt=H)
    pre = net.add(snn.PoissonInput(2, rate=10.0), name="pre")
    parrot = net.add(snn.Parrot(2), name="parrot")
    with pytest.raises(ValueError, match="counts spikes"):
        net.connect(pre, parrot, short_term=snn.ShortTermPlasticity())
    assert net.projections == [] if hasattr(net, "projections") else True
    with pytest.raises(TypeError, match="short_term"):
        net.connect(pre, parrot, short_term={"U": 0.2})
    post = net.add(snn.LIF(2), name="post")
    proj = net.connect(pre, post, short_term=snn.ShortTermPlasticity(U=0.2))
    with pytest.raises(ValueError, match="U must be in"):
        proj.short_term.U = 3.0
    assert proj.short_term.U == 0.2
    assert net.connect(pre, post).short_term is None
