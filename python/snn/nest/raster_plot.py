"""``nest.raster_plot``: PyNEST's raster of a spike_recorder, drawn by snn.plot.raster."""
import numpy as np

from .. import plot as _plot
from ._nodes import as_nodes


def from_data(data, sel=None, hist: bool = False, hist_binwidth: float = 5.0, grayscale: bool = False,
              title=None, xlabel=None, **kwargs):
    """data: an array [n, 2] of (sender, time) rows, as PyNEST's from_data."""
    data = np.asarray(data)
    if data.ndim != 2 or data.shape[1] < 2:
        raise ValueError(f"raster_plot.from_data takes rows of (sender, time), got shape {data.shape}")
    return _draw(data[:, 1], data[:, 0], sel, hist, hist_binwidth, grayscale, title, xlabel)


def from_device(detec, plot_lid: bool = False, hist: bool = False, hist_binwidth: float = 5.0,
                grayscale: bool = False, title=None, xlabel=None, **kwargs):
    """The raster (and with hist=True the population rate) of one spike_recorder."""
    nodes = as_nodes(detec, "raster_plot.from_device")
    if len(nodes) != 1 or nodes.get("model") != "spike_recorder":
        raise ValueError("raster_plot.from_device takes one spike_recorder")
    ev = nodes.get("events")
    if not len(ev["times"]):
        raise ValueError("raster_plot.from_device: the spike_recorder has no events (nothing to plot)")
    return _draw(ev["times"], ev["senders"], None, hist, hist_binwidth, grayscale, title, xlabel)


def _draw(times, senders, sel, hist, binwidth, grayscale, title, xlabel):
    color = "k" if grayscale else "C0"
    fig = _plot.raster((times, senders), neurons=sel, hist=hist, bin_ms=binwidth, title=title,
                       xlabel=xlabel or "time [ms]", ylabel="neuron ID", color=color)
    return fig.axes


__all__ = ["from_data", "from_device"]
