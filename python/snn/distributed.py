"""This process's place in an MPI run: ``mpirun -np N python3 script.py``.

``snn.rank()`` and ``snn.num_processes()`` say which of the N processes this is. Outside ``mpirun``
they are 0 and 1 and MPI is not touched; under ``mpirun`` the first call initialises MPI (through
snn's MPI layer, built when CMake finds MPI: Debian's ``libopenmpi-dev``), unless mpi4py or MUSIC
did so already. ``snn.Network(..., distributed=True)`` splits one network across the processes;
docs/distributed.md says how, and what is not supported yet.

Under MUSIC (``snn.music``) the processes of one application are a part of MPI's world: use the
Coupling's ``rank`` and ``size`` there.
"""
import importlib
import importlib.util
import os
import sys
import warnings
from typing import List

# Set by the launchers in every process they start: Open MPI, MPICH / Hydra (PMI), PMIx.
_LAUNCHER_SIZE = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE")


def available() -> bool:
    """Whether this build of snn has its MPI layer (CMake found MPI). Loads nothing."""
    return importlib.util.find_spec(__package__ + "._mpi") is not None


def launched_by_mpi() -> bool:
    """Whether an MPI launcher (mpirun, mpiexec, srun) started this process."""
    return any(os.environ.get(k) for k in _LAUNCHER_SIZE)


def launcher_size() -> int:
    """The number of processes the launcher started, from its environment (1 outside one); calls no MPI."""
    for key in _LAUNCHER_SIZE:
        value = os.environ.get(key, "")
        if value.isdigit():
            return int(value)
    return 1


_warned_whole_copies = False


def warn_whole_copies() -> None:
    """Warns once per process, when a launcher started several (not under MUSIC) and a network is made
    without distributed=True: each process runs all of it (snn.Network calls this)."""
    global _warned_whole_copies
    n = launcher_size()
    under_music = "_MUSIC_CONFIG_" in os.environ  # MUSIC's applications are separate networks by design
    if n > 1 and not under_music and not _warned_whole_copies:
        _warned_whole_copies = True
        warnings.warn(f"each of the {n} processes started by the MPI launcher simulates this whole network; "
                      "snn.Network(..., distributed=True) splits one network across them (docs/distributed.md)",
                      stacklevel=3)


def _mpi():
    if not launched_by_mpi():
        return None
    if not available():
        raise RuntimeError("this process was started by an MPI launcher, but snn was built without MPI "
                           "(install libopenmpi-dev, e.g. through docker/install-deps.sh, and rebuild)")
    return importlib.import_module(__package__ + "._mpi")


def rank() -> int:
    """This process's rank in the run: 0 .. num_processes() - 1 (0 outside mpirun)."""
    mpi = _mpi()
    return mpi.rank() if mpi else 0


def num_processes() -> int:
    """The number of processes of the run (1 outside mpirun)."""
    mpi = _mpi()
    return mpi.size() if mpi else 1


def allgather(local: List[int]) -> List[int]:
    """Every process's list of integers, concatenated in rank order (a collective: every rank calls it)."""
    mpi = _mpi()
    return mpi.allgather([int(x) for x in local]) if mpi else [int(x) for x in local]


def same_on_all(value: int) -> bool:
    """Whether every process passed the same value (a collective): e.g. a hash of the network each built,
    to refuse a run whose processes do not run the same script."""
    if not 0 <= int(value) < 2 ** 64:
        raise ValueError(f"value must be an unsigned 64-bit integer, got {value}")
    mpi = _mpi()
    return mpi.same_on_all(int(value)) if mpi else True


def allgather_bytes(local: bytes) -> List[bytes]:
    """Every process's bytes, in rank order (a collective)."""
    mpi = _mpi()
    return mpi.allgather_bytes(bytes(local)) if mpi else [bytes(local)]


def communicator():
    """MPI's world for ``snn.Network(distributed=True)`` under a launcher (a capsule for the engine),
    or None outside one (the network then runs in this process alone). Also makes an uncaught
    exception end every process of the run (MPI_Abort), as ``python3 -m mpi4py`` does: the others
    would otherwise wait for it in the next exchange forever."""
    mpi = _mpi()
    if mpi is None:
        return None
    _abort_on_uncaught_exception(mpi)
    return mpi.communicator()


def _abort_on_uncaught_exception(mpi) -> None:
    if getattr(sys.excepthook, "_snn_aborts", False) or mpi.size() == 1:
        return
    previous = sys.excepthook

    def hook(kind, value, traceback):
        previous(kind, value, traceback)  # the traceback first
        sys.stderr.flush()
        mpi.abort(1)

    hook._snn_aborts = True
    sys.excepthook = hook


def allgather_tensor(t, dim: int = 0):
    """Every process's CPU tensor, concatenated along ``dim`` in rank order (a collective); the shapes
    may differ only along ``dim``."""
    import torch
    t = t.detach().cpu().contiguous()
    dim = dim % max(1, t.dim())
    parts = allgather_bytes(t.numpy().tobytes())
    shape = list(t.shape)
    out = []
    for b in parts:
        flat = torch.frombuffer(bytearray(b), dtype=t.dtype) if b else torch.zeros(0, dtype=t.dtype)
        other = 1
        for k, n in enumerate(shape):
            if k != dim:
                other *= n
        shape[dim] = flat.numel() // other if other else 0
        out.append(flat.view(shape) if t.dim() else flat)
    return torch.cat(out, dim) if t.dim() else torch.stack(out)
