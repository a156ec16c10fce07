"""Distributed runs (docs/distributed.md): strong scaling of the full Brunel network on this machine,
and what one spike exchange costs against the network's size (the inputs of the weak-scaling model).

Strong scaling: BrunelDelta at --scale (1: 12,500 neurons, 15.6 M synapses) for --time ms, as
  - one process with 1 thread, and with 2 threads (the ordinary engine);
  - one process, distributed=True (the exchange machinery alone, nothing to send);
  - 2 processes (mpirun -np 2) with 1 thread each, distributed=True.
Exchange cost: 2 processes with 1 thread each at --exchange-scales; per exchange interval (the 1.5 ms
delay: 15 steps) the 64-bit words each process sent and received, and the time in the collective.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/distributed.py [--scale 1] [--time 1000]
        [--exchange-scales 0.25 0.5 1] [--record]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def worker(args):
    """One process of a configuration: builds and runs Brunel, writes its timings."""
    import snn
    from snn.models import BrunelDelta

    torch.set_num_threads(args.threads)
    distributed = args.mode != "plain"
    snn.rank()  # MPI starts here, not in the timed build
    start = time.perf_counter()
    model = BrunelDelta(args.scale, seed=3, distributed=distributed)
    build = time.perf_counter() - start
    model.net.run(10.0)  # warm-up
    if distributed:
        snn.distributed.allgather([0])  # start together
    before = model.net.exchange_stats if distributed else {}
    start = time.perf_counter()
    model.net.run(args.time)
    wall = time.perf_counter() - start
    after = model.net.exchange_stats if distributed else {}
    ev_e = model.spikes_E.events(gather=distributed)
    out = dict(build=build, wall=wall, spikes_E=len(ev_e), rank=snn.rank(), processes=snn.num_processes(),
               threads=args.threads)
    for key in ("exchanges", "words_sent", "words_received", "seconds"):
        out[key] = after.get(key, 0) - before.get(key, 0)
    with open(os.path.join(args.out, f"{snn.rank()}.json"), "w") as f:
        json.dump(out, f)


def launch(processes, threads, mode, scale, t_ms):
    """Runs one configuration; returns the slowest process's result (and every process's)."""
    out = tempfile.mkdtemp(prefix="snn-distributed-")
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--mode", mode, "--threads", str(threads),
           "--scale", str(scale), "--time", str(t_ms), "--out", out]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    if processes > 1:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
        # one core per process (--bind-to core), as a cluster job would run them
        cmd = ["mpirun", "-np", str(processes), "--bind-to", "core", "-x", "PYTHONPATH", "-x", "OMP_NUM_THREADS"] + cmd
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    rows = [json.load(open(os.path.join(out, f))) for f in sorted(os.listdir(out))]
    shutil.rmtree(out)
    return max(rows, key=lambda r: r["wall"]), rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--time", type=float, default=1000.0, help="simulated ms per measurement (default 1000)")
    ap.add_argument("--exchange-scales", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    ap.add_argument("--repeats", type=int, default=2, help="alternating rounds over the configurations (best kept)")
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="plain", help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    sys.path.insert(0, HERE)
    from common import invocation, record

    configs = [("1 process, 1 thread", 1, 1, "plain"), ("1 process, 2 threads", 1, 2, "plain"),
               ("1 process, 2 threads, distributed=True", 1, 2, "distributed"),
               ("2 processes x 1 thread, distributed=True", 2, 1, "distributed")]
    best = {}
    for _ in range(args.repeats):  # alternate: this VM's speed drifts from minute to minute
        for name, p, t, mode in configs:
            slowest, _ = launch(p, t, mode, args.scale, args.time)
            if name not in best or slowest["wall"] < best[name]["wall"]:
                best[name] = slowest
            print(f"{name}: {slowest['wall']:.2f} s (build {slowest['build']:.2f} s)", flush=True)
    base = best["1 process, 1 thread"]["wall"]
    rows = ["| configuration | build [s] | 1 s simulated [s] | speed-up over 1 thread | in the collective [s] |",
            "|---|---|---|---|---|"]
    for name, *_ in configs:
        r = best[name]
        rows.append(f"| {name} | {r['build']:.2f} | {r['wall'] * 1000.0 / args.time:.2f} | {base / r['wall']:.2f}x | "
                    f"{r['seconds'] * 1000.0 / args.time:.3f} |")
    strong = "\n".join(rows)
    print(strong)

    rows = ["| scale | neurons | E spikes / s | exchanges / s | words sent per exchange (per process) | "
            "words received per exchange | time per exchange [us] |", "|---|---|---|---|---|---|---|"]
    for scale in args.exchange_scales:
        slowest, every = launch(2, 1, "distributed", scale, args.time)
        n = int(round(12500 * scale))
        sent = sum(r["words_sent"] for r in every) / len(every) / slowest["exchanges"]
        received = slowest["words_received"] / slowest["exchanges"]
        per = min(r["seconds"] for r in every) / slowest["exchanges"] * 1e6  # the faster process waits least
        rows.append(f"| {scale:g} | {n} | {slowest['spikes_E'] * 1000.0 / args.time:.0f} | "
                    f"{slowest['exchanges'] * 1000.0 / args.time:.0f} | {sent:.0f} | {received:.0f} | {per:.1f} |")
    exchange = "\n".join(rows)
    print(exchange)
    if args.record:
        record("Distributed Brunel: strong scaling on this machine, and the cost of an exchange", invocation(),
               strong + "\n\n" + exchange,
               "Time per exchange: the lesser of the two processes' time in the collective per interval (the "
               "other also waits for the slower one). docs/distributed.md extrapolates these to larger machines.")


if __name__ == "__main__":
    main()
