"""Unsupervised learning of MNIST / Fashion-MNIST with the Diehl & Cook (2015) network.

Trains on --n-train images (x --epochs) with STDP, assigns each excitatory neuron the class it
responds to most, saves a checkpoint, writes figures, and ends by evaluating on --n-test test images:

    test accuracy: 0.xxxx

Progress shows the running accuracy: every --update-interval images, the last interval's responses are
classified with the assignments made from the interval before (as Diehl & Cook and BindsNET report).

    PYTHONPATH=build/python /usr/bin/python3 examples/mnist/train.py --dataset fashion --n-neurons 100 \\
        --n-train 2000 --n-test 500 --plot
"""
import argparse
import os
import sys
import time
from collections import deque

import torch

import snn
from snn.evaluation import accuracy, assign_labels, predict_all_activity

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (add_common_arguments, evaluate, load_dataset, plot_all, progress_bar, running_history,  # noqa: E402
                    use_threads)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Diehl & Cook (2015) unsupervised learning")
    add_common_arguments(ap)
    ap.add_argument("--n-neurons", type=int, default=100, help="excitatory (= inhibitory) neurons")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--n-train", type=int, default=60000, help="training images per epoch")
    ap.add_argument("--variant", choices=["conductance", "current"], default="conductance",
                    help="conductance-based as the paper, or BindsNET's current-based variant")
    ap.add_argument("--lockout", type=float, default=0.0,
                    help="excitatory threshold lockout after a spike [ms] (conductance variant; Diehl & Cook's "
                         "published code: 50; default: the 5 ms refractory period only)")
    ap.add_argument("--time", type=float, default=350.0, help="presentation per image [ms]")
    ap.add_argument("--rest", type=float, default=150.0, help="rest between images [ms]; 0: reset the state instead")
    ap.add_argument("--intensity", type=float, default=2.0)
    ap.add_argument("--update-interval", type=int, default=250, help="images between running-accuracy updates")
    ap.add_argument("--n-label", type=int, default=10000,
                    help="the last N training responses assign the labels (the paper uses 10000)")
    ap.add_argument("--checkpoint", default=None, help="where to save the model (default: <out>/checkpoint.snn)")
    ap.add_argument("--resume", default=None, metavar="CHECKPOINT",
                    help="continue training a checkpoint saved by train.py for --epochs more epochs (its network "
                         "and dataset; --batch-size, --device and the data options apply)")
    args = ap.parse_args(argv)
    for name in ("n_train", "epochs", "update_interval", "n_label"):
        if getattr(args, name) < 1:
            raise SystemExit(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    use_threads(args.threads)
    torch.manual_seed(args.seed)
    out = args.out
    os.makedirs(out, exist_ok=True)

    first_epoch, trained_before, running_at, running = 0, 0, [], []  # running accuracy after running_at images
    if args.resume:
        if not os.path.isfile(args.resume):
            raise SystemExit(f"--resume: no checkpoint at {args.resume}")
        model, state = snn.models.DiehlAndCook2015.load(args.resume, batch_size=args.batch_size, device=args.device)
        args.dataset = state.get("dataset", args.dataset)
        args.data_root = args.data_root or state.get("data_root")
        args.n_neurons = model.config["n_neurons"]
        first_epoch, trained_before = state.get("epochs_done", 0), state.get("images_trained", 0)
        running_at, running = running_history(state)
    train = load_dataset(args, train=True)
    test = load_dataset(args, train=False)
    n_classes = len(train.classes)
    n_train = min(args.n_train, len(train))
    if not args.resume:
        try:
            model = snn.models.DiehlAndCook2015(
                n_inputs=train.images[0].numel(), n_neurons=args.n_neurons, variant=args.variant, dt=args.dt,
                batch_size=args.batch_size, device=args.device, seed=args.seed, time=args.time, rest=args.rest,
                intensity=args.intensity, lockout=args.lockout)
        except ValueError as e:
            raise SystemExit(f"bad model option: {e}")
    resumed = ""
    if args.resume:
        done = (f"after {first_epoch} epochs" if "epochs_done" in state
                else "which does not record its epochs: counted as 0")
        resumed = f" (resuming {args.resume}, {done})"
    print(f"{model}; training on {n_train} x {args.epochs} {args.dataset} images, batch {args.batch_size}{resumed}")

    # The latest responses, in the order the images finish (with batches, not quite the shown order): as
    # many as the labelling and the running accuracy need, so that long runs do not keep every response.
    keep = max(args.n_label, args.update_interval)
    counts, labels = deque(maxlen=keep), deque(maxlen=keep)
    images_seen = 0
    assignment = None
    start = time.perf_counter()
    bar = progress_bar(total=args.epochs * n_train, desc="train", unit="img")
    for epoch in range(first_epoch, first_epoch + args.epochs):
        order = torch.randperm(len(train), generator=torch.Generator().manual_seed(args.seed + epoch))[:n_train]
        epoch_labels = train.labels[order]

        def finished(k, c):
            nonlocal assignment, images_seen
            counts.append(c.unsqueeze(0))
            labels.append(epoch_labels[k:k + 1])
            images_seen += 1
            bar.update(1)
            if images_seen % args.update_interval == 0:
                window_counts = torch.cat(list(counts)[-args.update_interval:])
                window_labels = torch.cat(list(labels)[-args.update_interval:])
                if assignment is not None:
                    running.append(accuracy(predict_all_activity(window_counts, assignment.assignments, n_classes),
                                            window_labels))
                    running_at.append(trained_before + images_seen)
                assignment = assign_labels(window_counts, window_labels, n_classes)
                bar.set_postfix(running_accuracy=f"{running[-1]:.3f}" if running else "-")

        model.present_stream(train.images[order], learn=True, on_done=finished)
    bar.close()
    train_time = time.perf_counter() - start
    shown = model.presentations / max(1, images_seen)
    print(f"trained on {images_seen} images in {train_time:.1f} s ({train_time / max(1, images_seen) * 1e3:.1f} ms per "
          f"image; each shown {shown:.2f} times on average: intensity rule)")

    k = min(args.n_label, len(labels))
    assignment = assign_labels(torch.cat(list(counts)[-k:]), torch.cat(list(labels)[-k:]), n_classes)
    checkpoint = args.checkpoint or os.path.join(out, "checkpoint.snn")
    model.save(checkpoint, assignments=assignment.assignments, proportions=assignment.proportions,
               rates=assignment.rates, dataset=args.dataset, data_root=train.root, running_accuracy=running,
               running_at=running_at, images_trained=trained_before + images_seen, epochs_done=first_epoch + args.epochs)
    print(f"saved {checkpoint}")

    result = evaluate(model, test, assignment, args.n_test, n_classes)
    print(f"assigned neurons: {int((assignment.assignments >= 0).sum())} of {args.n_neurons}")
    print(f"proportion-weighting accuracy: {result['proportion_accuracy']:.4f}")
    print(f"confusion matrix (rows: true class, columns: predicted):\n{result['confusion']}")
    if args.plot:
        plot_all(model, assignment, result, test, out, running_at, running)
    print(f"test accuracy: {result['accuracy']:.4f}")
    return result


if __name__ == "__main__":
    main()
