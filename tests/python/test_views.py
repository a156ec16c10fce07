"""Connecting some neurons of a population (pop[...] views: ConnectSpec pre_neurons / post_neurons) and
replacing a spike generator's times after it joined a network."""
import pytest
import torch

import snn


def pairs(proj):
    pre, post = proj.indices()
    return sorted(zip(pre.tolist(), post.tolist()))


@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_all_to_all_between_views_places_weights_in_view_order(storage):
    net = snn.Network()
    a, b = net.add(snn.LIF(10)), net.add(snn.LIF(8))
    w = torch.arange(12.0).reshape(4, 3)
    proj = net.connect(a[2:6], b[[7, 1, 3]], weight=w, storage=storage)
    assert proj.num_synapses == 12
    dense = proj.dense_weight()
    assert torch.equal(dense[2:6][:, [7, 1, 3]], w)
    dense[2:6][:, [7, 1, 3]] = 0  # nothing outside the views
    assert dense.abs().sum() == 0


@pytest.mark.parametrize("rule,args", [("fixed_indegree", dict(indegree=3)), ("fixed_outdegree", dict(outdegree=2)),
                                       ("pairwise_bernoulli", dict(p=0.5)), ("fixed_total_number", dict(N=15)),
                                       ("all_to_all", {})])
def test_random_rules_stay_inside_the_views_and_agree_dense_and_sparse(rule, args):
    made = []
    for storage in ("dense", "sparse"):
        net = snn.Network(seed=4)
        a = net.add(snn.LIF(12))
        proj = net.connect(a[0:6], a[[3, 4, 5, 6, 7, 8, 9]], rule, autapses=False, multapses=False, storage=storage,
                           weight=snn.init.uniform(0.0, 1.0), **args)
        made.append((pairs(proj), proj.dense_weight()))
        for i, j in pairs(proj):
            assert 0 <= i < 6 and 3 <= j <= 9 and i != j
        if rule == "fixed_indegree":
            posts = [j for _, j in pairs(proj)]
            assert all(posts.count(j) == 3 for j in range(3, 10))
    assert made[0][0] == made[1][0]
    assert torch.equal(made[0][1], made[1][1])


def test_views_covering_everything_match_the_whole_population_bitwise():
    def build(view):
        net = snn.Network(seed=9)
        a, b = net.add(snn.LIF(20)), net.add(snn.LIF(30))
        pre, post = (a[0:20], b[0:30]) if view else (a, b)
        return net.connect(pre, post, "fixed_indegree", indegree=5, weight=snn.init.normal(1.0, 0.2),
                           delay=snn.init.uniform(0.5, 2.0))
    p, q = build(False), build(True)
    assert torch.equal(p.weight, q.weight) and torch.equal(p.delay, q.delay) and pairs(p) == pairs(q)


@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_one_to_one_with_repeated_indices_makes_explicit_pairs(storage):
    net = snn.Network()
    a, b = net.add(snn.LIF(4)), net.add(snn.LIF(4))
    proj = net.connect(a[[1, 1, 2]], b[[0, 3, 3]], "one_to_one", weight=torch.tensor([1.0, 2.0, 3.0]), storage=storage)
    assert pairs(proj) == [(1, 0), (1, 3), (2, 3)]
    assert proj.dense_weight()[1, 3] == 2.0 and proj.dense_weight()[2, 3] == 3.0


def test_one_to_one_without_autapses_skips_only_self_pairs():
    net = snn.Network()
    a = net.add(snn.LIF(5))
    proj = net.connect(a[[0, 1, 2]], a[[0, 2, 1]], "one_to_one", autapses=False)
    assert pairs(proj) == [(1, 2), (2, 1)]


def test_a_view_delivers_spikes_only_to_its_neurons():
    net = snn.Network()
    gen = net.add(snn.SpikeGeneratorInput(2, [[1.0], [2.0]]))
    target = net.add(snn.LIF(6, V_th=1e9))
    net.connect(gen[[1]], target[[4, 5]], weight=3.0)
    net.run(5.0)
    assert target.V_m[0].tolist()[:4] == [-70.0] * 4
    assert all(v > -70.0 for v in target.V_m[0].tolist()[4:])


def test_bad_views_are_refused_and_nothing_is_built():
    net = snn.Network()
    a, b = net.add(snn.LIF(5)), net.add(snn.LIF(5))
    with pytest.raises(ValueError, match="pre_neurons lists neuron 1 twice"):
        net.connect(a[[1, 1]], b[[0, 1]], "all_to_all")
    with pytest.raises(IndexError, match="neuron 7 is out of range"):
        a[[0, 7]]
    with pytest.raises(IndexError, match="mask"):
        a[torch.ones(3, dtype=torch.bool)]
    with pytest.raises(ValueError, match="one_to_one needs equal sizes"):
        net.connect(a[0:2], b[0:3], "one_to_one")
    with pytest.raises(ValueError, match="exceeds the 1 possible partners"):
        net.connect(a[0:2], a[0:2], "fixed_indegree", indegree=2, autapses=False, multapses=False)
    assert net.projections == []
    # Disjoint views of one population have no self pairs to exclude: all partners remain.
    net.connect(a[0:2], a[2:4], "fixed_indegree", indegree=2, autapses=False, multapses=False)


def test_spike_times_replaced_after_a_run():
    net = snn.Network(dt=0.1)
    gen = net.add(snn.SpikeGeneratorInput(2, [[1.0], [2.0]]))
    mon = net.monitor(gen)
    net.run(1.5)
    gen.spike_times = [[3.0, 4.0], [1.6]]
    with pytest.raises(ValueError, match="not after the network's current time 1.5 ms"):
        gen.set_spike_times([[1.0]], [0])
    with pytest.raises(ValueError, match="1.77 ms is not a multiple of dt"):
        gen.set_spike_times([[1.77]], [0])
    assert gen.spike_times == [[3.0, 4.0], [1.6]]  # unchanged by the failed calls
    gen.allow_offgrid_times = True  # NEST: an off-grid time is emitted at the end of its step
    gen.set_spike_times([[1.77, 3.0]], [0])
    net.run(5.0)
    times, senders = mon.events()
    assert times.tolist() == pytest.approx([1.0, 1.6, 1.8, 3.0])
    assert senders.tolist() == [0, 1, 0, 0]
