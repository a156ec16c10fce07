"""OrchestratedPlasticity (Zenke et al. 2015, Auryn's P10/P11Connection): a transcription of the rule step
for step, the expected drift for Poisson pre and post trains against the formula, the consolidation
against its cubic, and bad input."""
import math

import numpy as np
import pytest
import torch

import snn


def rule_reference(pre, post, w0, h, p, steps):
    """The rule for every synapse of an all-to-all projection, step by step, from the recorded spike
    trains pre [steps, n_pre] and post [steps, n_post] (numpy), in float64."""
    d_pre, d_post, d_slow = (math.exp(-h / p[k]) for k in ("tau_plus", "tau_minus", "tau_slow"))
    d_hom = math.exp(-h / p["tau_hom"])
    n_pre, n_post = pre.shape[1], post.shape[1]
    w = np.array(w0, dtype=np.float64)
    cons = np.full_like(w, p["w_a"])
    z_pre, z_post, z_slow, rbar = np.zeros(n_pre), np.zeros(n_post), np.zeros(n_post), np.ones(n_post)
    every = round(p["consolidation_interval"] / h)
    wb = 0.5 * (p["w_a"] + p["w_c"])
    for k in range(steps):
        z_pre *= d_pre
        z_post *= d_post
        z_slow *= d_slow
        m = (rbar / p["kappa"]) ** 2 if p["homeostatic"] else np.ones(n_post)
        for i in range(n_pre):
            for j in range(n_post):
                if pre[k, i]:
                    w[i, j] = max(p["w_min"], w[i, j] - (p["A_minus"] * z_post[j] * m[j] - p["delta"]))
                if post[k, j]:
                    w[i, j] = min(p["w_max"], max(p["w_min"], w[i, j] + p["A_plus"] * z_slow[j] * z_pre[i]
                                                  - p["beta"] * z_post[j] ** 3 * (w[i, j] - cons[i, j])))
        z_pre += pre[k]
        z_post += post[k]
        z_slow += post[k]
        rbar = rbar * d_hom + post[k] * 1000.0 / p["tau_hom"]
        if (k + 1) % every == 0:
            cons = cons + p["consolidation_interval"] / p["tau_consolidation"] * (
                (w - cons) + p["P"] * (p["w_a"] - cons) * (wb - cons) * (p["w_c"] - cons))
    return w, cons


@pytest.mark.parametrize("homeostatic", [0, 1])
def test_every_term_step_for_step_against_a_transcription(homeostatic):
    h = 0.1
    p = dict(A_plus=2e-2, A_minus=1.5e-2, delta=4e-3, beta=0.5, tau_plus=20.0, tau_minus=15.0, tau_slow=100.0,
             w_min=0.0, w_max=1.0, consolidation_interval=50.0, tau_consolidation=500.0, w_a=0.0, w_c=0.5, P=17.0667,
             homeostatic=homeostatic, kappa=5.0, tau_hom=200.0)
    net = snn.Network(dt=h, dtype=torch.float64, seed=2)
    rng = np.random.default_rng(1)
    pre_times = [sorted(set(np.round(rng.uniform(1, 500, 25), 1).tolist())) for _ in range(3)]
    drive_times = [sorted(set(np.round(rng.uniform(1, 500, 30), 1).tolist())) for _ in range(2)]
    pre = net.add(snn.SpikeGeneratorInput(3, pre_times), name="pre")
    drive = net.add(snn.SpikeGeneratorInput(2, drive_times), name="drive")
    post = net.add(snn.Parrot(2), name="post")  # repeats every spike it gets: the drive's and pre's
    net.connect(drive, post, "one_to_one", weight=1.0)
    w0 = torch.tensor([[0.3, 0.6], [0.1, 0.45], [0.8, 0.2]], dtype=torch.float64)
    proj = net.connect(pre, post, weight=w0, plasticity=snn.OrchestratedPlasticity(**p))
    pre_mon, post_mon = net.monitor(pre, "spikes"), net.monitor(post, "spikes")
    steps = 5200
    net.run(steps * h)
    pre_s, post_s = pre_mon.dense()[:, 0].numpy(), post_mon.dense()[:, 0].numpy()
    assert pre_s.sum() > 50 and post_s.sum() > 80
    w, cons = rule_reference(pre_s, post_s, w0.numpy(), h, p, steps)
    assert np.abs(w - w0.numpy()).max() > 0.05  # the weights did move
    np.testing.assert_allclose(proj.dense_weight().numpy(), w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(proj.state["consolidated_weight"][0].numpy(), cons, rtol=0, atol=1e-12)


def drift_network(rate_pre, rate_post, seconds, dt=0.5, seed=5):
    """Independent Poisson pre (20) and post (100) trains: each post LIF is forced to spike by its own
    Poisson driver; the plastic weights start at 0 and are too small to matter."""
    net = snn.Network(dt=dt, dtype=torch.float64, seed=seed)
    pre = net.add(snn.PoissonInput(20, rate=rate_pre), name="pre")
    driver = net.add(snn.PoissonInput(100, rate=rate_post), name="driver")
    post = net.add(snn.LIF(100, t_ref=dt), name="post")
    net.connect(driver, post, "one_to_one", weight=100.0)
    proj = net.connect(pre, post, weight=0.0, plasticity=snn.OrchestratedPlasticity(
        beta=0.0, consolidation=0, w_min=-math.inf))
    pre_count, post_count = net.monitor(pre, "spikes"), net.monitor(post, "spikes")
    net.run(seconds * 1000.0)
    rx = len(pre_count.events().times) / 20 / seconds
    ry = len(post_count.events().times) / 100 / seconds
    return proj.dense_weight().mean().item() / seconds, rx, ry


@pytest.mark.parametrize("rate", [4.0, 10.0])
def test_drift_for_poisson_trains_is_the_formula(rate):
    # dw/dt = rx delta - A_minus rx ry tau_minus + A_plus rx ry^2 tau_plus tau_slow (taus in s; w = w~):
    # -1.12e-4 per second at 4 Hz / 4 Hz (models.md), +2e-4 at 10 Hz / 10 Hz (the crossover is 8.87 Hz).
    drift, rx, ry = drift_network(rate, rate, seconds=100.0)
    expected = rx * 2e-5 - 1e-3 * rx * ry * 0.02 + 1e-3 * rx * ry ** 2 * 0.02 * 0.1
    nominal = {4.0: -1.12e-4, 10.0: 2e-4}[rate]
    assert expected == pytest.approx(nominal, rel=0.15)
    assert drift == pytest.approx(expected, rel=0.15)


def consolidation_net(w, cons, interval=10.0, tau=100.0):
    net = snn.Network(dt=1.0, dtype=torch.float64)
    pre = net.add(snn.SpikeGeneratorInput(len(w), [[] for _ in w]), name="pre")
    post = net.add(snn.Parrot(1), name="post")
    proj = net.connect(pre, post, weight=torch.tensor(w, dtype=torch.float64)[:, None],
                       plasticity=snn.OrchestratedPlasticity(consolidation_interval=interval, tau_consolidation=tau))
    proj.state["consolidated_weight"].copy_(torch.tensor(cons, dtype=torch.float64)[None, :, None])
    return net, proj


def test_consolidation_follows_its_cubic():
    # No spikes: w stays, w~ follows w~ += r [(w - w~) + P (0 - w~)(0.25 - w~)(0.5 - w~)] exactly. With w
    # at a fixed point of the cubic (0 or 0.5) w~ settles there; with w = 0.25 (the unstable point) w~
    # leaves 0.25 for the roots of P c (0.5 - c) = 1 (0.1875 and 0.3125), the side set by where it started.
    w = [0.0, 0.5, 0.25, 0.25, 0.25]
    start = [0.1, 0.4, 0.24, 0.26, 0.25]
    net, proj = consolidation_net(w, start)
    trajectory = net.monitor(proj, "consolidated_weight", interval=10.0)
    net.run(20000.0)  # 2000 updates of rate 0.1
    c = np.array(start)
    expected = []
    for _ in range(2000):
        c = c + 0.1 * ((np.array(w) - c) + 17.0667 * (0 - c) * (0.25 - c) * (0.5 - c))
        expected.append(c.copy())
    got = trajectory.values()[:, 0].reshape(2000, -1).numpy()
    np.testing.assert_allclose(got, np.array(expected), rtol=0, atol=1e-12)
    root = (0.5 - math.sqrt(0.25 - 4 / 17.0667)) / 2
    np.testing.assert_allclose(got[-1], [0.0, 0.5, root, 0.5 - root, 0.25], atol=1e-9)
    assert proj.dense_weight()[:, 0].tolist() == w  # no spikes: the weights stay


def test_bad_parameters_are_refused_and_change_nothing():
    with pytest.raises(ValueError, match="w_a must be < w_c"):
        snn.OrchestratedPlasticity(w_a=0.5, w_c=0.5)
    with pytest.raises(ValueError, match="beta"):
        snn.OrchestratedPlasticity(beta=-1.0)
    with pytest.raises(ValueError, match="homeostatic"):
        snn.OrchestratedPlasticity(homeostatic=2)
    net = snn.Network(dt=0.1)
    pre = net.add(snn.PoissonInput(2, rate=10.0))
    post = net.add(snn.LIF(2))
    with pytest.raises(ValueError, match="consolidation_interval"):
        net.connect(pre, post, plasticity=snn.OrchestratedPlasticity(consolidation_interval=0.25))
    proj = net.connect(pre, post, plasticity=snn.OrchestratedPlasticity())
    with pytest.raises(ValueError, match="consolidation_interval"):
        proj.plasticity.consolidation_interval = 0.05
    assert proj.plasticity.consolidation_interval == 1200.0
    with pytest.raises(ValueError, match="w_min"):
        proj.plasticity.w_min = 10.0
