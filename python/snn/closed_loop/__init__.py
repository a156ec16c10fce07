"""Closed-loop learning: a network and an environment advanced in lockstep.

    env = snn.closed_loop.CartPole()                      # or any gymnasium environment, unchanged
    loop = snn.closed_loop.ClosedLoop(net, env, input="X", output="out",
                                      encoder=snn.closed_loop.PopulationEncoder(low, high, 10, 100.0),
                                      decoder=snn.closed_loop.WinnerTakeAll(2), chunk_ms=20.0)
    history = loop.run(episodes=50)                       # episode rewards, with a progress bar

Every ``chunk_ms`` the runner turns the observation into the input population's rates (the encoder),
runs the network for the chunk, turns the output population's spikes of the chunk into an action (the
decoder), steps the environment and feeds its reward into the network's reward signal ("reward" by
default: a level per batch entry, which MSTDP, MSTDPET and SynapticSampling read), held until the next
step. Episodes end when the environment says terminated or truncated; the network keeps running (its
state is not reset unless ``reset_network=True``).

Environments follow gymnasium's protocol (``reset(seed=None) -> (obs, info)``, ``step(action) -> (obs,
reward, terminated, truncated, info)``, ``observation_space``, ``action_space``); gymnasium itself is not
needed. Built in: ``CartPole`` (gymnasium's CartPole-v1 dynamics, in numpy) and ``PatternMatching``
(SPORE's showcase task). docs/closed_loop.md has the details.
"""
import numbers
import time
from typing import Callable, List, Optional, Sequence

import numpy as np
import torch

from .envs import CartPole, PatternMatching
from .spaces import Box, Discrete


# ---- encoders: observation -> input rates [Hz] ---------------------------------------------------

class RateEncoder:
    """Each observation component to one input's rate: low -> 0 Hz, high -> max_rate (clipped)."""

    def __init__(self, low: Sequence[float], high: Sequence[float], max_rate: float = 100.0):
        self.low, self.high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
        if self.low.shape != self.high.shape or np.any(self.high <= self.low) or not np.all(np.isfinite(self.high - self.low)):
            raise ValueError("RateEncoder: low and high must be finite, of one shape, with high > low")
        if not max_rate > 0:
            raise ValueError(f"RateEncoder: max_rate must be > 0, got {max_rate}")
        self.max_rate = float(max_rate)
        self.size = int(self.low.size)

    def __call__(self, obs) -> np.ndarray:
        x = (np.asarray(obs, dtype=np.float64).reshape(-1) - self.low.reshape(-1)) / (self.high - self.low).reshape(-1)
        return np.clip(x, 0.0, 1.0) * self.max_rate


class PopulationEncoder:
    """Population coding: n_per_dim inputs per observation component with Gaussian tuning curves whose
    centres tile [low, high] (width: the spacing of the centres); rate = max_rate exp(-d^2 / 2 width^2)."""

    def __init__(self, low: Sequence[float], high: Sequence[float], n_per_dim: int = 10, max_rate: float = 100.0):
        self.low, self.high = np.asarray(low, dtype=np.float64).reshape(-1), np.asarray(high, dtype=np.float64).reshape(-1)
        if self.low.shape != self.high.shape or np.any(self.high <= self.low) or not np.all(np.isfinite(self.high - self.low)):
            raise ValueError("PopulationEncoder: low and high must be finite, of one shape, with high > low")
        if isinstance(n_per_dim, bool) or not isinstance(n_per_dim, int) or n_per_dim < 2:
            raise ValueError(f"PopulationEncoder: n_per_dim must be an int >= 2, got {n_per_dim!r}")
        self.centres = self.low[:, None] + (self.high - self.low)[:, None] * np.linspace(0.0, 1.0, n_per_dim)[None, :]
        self.width = (self.high - self.low)[:, None] / (n_per_dim - 1)
        self.max_rate = float(max_rate)
        self.size = int(self.centres.size)

    def __call__(self, obs) -> np.ndarray:
        x = np.clip(np.asarray(obs, dtype=np.float64).reshape(-1), self.low, self.high)[:, None]
        return (self.max_rate * np.exp(-0.5 * ((x - self.centres) / self.width) ** 2)).reshape(-1)


class IdentityEncoder:
    """The observation is already a vector of rates [Hz] (PatternMatching)."""

    def __call__(self, obs) -> np.ndarray:
        return np.asarray(obs, dtype=np.float64).reshape(-1)


# ---- decoders: output spikes of a chunk -> action -----------------------------------------------

class WinnerTakeAll:
    """Discrete actions: the output population is n_actions groups of equal size (in order); the group
    with the most spikes in the chunk is the action (ties: the lowest index, or ``tie`` when all are 0:
    "random" draws one with the decoder's seeded generator)."""

    def __init__(self, n_actions: int, tie: str = "random", seed: int = 0):
        if isinstance(n_actions, bool) or not isinstance(n_actions, int) or n_actions < 1:
            raise ValueError(f"WinnerTakeAll: n_actions must be an int >= 1, got {n_actions!r}")
        if tie not in ("random", "first"):
            raise ValueError(f"WinnerTakeAll: tie must be 'random' or 'first', got {tie!r}")
        self.n_actions, self.tie = n_actions, tie
        self._rng = np.random.default_rng(seed)

    def __call__(self, counts: np.ndarray, chunk_ms: float) -> int:
        groups = _groups(counts, self.n_actions, "WinnerTakeAll")
        if self.tie == "random" and groups.max() == 0:
            return int(self._rng.integers(self.n_actions))
        return int(np.argmax(groups))


class GroupRates:
    """The mean rate [Hz] of each of n_groups equal groups of the output population (a Box action)."""

    def __init__(self, n_groups: int):
        if isinstance(n_groups, bool) or not isinstance(n_groups, int) or n_groups < 1:
            raise ValueError(f"GroupRates: n_groups must be an int >= 1, got {n_groups!r}")
        self.n_groups = n_groups

    def __call__(self, counts: np.ndarray, chunk_ms: float) -> np.ndarray:
        groups = _groups(counts, self.n_groups, "GroupRates")
        return groups / (len(counts) // self.n_groups) / (chunk_ms / 1000.0)


def _groups(counts: np.ndarray, n: int, who: str) -> np.ndarray:
    if len(counts) % n:
        raise ValueError(f"{who}: the output population's {len(counts)} neurons do not split into {n} equal groups")
    return counts.reshape(n, -1).sum(axis=1).astype(np.float64)


# ---- the runner ---------------------------------------------------------------------------------

class History:
    """What a run did: ``episode_rewards`` (total reward of each finished episode), ``episode_steps``,
    ``rewards`` (every environment step's reward), ``wall`` seconds."""

    def __init__(self):
        self.episode_rewards: List[float] = []
        self.episode_steps: List[int] = []
        self.rewards: List[float] = []
        self.wall = 0.0

    def __repr__(self):
        last = f", last {self.episode_rewards[-1]:g}" if self.episode_rewards else ""
        return f"<History: {len(self.episode_rewards)} episodes{last}, {len(self.rewards)} steps>"


class ClosedLoop:
    """Runs ``net`` and ``env`` in lockstep, every ``chunk_ms`` (see the module's docstring).

    Args:
        input: the population that takes the encoded observation (a PoissonInput: rates [Hz]).
        output: the population whose spikes the decoder reads.
        encoder: observation -> rates, ``len(rates) == input.size``.
        decoder: (spike counts of the chunk [n_output], chunk_ms) -> action.
        reward_signal: the network signal the reward goes to (a level); when no rule of the network reads
            it the reward is only recorded.
        reward_fn: optional (reward, info) -> the value fed to the network (e.g. a baseline subtracted);
            the History keeps the environment's own rewards.
        seed: seeds env.reset on the first episode.
    """

    def __init__(self, net, env, encoder: Callable, decoder: Callable, input, output, chunk_ms: float = 10.0,
                 reward_signal: str = "reward", reward_fn: Optional[Callable] = None, seed: Optional[int] = None,
                 reset_network: bool = False):
        for name in ("reset", "step"):
            if not callable(getattr(env, name, None)):
                raise TypeError(f"env must have reset() and step() (gymnasium's protocol); it lacks {name}()")
        if not callable(encoder) or not callable(decoder):
            raise TypeError("encoder and decoder must be callables")
        self.net, self.env, self.encoder, self.decoder = net, env, encoder, decoder
        self.input, self.output = net._population(input, "input"), net._population(output, "output")
        if self.input._cpp.input_kind != "rate":
            raise ValueError(f"input population '{self.input.name}' ({self.input.model}) does not take rates; use a "
                             f"PoissonInput")
        if not isinstance(chunk_ms, numbers.Real) or isinstance(chunk_ms, bool):
            raise TypeError(f"chunk_ms must be a number of ms, got {chunk_ms!r}")
        self.chunk_steps = net._net.steps_in(float(chunk_ms))  # ValueError when off the grid or < 0
        if self.chunk_steps < 1:
            raise ValueError(f"chunk_ms must be at least one step (dt = {net.dt} ms), got {chunk_ms}")
        if net.batch_size != 1:
            raise ValueError(f"ClosedLoop runs one environment: the network's batch_size must be 1, got {net.batch_size}")
        self.chunk_ms = self.chunk_steps * net.dt
        self.reward_signal, self.reward_fn, self.seed = reward_signal, reward_fn, seed
        self.reset_network = reset_network
        self._counter = net._net.count_spikes(self.output._cpp)
        self._rates = torch.zeros(self.input.size, dtype=self.net.dtype, device=self.net.device)
        self._obs = None

    def _observe(self, obs) -> torch.Tensor:
        space = getattr(self.env, "observation_space", None)
        shape = getattr(space, "shape", None)
        if shape is not None and np.shape(obs) != tuple(shape):
            raise ValueError(f"the environment returned an observation of shape {np.shape(obs)}; its "
                             f"observation_space has shape {tuple(shape)}")
        rates = np.asarray(self.encoder(obs), dtype=np.float64).reshape(-1)
        if rates.shape != (self.input.size,):
            raise ValueError(f"the encoder gave {rates.size} rates for input population '{self.input.name}' of "
                             f"{self.input.size} neurons")
        low, total = rates.min(), rates.sum()
        if not (low >= 0 and np.isfinite(total)):
            raise ValueError("the encoder gave rates that are negative or not finite")
        self._rates.copy_(torch.from_numpy(rates))  # one buffer, reused every chunk
        return self._rates

    def _act(self):
        counts = self._counter.take()[0].cpu().numpy()
        action = self.decoder(counts, self.chunk_ms)
        space = getattr(self.env, "action_space", None)
        if space is not None and hasattr(space, "contains") and not space.contains(action):
            raise ValueError(f"the decoder's action {action!r} is outside the environment's action space {space!r}")
        return action

    def run(self, episodes: Optional[int] = None, time_ms: Optional[float] = None, progress: bool = True) -> History:
        """Runs until ``episodes`` episodes have finished or ``time_ms`` of network time has passed
        (one of them)."""
        if (episodes is None) == (time_ms is None):
            raise ValueError("give episodes= or time_ms=, one of them")
        if episodes is not None and (isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1):
            raise ValueError(f"episodes must be an int >= 1, got {episodes!r}")
        if time_ms is not None and not (isinstance(time_ms, numbers.Real) and time_ms > 0):
            raise ValueError(f"time_ms must be a number > 0, got {time_ms!r}")
        total_chunks = None if time_ms is None else int(round(time_ms / self.chunk_ms))
        bar = _progress(progress, episodes if episodes is not None else total_chunks,
                        "episode" if episodes is not None else "chunk")
        history, start = History(), time.perf_counter()
        feed = self.reward_signal in self.net.signals  # no rule reads it: nothing to feed (an evaluation run)
        if self._obs is None:
            self._obs, _ = self.env.reset(seed=self.seed)
        episode_reward, episode_steps, chunks = 0.0, 0, 0
        try:
            while True:
                rates = self._observe(self._obs)
                self.net._net.run_steps(self.chunk_steps, {self.input.name: rates})
                obs, reward, terminated, truncated, info = self.env.step(self._act())
                reward = float(reward)
                if feed:
                    fed = reward if self.reward_fn is None else float(self.reward_fn(reward, info))
                    self.net._net.set_signal_value(self.reward_signal, fed)
                history.rewards.append(reward)
                episode_reward += reward
                episode_steps += 1
                chunks += 1
                self._obs = obs
                if terminated or truncated:
                    history.episode_rewards.append(episode_reward)
                    history.episode_steps.append(episode_steps)
                    episode_reward, episode_steps = 0.0, 0
                    self._obs, _ = self.env.reset()
                    if self.reset_network:
                        self.net.reset_state()
                    if bar is not None and episodes is not None:
                        bar.update(1)
                        bar.set_postfix(reward=history.episode_rewards[-1])
                    if episodes is not None and len(history.episode_rewards) >= episodes:
                        break
                if bar is not None and total_chunks is not None:
                    bar.update(1)
                if total_chunks is not None and chunks >= total_chunks:
                    break
        finally:
            if bar is not None:
                bar.close()
            history.wall = time.perf_counter() - start
        return history


def _progress(on: bool, total, unit: str):
    if not on:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm comes with the examples' dependencies
        return None
    return tqdm(total=total, unit=unit, desc="closed loop")


__all__ = ["Box", "CartPole", "ClosedLoop", "Discrete", "GroupRates", "History", "IdentityEncoder",
           "PatternMatching", "PopulationEncoder", "RateEncoder", "WinnerTakeAll"]
