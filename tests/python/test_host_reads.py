"""Steps without host reads (snn.debug.host_reads, snn/host_reads.h).

On CUDA every read of a device value by the host waits for the GPU; a step of snn makes none once a run
has started: per-run decisions (Poisson means, the receptors a matrix product feeds) are taken before
the first step, spike monitors compact their events at the end of the run. The counter observes ATen's
operator calls, so it counts on the CPU too, where the engine shares the code that would read on CUDA;
every test here runs on the CPU and, where this build and machine have one, on CUDA."""
import pytest
import torch

import snn
from conftest import cuda_skip_reason
from test_cuda import every_model_network, every_rule_network

_cuda_reason = cuda_skip_reason()
DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(_cuda_reason is not None, reason=_cuda_reason or ""))]


def in_step_reads(run):
    """Counts reads while `run()` runs; returns the counts."""
    with snn.debug.host_reads() as reads:
        run()
    return reads


def assert_no_reads_in_steps(reads, what):
    assert reads.steps > 0, what
    assert reads.in_steps == 0, f"{what}: {reads.in_steps} reads in {reads.steps} steps: {reads.ops_in_steps} " \
                                f"(steps {reads.steps_with_reads[:10]})"


def test_the_counter_counts_reads_inside_and_outside_steps():
    x = torch.arange(5.0)
    with snn.debug.host_reads() as reads:
        assert x.sum().item() == 10.0           # a read outside any step
        assert torch.nonzero(x).shape[0] == 4  # another
        # A transmission monitor reads each step's transmissions back (a tool for small networks).
        net = snn.Network(dt=1.0, seed=1)
        a = net.add(snn.PoissonInput(20, rate=400.0))
        b = net.add(snn.LIF(5))
        net.monitor(net.connect(a, b, "all_to_all", weight=1.0), "transmissions")
        net.run(10.0)
    assert reads.outside_steps >= 2
    assert reads.steps == 10 and reads.runs == 1
    assert reads.in_steps > 0 and reads.steps_with_reads and reads.per_step > 0
    assert reads.ops_in_steps["aten::nonzero"] == 10  # the rows of the spiking neurons, once a step
    # Final after the block: nothing counts any more.
    before = reads.outside_steps
    x.sum().item()
    assert reads.outside_steps == before


def test_one_counter_at_a_time():
    with snn.debug.host_reads():
        with pytest.raises(ValueError, match="already counting"):
            with snn.debug.host_reads():
                pass
    with snn.debug.host_reads() as again:  # the first one ended: counting works again
        torch.ones(1).item()
    assert again.outside_steps == 1


@pytest.mark.parametrize("device", DEVICES)
def test_every_model_steps_without_host_reads(device):
    net, mons, pops, inputs = every_model_network(device)
    net.monitor(pops[0], "V_m")
    proj = net.projections[-1]
    pre, post = proj.indices()
    net.monitor(proj, "weight", synapses=[(int(pre[0]), int(post[0]))])
    net.run(100.0, inputs=inputs)  # warm-up: lazily built indices, first derivations
    reads = in_step_reads(lambda: (net.run(100.0, inputs=inputs), net.run(100.0, inputs=inputs)))
    assert_no_reads_in_steps(reads, f"every model on {device}")
    assert sum(m.num_events for m in mons) > 0


@pytest.mark.parametrize("device", DEVICES)
def test_every_rule_steps_without_host_reads(device):
    net, projs, _ = every_rule_network(device)
    assert {p.plasticity.rule for p in projs} == {name for name, *_ in snn._snn.rule_registry()}
    net.run(50.0)
    before = [p.weight.clone() for p in projs]
    reads = in_step_reads(lambda: net.run(100.0))
    assert_no_reads_in_steps(reads, f"every rule on {device}")
    assert sum(not torch.equal(b, p.weight) for b, p in zip(before, projs)) >= len(projs) - 1  # they learned


@pytest.mark.parametrize("device", DEVICES)
def test_batched_diehl_cook_presents_without_reads_in_steps(device):
    """The GPU user's path: batches of images through the model's present() (its checks between runs
    read; its steps do not)."""
    torch.manual_seed(0)
    model = snn.models.DiehlAndCook2015(n_inputs=64, n_neurons=20, batch_size=16, device=device, seed=3)
    images = torch.randint(0, 256, (16, 64)).to(torch.float32)
    model.present(images)
    reads = in_step_reads(lambda: model.present(images))
    assert_no_reads_in_steps(reads, f"Diehl & Cook, batch 16, on {device}")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("rule", ["IzhikevichDASTDP", "DopamineSTDP"])
def test_izhikevich_2007_steps_without_host_reads(device, rule):
    model = snn.models.Izhikevich2007(plasticity=getattr(snn, rule)(), device=device)
    model.net.run(50.0)
    reads = in_step_reads(lambda: model.net.run(200.0))
    assert_no_reads_in_steps(reads, f"Izhikevich 2007 with {rule} on {device}")


def crossing_network(device, storage, batch=4):
    """Inputs that fire every step into a two-receptor target through a dense plastic projection whose
    weights start positive and are driven below 0 by depression (STDP without a lower bound)."""
    net = snn.Network(dt=1.0, batch_size=batch, device=device, dtype=torch.float64, seed=5)
    x = net.add(snn.SpikeInput(6))
    y = net.add(snn.LIFExp(3, I_e=400.0))
    proj = net.connect(x, y, "all_to_all", weight=0.05, storage=storage,
                       plasticity=snn.STDP(nu_pre=0.01, nu_post=0.0))  # no lower bound: w_min = -inf
    return net, x, y, proj


@pytest.mark.parametrize("device", DEVICES)
def test_matrix_delivery_follows_weights_that_cross_zero_in_a_run(device):
    """The receptors a matrix product feeds are chosen before the run; a rule whose bounds let weights
    cross 0 gets both signed parts, split on the device at each change. The same network delivered by
    events (sparse storage: per synapse, by sign) is the reference."""
    spikes = torch.ones(60, 4, 6, dtype=torch.float64, device=device)  # every input every step: density 1
    results = {}
    for storage in ("dense", "sparse"):
        net, x, y, proj = crossing_network(device, storage)
        w0 = proj.weight.clone()
        g = net.monitor(y, "I_syn_in")
        with snn.debug.host_reads() as reads:
            net.run(60.0, inputs={x: spikes})
        results[storage] = (g.values().cpu(), proj.weight.cpu(), proj.last_delivery)
        assert_no_reads_in_steps(reads, f"{storage} on {device}")
        assert (w0 > 0).all() and (proj.weight < 0).any(), "the weights must cross 0 during the run"
    assert results["dense"][2] == "matrix" and results["sparse"][2] == "events"
    assert results["sparse"][0].abs().max() > 0  # inhibition arrived
    torch.testing.assert_close(results["dense"][1], results["sparse"][1].reshape(6, 3), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(results["dense"][0], results["sparse"][0], rtol=1e-12, atol=1e-12)


def test_spike_monitor_staging_steps_is_checked():
    net = snn.Network()
    x = net.add(snn.PoissonInput(3))
    for bad in (0, -2):
        with pytest.raises(ValueError, match="staging_steps must be > 0"):
            net.monitor(x, staging_steps=bad)
