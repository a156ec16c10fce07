"""snn.closed_loop: the environment protocol, the built-in environments, encoders, decoders, the runner."""
import math

import numpy as np
import pytest
import torch

import snn
from snn.closed_loop import (CartPole, ClosedLoop, GroupRates, IdentityEncoder, PatternMatching, PopulationEncoder,
                             RateEncoder, WinnerTakeAll)


def test_cartpole_follows_gymnasiums_equations_and_episode_rules():
    env = CartPole()
    obs, info = env.reset(seed=3)
    assert obs.shape == (4,) and np.all(np.abs(obs) <= 0.05) and info == {}
    again, _ = CartPole().reset(seed=3)
    assert np.array_equal(obs, again)  # seeded
    # One step from a known state, by the equations (Barto, Sutton & Anderson 1983, gymnasium's constants)
    env.state = np.array([0.1, -0.2, 0.05, 0.3])
    obs, reward, terminated, truncated, _ = env.step(1)
    x, xd, th, thd = 0.1, -0.2, 0.05, 0.3
    temp = (10.0 + 0.05 * thd ** 2 * math.sin(th)) / 1.1
    thacc = (9.8 * math.sin(th) - math.cos(th) * temp) / (0.5 * (4 / 3 - 0.1 * math.cos(th) ** 2 / 1.1))
    xacc = temp - 0.05 * thacc * math.cos(th) / 1.1
    assert obs == pytest.approx([x + 0.02 * xd, xd + 0.02 * xacc, th + 0.02 * thd, thd + 0.02 * thacc], abs=1e-15)
    assert reward == 1.0 and not terminated and not truncated
    env.state = np.array([0.0, 0.0, 0.2094, 1.0])  # about to lean past 12 degrees
    assert env.step(1)[2] is True
    short = CartPole(max_steps=3)
    short.reset(seed=1)
    assert [short.step(k % 2)[3] for k in range(3)] == [False, False, True]
    with pytest.raises(ValueError, match="action must be 0 or 1, got 2"):
        env.step(2)


def test_pattern_matching_rewards_the_right_group():
    env = PatternMatching(step_ms=10.0, episode_ms=100.0)
    obs, info = env.reset(seed=2)
    assert obs.shape == (50,) and set(np.unique(obs)) == {2.0, 60.0}
    k = info["pattern"]
    right = np.zeros(2)
    right[k] = 60.0
    _, reward, _, _, info2 = env.step(right)
    assert reward == pytest.approx(1 / (1 + math.exp(-0.2 * (60 - 0 - 25)))) and info2["correct"]
    _, reward, _, _, _ = env.step(right[::-1] if env.shown == k else right)
    assert reward == 0.0 or env.shown != k
    steps = [env.step(np.zeros(2))[3] for _ in range(8)]
    assert steps[-1] is True and not any(steps[:-1])  # 100 ms in 10 ms steps
    with pytest.raises(ValueError, match="two groups' rates"):
        env.step([1.0])


def test_encoders_and_decoders():
    enc = RateEncoder([0.0, -1.0], [1.0, 1.0], max_rate=50.0)
    assert enc([0.5, 3.0]).tolist() == [25.0, 50.0]
    pop = PopulationEncoder([-1.0], [1.0], n_per_dim=5, max_rate=100.0)
    r = pop([0.5])
    assert r.argmax() == 3 and r[3] == 100.0 and r[2] == pytest.approx(100 * math.exp(-0.5))
    assert WinnerTakeAll(2)(np.array([1, 0, 3, 2]), 10.0) == 1
    assert WinnerTakeAll(2, tie="first")(np.zeros(4), 10.0) == 0
    assert GroupRates(2)(np.array([1, 1, 2, 0]), 20.0).tolist() == [50.0, 50.0]
    with pytest.raises(ValueError, match="do not split into 3 equal groups"):
        GroupRates(3)(np.zeros(4), 10.0)
    with pytest.raises(ValueError, match="high > low"):
        RateEncoder([1.0], [1.0])


def small_loop(env=None, decoder=None, encoder=None, **kw):
    net = snn.Network(dt=1.0, seed=4)
    net.add(snn.PoissonInput(40), name="X")
    out = net.add(snn.LIF(20, tau_m=20.0), name="out")
    net.connect("X", out, weight=snn.init.uniform(0.0, 4.0))
    env = env or CartPole()
    encoder = encoder or PopulationEncoder([-2.4, -3, -0.21, -3], [2.4, 3, 0.21, 3], 10, 100.0)
    return net, ClosedLoop(net, env, encoder, decoder or WinnerTakeAll(2), "X", "out", seed=1, **kw)


def test_runner_advances_network_and_environment_in_lockstep_and_feeds_the_reward():
    net = snn.Network(dt=0.1, seed=5)
    net.add(snn.PoissonInput(50), name="X")
    out = net.add(snn.PoissonDblExp(20), name="out")
    proj = net.connect("X", out, weight=snn.init.uniform(0.05, 0.5), plasticity=snn.SynapticSampling())
    env = PatternMatching(step_ms=10.0, episode_ms=500.0)
    loop = ClosedLoop(net, env, IdentityEncoder(), GroupRates(2), "X", "out", chunk_ms=10.0, seed=2)
    history = loop.run(episodes=3, progress=False)
    assert len(history.episode_rewards) == 3 and history.episode_steps == [50, 50, 50]
    assert net.t == pytest.approx(1500.0) and len(history.rewards) == 150
    assert net.signal("reward").item() == pytest.approx(history.rewards[-1])
    assert sum(history.rewards[:50]) == pytest.approx(history.episode_rewards[0])
    h2 = loop.run(time_ms=200.0, progress=False)
    assert len(h2.rewards) == 20 and net.t == pytest.approx(1700.0)
    assert proj.state["synaptic_parameter"].abs().sum() > 0


def test_runner_refuses_bad_input():
    class WrongShape(CartPole):
        def step(self, action):
            obs, *rest = super().step(action)
            return obs[:3], *rest

    _, loop = small_loop(WrongShape())
    with pytest.raises(ValueError, match=r"observation of shape \(3,\); its observation_space has shape \(4,\)"):
        loop.run(episodes=1, progress=False)
    _, loop = small_loop(decoder=lambda counts, ms: 5)
    with pytest.raises(ValueError, match="the decoder's action 5 is outside the environment's action space"):
        loop.run(episodes=1, progress=False)
    _, loop = small_loop(encoder=RateEncoder([0, 0, 0, 0], [1, 1, 1, 1]))
    with pytest.raises(ValueError, match="the encoder gave 4 rates for input population 'X' of 40 neurons"):
        loop.run(episodes=1, progress=False)
    with pytest.raises(ValueError, match="not a multiple of dt"):
        small_loop(chunk_ms=2.5)
    net = snn.Network(dt=1.0)
    net.add(snn.LIF(4), name="a")
    with pytest.raises(ValueError, match="does not take rates"):
        ClosedLoop(net, CartPole(), IdentityEncoder(), WinnerTakeAll(2), "a", "a")
    with pytest.raises(TypeError, match="reset\\(\\) and step\\(\\)"):
        ClosedLoop(net, object(), IdentityEncoder(), WinnerTakeAll(2), "a", "a")
    _, loop = small_loop()
    with pytest.raises(ValueError, match="episodes= or time_ms="):
        loop.run(progress=False)
