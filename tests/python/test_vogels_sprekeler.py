"""VogelsSprekeler (Vogels et al. 2011; NEST vogels_sprekeler_synapse): a transcription of the rule step
for step, the target rate alpha / (2 tau) reached from above and from below in a small network, and bad
input."""
import math

import numpy as np
import pytest
import torch

import snn


def test_every_term_step_for_step_against_a_transcription():
    h, tau, eta, alpha, wmax = 0.1, 20.0, 0.05, 0.3, -2.0
    rng = np.random.default_rng(3)
    pre_times = [sorted(set(np.round(rng.uniform(1, 300, 20), 1).tolist())) for _ in range(3)]
    drive_times = [sorted(set(np.round(rng.uniform(1, 300, 25), 1).tolist())) for _ in range(2)]
    net = snn.Network(dt=h, dtype=torch.float64)
    pre = net.add(snn.SpikeGeneratorInput(3, pre_times), name="pre")
    drive = net.add(snn.SpikeGeneratorInput(2, drive_times), name="drive")
    post = net.add(snn.Parrot(2), name="post")
    net.connect(drive, post, "one_to_one", weight=1.0)
    w0 = -torch.tensor([[0.3, 1.9], [0.01, 0.5], [1.2, 0.0]], dtype=torch.float64)
    proj = net.connect(pre, post, weight=w0, plasticity=snn.VogelsSprekeler(tau=tau, eta=eta, alpha=alpha, Wmax=wmax))
    pm, qm = net.monitor(pre, "spikes"), net.monitor(post, "spikes")
    steps = 3100
    net.run(steps * h)
    P, Q = pm.dense()[:, 0].numpy(), qm.dense()[:, 0].numpy()
    m, xp, xq, d = -w0.numpy(), np.zeros(3), np.zeros(2), math.exp(-h / tau)
    for k in range(steps):
        xp *= d
        xq *= d
        for i in range(3):
            for j in range(2):
                for _ in range(int(Q[k, j])):
                    m[i, j] = min(m[i, j] + eta * xp[i], 2.0)
                for _ in range(int(P[k, i])):
                    m[i, j] = max(min(m[i, j] + eta * xq[j], 2.0) - alpha * eta, 0.0)
        xp += P[k]
        xq += Q[k]
    assert np.abs(m + w0.numpy()).max() > 0.05
    np.testing.assert_allclose(proj.dense_weight().numpy(), -m, rtol=0, atol=1e-12)


@pytest.mark.parametrize("w_inh", [-0.05, -3.0])
def test_inhibitory_plasticity_brings_the_rate_to_its_target(w_inh):
    # 50 LIF neurons driven to about 30 Hz; 100 inhibitory Poisson inputs with plastic weights. The target
    # is alpha / (2 tau) = 0.2 / 0.04 s = 5 Hz, reached from above (weak start) and from below (strong).
    net = snn.Network(dt=0.5, seed=3)
    drive = net.add(snn.PoissonInput(200, rate=10.0), name="drive")
    inh = net.add(snn.PoissonInput(100, rate=10.0), name="inh")
    e = net.add(snn.LIF(50), name="e")
    net.connect(drive, e, "fixed_indegree", indegree=100, weight=1.5)
    net.connect(inh, e, weight=w_inh, plasticity=snn.VogelsSprekeler(eta=0.03, alpha=0.2, Wmax=-10.0))
    spikes = net.monitor(e, "spikes")
    net.run(5000.0)
    first = len(spikes.events().times) / 50 / 5.0
    net.run(75000.0)
    spikes.clear()
    net.run(20000.0)
    last = len(spikes.events().times) / 50 / 20.0
    assert (first > 15.0) if w_inh == -0.05 else (first < 1.0)
    assert last == pytest.approx(5.0, rel=0.25)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="tau"):
        snn.VogelsSprekeler(tau=0.0)
    with pytest.raises(ValueError, match="eta"):
        snn.VogelsSprekeler(eta=-1.0)
    net = snn.Network(dt=0.1)
    pre = net.add(snn.PoissonInput(2, rate=10.0))
    post = net.add(snn.LIF(2))
    with pytest.raises(ValueError, match="sign of Wmax"):
        net.connect(pre, post, weight=-1.0, plasticity=snn.VogelsSprekeler(Wmax=1.0))
    assert net.connect(pre, post, weight=-1.0, plasticity=snn.vogels_sprekeler_synapse(Wmax=-5.0)).weight.max() < 0
