"""CPU vs CUDA parity for every model of the registry (shared and per-neuron parameters) and every rule,
through the Python API (skipped with the reason when this build or machine has no CUDA)."""
import pytest
import torch

import snn
from conftest import cuda_skip_reason

reason = cuda_skip_reason()


def every_model_network(device):
    """A network with every model of the registry; returns it, its spike monitors, the models' populations
    and a run input for 100 ms."""
    net = snn.Network(dt=0.1, batch_size=2, device=device, dtype=torch.float64, seed=8)
    ramp = torch.linspace(0.0, 1.0, 80, dtype=torch.float64)
    x = net.add(snn.PoissonInput(200, rate=40.0))
    g = net.add(snn.SpikeGeneratorInput(2, [[1.0, 2.0], [3.0]]))
    p = net.add(snn.Parrot(2))
    s = net.add(snn.SpikeInput(4))
    r = net.add(snn.PoissonInput(80, rate=10.0 + 200.0 * ramp))
    pops = [net.add(m) for m in (snn.LIF(80, tau_m=5.0 + 20.0 * ramp), snn.LIFExp(80), snn.LIFAlpha(80, I_e=300.0 * ramp),
                                 snn.AdaptiveLIF(80, one_spike=True), snn.Izhikevich(80, a=0.02 + 0.08 * ramp),
                                 snn.ConductanceLIF(80, V_th=-58.0 + 6.0 * ramp), snn.ConductanceLIF(80, t_lock=8.0),
                                 snn.PoissonDblExp(80, I_e=12.0 * ramp, target_adaptation_speed=0.1),
                                 snn.AIF2(80, dg_a1=0.2 * ramp), snn.AdEx(80, I_e=700.0 * ramp, t_ref=1.0))]
    net.connect(g, p, "one_to_one")
    net.connect(s, pops[0], weight=3.0)
    for pop, w in zip(pops, (3.0, 200.0, 200.0, 6.0, 30.0, 0.3, 0.3, 1.0, 0.3, 5.0)):
        net.connect(x, pop, "fixed_indegree", indegree=30, multapses=False,
                    weight=snn.init.normal(w, w), delay=snn.init.uniform(0.1, 2.0))
    sources = [x, p, s, r]
    assert {pop.model for pop in pops + sources + [g]} == {name for name, _, _ in snn._snn.model_registry()}
    mons = [net.monitor(pop) for pop in sources + pops]
    spikes_in = (torch.rand(1000, 2, 4, generator=torch.Generator().manual_seed(1)) < 0.05).to(torch.float64)
    return net, mons, pops, {s: spikes_in.to(device)}


def run_every_model(device):
    net, mons, pops, inputs = every_model_network(device)
    net.run(100.0, inputs=inputs)
    return [m.dense().cpu() for m in mons], [pop.V_m.cpu() for pop in pops]


def test_the_parity_network_makes_every_model_spike():
    """(On the CPU, so it runs everywhere.) Spike parity means little for a population that never fires."""
    spikes, _ = run_every_model("cpu")
    assert all(s.sum() > 0 for s in spikes), [int(s.sum()) for s in spikes]


@pytest.mark.skipif(reason is not None, reason=reason or "")
def test_every_model_matches_the_cpu():
    cpu_spikes, cpu_v = run_every_model("cpu")
    gpu_spikes, gpu_v = run_every_model("cuda")
    for a, b in zip(cpu_spikes, gpu_spikes):
        assert torch.equal(a, b)
    for a, b in zip(cpu_v, gpu_v):
        assert torch.allclose(a, b, rtol=1e-9, atol=1e-9)


def _build_dir():
    import os
    return os.environ.get("SNN_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))


@pytest.mark.skipif(not __import__("os").path.exists("/usr/local/cuda/bin/nvcc"), reason="nvcc not installed")
def test_cuda_kernels_were_compiled_and_link():
    """With nvcc present, every cuda/*.cu is compiled into libsnn_cuda.so: it loads (with the CUDA
    runtime it links) and its host entry point answers (0 devices on a machine without a GPU)."""
    import ctypes
    import glob
    import os
    libs = glob.glob(os.path.join(_build_dir(), "libsnn_cuda.so*"))
    assert libs, "libsnn_cuda.so was not built although nvcc is installed"
    lib = ctypes.CDLL(libs[0])
    count = getattr(lib, "_ZN3snn4cuda12device_countEv")  # snn::cuda::device_count()
    count.restype = ctypes.c_int
    devices = count()
    assert devices >= 0
    if torch.cuda.is_available():
        assert devices == torch.cuda.device_count()


def every_rule_network(device):
    """Every learning rule on a small driven network; returns it, its projections and a V_m monitor."""
    net = snn.Network(dt=1.0, batch_size=2, device=device, dtype=torch.float64, seed=4)
    x = net.add(snn.PoissonInput(40, rate=30.0))
    y = net.add(snn.LIF(20, I_e=350.0))
    da = net.add(snn.PoissonInput(1, rate=5.0))
    net.neuromodulator("dopamine", da)
    rules = [snn.STDP(nu_pre=1e-3, nu_post=1e-2), snn.STDP(variant="diehl_cook", w_min=0.0, w_max=1.0),
             snn.STDP(weight_dependence="multiplicative", pairing="nearest", w_min=0.0, w_max=1.0),
             snn.TripletSTDP(), snn.DopamineSTDP(), snn.IzhikevichDASTDP(), snn.MSTDP(), snn.MSTDPET(),
             snn.OrchestratedPlasticity(A_plus=1e-2, A_minus=1e-2, consolidation_interval=50.0, tau_consolidation=500.0,
                                        homeostatic=True, tau_hom=1000.0)]
    projs_inh = [net.connect(x, y, "fixed_indegree", indegree=10, weight=-0.3,
                             plasticity=snn.VogelsSprekeler(eta=0.01, Wmax=-2.0))]
    projs = [net.connect(x, y, "fixed_indegree", indegree=10, multapses=False, weight=snn.init.uniform(0.2, 0.8),
                         plasticity=r) for r in rules]
    projs += projs_inh
    z = net.add(snn.PoissonDblExp(20, I_e=5.0))  # SynapticSampling needs its bap
    projs.append(net.connect(x, z, "fixed_indegree", indegree=10, multapses=False, weight=snn.init.uniform(0.2, 0.8),
                             plasticity=snn.SynapticSampling(learning_rate=1e-4, weight_update_interval=20.0)))
    projs.append(net.connect(x, y, "fixed_indegree", indegree=10, weight=0.3, plasticity=snn.STDP(),
                             short_term=snn.ShortTermPlasticity(U=0.2, tau_rec=150.0, tau_fac=600.0)))
    vm = net.monitor(y, "V_m")  # what the short-term plasticity transmitted shows in the membrane
    net.set_signal("reward", torch.tensor([1.0, -0.5]))
    return net, projs, vm


def run_every_rule(device):
    """Every learning rule on a small driven network; returns the final weights and rule states."""
    net, projs, vm = every_rule_network(device)
    net.run(300.0)
    out = [vm.values().cpu(), projs[-1].short_term.state["x"].cpu(), projs[-1].short_term.state["u"].cpu()]
    for p in projs:
        out.append(p.weight.cpu())
        out += [t.cpu() for t in p.state.values()]
    return out


@pytest.mark.skipif(reason is not None, reason=reason or "")
def test_every_rule_matches_the_cpu():
    for a, b in zip(run_every_rule("cpu"), run_every_rule("cuda")):
        assert torch.allclose(a, b, rtol=1e-9, atol=1e-12)


def test_every_rule_runs_on_the_cpu():
    """The parity workload itself runs (and learns) on the CPU, so the GPU comparison is meaningful."""
    out = run_every_rule("cpu")
    assert all(torch.isfinite(t).all() for t in out)
