"""Spike-train statistics: firing rates and the coefficient of variation of inter-spike intervals.

Inputs are the ``(times, senders)`` pair of ``SpikeMonitor.events()`` (times in ms, one entry per
spike); batch entries are not told apart, so pass the events of a batch-1 network or select one entry.
The events may be on any device; the results are on the CPU.
"""
from typing import Optional, Tuple

import torch


def firing_rates(times: torch.Tensor, senders: torch.Tensor, n_neurons: int, duration_ms: float,
                 start_ms: float = 0.0) -> torch.Tensor:
    """Rate [Hz] of each of n_neurons over [start_ms, start_ms + duration_ms)."""
    if duration_ms <= 0:
        raise ValueError(f"duration_ms must be > 0, got {duration_ms}")
    times, senders = times.cpu(), senders.cpu()
    keep = (times >= start_ms) & (times < start_ms + duration_ms)
    counts = torch.bincount(senders[keep].long(), minlength=n_neurons)[:n_neurons]
    return counts.double() / (duration_ms / 1000.0)


def isi_cv(times: torch.Tensor, senders: torch.Tensor, min_spikes: int = 3) -> Tuple[float, torch.Tensor]:
    """Coefficient of variation (std / mean) of each neuron's inter-spike intervals.

    Returns (mean CV over the neurons with at least ``min_spikes`` spikes, their CVs). The standard
    deviation is the sample one (n - 1); a Poisson process has CV 1, a clock CV 0. NaN when no neuron
    has enough spikes.
    """
    if min_spikes < 3:
        raise ValueError(f"min_spikes must be >= 3 (two intervals), got {min_spikes}")
    t, senders = times.cpu().double(), senders.cpu()
    order = torch.argsort(senders.double() * (t.max().item() + 1.0 if t.numel() else 1.0) + t)
    t, s = t[order], senders[order].long()
    same = s[1:] == s[:-1]
    isi, ids = (t[1:] - t[:-1])[same], s[1:][same]
    if isi.numel() == 0:
        return float("nan"), torch.empty(0, dtype=torch.float64)
    n = int(ids.max().item()) + 1
    count = torch.bincount(ids, minlength=n).double()
    total = torch.zeros(n, dtype=torch.float64).index_add_(0, ids, isi)
    square = torch.zeros(n, dtype=torch.float64).index_add_(0, ids, isi * isi)
    ok = count >= min_spikes - 1
    mean = total[ok] / count[ok]
    var = (square[ok] - count[ok] * mean * mean) / (count[ok] - 1)
    cv = var.clamp(min=0).sqrt() / mean
    return (cv.mean().item() if cv.numel() else float("nan")), cv


def rate_histogram(times: torch.Tensor, duration_ms: float, n_neurons: int,
                   bin_ms: float = 1.0, start_ms: Optional[float] = 0.0) -> Tuple[torch.Tensor, torch.Tensor]:
    """Population rate [Hz per neuron] in bins of ``bin_ms``: (bin start times, rates)."""
    if bin_ms <= 0:
        raise ValueError(f"bin_ms must be > 0, got {bin_ms}")
    bins = max(1, int(round(duration_ms / bin_ms)))
    edges = start_ms + torch.arange(bins, dtype=torch.float64) * bin_ms
    idx = ((times.cpu().double() - start_ms) / bin_ms).floor().long()
    idx = idx[(idx >= 0) & (idx < bins)]
    counts = torch.bincount(idx, minlength=bins).double()
    return edges, counts / n_neurons / (bin_ms / 1000.0)
