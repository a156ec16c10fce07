"""snn.models.Zenke2015: structure, input, assemblies, a short learning run (the long runs and the control
that runs away are recorded results: examples/README.md)."""
import math

import pytest
import torch

import snn


@pytest.fixture(scope="module")
def model():
    return snn.models.Zenke2015(0.05, seed=2)


def test_structure_follows_the_scripts(model):
    assert (model.NE, model.NI, model.NX) == (205, 51, 14 * 14)  # inputs on a 14 x 14 grid (64 sqrt(0.05))
    assert model.ext.num_synapses == 205 * 196  # in-degree 205 (5 % of 4096) capped at NX
    assert model.ee.num_synapses == 205 * 204  # 410 capped at NE - 1 (no autapses)
    assert model.ie.num_synapses == 205 * 51
    assert model.ee.plasticity.rule == "OrchestratedPlasticity" and model.ee.plasticity.beta == 0.04
    assert model.ie.plasticity.rule == "VogelsSprekeler"
    assert model.ie.plasticity.alpha == pytest.approx(2 * 4.0 * 0.02)  # target 4 Hz
    assert model.ee.short_term.U == 0.2 and model.ei.short_term.tau_fac == 600.0 and model.ii.short_term is None
    assert model.patterns.shape == (4, 196) and model.patterns.sum(dim=1).tolist() == [20] * 4
    # w~ starts at w: the network starts consolidated
    assert torch.equal(model.ee.state["consolidated_weight"][0], model.ee.weight)


def test_receptive_fields_are_discs_of_the_grid():
    m = snn.models.Zenke2015(0.25, seed=1)  # a 32 x 32 grid, 205 inputs per E neuron
    pre, post = m.ext.indices()
    xy = m.grid[pre[post == 7]]
    centre = xy.mean(dim=0)  # (far from the wrap-around for most neurons; take the spread instead)
    spread = (xy - xy[0]).abs()
    spread = torch.minimum(spread, m.side - spread).max()
    assert len(xy) == 205 and spread <= 17  # a disc of radius about 8
    assert centre.shape == (2,)


def test_present_sets_the_input_and_checks_its_arguments(model):
    model.present(1, 0.5)
    rates = model.X.rate
    on = model.patterns[1].nonzero().flatten()
    assert (rates[on[:10]] == 30.0).all() and (rates[on[10:]] == 5.0).all()
    assert (rates[~model.patterns[1]] == 5.0).all()
    with pytest.raises(ValueError, match="pattern must be in"):
        model.present(4)
    with pytest.raises(ValueError, match="fraction"):
        model.present(0, 0.0)
    model.present(None)
    assert model.X.rate == 5.0  # one value for every input: a float
    with pytest.raises(ValueError, match="scale"):
        snn.models.Zenke2015(0.0)


def test_assemblies_are_the_neurons_with_most_inputs_from_the_pattern(model):
    A = model.assemblies()
    assert A.shape == (4, 20)
    pre, post = model.ext.indices()
    counts = torch.bincount(post[model.patterns[0][pre]], minlength=model.NE)
    assert counts[A[0]].min() >= counts.sort(descending=True).values[19]


def test_a_short_learning_run_stays_bounded_and_freezing_stops_learning():
    m = snn.models.Zenke2015(0.05, seed=3)
    h = m.train(6.0, on_ms=1000.0, off_ms=2000.0, progress=False)
    assert len(h["t"]) == 60 and len(h["shown"]) == 2
    assert all(math.isfinite(r) for r in h["rate_E"]) and max(h["rate_E"]) < 50.0 and sum(h["rate_E"]) > 0
    m.plastic(False)
    w = m.ee.weight.clone()
    m.run(500.0)
    assert torch.equal(w, m.ee.weight)
    r = m.responses(1.0, t_ms=200.0, settle_ms=100.0)
    assert r.shape == (4, m.NE) and m.ee.learning is False
