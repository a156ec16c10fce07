"""AIF2 (Auryn's AIF2Group, Zenke et al. 2015's neuron) step for step against a transcription of Auryn's
integration, and bad parameters."""
import math

import numpy as np
import pytest
import torch

import snn

P = dict(E_L=-70.0, E_ex=0.0, E_in=-80.0, V_th=-50.0, V_reset=-70.0, delta_thr=100.0, tau_thr=5.0, tau_m=20.0,
         tau_ampa=5.0, tau_nmda=100.0, tau_gaba=10.0, ampa_nmda_ratio=0.2, tau_a1=100.0, dg_a1=0.1, tau_a2=2000.0,
         dg_a2=0.05)


def auryn_reference(exc, inh, h, p):
    """Auryn's AIF2Group::evolve for one neuron, with the conductance input of each step (exc, inh >= 0)."""
    A_ampa, A_nmda = p["ampa_nmda_ratio"] / (p["ampa_nmda_ratio"] + 1), 1 / (p["ampa_nmda_ratio"] + 1)
    V, ga, gn, gg, a1, a2, th = p["E_L"], 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    trace, spikes = [], []
    for k in range(len(exc)):
        ga = (ga + exc[k]) * math.exp(-h / p["tau_ampa"])
        gg = (gg + inh[k]) * math.exp(-h / p["tau_gaba"])
        a1 *= math.exp(-h / p["tau_a1"])
        a2 *= math.exp(-h / p["tau_a2"])
        gn += h / p["tau_nmda"] * (ga - gn)
        th *= math.exp(-h / p["tau_thr"])
        t_exc = -(A_ampa * ga + A_nmda * gn) * (V - p["E_ex"])
        t_inh = (gg + a1 + a2) * (V - p["E_in"])
        V += h / p["tau_m"] * (t_exc - t_inh - (V - p["E_L"]))
        V = max(V, p["E_in"])
        if V > p["V_th"] + th:
            spikes.append(k)
            V, th, a1, a2 = p["V_reset"], p["delta_thr"], a1 + p["dg_a1"], a2 + p["dg_a2"]
        trace.append(V)
    return np.array(trace), spikes


def test_membrane_and_spikes_step_for_step_against_auryns_integration():
    h = 0.1
    net = snn.Network(dt=h, dtype=torch.float64, seed=7)
    exc = net.add(snn.PoissonInput(40, rate=60.0), name="exc")
    inh = net.add(snn.PoissonInput(10, rate=40.0), name="inh")
    n = net.add(snn.AIF2(1, **P), name="n")
    net.connect(exc, n, weight=0.12, delay=h)
    net.connect(inh, n, weight=-0.3, delay=h)
    se, si = net.monitor(exc, "spikes"), net.monitor(inh, "spikes")
    vm, sp = net.monitor(n, "V_m"), net.monitor(n, "spikes")
    steps = 20000
    net.run(steps * h)
    e = se.dense()[:, 0].numpy().sum(axis=1) * 0.12
    i = si.dense()[:, 0].numpy().sum(axis=1) * 0.3
    # A spike of step k arrives (delay one step) in step k + 1.
    e_in, i_in = np.concatenate([[0.0], e[:-1]]), np.concatenate([[0.0], i[:-1]])
    trace, spikes = auryn_reference(e_in, i_in, h, P)
    assert len(spikes) > 20  # it fires, adapts, and the threshold jumps are exercised
    np.testing.assert_allclose(vm.values()[:, 0, 0].numpy(), trace, rtol=0, atol=1e-12)
    assert sp.events().steps.tolist() == spikes


def test_adaptation_slows_firing():
    def rate(dg_a1):
        net = snn.Network(dt=0.1, seed=2)
        x = net.add(snn.PoissonInput(100, rate=50.0))
        n = net.add(snn.AIF2(20, dg_a1=dg_a1, dg_a2=0.0))
        net.connect(x, n, weight=0.1)
        s = net.monitor(n, "spikes")
        net.run(2000.0)
        return len(s.events().times) / 20 / 2.0
    assert rate(0.5) < 0.7 * rate(0.0)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="V_reset must be < V_th"):
        snn.AIF2(2, V_reset=-40.0)
    with pytest.raises(ValueError, match="E_in"):
        snn.AIF2(2, E_in=-60.0)
    with pytest.raises(ValueError, match="tau_m"):
        snn.AIF2(2, tau_m=[20.0, -1.0])
