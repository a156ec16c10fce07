"""Learning rules against published numbers, closed forms and learning tasks.

Spike placement on the grid (h = 0.1 ms unless stated): a spike_generator spike at t is emitted in
the step ending at t; through a connection of delay d it reaches its target in the step ending at
t + d, where a parrot re-emits it stamped t + d and an iaf_psc_delta neuron kicked by 9999 mV fires
stamped t + d. A plastic synapse sees its pre spike when the pre neuron fires and its post spike
after the dendritic delay (the connection's delay), exactly as NEST's stdp_dopamine_synapse.
"""
import math

import pytest
import torch

import snn
from conftest import load_example

# ---- DopamineSTDP: the NESTML tutorial, experiment A --------------------------------------------

# The setup lives in the example that reproduces the tutorial (examples/nestml_dopamine/experiments.py).
_tutorial = load_example("nestml_dopamine/experiments.py")
NEST_EXPERIMENT_A, experiment_a = _tutorial.NEST_EXPERIMENT_A, _tutorial.experiment_a


@pytest.mark.parametrize("A_vt", [1.0, -1.0])
def test_nestml_tutorial_experiment_a(A_vt):
    for t_vt, nest in zip(_tutorial.EXPERIMENT_A_TIMES, NEST_EXPERIMENT_A):
        expected = nest if A_vt > 0 else 2.0 - nest
        w = experiment_a(t_vt, A_vt)
        assert abs(w - expected) < 2e-3, (t_vt, w, expected)
        # With spikes on NEST's grid the agreement is at the precision NEST's numbers are printed in.
        assert abs(w - expected) < 1e-9, (t_vt, w, expected)


# ---- DopamineSTDP: NESTML's comparison case against an event-driven closed form ------------------

def event_driven_dopamine(pre, post_seen, dopa, t_end, A_plus=1.0, A_minus=1.5, tau_plus=20.0, tau_minus=20.0,
                          tau_c=1000.0, tau_n=200.0, w0=1.0, w_min=0.0, w_max=200.0):
    """Independent reference: NEST's algorithm, event by event in closed form (no time steps)."""
    events = sorted([(t, 0) for t in dopa] + [(t, 1) for t in post_seen] + [(t, 2) for t in pre])
    tau_s = 1.0 / tau_c + 1.0 / tau_n
    st = dict(w=w0, c=0.0, n=0.0, t=0.0)
    k_plus, t_plus, k_minus, t_minus = 0.0, 0.0, 0.0, 0.0

    def advance(t1):
        D = t1 - st["t"]
        st["w"] = min(max(st["w"] + st["c"] * st["n"] / tau_s * (1 - math.exp(-tau_s * D)), w_min), w_max)
        st["c"] *= math.exp(-D / tau_c)
        st["n"] *= math.exp(-D / tau_n)
        st["t"] = t1

    for t, kind in events:
        advance(t)
        if kind == 0:  # dopamine spike
            st["n"] += 1.0 / tau_n
        elif kind == 1:  # post spike seen by the synapse: LTP with K+ of strictly earlier pre spikes
            st["c"] += A_plus * k_plus * math.exp(-(t - t_plus) / tau_plus)
            k_minus = k_minus * math.exp(-(t - t_minus) / tau_minus) + 1.0
            t_minus = t
        else:  # pre spike: LTD with K- of strictly earlier seen post spikes
            km = k_minus * math.exp(-(t - t_minus) / tau_minus) - (1.0 if t_minus == t else 0.0)
            st["c"] -= A_minus * km
            k_plus = k_plus * math.exp(-(t - t_plus) / tau_plus) + 1.0
            t_plus = t
    advance(t_end)
    return st["w"], st["c"], st["n"]


def test_nestml_comparison_case():
    """Pre 1, 11, 21 ms; post 6, 16, 26 ms; dopamine 14, 23 ms; h = 0.1; delay 1 (NESTML's test)."""
    net = snn.Network(dt=0.1, dtype=torch.float64)
    g = net.add(snn.SpikeGeneratorInput(1, [[1.0, 11.0, 21.0]]))
    pre = net.add(snn.Parrot(1))
    net.connect(g, pre, delay=1.0)
    pg = net.add(snn.SpikeGeneratorInput(1, [[6.0, 16.0, 26.0]]))
    post = net.add(snn.LIF(1))
    net.connect(pg, post, weight=9999.0, delay=1.0)
    dg = net.add(snn.SpikeGeneratorInput(1, [[14.0, 23.0]]))
    da = net.add(snn.Parrot(1))
    net.connect(dg, da, delay=1.0)
    net.neuromodulator("dopamine", da, delay=1.0)
    syn = net.connect(pre, post, weight=1.0, delay=1.0, plasticity=snn.DopamineSTDP())
    net.run(31.0)
    # As seen by the synapse: pre 2, 12, 22; post 7 + 1, 17 + 1, 27 + 1; dopamine 15 + 1, 24 + 1.
    w, c, n = event_driven_dopamine([2.0, 12.0, 22.0], [8.0, 18.0, 28.0], [16.0, 25.0], 31.0)
    assert abs(syn.weight.item() - w) < 1e-6
    assert abs(syn.state["c"].item() - c) < 1e-6 and abs(syn.state["n"].item() - n) < 1e-6
    # NEST 3.10's numbers for the same case (models.md).
    assert syn.weight.item() == pytest.approx(0.9592841695, abs=1e-9)
    assert syn.state["c"].item() == pytest.approx(0.1967672132, abs=1e-9)
    assert syn.state["n"].item() == pytest.approx(0.0094909451, abs=1e-9)


def test_dopamine_parameters_change_between_runs_and_baseline():
    """A_vt flipped between chunks (as the NESTML tutorial does); b > 0 depresses eligible synapses."""
    net = snn.Network(dt=0.1, dtype=torch.float64)
    g = net.add(snn.SpikeGeneratorInput(1, [[1.0]]))
    pre = net.add(snn.Parrot(1))
    net.connect(g, pre)
    pg = net.add(snn.SpikeGeneratorInput(1, [[3.0]]))
    post = net.add(snn.LIF(1))
    net.connect(pg, post, weight=9999.0)
    da = net.add(snn.SpikeGeneratorInput(1, [[10.0, 510.0]]))
    net.neuromodulator("dopamine", da)
    syn = net.connect(pre, post, delay=0.5, plasticity=snn.DopamineSTDP(A_vt=1.0))
    net.run(500.0)
    up = syn.weight.item()
    assert up > 1.0
    syn.plasticity.A_vt = -1.0
    net.run(500.0)
    assert syn.weight.item() < up
    with pytest.raises(ValueError, match="tau_c must be > 0 ms, got -1"):
        syn.plasticity.tau_c = -1.0
    assert syn.plasticity.tau_c == 1000.0


# ---- pair STDP ----------------------------------------------------------------------------------

def pair_protocol(delta_t, rule, pairs=1, period=200.0, w0=0.5):
    """One pre and one post spike delta_t = t_post - t_pre apart (repeated `pairs` times, `period` ms
    apart). The pre neuron is a parrot; the post neuron an iaf_psc_delta kicked by a generator (the
    weak plastic synapse cannot make it fire)."""
    net = snn.Network(dt=0.1, dtype=torch.float64)
    t0 = 60.0
    pre_t = [round(t0 + k * period, 1) for k in range(pairs)]
    # Generator spikes reach the parrot and the kicked neuron one step (0.1 ms) later.
    gen_t = [round(t - 0.1, 1) for t in pre_t]
    kick_t = [round(t + delta_t - 0.1, 1) for t in pre_t]
    gp = net.add(snn.SpikeGeneratorInput(1, [gen_t]))
    go = net.add(snn.SpikeGeneratorInput(1, [kick_t]))
    pre = net.add(snn.Parrot(1))
    post = net.add(snn.LIF(1, t_ref=0.1))
    net.connect(gp, pre)
    net.connect(go, post, weight=1e4)
    syn = net.connect(pre, post, weight=w0, delay=0.1, plasticity=rule)
    post_spikes = net.monitor(post)
    net.run(round(t0 + pairs * period + 100.0, 1))
    assert len(post_spikes.events()) == pairs
    return syn.weight.item() - w0


def test_pair_stdp_window_matches_exponential():
    nu_pre, nu_post, tau_pre, tau_post = 0.01, 0.02, 20.0, 30.0
    rule = dict(nu_pre=nu_pre, nu_post=nu_post, tau_pre=tau_pre, tau_post=tau_post)
    for dt in [-50.0, -31.5, -20.0, -5.0, -0.1, 0.0, 0.1, 5.0, 20.0, 33.3, 50.0]:
        dw = pair_protocol(dt, snn.STDP(**rule))
        if dt > 0:
            expected = nu_post * math.exp(-dt / tau_pre)
        elif dt < 0:
            expected = -nu_pre * math.exp(dt / tau_post)
        else:
            expected = nu_post - nu_pre  # both traces hold this step's spikes (BindsNET's order)
        assert dw == pytest.approx(expected, rel=1e-9, abs=1e-15), dt


def test_pair_stdp_multiplicative_bounds_and_nearest_pairing():
    # Weight dependence: LTP scaled by (w_max - w), LTD by (w - w_min).
    dw = pair_protocol(10.0, snn.STDP(nu_post=0.1, w_min=0.0, w_max=1.0, weight_dependence="multiplicative"), w0=0.8)
    assert dw == pytest.approx(0.1 * math.exp(-0.5) * 0.2, rel=1e-9)
    dw = pair_protocol(-10.0, snn.STDP(nu_pre=0.1, w_min=0.0, w_max=1.0, weight_dependence="multiplicative"), w0=0.8)
    assert dw == pytest.approx(-0.1 * math.exp(-0.5) * 0.8, rel=1e-9)
    # Clipping: many potentiating pairs saturate at w_max.
    assert pair_protocol(5.0, snn.STDP(nu_post=0.2, w_max=0.9), pairs=10, period=100.0) == pytest.approx(0.4)
    # Nearest-neighbour: two pre spikes before one post count once (the trace is reset to 1).
    def two_pre_one_post(pairing):
        net = snn.Network(dt=0.1, dtype=torch.float64)
        gp = net.add(snn.SpikeGeneratorInput(1, [[9.9, 14.9]]))  # the parrot fires at 10 and 15
        go = net.add(snn.SpikeGeneratorInput(1, [[19.9]]))  # the post neuron fires at 20
        pre, post = net.add(snn.Parrot(1)), net.add(snn.LIF(1))
        net.connect(gp, pre)
        net.connect(go, post, weight=1e4)
        syn = net.connect(pre, post, weight=0.0, delay=0.1, plasticity=snn.STDP(nu_pre=0.0, nu_post=1.0, pairing=pairing))
        net.run(40.0)
        return syn.weight.item()
    assert two_pre_one_post("all_to_all") == pytest.approx(math.exp(-10 / 20) + math.exp(-5 / 20))
    assert two_pre_one_post("nearest") == pytest.approx(math.exp(-5 / 20))


def test_diehl_cook_variant():
    """Pre at 10, post at 15 (one pair): w += nu_post x_pre(15) x post2 before the spike (0: no
    earlier post spike) -> no change; a second post at 25 sees post2 = exp(-10/40) and
    x_pre = exp(-15/20); a pre at 30 depresses by nu_pre post1(30) = nu_pre exp(-5/20)."""
    net = snn.Network(dt=0.1, dtype=torch.float64)
    gp = net.add(snn.SpikeGeneratorInput(1, [[9.9, 29.9]]))  # pre fires at 10 and 30
    go = net.add(snn.SpikeGeneratorInput(1, [[14.9, 24.9]]))  # post fires at 15 and 25
    pre, post = net.add(snn.Parrot(1)), net.add(snn.LIF(1))
    net.connect(gp, pre)
    net.connect(go, post, weight=1e4)
    syn = net.connect(pre, post, weight=0.5, delay=0.1,
                      plasticity=snn.STDP(nu_pre=1e-2, nu_post=0.1, w_min=0.0, w_max=1.0, variant="diehl_cook"))
    net.run(50.0)
    expected = 0.5 + 0.1 * math.exp(-15 / 20) * math.exp(-10 / 40) - 1e-2 * math.exp(-5 / 20)
    assert syn.weight.item() == pytest.approx(expected, rel=1e-9)


# ---- triplet STDP -------------------------------------------------------------------------------

@pytest.mark.parametrize("delta_t", [10.0, -10.0])
def test_triplet_frequency_dependence(delta_t):
    """Pfister & Gerstner's frequency protocol (Sjostrom et al. 2001): 60 pairings at rho Hz. The
    minimal model gives depression for post-before-pre pairs at low rates and potentiation for both
    orders at high rates."""
    low = pair_protocol(delta_t, snn.TripletSTDP(), pairs=60, period=1000.0)  # 1 Hz
    high = pair_protocol(delta_t, snn.TripletSTDP(), pairs=60, period=20.0)  # 50 Hz
    assert high > 0 and high > low + 0.1
    if delta_t < 0:
        # Only the pair term acts at 1 Hz: 60 x A2_minus exp(-10 / tau_minus).
        assert low == pytest.approx(-60 * 7.1e-3 * math.exp(-10 / 33.7), rel=1e-6)
    else:
        assert abs(low) < 1e-3


# ---- reward-modulated STDP (MSTDP, MSTDPET) -----------------------------------------------------

def reward_task(rule, seed, rewarded=True, trials=30):
    """Reward 1 when the target neuron fires while input pattern A (inputs 0-9 at 50 Hz) is shown;
    nothing for pattern B (inputs 10-19). Returns the target's mean spike count per 100 ms
    presentation of A and of B, before and after training (learning off), and the weights."""
    net = snn.Network(dt=1.0, seed=seed)
    x = net.add(snn.PoissonInput(20), name="x")
    y = net.add(snn.LIF(1), name="y")
    syn = net.connect(x, y, weight=2.5, plasticity=rule)
    A = torch.zeros(20, device=net.device)
    A[:10] = 50.0
    B = torch.zeros(20, device=net.device)
    B[10:] = 50.0

    def response(rates, shows=20):
        net.eval()
        spikes = net.monitor(y)
        for _ in range(shows):
            net.run(100.0, inputs={"x": rates})
            net.reset_state()
        net.train()
        return spikes.num_events / shows

    before = (response(A), response(B))
    w0 = syn.weight.clone()
    for trial in range(trials):
        pattern_a = trial % 2 == 0
        for _ in range(100):
            net.step(inputs={"x": A if pattern_a else B})
            fired = y.spikes.item() > 0
            net.set_signal("reward", 1.0 if (rewarded and pattern_a and fired) else 0.0)
        net.set_signal("reward", 0.0)
        net.reset_state()
    after = (response(A), response(B))
    return before, after, w0, syn.weight.clone()


@pytest.mark.parametrize("rule", [snn.MSTDP(nu=0.05, w_min=0.0, w_max=10.0), snn.MSTDPET(nu=1.0, w_min=0.0, w_max=10.0)],
                         ids=["MSTDP", "MSTDPET"])
def test_reward_modulated_stdp_learns_the_rewarded_pattern(rule):
    for seed in range(5):
        (a0, b0), (a1, b1), w0, w1 = reward_task(rule, seed)
        assert a1 > 2.0 * a0 + 1.0, f"seed {seed}: response to A {a0} -> {a1}"
        assert torch.equal(w1[10:], w0[10:]), f"seed {seed}: B's synapses changed"
        assert b1 < a1 / 2, f"seed {seed}: response to B {b0} -> {b1}, A {a1}"
        assert (w1[:10] > w0[:10]).all()


@pytest.mark.parametrize("rule", [snn.MSTDP(nu=0.05), snn.MSTDPET(nu=1.0)], ids=["MSTDP", "MSTDPET"])
def test_reward_modulated_stdp_without_reward_changes_nothing(rule):
    _, _, w0, w1 = reward_task(rule, 0, rewarded=False)
    assert torch.equal(w0, w1)


# ---- Izhikevich DA-STDP -------------------------------------------------------------------------

def test_izhikevich_dastdp_applies_eligibility_every_10_ms():
    """The pre parrot fires at 11 ms and its spike arrives at the synapse 1 ms later (12 ms); the post
    neuron fires at 15 ms: sd = x_pre(15) = 0.1 x 0.95^3. Dopamine 0.5 in the step ending at 20 ms.
    Applications at 20, 30, 40 ms: w += (0.002 + DA) sd, then sd *= 0.99."""
    net = snn.Network(dt=1.0, dtype=torch.float64)
    gp = net.add(snn.SpikeGeneratorInput(1, [[10.0]]))
    go = net.add(snn.SpikeGeneratorInput(1, [[14.0]]))
    pre, post = net.add(snn.Parrot(1)), net.add(snn.LIF(1, t_ref=1.0))
    net.connect(gp, pre, delay=1.0)
    net.connect(go, post, weight=1e4, delay=1.0)
    syn = net.connect(pre, post, weight=1.0, delay=1.0, plasticity=snn.IzhikevichDASTDP())
    net.run(19.0)
    net.set_signal("dopamine", 0.5)  # counted in the step ending at 20 ms
    net.run(21.0)
    sd = 0.1 * 0.95 ** 3
    w = 1.0
    da = 0.0
    for t in range(16, 41):
        da = da * 0.995 + (0.5 if t == 20 else 0.0)
        if t % 10 == 0:
            w = min(max(w + (0.002 + da) * sd, 0.0), 4.0)
            sd *= 0.99
    assert syn.weight.item() == pytest.approx(w, rel=1e-12)
    assert syn.state["sd"].item() == pytest.approx(sd, rel=1e-12)


@pytest.mark.parametrize("pre_at, post_at, expected", [
    (11.0, 15.0, 0.1 * 0.95 ** 3),   # arrives 12, post 15: LTP 0.95^(15 - 12)
    (11.0, 12.0, 0.1),               # arrives in the post's own step: LTP in full
    (11.0, 11.0, -0.15),             # post one step before the arrival: LTD, no decay
    (11.0, 9.0, -0.15 * 0.95 ** 2),  # post three steps before the arrival
])
def test_izhikevich_dastdp_pairing_matches_daspnet(pre_at, post_at, expected):
    """daspnet.m's pairing for a pre spike arriving at step a and a post spike at step m (1 ms steps):
    m >= a: sd += 0.1 x 0.95^(m - a); m < a: sd -= 1.5 x 0.1 x 0.95^(a - 1 - m). Read off its trace
    matrix: LTP reads the pre trace delta columns back (delay index delta), LTD reads the current
    column at delivery, which in its labels precedes the step that integrates the current."""
    net = snn.Network(dt=1.0, dtype=torch.float64)
    gp = net.add(snn.SpikeGeneratorInput(1, [[pre_at - 1.0]]))
    go = net.add(snn.SpikeGeneratorInput(1, [[post_at - 1.0]]))
    pre, post = net.add(snn.Parrot(1)), net.add(snn.LIF(1, t_ref=1.0))
    net.connect(gp, pre, delay=1.0)
    net.connect(go, post, weight=1e4, delay=1.0)
    syn = net.connect(pre, post, weight=0.0, delay=1.0, plasticity=snn.IzhikevichDASTDP(interval=1000.0))
    net.run(19.0)
    assert syn.state["sd"].item() == pytest.approx(expected, rel=1e-12)


def _izhikevich_delay_network(delays, storage, seed=3, event_driven=True):
    """Pre parrots and post LIF neurons forced to fire at random steps; a plastic pre -> post projection
    with the given delays [ms] (a number or an [n_pre, n_post] tensor). Returns the network's sd [n_pre,
    n_post], the pre and post spike counts [T, n] and the delays in steps."""
    n_pre, n_post, T = 6, 5, 80
    g = torch.Generator().manual_seed(seed)
    times = lambda n: [[float(t + 1) for t in sorted(torch.randperm(T - 10, generator=g)[:12].tolist())] for _ in range(n)]
    net = snn.Network(dt=1.0, dtype=torch.float64)
    gp, go = net.add(snn.SpikeGeneratorInput(n_pre, times(n_pre))), net.add(snn.SpikeGeneratorInput(n_post, times(n_post)))
    pre, post = net.add(snn.Parrot(n_pre)), net.add(snn.LIF(n_post, t_ref=1.0))
    net.connect(gp, pre, "one_to_one", delay=1.0)
    net.connect(go, post, "one_to_one", weight=1e4, delay=1.0)
    syn = net.connect(pre, post, "all_to_all", weight=0.0, delay=delays, storage=storage,
                      plasticity=snn.IzhikevichDASTDP(interval=1000.0, event_driven=event_driven is True))  # sd only
    sp, so = net.monitor(pre), net.monitor(post)
    if event_driven == "switch":  # every synapse every step for the first half, event-driven after it
        net.run(T / 2)
        syn.plasticity.event_driven = 1.0
        net.run(T / 2)
    else:
        net.run(float(T))
    sd = syn.state["sd"].reshape(-1)
    if storage == "sparse":  # all_to_all in CSR: row-major, the same order as dense
        sd = sd.reshape(n_pre, n_post)
    return sd.reshape(n_pre, n_post).cpu(), sp.dense()[:, 0].double().cpu(), so.dense()[:, 0].double().cpu()


@pytest.mark.parametrize("storage", ["dense", "sparse"])
@pytest.mark.parametrize("event_driven", [True, False, "switch"])
def test_izhikevich_dastdp_per_synapse_delays(storage, event_driven):
    """Per-synapse delays (1-6 ms): each synapse pairs the pre spikes as they arrive at it, checked against
    an independent per-synapse simulation of daspnet.m's pairing (trace of arrivals set to 0.1 and x 0.95
    per ms; LTP at post spikes, LTD 1.5 x the previous step's post trace at arrivals). Equal per-synapse
    delays give bitwise the one-delay result. Event-driven: only the synapses with an arrival (by-delay
    index) or a post spike are visited; otherwise every synapse every step ("switch": the first half
    one way, the second the other, with spikes in flight across the switch)."""
    n_pre, n_post = 6, 5
    d = torch.randint(1, 7, (n_pre, n_post), generator=torch.Generator().manual_seed(9)).double()
    sd, pre, post = _izhikevich_delay_network(d, storage, event_driven=event_driven)
    T = pre.shape[0]
    expected = torch.zeros(n_pre, n_post, dtype=torch.float64)
    for i in range(n_pre):
        for j in range(n_post):
            k = int(d[i, j])
            arrive = torch.zeros(T, dtype=torch.float64)
            arrive[k:] = pre[:T - k, i]
            x = y = e = 0.0
            for t in range(T):
                x = 0.1 if arrive[t] else x * 0.95
                if post[t, j]:
                    e += x
                if arrive[t]:
                    e -= 1.5 * y
                y = 0.1 if post[t, j] else y * 0.95
            expected[i, j] = e
    assert (pre.sum() > 20) and (post.sum() > 20) and expected.abs().min() > 0
    assert torch.allclose(sd, expected, rtol=1e-12, atol=1e-15)
    one, _, _ = _izhikevich_delay_network(3.0, storage, event_driven=event_driven)
    same, _, _ = _izhikevich_delay_network(torch.full((n_pre, n_post), 3.0, dtype=torch.float64), storage,
                                           event_driven=event_driven)
    assert torch.equal(one, same)


# ---- normalisation, monitors, learning switch, errors -------------------------------------------

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("storage", ["dense", "sparse"])
@pytest.mark.parametrize("threads", [1, 2])
def test_normalize_gives_the_bits_of_torch(dtype, storage, threads):
    # Dense: torch's column sum (which snn computes in column blocks, off ATen's threads); sparse: the
    # synapses added in order. Shapes with and without a tail of a 128-byte column block.
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        for shape in [(784, 400), (100, 37), (33, 1000), (1000, 31), (300, 129), (5, 3)]:
            w = torch.rand(shape, dtype=dtype, generator=torch.Generator().manual_seed(1)) * 0.3
            w[:, 1] = 0  # a target without input keeps its weights
            net = snn.Network(dt=1.0, seed=1, dtype=dtype)
            syn = net.connect(net.add(snn.PoissonInput(shape[0])), net.add(snn.LIF(shape[1])), weight=w, storage=storage)
            syn.normalize(7.8)
            if storage == "dense":
                sums = w.sum(0, keepdim=True)
            else:
                sums = torch.zeros(shape[1], dtype=dtype).index_add_(0, torch.arange(shape[1]).repeat(shape[0]), w.flatten())
            expected = w * torch.where(sums != 0, torch.full_like(sums, 7.8) / sums, torch.ones_like(sums))
            assert torch.equal(syn.weight.reshape(shape), expected), shape
    finally:
        torch.set_num_threads(previous)


def test_normalization_before_each_run_and_weight_monitor():
    net = snn.Network(dt=1.0, seed=1)
    x = net.add(snn.PoissonInput(50, rate=30.0))
    y = net.add(snn.LIF(4))
    syn = net.connect(x, y, weight=snn.init.uniform(0.0, 0.3), normalize=7.8,
                      plasticity=snn.STDP(nu_pre=1e-3, nu_post=1e-2, w_min=0.0, w_max=1.0))
    wm = net.monitor(syn, "weight", synapses=[(0, 0), (3, 2)], interval=5.0)
    net.run(1.0)
    # normalised at the start of the run, then one step of learning
    assert torch.allclose(syn.weight.sum(0).cpu(), torch.full((4,), 7.8), atol=0.05)
    net.run(99.0)
    syn.normalize(7.8)
    assert torch.allclose(syn.weight.sum(0).cpu(), torch.full((4,), 7.8), atol=1e-5)
    values = wm.values()
    assert isinstance(wm, snn.WeightMonitor)
    assert values.shape == (20, 1, 2) and torch.allclose(wm.times()[:2].cpu(), torch.tensor([5.0, 10.0], dtype=torch.float64))
    xm = net.monitor(syn, "x_pre", neurons=[0, 1])
    net.run(3.0)
    assert xm.values().shape == (3, 1, 2)


def test_learning_switch_per_projection_and_network():
    net = snn.Network(dt=1.0, seed=2)
    x = net.add(snn.PoissonInput(30, rate=100.0))
    y = net.add(snn.LIF(5, I_e=400.0))
    syn = net.connect(x, y, weight=1.0, plasticity=snn.STDP(nu_pre=1e-3, nu_post=1e-3))
    w0 = syn.weight.clone()
    syn.learning = False
    net.run(100.0)
    assert torch.equal(syn.weight, w0)
    net.train()
    assert syn.learning
    net.run(100.0)
    assert not torch.equal(syn.weight, w0)
    net.eval()
    w1 = syn.weight.clone()
    net.run(100.0)
    assert torch.equal(syn.weight, w1)


def test_plasticity_errors_leave_the_network_unchanged():
    net = snn.Network(dt=0.1, batch_size=2)
    a = net.add(snn.LIF(3), name="a")
    b = net.add(snn.LIF(3), name="b")
    # A rule's own parameters are checked when it is made ...
    made = [
        (lambda: snn.STDP(tau_pre=0.0), "tau_pre must be > 0 ms, got 0"),
        (lambda: snn.STDP(w_min=1.0, w_max=0.5), "w_min must be <= w_max"),
        (lambda: snn.STDP(weight_dependence="multiplicative"), "multiplicative form needs finite"),
        (lambda: snn.DopamineSTDP(Wmin=5.0, Wmax=1.0), "Wmin must be <= Wmax"),
        (lambda: snn.DopamineSTDP(tau_n=-2.0), "tau_n must be > 0 ms, got -2"),
        (lambda: snn.STDP(taup=1.0), "no parameter 'taup'"),
        (lambda: snn.STDP(signal="dopamine"), "STDP reads no neuromodulator; got signal .dopamine."),
    ]
    for make, match in made:
        with pytest.raises((ValueError, TypeError), match=match):
            make()
    # ... and what depends on the projection when it is connected.
    cases = [
        (dict(plasticity=snn.DopamineSTDP(), delay=snn.init.uniform(0.1, 1.0)), "per-synapse delays"),
        (dict(plasticity=snn.IzhikevichDASTDP(interval=0.25)), "interval 0.25 ms is not a multiple of dt"),
    ]
    for kwargs, match in cases:
        with pytest.raises(ValueError, match=match):
            net.connect(a, b, **kwargs)
    assert net.projections == [] and net.signals == []
    with pytest.raises(ValueError, match="weight_dependence must be one of additive, multiplicative"):
        snn.STDP(weight_dependence="soft")
    with pytest.raises(TypeError, match="plasticity must be a rule"):
        net.connect(a, b, plasticity="STDP")
    # Sources take no synaptic input.
    x = net.add(snn.PoissonInput(3), name="x")
    with pytest.raises(ValueError, match="spike source and takes no synaptic input"):
        net.connect(a, x)
    # Signals.
    net.connect(a, b, plasticity=snn.MSTDP())
    assert net.signals == ["reward"]
    with pytest.raises(ValueError, match="no signal named 'dopa'; signals: reward"):
        net.set_signal("dopa", 1.0)
    with pytest.raises(ValueError, match=r"value has shape \[3\]; expected a scalar or \[2\]"):
        net.set_signal("reward", torch.ones(3))
    with pytest.raises(ValueError, match="level.*spikes cannot feed it"):
        net.neuromodulator("reward", a)
    with pytest.raises(ValueError, match="reads 'reward' as events"):
        net.connect(a, b, plasticity=snn.DopamineSTDP(signal="reward"))
    other = snn.Network(dt=0.1, batch_size=2)
    z = other.add(snn.LIF(3))
    with pytest.raises(ValueError, match="neuromodulator source.*belongs to another network"):
        net.neuromodulator("dopamine", z)
    with pytest.raises(ValueError, match="delay must be a multiple of dt"):
        net.neuromodulator("dopamine", a, delay=0.05)
    assert net.signals == ["reward"]
    net.set_signal("reward", torch.tensor([1.0, -1.0]))
    net.step()
    assert torch.equal(net.signal("reward").cpu(), torch.tensor([1.0, -1.0]))
