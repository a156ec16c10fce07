"""``nest.random``: random parameters for node parameters, weights and delays (PyNEST 3's names).

``nest.random.uniform(min=0.0, max=1.0)``, ``normal(mean=0.0, std=1.0)``, ``lognormal(mean=0.0,
std=1.0)`` (mean and std of the underlying normal, as NEST), ``exponential(beta=1.0)``. Node parameters
are drawn at once, in node order, from a generator seeded by the kernel's ``rng_seed``; weights and
delays are drawn by snn's engine, per synapse, from the same seed (snn.init). NEST's streams differ, so
the values differ from NEST's draw for draw (the distributions are the same).
"""
import math

import torch

from .. import init as _init


class Parameter:
    """A random parameter (NEST's ``nest.Parameter``). Use the functions of this module."""

    def __init__(self, kind: str, **args):
        self.kind, self.args = kind, args

    def to_init(self) -> "_init.Distribution":
        """The engine's distribution for weights and delays."""
        a = self.args
        if self.kind == "uniform":
            return _init.uniform(a["min"], a["max"])
        if self.kind == "normal":
            return _init.normal(a["mean"], a["std"])
        if self.kind == "lognormal":
            return _init.lognormal(a["mean"], a["std"])
        return _init.exponential(a["beta"])

    def draw(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n values (float64) for node parameters."""
        a = self.args
        if self.kind == "uniform":
            return a["min"] + (a["max"] - a["min"]) * torch.rand(n, generator=generator, dtype=torch.float64)
        if self.kind == "exponential":
            return torch.empty(n, dtype=torch.float64).exponential_(1.0 / a["beta"], generator=generator)
        z = a["mean"] + a["std"] * torch.randn(n, generator=generator, dtype=torch.float64)
        return z if self.kind == "normal" else z.exp()

    def __repr__(self):
        return f"nest.random.{self.kind}({', '.join(f'{k}={v!r}' for k, v in self.args.items())})"


def _number(value, name: str, kind: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"nest.random.{kind}: {name} must be a finite number, got {value!r}")
    return float(value)


def uniform(min: float = 0.0, max: float = 1.0) -> Parameter:  # noqa: A002 (NEST's argument names)
    """Uniform on [min, max)."""
    lo, hi = _number(min, "min", "uniform"), _number(max, "max", "uniform")
    if not lo < hi:
        raise ValueError(f"nest.random.uniform: min must be < max, got min={lo} and max={hi}")
    return Parameter("uniform", min=lo, max=hi)


def normal(mean: float = 0.0, std: float = 1.0) -> Parameter:
    """Normal with mean and standard deviation std (>= 0)."""
    m, s = _number(mean, "mean", "normal"), _number(std, "std", "normal")
    if s < 0:
        raise ValueError(f"nest.random.normal: std must be >= 0, got {s}")
    return Parameter("normal", mean=m, std=s)


def lognormal(mean: float = 0.0, std: float = 1.0) -> Parameter:
    """exp(N(mean, std)): mean and std of the underlying normal."""
    m, s = _number(mean, "mean", "lognormal"), _number(std, "std", "lognormal")
    if s < 0:
        raise ValueError(f"nest.random.lognormal: std must be >= 0, got {s}")
    return Parameter("lognormal", mean=m, std=s)


def exponential(beta: float = 1.0) -> Parameter:
    """Exponential with scale (mean) beta > 0."""
    b = _number(beta, "beta", "exponential")
    if not b > 0:
        raise ValueError(f"nest.random.exponential: beta must be > 0, got {b}")
    return Parameter("exponential", beta=b)


__all__ = ["Parameter", "uniform", "normal", "lognormal", "exponential"]
