"""snn.plot draws from monitors, projections and plain data, without a display."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import snn  # noqa: E402


@pytest.fixture(scope="module")
def run():
    net = snn.Network(dt=0.1, seed=2)
    src = net.add(snn.PoissonInput(20, rate=200.0))
    pop = net.add(snn.LIF(10, I_e=300.0))
    proj = net.connect(src, pop, weight=snn.init.uniform(0.0, 2.0))
    spikes, vm = net.monitor(pop), net.monitor(pop, "V_m", neurons=[0, 3])
    net.run(200.0)
    return spikes, vm, proj


def test_raster_with_rate_histogram_counts_every_spike(run, tmp_path):
    spikes, _, _ = run
    fig = snn.plot.raster(spikes, hist=True, bin_ms=10.0, n_neurons=10, title="LIF")
    top, bottom = fig.axes
    dots = top.lines[0].get_xdata()
    assert len(dots) == len(spikes.events())
    heights = [p.get_height() for p in bottom.patches]
    # rate [Hz per neuron] x neurons x bin [s] = spikes per bin: the bars add up to every spike
    assert sum(heights) * 10 * 0.01 == pytest.approx(len(dots))
    fig.savefig(tmp_path / "raster.png")


def test_raster_of_chosen_neurons_and_time_window():
    times, senders = torch.tensor([1.0, 2.0, 3.0, 50.0]), torch.tensor([0, 1, 2, 1])
    fig = snn.plot.raster((times, senders), neurons=[1], t_range=(0.0, 10.0), hist=False)
    assert list(fig.axes[0].lines[0].get_xdata()) == [2.0]


def test_traces_from_a_state_monitor_and_from_arrays(run):
    _, vm, _ = run
    fig = snn.plot.traces(vm)
    assert len(fig.axes[0].lines) == 2 and fig.axes[0].get_legend() is not None
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), vm.values()[:, 0, 1].numpy())
    fig = snn.plot.traces((np.arange(5.0), np.ones(5)), ylabel="x")
    assert fig.axes[0].get_ylabel() == "x"


def test_weights_and_receptive_fields(run):
    _, _, proj = run
    fig = snn.plot.weights(proj, title="W")
    assert fig.axes[0].images[0].get_array().shape == (20, 10)
    fig = snn.plot.receptive_fields(proj, (4, 5), n=6, ncols=3)
    img = fig.axes[0].images[0].get_array()
    assert img.shape == (2 * 4, 3 * 5)
    np.testing.assert_allclose(img[:4, 5:10], proj.dense_weight()[:, 1].reshape(4, 5).numpy())
    with pytest.raises(ValueError, match="need 16 inputs, the weights have 20"):
        snn.plot.receptive_fields(proj, (4, 4))
    with pytest.raises(ValueError, match="bin_ms must be > 0"):
        snn.plot.rate_histogram((torch.zeros(1), torch.zeros(1)), bin_ms=0.0)
