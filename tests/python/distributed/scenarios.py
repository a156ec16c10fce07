"""Networks run on 1, 2 and 4 processes by tests/python/test_distributed.py (``mpirun -np N python3
scenarios.py OUT_DIR NAME...``): each process writes md5 digests of the spike trains and of the
weights, gathered, to OUT_DIR/NAME.<processes>.<rank>.json. With ``--plain`` the same networks run in
one process without distributed=True (OUT_DIR/NAME.plain.json), for the digests of the ordinary engine."""
import hashlib
import json
import os
import sys

import torch

import snn
from snn.models import BrunelDelta, Izhikevich2007


def digest(*tensors) -> str:
    h = hashlib.md5()
    for t in tensors:
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def spikes(monitor, distributed):
    ev = monitor.events(gather=distributed)
    return digest(ev.steps, ev.senders), len(ev)


def brunel(distributed):
    """Brunel (2000) at scale 0.05 (625 neurons): fixed_indegree, Poisson drive, delay 1.5 ms."""
    m = BrunelDelta(0.05, seed=3, distributed=distributed)
    v = m.net.monitor(m.I, "V_m")
    m.run(200.0)
    return {"E": spikes(m.spikes_E, distributed), "I": spikes(m.spikes_I, distributed),
            "V_m": digest(v.values(gather=distributed))}, m.net


def izhikevich2007(distributed):
    """Izhikevich (2007) with IzhikevichDASTDP (noise, fixed_outdegree, rewards through set_signal)."""
    m = Izhikevich2007(seed=2, distributed=distributed)
    mon = m.net.monitor(m.E)
    for _ in range(4):
        m.net.run(250.0)
        m.net.set_signal("dopamine", 0.5)
    return {"E": spikes(mon, distributed), "EE": digest(m.EE.dense_weight(gather=distributed)),
            "EI": digest(m.EI.dense_weight(gather=distributed))}, m.net


def dopamine_stdp(distributed):
    """DopamineSTDP (NEST's stdp_dopamine_synapse) with a volume transmitter fed by a population spread
    over the processes; per-synapse delays drawn; pairwise_bernoulli, all_to_all, fixed_total_number,
    and connections between population views."""
    net = snn.Network(dt=0.1, seed=11, distributed=distributed)
    drive = net.add(snn.PoissonInput(150, rate=40.0), name="drive")
    exc = net.add(snn.LIF(120, tau_m=10.0), name="exc")
    dopa = net.add(snn.PoissonInput(30, rate=20.0), name="dopa")
    net.neuromodulator("dopamine", dopa, delay=1.0)
    plastic = net.connect(drive, exc, "pairwise_bernoulli", p=0.3, weight=snn.init.uniform(5.0, 25.0),
                          delay=snn.init.uniform(0.5, 2.0), plasticity=snn.DopamineSTDP(delay=0.5, Wmax=40.0))
    net.connect(exc, exc, "fixed_total_number", N=1500, weight=-3.0, delay=0.8)
    net.connect(drive, exc, "all_to_all", weight=snn.init.normal(0.2, 0.1), delay=0.7, storage="dense")
    # Views: a one_to_one from some neurons onto others, whose spikes must cross between processes.
    shifted = net.add(snn.PoissonInput(120, rate=30.0), name="shifted")
    net.connect(shifted[0:60], exc[60:120], "one_to_one", weight=8.0, delay=0.5)
    net.connect(exc[0:40], exc[80:120], "fixed_indegree", indegree=5, weight=2.0, delay=1.0)
    mon = net.monitor(exc)
    net.run(400.0)
    return {"exc": spikes(mon, distributed), "w": digest(plastic.dense_weight(gather=distributed))}, net


def stdp_diehl_cook(distributed):
    """A Diehl & Cook-style network: Poisson inputs all_to_all onto adaptive-threshold neurons with STDP
    (Diehl & Cook's variant) and weight normalisation, one_to_one onto inhibitory neurons, lateral
    inhibition all_to_all from a weight tensor; inputs changed between runs, as images are."""
    n_in, n = 64, 30
    net = snn.Network(dt=0.5, seed=5, distributed=distributed)
    x = net.add(snn.PoissonInput(n_in), name="X")
    exc = net.add(snn.AdaptiveLIF(n, theta_plus=0.05, tau_theta=1e4), name="Ae")
    inh = net.add(snn.LIF(n, E_L=-60.0, V_reset=-45.0, V_th=-40.0, tau_m=10.0, t_ref=2.0), name="Ai")
    inp = net.connect(x, exc, "all_to_all", weight=snn.init.uniform(0.1, 0.6), storage="dense",
                      plasticity=snn.STDP(nu_pre=1e-4, nu_post=1e-2, w_min=0.0, w_max=1.0, variant="diehl_cook"),
                      normalize=20.0)
    net.connect(exc, inh, "one_to_one", weight=22.5)
    lateral = torch.full((n, n), -17.0)
    lateral.fill_diagonal_(0.0)
    net.connect(inh, exc, "all_to_all", weight=lateral, storage="dense")
    mon = net.monitor(exc)
    gen = torch.Generator().manual_seed(0)
    for _ in range(3):
        net.run(100.0, inputs={"X": torch.rand(n_in, generator=gen) * 200.0})
        net.run(50.0)
    return {"Ae": spikes(mon, distributed), "w": digest(inp.dense_weight(gather=distributed)),
            "theta": digest(snn.distributed.allgather_tensor(exc.theta, 1) if distributed else exc.theta)}, net


SCENARIOS = {f.__name__: f for f in (brunel, izhikevich2007, dopamine_stdp, stdp_diehl_cook)}

if __name__ == "__main__":
    out_dir, names = sys.argv[1], sys.argv[2:]
    distributed = "--plain" not in names
    for name in (n for n in names if n != "--plain"):
        result, net = SCENARIOS[name](distributed)
        result["exchange"] = net.exchange_stats if distributed else None
        tag = f"{snn.num_processes()}.{snn.rank()}" if distributed else "plain"
        with open(os.path.join(out_dir, f"{name}.{tag}.json"), "w") as f:
            json.dump(result, f)
