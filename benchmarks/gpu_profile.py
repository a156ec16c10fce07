"""Where a step's time goes on the GPU: the CUDA kernels of Diehl & Cook (2015) training, per step.

Shows --images training images (350 ms + 150 ms rest each, dt 0.5 ms, as train.py shows them) under
torch.profiler, which sees every kernel launched in the process (snn's own included, through CUPTI),
and prints per kernel: launches and GPU microseconds per simulated step, and its share of the GPU
time; then the wall time per step against the GPU's busy time per step. A wall time well above the
busy time means the host cannot launch fast enough (launch-bound: fewer, fused launches help); a busy
time close to the wall time names the kernels to make faster.

    PYTHONPATH=build/python python3 benchmarks/gpu_profile.py [--n-neurons 400] [--batch-size 1 64] [--record]

Needs a CUDA build of snn and a GPU (.ci/gpu runs it).
"""
import argparse
import re
import time
from collections import defaultdict

import torch

import snn
from common import invocation, parse_args, record


def kernel_name(key: str) -> str:
    """snn's launcher instantiates one kernel per functor: name it by the functor."""
    match = re.search(r"for_each_kernel<(.+)>\(", key)
    name = match.group(1) if match else key
    return re.sub(r"snn::kernels::", "", name).strip()[:90]


def device_time(event) -> float:
    """A profiler event's GPU microseconds (the attribute's name changed between torch versions)."""
    for name in ("device_time_total", "cuda_time_total", "self_device_time_total", "self_cuda_time_total"):
        if hasattr(event, name):
            return float(getattr(event, name))
    return 0.0


def profile_batch(args, data, batch: int):
    model = snn.models.DiehlAndCook2015(n_neurons=args.n_neurons, batch_size=batch, device="cuda")
    model.present_stream(data.images[:args.warm_up])  # kernels loaded, allocations made, activity settled
    torch.cuda.synchronize()
    net = model.network
    t0 = net.t
    images = data.images[args.warm_up:args.warm_up + args.images]
    activities = [torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]
    with torch.profiler.profile(activities=activities) as prof:
        start = time.perf_counter()
        model.present_stream(images)
        torch.cuda.synchronize()
        wall = time.perf_counter() - start
    steps = round((net.t - t0) / net.dt)
    per_kernel = defaultdict(lambda: [0, 0.0])
    for event in prof.key_averages():
        if "for_each_kernel" not in event.key and not str(getattr(event, "device_type", "")).endswith("CUDA"):
            continue
        us = device_time(event)
        if us <= 0.0:
            continue
        entry = per_kernel[kernel_name(event.key)]
        entry[0] += event.count
        entry[1] += us
    if not per_kernel:
        raise SystemExit("the profiler saw no CUDA kernels (is CUPTI usable here? profiling may need "
                         "NVreg_RestrictProfilingToAdminUsers=0 or root)")
    busy = sum(us for _, us in per_kernel.values())
    rows = [f"| kernel | launches per step | GPU us per step | share of GPU time |", "|---|---|---|---|"]
    for name, (count, us) in sorted(per_kernel.items(), key=lambda kv: -kv[1][1])[:args.top]:
        rows.append(f"| `{name}` | {count / steps:.2f} | {us / steps:.2f} | {100 * us / max(busy, 1e-9):.1f} % |")
    launches = sum(c for c, _ in per_kernel.values()) / steps
    summary = (f"N = {args.n_neurons}, batch {batch}: {steps} steps, wall {wall / steps * 1e6:.1f} us per step, "
               f"GPU busy {busy / steps:.1f} us per step, {launches:.1f} kernel launches per step")
    return rows, summary


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-neurons", type=int, default=400)
    ap.add_argument("--batch-size", type=int, nargs="+", default=[1, 64])
    ap.add_argument("--warm-up", type=int, default=64, help="images shown before profiling")
    ap.add_argument("--images", type=int, default=4, help="images profiled (per batch slot: at least the batch)")
    ap.add_argument("--top", type=int, default=20, help="kernels listed")
    ap.add_argument("--record", action="store_true")
    args = parse_args(ap)
    if not torch.cuda.is_available():
        raise SystemExit("gpu_profile.py needs a CUDA device (and snn built with CUDA)")
    data = snn.datasets.FashionMNIST(train=True)
    for batch in args.batch_size:
        args.images = max(args.images, batch)
        rows, summary = profile_batch(args, data, batch)
        print(summary)
        print("\n".join(rows))
        if args.record:
            record(f"Diehl & Cook on the GPU, kernels per step (batch {batch})", invocation(), "\n".join(rows), summary)


if __name__ == "__main__":
    main()
