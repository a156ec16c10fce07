"""`pip install --no-build-isolation .` gives a package that imports: every submodule (snn.models too) is
in it, with the extension and the libraries it loads. The install reuses this build's CMake tree
(SNN_CMAKE_BUILD_DIR, setup.py) instead of compiling everything again."""
import os
import subprocess
import sys

from conftest import REPO

CHECK = """
import importlib, os, pkgutil, sys
import snn
assert snn.__file__.startswith(sys.argv[1]), snn.__file__
names = [m.name for m in pkgutil.walk_packages(snn.__path__, "snn.") if not m.name.startswith("snn.lib")]
for name in names:
    importlib.import_module(name)
assert "snn.models" in names and "snn.models.diehl_cook" in names, names
net = snn.Network(dt=0.1)
pop = net.add(snn.LIF(3, I_e=[400.0, 500.0, 600.0]))
net.run(10.0)
print(" ".join(names))
"""


def test_pip_install_into_a_target_folder_imports_every_submodule(tmp_path):
    build = os.environ.get("SNN_BUILD_DIR", os.path.join(REPO, "build"))
    target = str(tmp_path / "site")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["SNN_CMAKE_BUILD_DIR"] = build
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index", "-q",
                    "--target", target, REPO], check=True, env=env, cwd=str(tmp_path))
    env["PYTHONPATH"] = target
    out = subprocess.run([sys.executable, "-c", CHECK, target], check=True, env=env, cwd=str(tmp_path),
                         capture_output=True, text=True).stdout
    assert "snn.plasticity" in out and "snn.network" in out
