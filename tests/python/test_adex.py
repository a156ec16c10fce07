"""AdEx (NEST aeif_cond_exp): the adaptive RKF45 integration against a tight reference solution (scipy's
DOP853 at 1e-12), spike times, refractoriness, bad parameters."""
import math

import numpy as np
import pytest
import torch

import snn

scipy_integrate = pytest.importorskip("scipy.integrate")

P = dict(C_m=281.0, g_L=30.0, E_L=-70.6, V_th=-50.4, Delta_T=2.0, tau_w=144.0, a=4.0, b=80.5, V_peak=0.0, V_reset=-60.0,
         E_ex=0.0, E_in=-85.0, tau_syn_ex=0.2, tau_syn_in=2.0)


def rhs(I_e):
    def f(t, y):
        V = min(y[0], P["V_peak"])
        spike_current = P["g_L"] * P["Delta_T"] * math.exp((V - P["V_th"]) / P["Delta_T"])
        return [(-P["g_L"] * (V - P["E_L"]) + spike_current - y[2] * (V - P["E_ex"]) - y[3] * (V - P["E_in"]) - y[1] + I_e)
                / P["C_m"], (P["a"] * (V - P["E_L"]) - y[1]) / P["tau_w"], -y[2] / P["tau_syn_ex"], -y[3] / P["tau_syn_in"]]
    return f


def test_subthreshold_membrane_with_conductance_inputs_matches_a_tight_reference():
    h, inputs = 0.1, [(5.0, 20.0), (12.0, -30.0), (20.0, 50.0), (20.5, 30.0), (35.0, -80.0)]  # (time, weight nS)
    f, y, ref = rhs(300.0), [P["E_L"], 0.0, 0.0, 0.0], []
    for k in range(500):
        y = list(scipy_integrate.solve_ivp(f, (k * h, (k + 1) * h), y, method="DOP853", rtol=1e-12, atol=1e-12).y[:, -1])
        for t, w in inputs:  # NEST adds a spike's conductance at the end of the step it arrives in
            if abs(t - (k + 1) * h) < 1e-9:
                y[2 if w > 0 else 3] += abs(w)
        ref.append(y[0])
    net = snn.Network(dt=h, dtype=torch.float64)
    n = net.add(snn.AdEx(1, I_e=300.0))
    g = net.add(snn.SpikeGeneratorInput(len(inputs), [[t - h] for t, _ in inputs]))
    net.connect(g, n, weight=torch.tensor([[w] for _, w in inputs], dtype=torch.float64), delay=h)
    vm = net.monitor(n, "V_m")
    net.run(50.0)
    got = vm.values()[:, 0, 0].numpy()
    assert got.max() - got.min() > 5.0  # the inputs moved it
    assert np.abs(got - np.array(ref)).max() < 1e-6  # measured: 1.1e-8 mV with gsl_error_tol 1e-6


@pytest.mark.parametrize("I_e", [650.0, 800.0])
def test_spike_times_match_the_reference_to_the_step(I_e):
    # Reference spikes: where V crosses -30 mV (past it V reaches V_peak within microseconds; a crossing
    # of V_peak itself is too stiff for the reference integrator); then reset and w += b.
    f, y, t, ref = rhs(I_e), [P["E_L"], 0.0, 0.0, 0.0], 0.0, []
    event = lambda t, y: y[0] + 30.0  # noqa: E731
    event.terminal, event.direction = True, 1
    while t < 500.0:
        sol = scipy_integrate.solve_ivp(f, (t, 500.0), y, method="DOP853", rtol=1e-10, atol=1e-10, events=event)
        if sol.status != 1:
            break
        t, y = sol.t_events[0][0], list(sol.y_events[0][0])
        ref.append(t)
        y[0], y[1] = P["V_reset"], y[1] + P["b"]
    net = snn.Network(dt=0.1, dtype=torch.float64)
    n = net.add(snn.aeif_cond_exp(1, I_e=I_e))
    spikes = net.monitor(n, "spikes")
    net.run(500.0)
    got = spikes.events().times.numpy()
    assert len(ref) >= 3 and len(got) == len(ref)
    lag = got - np.array(ref)  # the step holding the crossing ends after it (measured: at most 0.106 ms)
    assert np.all(lag > 0) and np.all(lag < 0.2)


def test_refractory_period_clamps_the_membrane():
    net = snn.Network(dt=0.1, dtype=torch.float64)
    n = net.add(snn.AdEx(1, I_e=1500.0, t_ref=2.0))
    vm, spikes = net.monitor(n, "V_m"), net.monitor(n, "spikes")
    net.run(30.0)
    first = int(spikes.events().steps[0])
    v = vm.values()[:, 0, 0]
    assert torch.all(v[first:first + 21] == -60.0) and v[first + 21] > -60.0  # the spike's step and 20 more
    assert spikes.events().steps[1] > first + 20


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="V_reset must be < V_peak"):
        snn.AdEx(1, V_reset=5.0)
    with pytest.raises(ValueError, match="V_peak must be > V_th"):
        snn.AdEx(1, V_peak=-55.0)
    with pytest.raises(ValueError, match="gsl_error_tol"):
        snn.AdEx(1, gsl_error_tol=0.0)
    with pytest.raises(ValueError, match="C_m"):
        snn.AdEx(2, C_m=[281.0, -1.0])
