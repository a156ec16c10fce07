"""Observation and action spaces with gymnasium's names and meaning (Box, Discrete), so that built-in
environments and a user's gymnasium environment look alike to the runner. gymnasium's own space objects
work too: the runner only reads ``shape``, ``low``, ``high``, ``n`` and ``contains``."""
from typing import Optional, Sequence, Union

import numpy as np


class Box:
    """Real vectors within [low, high] (gymnasium.spaces.Box)."""

    def __init__(self, low: Union[float, Sequence[float]], high: Union[float, Sequence[float]],
                 shape: Optional[Sequence[int]] = None, dtype=np.float64):
        low, high = np.asarray(low, dtype=dtype), np.asarray(high, dtype=dtype)
        if shape is not None:
            low, high = np.broadcast_to(low, shape).copy(), np.broadcast_to(high, shape).copy()
        if low.shape != high.shape:
            raise ValueError(f"Box: low and high must have the same shape, got {low.shape} and {high.shape}")
        if np.any(low > high):
            raise ValueError("Box: low must be <= high")
        self.low, self.high, self.dtype = low, high, dtype
        self.shape = low.shape

    def contains(self, x) -> bool:
        x = np.asarray(x)
        return x.shape == self.shape and bool(np.all(x >= self.low) and np.all(x <= self.high))

    def sample(self, rng: Optional[np.random.Generator] = None) -> np.ndarray:
        rng = rng or np.random.default_rng()
        lo = np.where(np.isfinite(self.low), self.low, -1.0)
        hi = np.where(np.isfinite(self.high), self.high, 1.0)
        return rng.uniform(lo, hi).astype(self.dtype)

    def __repr__(self):
        return f"Box({self.low.min()}, {self.high.max()}, {self.shape})"


class Discrete:
    """The integers 0 .. n - 1 (gymnasium.spaces.Discrete)."""

    def __init__(self, n: int):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"Discrete: n must be an int >= 1, got {n!r}")
        self.n = int(n)
        self.shape = ()

    def contains(self, x) -> bool:
        return isinstance(x, (int, np.integer)) and not isinstance(x, bool) and 0 <= int(x) < self.n

    def sample(self, rng: Optional[np.random.Generator] = None) -> int:
        return int((rng or np.random.default_rng()).integers(self.n))

    def __repr__(self):
        return f"Discrete({self.n})"


__all__ = ["Box", "Discrete"]
