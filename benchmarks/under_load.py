"""Speed beside a competing load: 1 and 2 CPU threads on P1, P2, P3 and Diehl & Cook, idle and while
the project compiles beside the run.

The load is what users have on a shared machine and what broke fork-join threading: a C++ compile at
normal priority, `cmake --build <scratch> -j2 --target snn` of this repository in a scratch build
directory, cleaned and rebuilt in a loop for as long as the measurement lasts (busy loops alone
barely reproduce it: the scheduler parks a thread that waits at a barrier behind compiler processes
that come and go). Each case runs in a fresh process with torch.set_num_threads(t); cases alternate
1, 2, 1, 2, ... threads, and the table gives the median of --repeats runs.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/under_load.py [--only P1 P2 P3 DC] [--repeats 3] \
        [--modes idle load] [--before OLD/build/python] [--record]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

# One timed case, run as `python3 under_load.py --case NAME THREADS` (prints the wall seconds).
CASES = {
    "P1": "P1 BindsNET's network n = 5000, 1 s at dt 1 ms",
    "P2": "P2 Izhikevich (2007) with IzhikevichDASTDP, 60 s",
    "P3": "P3 Brunel (2000) brunel_delta scale 1, 300 ms",
    "DC": "Diehl & Cook N = 400, 100 images (350 + 150 ms each)",
}


def run_case(name: str, threads: int) -> float:
    import torch
    torch.set_num_threads(threads)
    import snn
    from compare import LIF_BINDSNET, p1_rates
    if name == "P1":
        net = snn.Network(dt=1.0, seed=0)
        x = net.add(snn.PoissonInput(5000), name="X")
        y = net.add(snn.LIF(5000, **LIF_BINDSNET), name="Y")
        net.connect(x, y, "all_to_all", weight=snn.init.normal(0.0, 1.0))
        t = time.perf_counter()
        net.run(1000.0, inputs={"X": p1_rates(5000)})
        return time.perf_counter() - t
    if name == "P2":
        model = snn.models.Izhikevich2007(plasticity=snn.IzhikevichDASTDP(), delay=1.0, seed=1)
        model.net.run(200.0)
        t = time.perf_counter()
        model.net.run(60000.0)  # ~0.4 s of wall time here: long enough to see a load
        return time.perf_counter() - t
    if name == "P3":
        model = snn.models.BrunelDelta(1.0, seed=3)
        t = time.perf_counter()
        model.net.run(300.0)
        return time.perf_counter() - t
    if name == "DC":
        model = snn.models.DiehlAndCook2015(n_inputs=784, n_neurons=400, seed=0)
        images = (torch.rand(100, 784, generator=torch.Generator().manual_seed(0)) ** 4 * 255).round()
        model.present_stream(images[:2])
        t = time.perf_counter()
        model.present_stream(images)
        return time.perf_counter() - t
    raise SystemExit(f"unknown case {name}")


class CompileLoad:
    """`cmake --build <scratch> -j2 --target snn`, cleaned and restarted in a loop, at normal priority."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="snn-load-build-")
        subprocess.run(["cmake", "-S", REPO, "-B", self.dir, "-DSNN_BUILD_PYTHON=OFF", "-DSNN_BUILD_TESTS=OFF",
                        "-DSNN_BUILD_BENCHMARKS=OFF", "-DSNN_BUILD_EXAMPLES=OFF", "-DSNN_WITH_CUDA=OFF"],
                       check=True, stdout=subprocess.DEVNULL)
        script = (f"while true; do cmake --build {self.dir} -j2 --target snn >/dev/null 2>&1; "
                  f"cmake --build {self.dir} --target clean >/dev/null 2>&1; done")
        self.proc = subprocess.Popen(["bash", "-c", script], start_new_session=True)
        time.sleep(5)  # the compilers are running

    def stop(self):
        os.killpg(self.proc.pid, 9)
        self.proc.wait()
        subprocess.run(["rm", "-rf", self.dir])


def measure(name: str, threads: int, pythonpath=None) -> float:
    env = dict(os.environ, PYTHONPATH=pythonpath or os.environ.get("PYTHONPATH", os.path.join(REPO, "build", "python")))
    out = subprocess.run([sys.executable, __file__, "--case", name, str(threads)], capture_output=True, text=True,
                         env=env, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        print(run_case(sys.argv[2], int(sys.argv[3])))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", default=list(CASES), choices=list(CASES))
    ap.add_argument("--modes", nargs="+", default=["idle", "load"], choices=["idle", "load"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--before", default=None, metavar="PYTHONPATH",
                    help="another build's python directory (e.g. an older commit's build/python) timed in the same "
                         "runs, alternating with this one")
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    from common import report
    builds = [("this build", None)] + ([("before", args.before)] if args.before else [])
    rows = ["| case | build | mode | 1 thread [s] | 2 threads [s] | 2 / 1 |", "|---|---|---|---|---|---|"]
    for mode in args.modes:
        load = CompileLoad() if mode == "load" else None
        try:
            for name in args.only:
                times = {(b, t): [] for b, _ in builds for t in (1, 2)}
                for _ in range(args.repeats):
                    for label, path in builds:
                        for threads in (1, 2):
                            times[(label, threads)].append(measure(name, threads, path))
                for label, _ in builds:
                    one, two = statistics.median(times[(label, 1)]), statistics.median(times[(label, 2)])
                    row = f"| {CASES[name]} | {label} | {mode} | {one:.2f} | {two:.2f} | {two / one:.2f} |"
                    print(row, "  runs:", [round(t, 2) for t in times[(label, 1)]], [round(t, 2) for t in times[(label, 2)]],
                          flush=True)
                    rows.append(row)
        finally:
            if load:
                load.stop()
    report("Speed beside a competing load (1 and 2 threads)", rows,
           "Load: `cmake --build <scratch> -j2 --target snn` of this repository, cleaned and rebuilt in a loop "
           "(normal priority). Median of the runs; 1 and 2 threads alternate.", args.record)


if __name__ == "__main__":
    main()
