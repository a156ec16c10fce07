"""SynapticSampling (SPORE's synaptic_sampling_rewardgradient_connection) against SPORE's own numbers and a
transcription of its update, and PoissonDblExp's feedback to it."""
import math

import numpy as np
import pytest
import torch

import snn


def network(weight=1.0, **rule):
    net = snn.Network(dt=0.1, dtype=torch.float64, seed=3)
    pre = net.add(snn.SpikeGeneratorInput(1, [[]]), name="pre")
    post = net.add(snn.PoissonDblExp(1), name="post")
    proj = net.connect(pre, post, weight=weight, plasticity=snn.SynapticSampling(**rule))
    return net, pre, post, proj


def test_prior_only_decay_is_spores_unit_test_to_the_last_digit():
    # SPORE test_reward_synapse: no activity, no noise, learning rate 1e-4, Delta 100 ms, theta(0) = 1:
    # theta_k = 0.99^k, 0.3697296376497269 after 99 updates (9.9 s).
    net, _, _, proj = network(temperature=0.0, learning_rate=1e-4)
    proj.state["synaptic_parameter"].fill_(1.0)
    theta = net.monitor(proj, "synaptic_parameter", interval=100.0)
    net.run(9900.0)
    assert proj.state["synaptic_parameter"].item() == 0.3697296376497269
    expected = [1.0]
    for _ in range(99):
        expected.append(expected[-1] + 100 * 1e-4 * (0.0 - expected[-1]))
    assert theta.values()[:, 0, 0].tolist() == pytest.approx(expected[1:], abs=1e-15)
    assert proj.weight.item() == pytest.approx(math.exp(0.3697296376497269 - 3.0), rel=1e-12)


def test_initial_theta_from_the_weight_and_retraction():
    net, _, _, proj = network(weight=math.exp(-2.0), temperature=0.0, learning_rate=1e-3)
    assert proj.state["synaptic_parameter"].item() == pytest.approx(1.0, abs=1e-12)  # theta0 + ln(w / w0)
    net.run(2000.0)  # theta decays towards the prior mean 0: 0.9^k, w = exp(theta - 3)
    assert proj.state["synaptic_parameter"].item() == pytest.approx(0.9 ** 20, rel=1e-12)
    proj.plasticity.prior_mean = -1.0  # theta crosses 0: the synapse is retracted (w = 0) ...
    net.run(3000.0)
    assert proj.state["synaptic_parameter"].item() < 0 and proj.weight.item() == 0.0
    proj.plasticity.prior_mean = 2.0  # ... and comes back
    net.run(3000.0)
    assert proj.weight.item() > 0.0


def spore_reference(pre_times, bap, dopa, theta0, h, rule, steps):
    """A transcription of SPORE's synapse (update_synapse_state, update_synaptic_parameter,
    update_synaptic_weight) for one synapse without noise; bap and dopa given per step."""
    lam_e, lam_g = math.exp(-h / rule["episode_length"]), math.exp(-h / rule["integration_time"])
    df, dr = math.exp(-h / 20.0), math.exp(-h / 2.0)
    scale = 20.0 / 18.0
    W = round(rule["weight_update_interval"] / h)
    lr = rule["weight_update_interval"] * rule["learning_rate"]
    theta, f, r, e, g = theta0, 0.0, 0.0, 0.0, 0.0
    w = math.exp(theta - 3.0)
    spikes = {round(t / h) - 1 for t in pre_times}  # the step that ends at t
    thetas = []
    for k in range(steps):
        if w == 0.0:  # retracted: only theta moves (SPORE: simulate_retracted_synapses false)
            if (k + 1) % W == 0:
                theta = max(rule["min_param"], min(rule["max_param"], theta + lr * (0.0 - theta)))
                w = math.exp(theta - 3.0) if theta >= 0 else 0.0
                thetas.append(theta)
            if k in spikes:
                f += 1.0
                r += 1.0
            continue
        e *= lam_e
        g *= lam_g
        if f != 0.0:
            f *= df
            r *= dr
            e += w * scale * (f - r) * bap[k]
            if f < 1e-4:
                f = r = 0.0
        g += dopa[k] * e
        if (k + 1) % W == 0:
            lik = max(-rule["max_param_change"], min(rule["max_param_change"], g))
            theta = max(rule["min_param"], min(rule["max_param"], theta + lr * ((0.0 - theta) + lik)))
            w = math.exp(theta - 3.0) if theta >= 0 else 0.0
            if w == 0.0:
                e = g = 0.0  # entering the retracted state
            thetas.append(theta)
        if k in spikes:
            f += 1.0
            r += 1.0
    return thetas


def test_theta_follows_spores_update_for_a_spike_pattern_with_reward():
    # SPORE's test_reward_synapse_stdp setting (pre spikes at 10, 15, 20, 25, 50 ms; episode_length 100 ms,
    # integration_time 10 s, learning rate 1e-4, no noise, wide bounds), with the real neuron's bap and a
    # reward pulse train; compared step for step with the transcription above.
    rule = dict(weight_update_interval=100.0, temperature=0.0, learning_rate=1e-4, episode_length=100.0,
                max_param=100.0, min_param=-100.0, max_param_change=100.0, integration_time=10000.0)
    net = snn.Network(dt=0.1, dtype=torch.float64, seed=5)
    times = [10.0, 15.0, 20.0, 25.0, 50.0] + [100.0 * k + 10.0 for k in range(1, 30)]
    pre = net.add(snn.SpikeGeneratorInput(1, [times]))
    post = net.add(snn.PoissonDblExp(1, I_e=12.0))  # fires about 25 Hz: bap has both signs
    proj = net.connect(pre, post, weight=math.exp(-2.0), plasticity=snn.SynapticSampling(**rule))
    bap = net.monitor(post, "bap")
    theta = net.monitor(proj, "synaptic_parameter", interval=100.0)
    steps = 30000
    dopa = np.where((np.arange(steps) // 500) % 2 == 0, 1.0, -0.5)  # reward switching every 50 ms
    for k in range(steps):
        net.set_signal("reward", dopa[k])  # a level: the reward of the step that follows
        net.step()
    expected = spore_reference(times, bap.values()[:, 0, 0].numpy(), dopa, 1.0, 0.1, rule, steps)
    got = theta.values()[:, 0, 0].numpy()
    # theta rises, then the punishments retract the synapse (theta < 0: only the prior moves it)
    assert len(got) == 30 and got[0] > 1.1 and got[-1] < 0 and proj.weight.item() == 0.0
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_parameter_noise_has_the_langevin_variance():
    # Flat prior (c_p = 0), no gradient: theta performs a random walk with variance 2 T lr per update.
    net = snn.Network(dt=0.1, dtype=torch.float64, seed=11)
    pre = net.add(snn.SpikeGeneratorInput(200, [[] for _ in range(200)]))
    post = net.add(snn.PoissonDblExp(10))
    proj = net.connect(pre, post, weight=1.0, storage="sparse",
                       plasticity=snn.SynapticSampling(temperature=0.5, learning_rate=1e-4, prior_precision=0.0,
                                                       max_param=100.0, min_param=-100.0))
    start = proj.state["synaptic_parameter"].clone()
    net.run(5000.0)  # 50 updates
    steps = (proj.state["synaptic_parameter"] - start).flatten()
    var = 50 * 2 * 0.5 * (100 * 1e-4)
    assert steps.mean().abs() < 4 * math.sqrt(var / steps.numel())
    assert steps.var().item() == pytest.approx(var, rel=4 * math.sqrt(2 / steps.numel()))
    # the same seed gives the same walk
    net2 = snn.Network(dt=0.1, dtype=torch.float64, seed=11)
    p2 = net2.connect(net2.add(snn.SpikeGeneratorInput(200, [[] for _ in range(200)])), net2.add(snn.PoissonDblExp(10)),
                      weight=1.0, storage="sparse",
                      plasticity=snn.SynapticSampling(temperature=0.5, learning_rate=1e-4, prior_precision=0.0,
                                                      max_param=100.0, min_param=-100.0))
    net2.run(5000.0)
    assert torch.equal(p2.state["synaptic_parameter"], proj.state["synaptic_parameter"])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="temperature"):
        snn.SynapticSampling(temperature=-1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        snn.SynapticSampling(learning_rate=-1e-3)
    with pytest.raises(ValueError, match="psp_tau_rise and psp_tau_fall must differ"):
        snn.SynapticSampling(psp_tau_rise=5.0, psp_tau_fall=5.0)
    net = snn.Network(dt=0.1)
    pre, post = net.add(snn.SpikeGeneratorInput(1, [[]])), net.add(snn.PoissonDblExp(1))
    with pytest.raises(ValueError, match="weight_update_interval 100.05 ms is not a multiple of dt"):
        net.connect(pre, post, plasticity=snn.SynapticSampling(weight_update_interval=100.05))
    with pytest.raises(ValueError, match="initial weights must be > 0"):
        net.connect(pre, post, weight=-1.0, plasticity=snn.SynapticSampling())
    with pytest.raises(ValueError, match="needs a target that reports its spike probability"):
        net.connect(pre, net.add(snn.LIF(1)), plasticity=snn.SynapticSampling())
    assert net.projections == []
    proj = net.connect(pre, post, plasticity=snn.SynapticSampling())
    with pytest.raises(ValueError, match="not a multiple of dt"):
        proj.plasticity.weight_update_interval = 0.05
    assert proj.plasticity.weight_update_interval == 100.0
