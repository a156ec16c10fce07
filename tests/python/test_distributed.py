"""snn.distributed and distributed networks (docs/distributed.md), tested with real `mpirun -np 2` and
`-np 4` runs: the networks of distributed/scenarios.py give the same spikes and weights on 1, 2 and 4
processes. The runs are skipped when snn was built without MPI or mpirun is missing; the one-process
checks are not."""
import json
import os
import shutil
import subprocess
import sys

import pytest
import torch

import snn

needs_mpirun = pytest.mark.skipif(not snn.distributed.available() or not shutil.which("mpirun"),
                                  reason="snn built without MPI, or mpirun not installed")


SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "distributed", "scenarios.py")


def _mpirun(n, code=None, args=(), timeout=120):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(snn.__file__))  # this snn, in every process
    env["OMPI_ALLOW_RUN_AS_ROOT"] = env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
    program = ["-c", code] if code is not None else list(args)
    out = subprocess.run(["mpirun", "-np", str(n), "-x", "PYTHONPATH", sys.executable, *program], env=env,
                         capture_output=True, text=True, timeout=timeout)
    return out


def test_outside_mpirun_one_process_and_mpi_untouched():
    code = ("import sys, snn; print(snn.rank(), snn.num_processes(), snn.distributed.allgather([3, 4]), "
            "snn.distributed.same_on_all(5), 'snn._mpi' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k not in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE")}
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(snn.__file__))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "1", "[3,", "4]", "True", "False"]


def test_same_on_all_refuses_values_that_are_not_64_bit():
    with pytest.raises(ValueError, match="value must be an unsigned 64-bit integer, got -1"):
        snn.distributed.same_on_all(-1)


@needs_mpirun
def test_two_ranks_know_their_place_and_gather_in_rank_order(tmp_path):
    # Each rank writes its own file: mpirun may interleave the ranks' standard output within a line.
    out = _mpirun(2, "import json, snn\n"
                     "r = snn.rank()\n"
                     "row = [r, snn.num_processes(), snn.distributed.allgather(list(range(10 * r, 10 * r + r + 1))),\n"
                     "       snn.distributed.same_on_all(42), snn.distributed.same_on_all(r)]\n"
                     f"open(f'{tmp_path}/rank{{r}}.json', 'w').write(json.dumps(row))\n")
    assert out.returncode == 0, out.stdout + out.stderr
    rows = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    assert rows == [[0, 2, [0, 10, 11], True, False], [1, 2, [0, 10, 11], True, False]]


@needs_mpirun
def test_a_network_under_mpirun_warns_that_each_process_runs_all_of_it():
    out = _mpirun(2, "import snn\nsnn.Network()\nsnn.Network()\n")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stderr.count("each of the 2 processes started by the MPI launcher simulates this whole network") == 2  # per rank
    out = _mpirun(2, "import snn\nsnn.Network(distributed=True)\n")
    assert out.returncode == 0 and "simulates this whole network" not in out.stderr, out.stdout + out.stderr



# ---- one network across processes -------------------------------------------------------------------

sys.path.insert(0, os.path.dirname(SCENARIOS))
import scenarios  # noqa: E402


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every scenario in one process (plain and distributed=True without mpirun), and under mpirun on 1,
    2 and 4 processes: {(name, tag): result}, tag "plain", "local" or "<processes>.<rank>"."""
    out_dir = tmp_path_factory.mktemp("distributed")
    results = {}
    for name, build in scenarios.SCENARIOS.items():
        results[(name, "plain")] = build(False)[0]
        result, net = build(True)
        result["exchange"] = net.exchange_stats
        results[(name, "local")] = result
    if snn.distributed.available() and shutil.which("mpirun"):
        for n in (1, 2, 4):
            out = _mpirun(n, args=[SCENARIOS, str(out_dir), *scenarios.SCENARIOS], timeout=300)
            assert out.returncode == 0, out.stdout + out.stderr
            for name in scenarios.SCENARIOS:
                for r in range(n):
                    results[(name, f"{n}.{r}")] = json.loads((out_dir / f"{name}.{n}.{r}.json").read_text())
    return results


def _digests(result):
    return {k: v for k, v in result.items() if k != "exchange"}


@pytest.mark.parametrize("name", list(scenarios.SCENARIOS))
def test_a_distributed_network_in_one_process_gives_the_engines_spikes(runs, name):
    plain, local = runs[(name, "plain")], _digests(runs[(name, "local")])
    spikes = [k for k, v in plain.items() if isinstance(v, (list, tuple))]
    assert spikes and all(plain[k][1] > 0 for k in spikes), plain  # the networks spike
    if name == "stdp_diehl_cook":
        # normalize sums each column in row order when distributed (ATen's float sum depends on the
        # number of columns): the weights may differ from one process in the last bits, the spikes not.
        assert {k: local[k] for k in spikes} == {k: tuple(plain[k]) for k in spikes}
    else:
        assert local == {k: tuple(v) if isinstance(v, list) else v for k, v in plain.items()}


@needs_mpirun
@pytest.mark.parametrize("name", list(scenarios.SCENARIOS))
def test_spikes_and_weights_are_identical_on_1_2_and_4_processes(runs, name):
    local = {k: list(v) if isinstance(v, tuple) else v for k, v in _digests(runs[(name, "local")]).items()}
    for tag in ("1.0", "2.0", "2.1", "4.0", "4.1", "4.2", "4.3"):
        assert _digests(runs[(name, tag)]) == local, tag
    # Spikes cross once per shortest delay: Brunel's 1.5 ms is 15 steps of 0.1 ms (200 ms: 134 exchanges).
    if name == "brunel":
        assert runs[(name, "2.0")]["exchange"]["interval_steps"] == 15
        assert runs[(name, "2.0")]["exchange"]["exchanges"] == 134
        # The Poisson drive (one_to_one onto its population) stays in its process: a few words per step.
        assert runs[(name, "2.0")]["exchange"]["words_sent"] < 20000


def _small_network(n="10", delay=0.1):
    """The start of a script: a distributed network of n LIF neurons 'a', connected all to all."""
    return ("import snn\n"
            "net = snn.Network(distributed=True)\n"
            f"a = net.add(snn.LIF({n}), name='a')\n"
            f"net.connect(a, a, 'all_to_all', weight=1.0, delay={delay})\n")


@needs_mpirun
def test_processes_that_build_different_networks_raise_instead_of_hanging(tmp_path):
    code = (_small_network(n="10 + snn.rank()") +
            "try:\n"
            "    net.run(1.0)\n"
            "except ValueError as e:\n"
            f"    open(f'{tmp_path}/rank{{snn.rank()}}.txt', 'w').write(str(e))\n")
    out = _mpirun(2, code, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    for r in range(2):
        assert (tmp_path / f"rank{r}.txt").read_text().startswith(
            "the processes of a distributed network built different networks: process 1 differs from process 0")


@needs_mpirun
def test_a_failing_process_ends_the_run_with_an_error_instead_of_a_hang():
    code = (_small_network() +
            "if snn.rank() == 1:\n"
            "    raise RuntimeError('rank 1 fails')\n"
            "net.run(10.0)\n")
    out = _mpirun(2, code, timeout=60)  # a hang would time out
    assert out.returncode != 0
    assert "rank 1 fails" in out.stderr


def test_a_distributed_network_takes_the_whole_populations_values_and_reports_global_neurons():
    net = snn.Network(distributed=True, seed=1)
    pop = net.add(snn.LIF(6, V_th=[-50.0, -51.0, -52.0, -53.0, -54.0, -55.0]), name="p")
    assert len(pop) == 6 and pop.local_neurons == range(0, 6)  # one process holds every neuron
    pop.V_m = torch.linspace(-70.0, -60.0, 6).unsqueeze(0)
    pop.set(t_ref=torch.full((6,), 3.0))
    mon = net.monitor(pop)
    net.run(20.0, inputs={"p": torch.full((6,), 500.0)})
    times, senders = mon.events(gather=True)
    assert len(senders) > 0 and int(senders.max()) < 6
    assert net.exchange_stats["exchanges"] == 1  # no projection: one exchange at the end of the run
    v = net.monitor(pop, "V_m")
    net.run(1.0)
    assert v.values(gather=True).shape == (10, 1, 6) and v.neurons.tolist() == list(range(6))


def test_distributed_networks_refuse_what_they_do_not_support_yet():
    with pytest.raises(ValueError, match="a distributed network simulates one batch entry"):
        snn.Network(distributed=True, batch_size=2)
    with pytest.raises(TypeError, match="distributed must be True or False"):
        snn.Network(distributed=1)
    net = snn.Network(distributed=True)
    a = net.add(snn.LIF(5), name="a")
    b = net.add(snn.AdaptiveLIF(5, one_spike=True), name="b")
    with pytest.raises(ValueError, match="short-term plasticity is not supported in distributed networks yet"):
        net.connect(a, a, "all_to_all", short_term=snn.ShortTermPlasticity())
    sampled = net.add(snn.PoissonDblExp(5), name="sampled")
    with pytest.raises(ValueError, match="SynapticSampling, which reads its target's state each step, is not supported"):
        net.connect(a, sampled, "all_to_all", weight=1.0, plasticity=snn.SynapticSampling())
    proj = net.connect(a, b, "all_to_all", weight=1.0)
    with pytest.raises(ValueError, match="projection monitors are not supported in distributed networks yet"):
        net.monitor(proj, "weight")
    with pytest.raises(ValueError, match="checkpoints of distributed networks are not supported yet"):
        net.state_dict()
    with pytest.raises(ValueError, match="one_spike picks one spike of the whole population"):
        net.run(1.0)
    assert net.step_count == 0


@needs_mpirun
def test_a_progress_bar_on_one_process_does_not_split_the_run_differently(tmp_path):
    # Every piece of a run ends with an exchange that all processes join: a distributed network runs
    # in one piece whatever `progress` each process passed.
    code = (_small_network(delay=0.5) +
            "net.run(20.0, progress=snn.rank() == 0)\n"
            f"open(f'{tmp_path}/rank{{snn.rank()}}.txt', 'w').write(str(net.exchange_stats['exchanges']))\n")
    out = _mpirun(2, code, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert [(tmp_path / f"rank{r}.txt").read_text() for r in range(2)] == ["40", "40"]  # 200 steps / 5


def test_a_projection_added_between_runs_delivers_as_in_one_process():
    # A new projection makes a new exchange, which must not keep the old one's last spikes (a rule reads
    # the whole spike vector, not only the listed neurons).
    def run(distributed):
        net = snn.Network(distributed=distributed, seed=4)
        a = net.add(snn.PoissonInput(30, rate=400.0), name="a")
        b = net.add(snn.LIF(20), name="b")
        learned = net.connect(a, b, "fixed_indegree", indegree=3, weight=8.0, delay=0.5,
                              plasticity=snn.STDP(nu_pre=1e-3, nu_post=1e-3, w_max=20.0))
        mon = net.monitor(b)
        net.run(30.0)
        net.connect(b, b, "pairwise_bernoulli", p=0.3, weight=-2.0, delay=0.3)
        net.run(30.0)
        return mon.events(gather=distributed).senders.tolist(), learned.dense_weight(gather=distributed).tolist()

    assert run(True) == run(False) and len(run(False)[0]) > 0
