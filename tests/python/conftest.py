"""pytest setup: makes the built package importable when pytest is run by hand.

$SNN_BUILD_DIR/python when set; else the snn on PYTHONPATH (ctest sets it to its build tree's
python/); else ./build/python."""
import importlib.util
import os
import sys

_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.find_spec("snn")  # the repository's C++ snn/ directory is a namespace package: not it
if "SNN_BUILD_DIR" in os.environ or _spec is None or _spec.origin in (None, "namespace"):
    _pkg = os.path.join(os.environ.get("SNN_BUILD_DIR", os.path.join(_root, "build")), "python")
    if os.path.isdir(_pkg) and _pkg not in sys.path:
        sys.path.insert(0, _pkg)
        # ... and for the example scripts the tests run as subprocesses.
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_pkg, os.environ.get("PYTHONPATH")) if p)

import pytest  # noqa: E402
import torch  # noqa: E402

import snn  # noqa: E402

REPO = _root


def cuda_skip_reason():
    if not snn.cuda_built():
        return "snn was built without CUDA (needs nvcc and a LibTorch with CUDA)"
    if not torch.cuda.is_available():
        return "no CUDA device present"
    return None


@pytest.fixture
def repo():
    return REPO


def load_example(path: str):
    """Imports an example script (path relative to examples/) as a module, without running main()."""
    import importlib.util
    full = os.path.join(REPO, "examples", path)
    name = "example_" + path.replace("/", "_").replace(".py", "")
    spec = importlib.util.spec_from_file_location(name, full)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
