"""Fixed-seed results are bitwise those recorded in tests/golden/golden.json (spike trains, states and
weights of Brunel, Izhikevich 2007, Diehl & Cook, the NESTML tutorial, every model and every rule).

A change to the engine that moves any of them must say so, and why, and re-record the sums
(tests/golden/golden.py --record) in the same commit."""
import json
import os
import sys

import pytest

from conftest import REPO, TEST_DEVICE

sys.path.insert(0, os.path.join(REPO, "tests", "golden"))
import golden  # noqa: E402

RECORDED = json.load(open(golden.RECORD))["sums"]


@pytest.mark.skipif(TEST_DEVICE != "cpu", reason="the sums are of CPU runs")
@pytest.mark.parametrize("name", sorted(golden.cases()))
def test_result_is_bitwise_the_recorded_one(name):
    assert golden.cases()[name]() == RECORDED[name]


def test_every_case_is_recorded():
    assert sorted(golden.cases()) == sorted(RECORDED)
