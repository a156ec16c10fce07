"""Built-in environments with gymnasium's interface (reset() -> (obs, info), step(action) -> (obs, reward,
terminated, truncated, info)), written in numpy: CartPole (gymnasium's CartPole-v1 dynamics) and SPORE's
pattern-matching task."""
import math
from typing import Optional

import numpy as np

from .spaces import Box, Discrete


class CartPole:
    """A pole on a cart; push left (0) or right (1) every 20 ms; +1 per step until the pole leans more than
    12 degrees or the cart leaves [-2.4, 2.4]; truncated after max_steps (500, as CartPole-v1).

    Dynamics of gymnasium's CartPole-v1 (Barto, Sutton & Anderson 1983): gravity 9.8, cart 1.0 kg, pole
    0.1 kg, half length 0.5 m, force 10 N, Euler steps of tau = 0.02 s; starts uniform in [-0.05, 0.05]^4.
    Observation [x, x_dot, theta, theta_dot]."""

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_threshold = 12 * 2 * math.pi / 360
    x_threshold = 2.4

    def __init__(self, max_steps: int = 500):
        high = np.array([self.x_threshold * 2, np.inf, self.theta_threshold * 2, np.inf])
        self.observation_space = Box(-high, high)
        self.action_space = Discrete(2)
        self.max_steps = max_steps
        self.state: Optional[np.ndarray] = None
        self.steps = 0
        self._rng = np.random.default_rng()

    def reset(self, seed: Optional[int] = None, options=None):
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        self.state = self._rng.uniform(-0.05, 0.05, size=4)
        self.steps = 0
        return self.state.copy(), {}

    def step(self, action):
        if self.state is None:
            raise RuntimeError("CartPole: call reset() before step()")
        if not self.action_space.contains(action):
            raise ValueError(f"CartPole: action must be 0 or 1, got {action!r}")
        x, x_dot, theta, theta_dot = self.state
        total = self.masspole + self.masscart
        pml = self.masspole * self.length
        force = self.force_mag if action == 1 else -self.force_mag
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + pml * theta_dot ** 2 * sin) / total
        theta_acc = (self.gravity * sin - cos * temp) / (self.length * (4.0 / 3.0 - self.masspole * cos ** 2 / total))
        x_acc = temp - pml * theta_acc * cos / total
        x, x_dot = x + self.tau * x_dot, x_dot + self.tau * x_acc
        theta, theta_dot = theta + self.tau * theta_dot, theta_dot + self.tau * theta_acc
        self.state = np.array([x, x_dot, theta, theta_dot])
        self.steps += 1
        terminated = bool(abs(x) > self.x_threshold or abs(theta) > self.theta_threshold)
        truncated = not terminated and self.steps >= self.max_steps
        return self.state.copy(), 1.0, terminated, truncated, {}


class PatternMatching:
    """SPORE's showcase task: one of two input patterns is shown at a time (phases of 0.5-1 s); the
    network's two output groups should answer the pattern shown, the group of pattern k being group k.

    Observation: the input rates [Hz] of the pattern shown (n_inputs; background elsewhere). Action: the
    two groups' rates [Hz] over the last step (snn.closed_loop.GroupRates). Reward: when the right group
    has the higher rate, sigmoid(0.2 (its rate - the other's - 25 Hz)) (SPORE's showcase reward), else 0.
    Each pattern raises a random half of the inputs to max_rate. An episode lasts episode_ms (10 s);
    step_ms is the runner's chunk."""

    def __init__(self, n_inputs: int = 50, background: float = 2.0, max_rate: float = 60.0,
                 phase_ms=(500.0, 1000.0), step_ms: float = 10.0, episode_ms: float = 10000.0):
        if not step_ms > 0 or not episode_ms >= step_ms:
            raise ValueError(f"PatternMatching: need 0 < step_ms <= episode_ms, got {step_ms} and {episode_ms}")
        self.n_inputs, self.background, self.max_rate = n_inputs, background, max_rate
        self.phase_ms, self.step_ms, self.episode_ms = phase_ms, step_ms, episode_ms
        self.observation_space = Box(0.0, max_rate, shape=(n_inputs,))
        self.action_space = Box(0.0, np.inf, shape=(2,))
        self._rng = np.random.default_rng()
        self.patterns = None
        self.shown, self.phase_left, self.t = 0, 0.0, 0.0

    def reset(self, seed: Optional[int] = None, options=None):
        if seed is not None or self.patterns is None:
            self._rng = np.random.default_rng(seed)
            self.patterns = np.full((2, self.n_inputs), self.background)
            for k in range(2):
                self.patterns[k, self._rng.permutation(self.n_inputs)[: self.n_inputs // 2]] = self.max_rate
        self.t = 0.0
        self._next_phase()
        return self.patterns[self.shown].copy(), {"pattern": self.shown}

    def _next_phase(self):
        self.shown = int(self._rng.integers(2))
        self.phase_left = float(self._rng.uniform(*self.phase_ms))

    def step(self, action):
        rates = np.asarray(action, dtype=np.float64)
        if rates.shape != (2,) or not np.all(np.isfinite(rates)) or np.any(rates < 0):
            raise ValueError(f"PatternMatching: the action is the two groups' rates [Hz] (2 numbers >= 0), got {action!r}")
        right, other = rates[self.shown], rates[1 - self.shown]
        reward = 1.0 / (1.0 + math.exp(-0.2 * (right - other - 25.0))) if right > other else 0.0
        info = {"pattern": self.shown, "correct": bool(right > other)}
        self.t += self.step_ms
        self.phase_left -= self.step_ms
        if self.phase_left <= 0:
            self._next_phase()
        truncated = self.t >= self.episode_ms - 1e-9
        return self.patterns[self.shown].copy(), reward, False, truncated, info


__all__ = ["CartPole", "PatternMatching"]
