"""Reading out an unsupervised network: label assignment and predictions (Diehl & Cook 2015).

Each excitatory neuron is assigned the class for which its mean response is highest (neurons that
never fired stay unassigned, -1). Two predictions from a response (spike counts per neuron):
  all activity           the class whose assigned neurons have the highest mean spike count;
  proportion weighting   each neuron's spikes weighted by the fraction of its responses that
                         belonged to each class (BindsNET's variant), averaged per class.
Counts and labels may be on any device (a network's, the dataset's); the results are on the CPU.
"""
from typing import NamedTuple

import torch


class Assignment(NamedTuple):
    assignments: torch.Tensor  # [N] class per neuron, -1: never fired
    proportions: torch.Tensor  # [N, C] share of each neuron's mean response per class
    rates: torch.Tensor        # [N, C] mean response per class


def _counts(counts, n_neurons=None) -> torch.Tensor:
    """counts as float64 [n, N] on the CPU; ValueError naming what is wrong."""
    counts = torch.as_tensor(counts)
    if counts.dim() != 2:
        raise ValueError(f"counts: expected [examples, neurons], got shape {tuple(counts.shape)}")
    if n_neurons is not None and counts.shape[1] != n_neurons:
        raise ValueError(f"counts: {counts.shape[1]} neurons, but the assignment has {n_neurons}")
    return counts.cpu().to(torch.float64)


def _labels(labels, n: int, n_classes: int, name: str = "labels") -> torch.Tensor:
    """labels as int64 [n] on the CPU, each in [0, n_classes); ValueError naming what is wrong."""
    if n_classes < 1:
        raise ValueError(f"n_classes must be >= 1, got {n_classes}")
    labels = torch.as_tensor(labels).cpu()
    if labels.dim() != 1 or len(labels) != n:
        raise ValueError(f"{name}: expected {n} values (one per example), got shape {tuple(labels.shape)}")
    if n and (int(labels.min()) < 0 or int(labels.max()) >= n_classes):
        raise ValueError(f"{name}: values must be classes 0 to {n_classes - 1}, got {int(labels.min())} to "
                         f"{int(labels.max())}")
    return labels.long()


def assign_labels(counts: torch.Tensor, labels: torch.Tensor, n_classes: int) -> Assignment:
    """counts [n, N] spike counts of n examples, labels [n]."""
    counts = _counts(counts)
    labels = _labels(labels, counts.shape[0], n_classes)
    n_neurons = counts.shape[1]
    rates = torch.zeros(n_neurons, n_classes, dtype=torch.float64)
    for c in range(n_classes):
        mask = labels == c
        if mask.any():
            rates[:, c] = counts[mask].mean(0)
    best, assignments = rates.max(1)
    assignments = torch.where(best > 0, assignments, torch.full_like(assignments, -1))
    totals = rates.sum(1, keepdim=True)
    proportions = torch.where(totals > 0, rates / totals.clamp_min(1e-300), torch.zeros_like(rates))
    return Assignment(assignments, proportions, rates)


def _per_class(scores: torch.Tensor, assignments: torch.Tensor, n_classes: int) -> torch.Tensor:
    out = torch.zeros(scores.shape[0], n_classes, dtype=torch.float64)
    for c in range(n_classes):
        members = assignments == c
        if members.any():
            out[:, c] = scores[:, members].sum(1) / members.sum()
    return out


def predict_all_activity(counts: torch.Tensor, assignments: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Predicted class per example: highest mean spike count over the neurons assigned to a class."""
    assignments = torch.as_tensor(assignments).cpu()
    return _per_class(_counts(counts, len(assignments)), assignments, n_classes).argmax(1)


def predict_proportion_weighting(counts: torch.Tensor, assignment: Assignment, n_classes: int) -> torch.Tensor:
    """Predicted class per example: spike counts weighted by each neuron's proportions, averaged per
    class over the neurons assigned to it."""
    assignments, proportions = assignment.assignments.cpu(), assignment.proportions.cpu()
    counts = _counts(counts, len(assignments))
    scores = torch.zeros(counts.shape[0], n_classes, dtype=torch.float64)
    for c in range(n_classes):
        members = assignments == c
        if members.any():
            scores[:, c] = (counts[:, members] * proportions[members, c]).sum(1) / members.sum()
    return scores.argmax(1)


def confusion_matrix(predictions: torch.Tensor, labels: torch.Tensor, n_classes: int) -> torch.Tensor:
    """[true class, predicted class] counts."""
    labels = _labels(labels, len(torch.as_tensor(labels)), n_classes)
    predictions = _labels(predictions, len(labels), n_classes, "predictions")
    m = torch.zeros(n_classes, n_classes, dtype=torch.int64)
    m.index_put_((labels.long(), predictions.long()), torch.ones_like(labels, dtype=torch.int64), accumulate=True)
    return m


def accuracy(predictions: torch.Tensor, labels: torch.Tensor) -> float:
    predictions, labels = torch.as_tensor(predictions).cpu(), torch.as_tensor(labels).cpu()
    if predictions.shape != labels.shape:
        raise ValueError(f"predictions {tuple(predictions.shape)} and labels {tuple(labels.shape)} differ in shape")
    return float((predictions == labels).double().mean()) if labels.numel() else float("nan")
