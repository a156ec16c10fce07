"""Debugging aids.

``host_reads()`` counts the host's reads of tensor values (``item()``, ``nonzero``, copies to the CPU)
during a block of code, inside the steps of any network and outside them. On CUDA each such read waits
for the GPU to finish its queued work; snn's steps make none once a run has started (docs/gpu.md)::

    with snn.debug.host_reads() as reads:
        net.run(100.0)
    assert reads.in_steps == 0, reads.ops_in_steps
"""
from typing import Dict, List

from . import _snn


class HostReads:
    """What ``host_reads()`` counted: live inside the ``with`` block, final after it."""

    def __init__(self):
        self._counter = None
        self._counts = {"runs": 0, "steps": 0, "in_steps": 0, "outside_steps": 0, "ops_in_steps": {}, "steps_with_reads": []}

    def __enter__(self) -> "HostReads":
        self._counter = _snn.HostReadCounter()  # ValueError while another one counts
        return self

    def __exit__(self, *exc) -> None:
        self._counter.stop()
        self._counts = self._counter.counts()
        self._counter = None

    def _get(self, key):
        return (self._counter.counts() if self._counter is not None else self._counts)[key]

    @property
    def runs(self) -> int:
        """Runs (``run``, ``step`` calls of any network) started while counting."""
        return self._get("runs")

    @property
    def steps(self) -> int:
        """Steps taken (by any network) while counting."""
        return self._get("steps")

    @property
    def in_steps(self) -> int:
        """Reads made inside those steps."""
        return self._get("in_steps")

    @property
    def outside_steps(self) -> int:
        """Reads made between steps: input checks when a run starts, monitor flushes when it ends, and
        whatever the script itself reads."""
        return self._get("outside_steps")

    @property
    def per_step(self) -> float:
        """Reads inside steps per step (0.0 when no step was taken)."""
        return self.in_steps / self.steps if self.steps else 0.0

    @property
    def ops_in_steps(self) -> Dict[str, int]:
        """The reading operators inside steps and how often each ran (e.g. ``{'aten::nonzero': 3}``)."""
        return dict(self._get("ops_in_steps"))

    @property
    def steps_with_reads(self) -> List[int]:
        """The network steps (``Network.step_count`` values) that made a read, the first 100."""
        return list(self._get("steps_with_reads"))

    def __repr__(self) -> str:
        return (f"HostReads(runs={self.runs}, steps={self.steps}, in_steps={self.in_steps}, outside_steps={self.outside_steps}, "
                f"ops_in_steps={self.ops_in_steps})")


def host_reads() -> HostReads:
    """A context manager that counts the host's reads of tensor values (see the module's text). One
    counts at a time."""
    return HostReads()


__all__ = ["HostReads", "host_reads"]
