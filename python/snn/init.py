"""Distributions for weights and delays, drawn from the network's seeded generator.

``snn.init.uniform(0.0, 0.3)``, ``snn.init.normal(0.0, 1.0)``, ``snn.init.lognormal(mu, sigma)``,
``snn.init.exponential(beta)``,
optionally truncated with ``.clip(low, high)`` (values outside are redrawn, as NEST's
``*_clipped`` distributions). Draws are keyed by the synapse's index, so they are the same on
every device and thread count.
"""
import math

from . import _snn


class Distribution:
    def __init__(self, kind: str, a: float, b: float, low: float = -math.inf, high: float = math.inf):
        self.kind, self.a, self.b, self.low, self.high = kind, float(a), float(b), float(low), float(high)

    def clip(self, low: float = -math.inf, high: float = math.inf) -> "Distribution":
        """The same distribution truncated to [low, high] (values outside are redrawn)."""
        return Distribution(self.kind, self.a, self.b, low, high)

    def _to_cpp(self):
        args = (self.a,) if self.kind == "exponential" else (self.a, self.b)
        return getattr(_snn.Init, self.kind)(*args).clip(self.low, self.high)

    def __repr__(self):
        clip = "" if (self.low, self.high) == (-math.inf, math.inf) else f".clip({self.low}, {self.high})"
        args = f"{self.a}" if self.kind == "exponential" else f"{self.a}, {self.b}"
        return f"snn.init.{self.kind}({args}){clip}"


def uniform(low: float, high: float) -> Distribution:
    """Uniform on [low, high)."""
    return Distribution("uniform", low, high)


def normal(mean: float, std: float) -> Distribution:
    """Normal with the given mean and standard deviation."""
    return Distribution("normal", mean, std)


def lognormal(mu: float, sigma: float) -> Distribution:
    """exp(N(mu, sigma)): mu and sigma of the underlying normal (as NEST and numpy)."""
    return Distribution("lognormal", mu, sigma)


def exponential(beta: float) -> Distribution:
    """Exponential with scale (mean) beta: density exp(-x / beta) / beta for x >= 0 (NEST's beta)."""
    return Distribution("exponential", beta, 0.0)
