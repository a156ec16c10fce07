"""Evaluates a checkpoint saved by train.py on --n-test test images.

    PYTHONPATH=build/python /usr/bin/python3 examples/mnist/evaluate.py --checkpoint examples/out/mnist/checkpoint.snn
"""
import argparse
import os
import sys

import snn
from snn.evaluation import Assignment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (add_common_arguments, evaluate, label_pass, load_dataset, plot_all, running_history,  # noqa: E402
                    use_threads)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Evaluate a Diehl & Cook (2015) checkpoint")
    add_common_arguments(ap)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--relabel", type=int, default=0,
                    help="assign the labels afresh from this many training images (learning off) instead of "
                         "using the checkpoint's")
    args = ap.parse_args(argv)
    use_threads(args.threads)
    model, state = snn.models.DiehlAndCook2015.load(args.checkpoint, batch_size=args.batch_size, device=args.device)
    if "assignments" not in state:
        raise SystemExit(f"{args.checkpoint} holds no label assignments (save it with train.py)")
    args.dataset = state.get("dataset", args.dataset)
    args.data_root = args.data_root or state.get("data_root")  # where train.py found the data
    test = load_dataset(args, train=False)
    assignment = Assignment(state["assignments"], state["proportions"], state["rates"])
    if args.relabel > 0:
        assignment = label_pass(model, load_dataset(args, train=True), args.relabel, len(test.classes))
    result = evaluate(model, test, assignment, args.n_test, len(test.classes))
    print(f"proportion-weighting accuracy: {result['proportion_accuracy']:.4f}")
    print(f"confusion matrix (rows: true class, columns: predicted):\n{result['confusion']}")
    if args.plot:
        plot_all(model, assignment, result, test, args.out, *running_history(state))
    print(f"test accuracy: {result['accuracy']:.4f}")
    return result


if __name__ == "__main__":
    main()
