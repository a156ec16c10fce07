"""Shared helpers of the benchmark scripts: machine description, timing, recording results."""
import datetime
import os
import platform
import subprocess
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "RESULTS.md")


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpu = f", GPU {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else ""
    return (f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__} with {torch.get_num_threads()} threads"
            f"{gpu}, {platform.system()} {platform.release()}")


def commit() -> str:
    try:
        rev = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", HERE, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+uncommitted" if dirty else "")
    except OSError:
        return "?"


def best_of(repeats: int, fn):
    """Runs fn() `repeats` times; returns the fastest wall time in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def parse_args(ap):
    """Adds --threads (torch's, and so snn's, CPU threads; the peers get the same number), parses the
    command line and sets the thread count."""
    ap.add_argument("--threads", type=int, default=2,
                    help="CPU threads for snn (torch.set_num_threads) and for the peers (default 2: the targets' 2 cores)")
    args = ap.parse_args()
    if args.threads < 1:
        raise SystemExit(f"--threads must be >= 1, got {args.threads}")
    torch.set_num_threads(args.threads)
    return args


def invocation() -> str:
    """The command line that is running, as RESULTS.md records it."""
    script = os.path.join("benchmarks", os.path.basename(sys.argv[0]))
    return "PYTHONPATH=build/python /usr/bin/python3 " + " ".join([script] + sys.argv[1:])


def record(title: str, command: str, table: str, notes: str = "") -> None:
    """Appends a dated section to benchmarks/RESULTS.md."""
    date = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    section = (f"\n### {title} — {date}\n\n- machine: {machine()}\n- commit: {commit()}\n"
               f"- command: `{command}`\n\n{table}\n")
    if notes:
        section += f"\n{notes}\n"
    with open(RESULTS, "a") as f:
        f.write(section)
    print(f"recorded in {RESULTS}")


def report(title: str, rows, notes: str, record_it: bool) -> None:
    """Prints a table (a list of markdown rows) and, when asked, records it with this command line."""
    table = "\n".join(rows)
    print(table)
    if record_it:
        record(title, invocation(), table, notes)
