"""The fast engine: sparse and dense storage, event-driven delivery and plasticity, against the
straightforward versions (dense, matrix product, full sweeps), and determinism across threads."""
import math

import pytest
import torch

import snn


def recurrent_network(storage, seed=3, dtype=torch.float64, delays="one", batch=1, rule=None, T=300.0):
    """Poisson input -> LIF (fixed in-degree) with recurrent excitation and inhibition. Weights are
    multiples of 1/8 so sums are exact in any order: every storage must give identical spikes."""
    net = snn.Network(dt=0.1, batch_size=batch, dtype=dtype, seed=seed)
    x = net.add(snn.PoissonInput(200, rate=40.0), name="x")
    e = net.add(snn.LIF(150), name="e")
    i = net.add(snn.LIFExp(50, tau_syn_ex=1.0, tau_syn_in=3.0), name="i")
    # "short": at most 31 steps (the dense AVX-512 delivery keeps the ring-row table in registers)
    delay = {"one": 1.0, "short": snn.init.uniform(0.1, 3.0), "many": snn.init.uniform(0.1, 4.0)}[delays]
    w_in = torch.randint(8, 20, (200, 150), generator=torch.Generator().manual_seed(1)).to(dtype) / 8.0
    net.connect(x, e, "fixed_indegree", indegree=30, multapses=False, weight=w_in, delay=delay, storage=storage,
                plasticity=rule)
    net.connect(e, e, "pairwise_bernoulli", p=0.1, weight=0.5, delay=delay, storage=storage)
    w_ei = ((torch.arange(150 * 50).reshape(150, 50) % 9) - 2).to(dtype) * 48.0  # signed: both receptors
    net.connect(e, i, "all_to_all", weight=w_ei, delay=delay, storage=storage)
    net.connect(i, e, "fixed_total_number", N=2000, multapses=False, weight=-1.25, delay=delay, storage=storage)
    spikes = [net.monitor(p) for p in (e, i)]
    net.run(T)
    return net, [m.dense() for m in spikes]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("delays", ["one", "short", "many"])
def test_sparse_and_dense_give_identical_spikes(delays, dtype):
    """float32 with per-synapse delays also takes the dense AVX-512 delivery (where the CPU has it),
    signed weights into LIFExp's two receptors included."""
    _, dense = recurrent_network("dense", delays=delays, dtype=dtype)
    net, sparse = recurrent_network("sparse", delays=delays, dtype=dtype)
    assert all(p.storage == "sparse" for p in net.projections)
    assert dense[0].sum() > 100 and dense[1].sum() > 10
    for a, b in zip(dense, sparse):
        assert torch.equal(a, b)


def test_matrix_product_and_event_delivery_agree():
    """Batch 8 with every input active makes dense delivery use the matrix product (on CUDA from batch
    16, whatever the activity); batch entries are independent, so entry 0 must match a batch-1 run
    (event-driven) exactly (float64, exact sums)."""
    def run(batch):
        net = snn.Network(dt=0.1, batch_size=batch, dtype=torch.float64, seed=5)
        x = net.add(snn.PoissonInput(100, rate=5000.0), name="x")
        y = net.add(snn.LIF(80), name="y")
        w = torch.randint(-4, 8, (100, 80), generator=torch.Generator().manual_seed(2)).to(torch.float64) / 16.0
        proj = net.connect(x, y, "all_to_all", weight=w, storage="dense")
        m = net.monitor(y)
        net.run(50.0)
        return proj, m.dense()[:, 0]
    p8, s8 = run(8 if snn.Network().device.type == "cpu" else 16)
    p1, s1 = run(1)
    assert p8.last_delivery == "matrix"
    assert s8.sum() > 50 and torch.equal(s1, s8)


def test_sparse_storage_bytes_per_synapse():
    net = snn.Network(dt=0.1)
    a, b = net.add(snn.LIF(1000)), net.add(snn.LIF(1000))
    one = net.connect(a, b, "fixed_indegree", indegree=100, storage="sparse")
    many = net.connect(a, b, "fixed_indegree", indegree=100, storage="sparse", delay=snn.init.uniform(0.1, 5.0))
    S = 100 * 1000
    assert one.synapse_bytes == 8 * S + 8 * 1001  # post index + float32 weight, + row pointers
    assert many.synapse_bytes == 12 * S + 8 * 1001
    pre, post = one.indices()
    assert pre.shape == (S,) and torch.all(pre[1:] >= pre[:-1])
    assert one.dense_weight().sum().item() == float(S)


@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_connection_degrees_at_a_million_synapses(storage):
    """fixed_indegree 500 onto 2000 targets from 4000 sources: 1e6 synapses. In-degrees exact;
    out-degrees Binomial(1e6, 1/4000): mean 250, variance 250 (1 - 1/4000); sample variance within
    4 standard errors."""
    net = snn.Network(dt=0.1, seed=8)
    a, b = net.add(snn.LIF(4000)), net.add(snn.LIF(2000))
    p = net.connect(a, b, "fixed_indegree", indegree=500, storage=storage)
    assert p.storage == storage and p.num_synapses == 1_000_000
    pre, post = p.indices()
    indeg = torch.bincount(post, minlength=2000)
    outdeg = torch.bincount(pre, minlength=4000).double()
    if storage == "dense":  # multapses are summed in dense entries
        count = p.synapse_count
        indeg = count.sum(0)
        outdeg = count.sum(1).double()
    assert torch.all(indeg == 500)
    assert outdeg.mean().item() == pytest.approx(250.0)
    var = 250.0 * (1 - 1 / 4000)
    assert abs(outdeg.var().item() - var) < 4 * var * math.sqrt(2 / 3999)
    q = net.connect(a, b, "pairwise_bernoulli", p=0.125, storage=storage)
    assert abs(q.num_synapses - 1e6) < 3 * math.sqrt(8e6 * 0.125 * 0.875)


def plastic_run(rule, event_driven, storage="sparse", T=400.0, seed=4, change=None):
    """`change`: rule parameters set halfway (the run is then two runs of T / 2)."""
    net = snn.Network(dt=0.1, dtype=torch.float64, seed=seed)
    x = net.add(snn.PoissonInput(100, rate=30.0), name="x")
    y = net.add(snn.LIF(60, I_e=300.0), name="y")
    da = net.add(snn.PoissonInput(1, rate=20.0), name="da")
    net.neuromodulator("dopamine", da, delay=1.0)
    rule.params["event_driven"] = float(event_driven)  # same as passing event_driven= to the rule
    proj = net.connect(x, y, "fixed_indegree", indegree=20, multapses=False, weight=snn.init.uniform(1.0, 3.0),
                       storage=storage, plasticity=rule, delay=1.0)
    spikes = net.monitor(y)
    net.set_signal("reward", 1.0) if "reward" in net.signals else None
    if change:
        net.run(T / 2)
        for name, value in change.items():
            setattr(proj.plasticity, name, value)
        net.run(T / 2)
    else:
        net.run(T)
    return proj.weight.clone(), {k: v.clone() for k, v in proj.state.items()}, spikes.dense()


@pytest.mark.parametrize("storage", ["dense", "sparse"])
@pytest.mark.parametrize("make", [lambda: snn.STDP(nu_pre=1e-3, nu_post=1e-2, w_min=0.0, w_max=5.0),
                                  lambda: snn.STDP(variant="diehl_cook", w_min=0.0, w_max=5.0),
                                  lambda: snn.TripletSTDP(A2_plus=1e-3, w_max=5.0),
                                  lambda: snn.IzhikevichDASTDP(),
                                  lambda: snn.MSTDP(nu=1e-3)],
                         ids=["STDP", "DiehlCook", "Triplet", "IzhikevichDA", "MSTDP"])
def test_event_driven_plasticity_equals_the_full_sweep_bitwise(make, storage):
    w_sweep, s_sweep, spikes_sweep = plastic_run(make(), False, storage)
    w_event, s_event, spikes_event = plastic_run(make(), True, storage)
    assert not torch.equal(w_sweep, plastic_run(make(), False, storage, T=0.1)[0])  # it learned
    assert torch.equal(spikes_sweep, spikes_event)
    assert torch.equal(w_sweep, w_event)
    for k in s_sweep:
        assert torch.equal(s_sweep[k], s_event[k]), k


@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_lazy_dopamine_stdp_equals_the_per_step_integration(storage):
    """NEST's event-driven closed form against step-by-step integration: same spikes, and weights and
    eligibilities equal to floating-point tolerance (bounds are not reached, so clipping is the same:
    with Wmin 0 nearly every weight would sit at 0)."""
    rule = lambda: snn.DopamineSTDP(A_plus=0.5, Wmin=-1e3, Wmax=1e3)  # noqa: E731
    w_step, s_step, spikes_step = plastic_run(rule(), False, storage, T=1000.0)
    w_lazy, s_lazy, spikes_lazy = plastic_run(rule(), True, storage, T=1000.0)
    w0 = plastic_run(snn.DopamineSTDP(), False, storage, T=0.1)[0]
    assert (w_step - w0).abs().max() > 1e-3  # it learned
    assert w_step.min() > -1e3 and w_step.max() < 1e3
    assert torch.equal(spikes_step, spikes_lazy)
    assert torch.allclose(w_lazy, w_step, rtol=1e-11, atol=1e-12)
    assert torch.allclose(s_lazy["c"], s_step["c"], rtol=1e-11, atol=1e-12)
    assert torch.allclose(s_lazy["n"], s_step["n"], rtol=1e-12, atol=1e-15)


def test_lazy_dopamine_stdp_follows_parameter_changes_between_runs():
    """The lazy rule keeps its propagators (and their tables) until a parameter changes: after new
    tau_c, tau_n and A_minus halfway it still equals the per-step integration."""
    change = dict(tau_c=300.0, tau_n=100.0, A_minus=1.0)
    rule = lambda: snn.DopamineSTDP(A_plus=0.5, Wmin=-1e3, Wmax=1e3)  # noqa: E731
    w_step, s_step, _ = plastic_run(rule(), False, T=1000.0, change=change)
    w_lazy, s_lazy, _ = plastic_run(rule(), True, T=1000.0, change=change)
    w_kept, _, _ = plastic_run(rule(), True, T=1000.0)
    assert (w_lazy - w_kept).abs().max() > 1e-3  # the change mattered
    assert torch.allclose(w_lazy, w_step, rtol=1e-11, atol=1e-12)
    assert torch.allclose(s_lazy["c"], s_step["c"], rtol=1e-11, atol=1e-12)


def test_lazy_dopamine_stdp_switched_on_and_off_between_runs():
    """event_driven changed between runs (a bool, as in the constructor), with the weights read in
    between: the lazy rule restarts its clocks after per-step steps instead of integrating them again.
    Equal to the per-step integration throughout, to floating-point tolerance (no weight bound is
    reached: Wmin -1000)."""
    def run(modes):
        net = snn.Network(dt=0.1, dtype=torch.float64, seed=4)
        x = net.add(snn.PoissonInput(100, rate=30.0), name="x")
        y = net.add(snn.LIF(60, I_e=300.0), name="y")
        da = net.add(snn.PoissonInput(1, rate=20.0), name="da")
        net.neuromodulator("dopamine", da, delay=1.0)
        proj = net.connect(x, y, "fixed_indegree", indegree=20, multapses=False, weight=snn.init.uniform(1.0, 3.0),
                           plasticity=snn.DopamineSTDP(A_plus=0.5, Wmin=-1e3, Wmax=1e3), delay=1.0)
        weights = []
        for event_driven in modes:
            proj.plasticity.event_driven = event_driven
            weights.append(proj.weight.clone())  # a read right after the switch
            net.run(300.0)
        return torch.stack(weights + [proj.weight.clone()]), proj.state["c"].clone()
    per_step, c_step = run([False, False, False])
    switched, c_switched = run([True, False, True])
    assert (per_step[-1] - per_step[0]).abs().max() > 1e-3  # it learned
    assert per_step.min() > -1e3 and per_step.max() < 1e3
    assert torch.allclose(switched, per_step, rtol=1e-11, atol=1e-12)
    assert torch.allclose(c_switched, c_step, rtol=1e-11, atol=1e-12)


def test_threads_do_not_change_results():
    """Bitwise the same spikes, weights and rule state with 1 and 2 threads (sparse and dense delivery,
    event-driven plasticity)."""
    before = torch.get_num_threads()
    snn.set_load_adaptive(False)  # two threads even on a busy machine
    try:
        out = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            net, spikes = recurrent_network("sparse", dtype=torch.float32, batch=2, delays="many",
                                            rule=snn.STDP(nu_pre=1e-3, nu_post=1e-3, w_min=0.0, w_max=4.0))
            _, dense_spikes = recurrent_network("dense", dtype=torch.float32, batch=2)
            out.append(spikes + dense_spikes + [net.projections[0].weight.clone()])
    finally:
        torch.set_num_threads(before)
        snn.set_load_adaptive(True)
    assert out[0][0].sum() > 0
    for a, b in zip(*out):
        assert torch.equal(a, b)


def on_1_and_2_threads(build):
    """[build() with 1 thread, build() with 2], the helpers on even if the machine is busy."""
    before = torch.get_num_threads()
    snn.set_load_adaptive(False)
    try:
        out = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            out.append(build())
        return out
    finally:
        torch.set_num_threads(before)
        snn.set_load_adaptive(True)


@pytest.mark.parametrize("multapses", [True, False])
@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_fixed_total_number_builds_the_same_synapses_on_any_thread_count(multapses, storage):
    """fixed_total_number draws its pairs in parallel blocks (and redraws repeats in order): the same
    synapses with 1 and 2 threads; N of them, spread over the rows as uniform draws are."""
    def build():
        net = snn.Network(dt=0.1, seed=5)
        a = net.add(snn.LIF(400))
        syn = net.connect(a, a, "fixed_total_number", N=100_000, autapses=False, multapses=multapses and storage == "sparse",
                          weight=snn.init.uniform(0.0, 1.0), storage=storage)
        return (*syn.indices(), syn.weight)

    built = on_1_and_2_threads(build)
    for x, y in zip(*built):
        assert torch.equal(x, y)
    pre, post, _ = built[0]
    assert len(pre) == 100_000 and not (pre == post).any()
    if not (multapses and storage == "sparse"):
        assert len(set(zip(pre.tolist(), post.tolist()))) == len(pre)
    rows = torch.bincount(pre.long(), minlength=400).double()
    assert abs(rows.mean().item() - 250) < 1e-9 and rows.std().item() < 3 * math.sqrt(250)  # binomial: sd ~ 16


@pytest.mark.parametrize("rule, degree", [("fixed_indegree", "indegree"), ("fixed_outdegree", "outdegree")])
@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_owner_rules_build_the_same_synapses_on_any_thread_count(rule, degree, storage):
    """fixed_indegree / fixed_outdegree draw per target / source in parallel: the same synapses,
    weights and delays with 1 and 2 threads; exactly K distinct partners per owner, no autapses."""
    def build():
        net = snn.Network(dt=0.1, seed=5)
        a = net.add(snn.LIF(3000))
        b = net.add(snn.LIF(2500))
        net.connect(a, b, rule, **{degree: 40}, weight=snn.init.normal(1.0, 0.5), delay=snn.init.uniform(0.5, 3.0),
                    multapses=storage == "sparse", storage=storage)  # dense: one delay per pair
        net.connect(a, a, rule, **{degree: 25}, autapses=False, multapses=False, storage=storage)
        # Weights by pair (a [pre, post] tensor), on over 1024 sources: sparse rows are then filled in two
        # passes for fixed_indegree (listed by group of rows, then placed), and each weight must stay with its pair.
        c, e = net.add(snn.LIF(1100)), net.add(snn.LIF(250))
        net.connect(c, e, rule, **{degree: 7}, weight=torch.arange(1100 * 250.0).reshape(1100, 250),
                    multapses=False, storage=storage)
        return [(*p.indices(), p.weight, p.delay) for p in net.projections]

    built = on_1_and_2_threads(build)
    for one, two in zip(*built):
        for x, y in zip(one, two):
            assert torch.equal(x, y)
    (pre, post, _, _), (pre_a, post_a, _, _), (pre_c, post_c, w_c, _) = built[0]
    if storage == "sparse":
        assert torch.equal(w_c, (pre_c * 250 + post_c).to(w_c.dtype))
    owner, owner_a, n = (post, post_a, 2500) if rule == "fixed_indegree" else (pre, pre_a, 3000)
    assert torch.equal(torch.bincount(owner.long(), minlength=n), torch.full((n,), 40))
    assert torch.equal(torch.bincount(owner_a.long(), minlength=3000), torch.full((3000,), 25))
    assert not (pre_a == post_a).any()
    assert len(set(zip(pre_a.tolist(), post_a.tolist()))) == len(pre_a)


def test_pairwise_bernoulli_builds_the_same_synapses_on_any_thread_count():
    """Rows are drawn once, in blocks that keep their targets for the fill: the same synapses, weights
    and delays with 1 and 2 threads, in dense and in sparse storage alike; Binomial(n_pre n_post, p) of them."""
    def build():
        out = []
        for storage in ("sparse", "dense"):
            net = snn.Network(dt=0.1, seed=5)
            a, b = net.add(snn.LIF(900)), net.add(snn.LIF(700))
            syn = net.connect(a, b, "pairwise_bernoulli", p=0.2, weight=snn.init.normal(1.0, 0.5),
                              delay=snn.init.uniform(0.5, 3.0), storage=storage)
            pre, post = syn.indices()
            at = (pre.long(), post.long()) if storage == "dense" else (slice(None),)  # dense: [pre, post] entries
            out.append((pre, post, syn.weight[at], syn.delay[at]))
        return out

    built = on_1_and_2_threads(build)
    for one, two in zip(*built):
        for x, y in zip(one, two):
            assert torch.equal(x, y)
    (pre, post, w, d), (pre_d, post_d, w_d, d_d) = built[0]
    assert torch.equal(pre, pre_d) and torch.equal(post, post_d) and torch.equal(w, w_d) and torch.equal(d, d_d)
    n, p = 900 * 700, 0.2
    assert abs(len(pre) - n * p) < 5 * math.sqrt(n * p * (1 - p))


@pytest.mark.parametrize("batch_size", [1, 2])
def test_lazy_dopamine_stdp_over_long_silences(batch_size):
    """Pre and post neurons at about 1 Hz (dt 0.1 ms), so that many synapses go untouched for more
    than the 4096 steps the lazy rule tabulates (it then evaluates the closed form directly) and
    across dopamine spikes (2 Hz); with one and with two batch entries. Equal to the per-step
    integration to floating-point tolerance."""
    def run(event_driven):
        net = snn.Network(dt=0.1, dtype=torch.float64, seed=11, batch_size=batch_size)
        x = net.add(snn.PoissonInput(40, rate=1.0), name="x")
        drive = net.add(snn.PoissonInput(10, rate=1.0), name="drive")
        y = net.add(snn.LIF(10), name="y")
        da = net.add(snn.PoissonInput(1, rate=2.0), name="da")
        net.neuromodulator("dopamine", da, delay=1.0)
        net.connect(drive, y, "one_to_one", weight=100.0)  # every drive spike makes its neuron fire
        proj = net.connect(x, y, weight=snn.init.uniform(1.0, 3.0), delay=1.0,
                           plasticity=snn.DopamineSTDP(A_plus=0.5, Wmax=1e3, event_driven=event_driven))
        spikes = net.monitor(y)
        net.run(3000.0)
        return proj.weight.clone(), proj.state["c"].clone(), spikes.dense()
    w_step, c_step, s_step = run(False)
    w_lazy, c_lazy, s_lazy = run(True)
    assert torch.equal(s_step, s_lazy) and s_step.sum() >= 15 * batch_size  # ~1 Hz x 10 neurons x 3 s
    assert (w_step - run(False)[0]).abs().max() == 0  # deterministic
    assert torch.allclose(w_lazy, w_step, rtol=1e-11, atol=1e-12)
    assert torch.allclose(c_lazy, c_step, rtol=1e-11, atol=1e-12)
