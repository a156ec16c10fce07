"""Throughput of Diehl & Cook (2015) training: wall milliseconds per training image.

N excitatory neurons, dt 0.5 ms, 350 ms presentation + 150 ms rest per image (the paper's protocol;
--rest 0 resets the state instead), shown as examples/mnist/train.py shows them (present_stream: a
silent image is shown again in its batch slot while the other slots move on). The network is first
trained on --warm-up images so that the activity has settled (early training is dominated by
synchronous bursts), then --images are timed. Each showing of an image (350 + 150 ms) is one
presentation; an image that fires fewer than 5 spikes is shown again at a higher intensity. Thresholds
keep rising over an epoch and such images with them, so a whole epoch (train.py prints its time and
the presentations per image) runs slower than these first images: the table gives both per image and per
presentation. --checkpoint starts from a trained model (late-epoch thresholds) instead. The images are
Fashion-MNIST's (Debian's copy) or, with --dataset mnist, the digits (--data-root, --download as in
examples/mnist): digits light fewer pixels, so each presentation has fewer input spikes to deliver.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/mnist_throughput.py [--n-neurons 400] [--batch-size 1] \
        [--dataset fashion|mnist] [--checkpoint PATH] [--record]
"""
import argparse
import time

import torch

import snn
from common import invocation, machine, parse_args, record


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-neurons", type=int, default=400)
    ap.add_argument("--dt", type=float, default=0.5)
    ap.add_argument("--rest", type=float, default=150.0)
    ap.add_argument("--no-input-delays", action="store_true",
                    help="input -> excitatory delay of one step instead of the paper's 0-10 ms per synapse")
    ap.add_argument("--batch-size", type=int, nargs="+", default=[1])
    ap.add_argument("--warm-up", type=int, default=500)
    ap.add_argument("--checkpoint", default=None,
                    help="start from a saved model (e.g. examples/mnist/train.py's after an epoch: late-epoch "
                         "thresholds) instead of a fresh one; its size and delays are used, --warm-up still applies")
    ap.add_argument("--images", type=int, default=1024)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dataset", choices=sorted(snn.datasets.BY_NAME), default="fashion")
    ap.add_argument("--data-root", default=None, help="folder of the IDX files (default: the dataset class's)")
    ap.add_argument("--download", action="store_true", help="fetch missing MNIST files first")
    ap.add_argument("--record", action="store_true")
    args = parse_args(ap)
    data = snn.datasets.BY_NAME[args.dataset](args.data_root, train=True, download=args.download)
    rows = ["| data | N | batch | dt [ms] | rest [ms] | input delays | ms per image | presentations per image | "
            "ms per presentation | epoch of 60000 [min] |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for B in args.batch_size:
        if args.checkpoint:
            model, _ = snn.models.DiehlAndCook2015.load(args.checkpoint, batch_size=B, device=args.device)
        else:
            model = snn.models.DiehlAndCook2015(n_neurons=args.n_neurons, dt=args.dt, rest=args.rest, batch_size=B,
                                                device=args.device, input_delays=not args.no_input_delays)
        if args.warm_up > 0:
            model.present_stream(data.images[:args.warm_up])
        if args.device != "cpu":
            torch.cuda.synchronize()
        start, shown = time.perf_counter(), model.presentations
        n = args.images
        model.present_stream(data.images[args.warm_up:args.warm_up + n])  # as train.py trains
        if args.device != "cpu":
            torch.cuda.synchronize()
        seconds, shown = time.perf_counter() - start, model.presentations - shown
        ms, per_presentation = seconds / n * 1e3, seconds / shown * 1e3
        c = model.config
        print(f"N={c['n_neurons']} batch={B}: {ms:.2f} ms per image ({60000 * ms / 6e4:.1f} min per epoch); "
              f"{shown / n:.2f} presentations per image, {per_presentation:.2f} ms per presentation", flush=True)
        delays = "0-10 ms per synapse" if c["input_delays"] and c["variant"] == "conductance" else "one step"
        rows.append(f"| {args.dataset} | {c['n_neurons']} | {B} | {c['dt']} | {c['rest']} | {delays} | {ms:.2f} | {shown / n:.2f} | "
                    f"{per_presentation:.2f} | {60000 * ms / 6e4:.1f} |")
    if args.record:
        command = invocation()
        start = [f"From {args.checkpoint}"] if args.checkpoint else []
        start += [f"after {args.warm_up} warm-up images"] if args.warm_up > 0 else []
        record(f"Diehl & Cook training throughput ({args.device})", command, "\n".join(rows),
               "; ".join(start + [f"{args.images} images timed", f"machine {machine()}."]))


if __name__ == "__main__":
    main()
