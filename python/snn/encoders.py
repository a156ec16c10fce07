"""Spike encoders: intensities -> spike trains [steps, batch, n] (kernels in C++, seeded).

Each takes [n] or [batch, n] (flatten images first) and a duration ``time`` in ms at step ``dt``;
the result feeds a ``snn.SpikeInput`` population (``net.run(time, inputs={name: spikes})``). For
Poisson input inside a network, a ``snn.PoissonInput`` with rates draws the same spikes without
materialising them.
"""
import torch

from . import _snn


def _steps(time: float, dt: float) -> int:
    steps = time / dt
    if not (time > 0 and dt > 0) or abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
        raise ValueError(f"time must be a positive multiple of dt: time {time} ms, dt {dt} ms")
    return int(round(steps))


def poisson(rates: torch.Tensor, time: float, dt: float = 1.0, seed: int = 0) -> torch.Tensor:
    """Poisson spike counts per step with mean rates x dt / 1000 (rates in Hz)."""
    return _snn.encode_poisson(rates, _steps(time, dt), float(dt), int(seed))


def bernoulli(p: torch.Tensor, time: float, dt: float = 1.0, seed: int = 0) -> torch.Tensor:
    """One spike per step with probability p in [0, 1]."""
    return _snn.encode_bernoulli(p, _steps(time, dt), int(seed))


def latency(x: torch.Tensor, time: float, dt: float = 1.0) -> torch.Tensor:
    """Time to first spike (rank order): x in [0, 1] spikes once at round((1 - x)(steps - 1)); 0 never."""
    return _snn.encode_latency(x, _steps(time, dt))


def repeat(x: torch.Tensor, time: float, dt: float = 1.0) -> torch.Tensor:
    """The same values every step."""
    return _snn.encode_repeat(x, _steps(time, dt))


def rates_from_pixels(images: torch.Tensor, intensity: float = 2.0) -> torch.Tensor:
    """Diehl & Cook's input rates: pixel / 8 x intensity Hz (63.75 Hz for a white pixel at intensity 2),
    images flattened to [batch, pixels]."""
    return images.reshape(images.shape[0], -1).to(torch.float32) / 8.0 * intensity
