"""pytest setup: makes the built package importable when pytest is run by hand.

$SNN_BUILD_DIR/python when set; else the snn on PYTHONPATH (ctest sets it to its build tree's
python/); else ./build/python.

SNN_TEST_DEVICE=cuda runs the suite on a GPU: every snn constructor whose `device` defaults to "cpu"
(Network, the models) defaults to that device instead, so each test that names no device runs there.
Tests that name "cpu" (parity references, error checks) stay on the CPU."""
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
TEST_DEVICE = os.environ.get("SNN_TEST_DEVICE", "cpu")


def _default_device_to(device: str) -> None:
    import inspect
    targets = [snn.Network.__init__] + [c.__init__ for c in vars(snn.models).values() if inspect.isclass(c)]
    for fn in targets:
        if fn.__kwdefaults__ and fn.__kwdefaults__.get("device") == "cpu":
            fn.__kwdefaults__ = dict(fn.__kwdefaults__, device=device)
        if fn.__defaults__:
            code = fn.__code__
            names = code.co_varnames[code.co_argcount - len(fn.__defaults__):code.co_argcount]
            fn.__defaults__ = tuple(device if (n == "device" and d == "cpu") else d
                                    for n, d in zip(names, fn.__defaults__))


if TEST_DEVICE != "cpu":
    _default_device_to(TEST_DEVICE)


def pytest_report_header(config):
    return f"snn test device: {TEST_DEVICE}"


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
