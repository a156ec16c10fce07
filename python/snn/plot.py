"""Figures of spiking networks (matplotlib; no display needed: pick a backend such as Agg to draw files).

``raster(monitor)``            spike raster, with the population rate below (``hist=True``)
``rate_histogram(monitor)``    population rate in bins
``traces(state_monitor)``      state variables (membrane potentials) over time
``weights(projection)``        a weight matrix [n_pre, n_post]
``receptive_fields(proj, (28, 28))``  each target's incoming weights as an image, on a grid

Sources are snn monitors and projections, or plain data: ``(times, senders)`` for spikes,
``(times [T], values [T, n])`` for traces, a tensor for weights. Each function draws into ``ax`` when
given (a grid of axes for ``raster(hist=True)``), else into a new figure, and returns the figure.
PyNEST's ``nest.raster_plot`` and ``nest.voltage_trace`` (snn.nest) draw with these.
"""
from typing import Optional, Sequence, Tuple

import numpy as np
import torch


def _plt():
    import matplotlib.pyplot as plt
    return plt


def _spikes(source) -> Tuple[np.ndarray, np.ndarray]:
    """(times, senders) as numpy from a SpikeMonitor, SpikeEvents or a pair."""
    if hasattr(source, "events") and callable(source.events):
        source = source.events()
    times, senders = source
    return _np(times).astype(np.float64), _np(senders)


def _np(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def rate_histogram(source, duration_ms: Optional[float] = None, n_neurons: Optional[int] = None,
                   bin_ms: float = 5.0, start_ms: float = 0.0, ax=None, color: str = "C0"):
    """Population rate [Hz per neuron] in bins of bin_ms (n_neurons: default the number of senders seen;
    duration_ms: default up to the last spike)."""
    if not bin_ms > 0:
        raise ValueError(f"bin_ms must be > 0, got {bin_ms}")
    times, senders = _spikes(source)
    if n_neurons is None:
        n_neurons = max(1, len(np.unique(senders)))
    if duration_ms is None:
        duration_ms = (times.max() - start_ms + bin_ms) if len(times) else bin_ms
    bins = max(1, int(round(duration_ms / bin_ms)))
    edges = start_ms + np.arange(bins + 1) * bin_ms
    counts, _ = np.histogram(times, bins=edges)
    rate = counts / n_neurons / (bin_ms / 1000.0)
    fig, ax = _axes(ax)
    ax.bar(edges[:-1], rate, width=bin_ms, align="edge", color=color, edgecolor="none")
    ax.set(xlabel="time [ms]", ylabel="rate [Hz]")
    return fig


def raster(source, neurons: Optional[Sequence[int]] = None, t_range: Optional[Tuple[float, float]] = None,
           hist: bool = True, bin_ms: float = 5.0, n_neurons: Optional[int] = None, ax=None,
           title: Optional[str] = None, xlabel: str = "time [ms]", ylabel: str = "neuron", color: str = "C0",
           markersize: float = 2.0):
    """Spike raster (one dot per spike) and, with hist=True, the population rate in bins below it.

    neurons: only these senders; t_range: (start, end) in ms; n_neurons: neurons for the rate
    (default: the neurons shown, or all senders). ax: one axes (hist=False) or two (hist=True)."""
    times, senders = _spikes(source)
    if neurons is not None:
        keep = np.isin(senders, np.asarray(list(neurons)))
        times, senders = times[keep], senders[keep]
    start, end = (0.0, float(times.max()) if len(times) else 1.0) if t_range is None else t_range
    keep = (times >= start) & (times <= end)
    times, senders = times[keep], senders[keep]
    if hist:
        if ax is None:
            plt = _plt()
            fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(8, 5), gridspec_kw=dict(height_ratios=(3, 1)))
        else:
            top, bottom = ax
            fig = top.figure
    else:
        fig, top = _axes(ax)
    top.plot(times, senders, ".", ms=markersize, color=color)
    top.set(ylabel=ylabel, xlim=(start, end))
    if title:
        top.set_title(title)
    if hist:
        if n_neurons is None:
            n_neurons = len(neurons) if neurons is not None else max(1, len(np.unique(senders)))
        rate_histogram((times, senders), duration_ms=end - start, n_neurons=n_neurons, bin_ms=bin_ms,
                       start_ms=start, ax=bottom, color=color)
        bottom.set(xlabel=xlabel)
    else:
        top.set(xlabel=xlabel)
    return fig


def traces(source, neurons: Optional[Sequence[int]] = None, ax=None, title: Optional[str] = None,
           ylabel: str = "V_m [mV]", xlabel: str = "time [ms]", labels: Optional[Sequence[str]] = None, **style):
    """Traces of a state variable: a StateMonitor (batch entry 0; neurons: positions among the recorded
    neurons) or (times [T], values [T] or [T, n])."""
    if hasattr(source, "values") and callable(source.values):
        times, values = _np(source.times()), _np(source.values())[:, 0, :]
        names = [f"neuron {int(i)}" for i in _np(source.neurons)]
        if getattr(source, "variable", None) and ylabel == "V_m [mV]" and source.variable != "V_m":
            ylabel = source.variable
    else:
        times, values = _np(source[0]), _np(source[1])
        values = values.reshape(len(values), -1)
        names = [f"trace {i}" for i in range(values.shape[1])]
    cols = range(values.shape[1]) if neurons is None else list(neurons)
    fig, ax = _axes(ax)
    for k in cols:
        ax.plot(times, values[:, k], label=(labels[k] if labels is not None else names[k]), **style)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if title:
        ax.set_title(title)
    if 1 < len(cols) <= 10:
        ax.legend(fontsize="small")
    return fig


def _matrix(source) -> np.ndarray:
    if hasattr(source, "dense_weight"):
        source = source.dense_weight()
    m = _np(source).astype(np.float64)
    if m.ndim != 2:
        raise ValueError(f"expected a weight matrix [n_pre, n_post], got shape {m.shape}")
    return m


def weights(source, ax=None, title: Optional[str] = None, cmap: str = "viridis", colorbar: bool = True):
    """A weight matrix [n_pre, n_post] (a Projection or a tensor) as an image: rows pre, columns post."""
    m = _matrix(source)
    fig, ax = _axes(ax)
    im = ax.imshow(m, aspect="auto", interpolation="nearest", cmap=cmap)
    ax.set(xlabel="post neuron", ylabel="pre neuron")
    if title:
        ax.set_title(title)
    if colorbar:
        fig.colorbar(im, ax=ax)
    return fig


def receptive_fields(source, shape: Tuple[int, int], n: Optional[int] = None, ncols: Optional[int] = None,
                     ax=None, cmap: str = "hot_r", title: Optional[str] = None, vmin: Optional[float] = None,
                     vmax: Optional[float] = None):
    """Each target neuron's incoming weights (a column of [n_pre, n_post], n_pre = h * w) as an h x w
    image, on a grid (the first n targets; ncols columns, default a square)."""
    m = _matrix(source)
    h, w = shape
    if m.shape[0] != h * w:
        raise ValueError(f"receptive fields of shape {shape} need {h * w} inputs, the weights have {m.shape[0]}")
    n = m.shape[1] if n is None else min(n, m.shape[1])
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    grid = np.full((nrows * h, ncols * w), np.nan)
    for k in range(n):
        r, c = divmod(k, ncols)
        grid[r * h:(r + 1) * h, c * w:(c + 1) * w] = m[:, k].reshape(h, w)
    if ax is None:
        fig, ax = _plt().subplots(figsize=(max(4, ncols * 0.6), max(4, nrows * 0.6)))
    fig = ax.figure
    im = ax.imshow(grid, cmap=cmap, interpolation="nearest", vmin=vmin, vmax=vmax)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.046)
    return fig


def _axes(ax):
    if ax is None:
        fig, ax = _plt().subplots(figsize=(8, 4))
        return fig, ax
    return ax.figure, ax


__all__ = ["raster", "rate_histogram", "traces", "weights", "receptive_fields"]
