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


def assign_labels(counts: torch.Tensor, labels: torch.Tensor, n_classes: int) -> Assignment:
    """counts [n, N] spike counts of n examples, labels [n]."""
    counts, labels = counts.cpu().to(torch.float64), labels.cpu()
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
    return _per_class(counts.cpu().to(torch.float64), assignments.cpu(), n_classes).argmax(1)


def predict_proportion_weighting(counts: torch.Tensor, assignment: Assignment, n_classes: int) -> torch.Tensor:
    """Predicted class per example: spike counts weighted by each neuron's proportions, averaged per
    class over the neurons assigned to it."""
    counts = counts.cpu().to(torch.float64)
    assignments, proportions = assignment.assignments.cpu(), assignment.proportions.cpu()
    scores = torch.zeros(counts.shape[0], n_classes, dtype=torch.float64)
    for c in range(n_classes):
        members = assignments == c
        if members.any():
            scores[:, c] = (counts[:, members] * proportions[members, c]).sum(1) / members.sum()
    return scores.argmax(1)


def confusion_matrix(predictions: torch.Tensor, labels: torch.Tensor, n_classes: int) -> torch.Tensor:
    """[true class, predicted class] counts."""
    predictions, labels = predictions.cpu(), labels.cpu()
    m = torch.zeros(n_classes, n_classes, dtype=torch.int64)
    m.index_put_((labels.long(), predictions.long()), torch.ones_like(labels, dtype=torch.int64), accumulate=True)
    return m


def accuracy(predictions: torch.Tensor, labels: torch.Tensor) -> float:
    return float((predictions.cpu() == labels.cpu()).double().mean()) if labels.numel() else float("nan")
