"""``nest.voltage_trace``: PyNEST's membrane traces of a voltmeter or multimeter (snn.plot.traces)."""
import numpy as np

from .. import plot as _plot
from ._nodes import as_nodes


def from_device(detec, neurons=None, title=None, grayscale: bool = False, timeunit: str = "ms", **kwargs):
    """One line per recorded neuron (or those in ``neurons``) of the recorder's V_m."""
    nodes = as_nodes(detec, "voltage_trace.from_device")
    if len(nodes) != 1 or nodes.get("model") not in ("voltmeter", "multimeter"):
        raise ValueError("voltage_trace.from_device takes one voltmeter or multimeter")
    if timeunit not in ("ms", "s"):
        raise ValueError(f"timeunit must be 'ms' or 's', got {timeunit!r}")
    ev = nodes.get("events")
    if "V_m" not in ev:
        raise ValueError("voltage_trace.from_device: the recorder does not record V_m")
    if not len(ev["times"]):
        raise ValueError("voltage_trace.from_device: no events recorded (nothing to plot)")
    senders = np.unique(ev["senders"]) if neurons is None else np.asarray(as_nodes(neurons, "neurons").tolist())
    plt = _plot._plt()
    fig, ax = plt.subplots(figsize=(8, 4))
    scale = 1000.0 if timeunit == "s" else 1.0
    for s in senders:
        mine = ev["senders"] == s
        _plot.traces((ev["times"][mine] / scale, ev["V_m"][mine]), ax=ax, xlabel=f"time [{timeunit}]",
                     labels=[f"neuron {s}"], color="k" if grayscale else None)
    ax.set_title(title or "Membrane potential")
    if 1 < len(senders) <= 10:
        ax.legend(fontsize="small")
    return [ax]


__all__ = ["from_device"]
