"""snn.distributed: this process's place in an MPI run, tested with real `mpirun -np 2` runs. The runs
are skipped when snn was built without MPI or mpirun is missing; the single-process answers are not."""
import json
import os
import shutil
import subprocess
import sys

import pytest

import snn

needs_mpirun = pytest.mark.skipif(not snn.distributed.available() or not shutil.which("mpirun"),
                                  reason="snn built without MPI, or mpirun not installed")


def _mpirun(n, code):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(snn.__file__))  # this snn, in every process
    env["OMPI_ALLOW_RUN_AS_ROOT"] = env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
    out = subprocess.run(["mpirun", "-np", str(n), "-x", "PYTHONPATH", sys.executable, "-c", code], env=env,
                         capture_output=True, text=True, timeout=120)
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
    assert out.stderr.count("snn does not split a network across processes yet: each of the 2 processes") == 2  # once per rank

