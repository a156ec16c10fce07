"""pip install --no-build-isolation .  — builds the C++ core and the extension with CMake.

The CMake build uses the interpreter running pip and the torch it can import (LibTorch from
torch.utils.cmake_prefix_path, or Debian's libtorch-dev). Extra CMake arguments: $SNN_CMAKE_ARGS.
$SNN_CMAKE_BUILD_DIR: an existing, configured build tree to take the module from (only the `_snn`
target is brought up to date there; nothing is reconfigured) instead of a fresh build.
"""
import glob
import os
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        import torch

        build_dir = os.environ.get("SNN_CMAKE_BUILD_DIR")
        if build_dir:
            build_dir = os.path.abspath(build_dir)
        else:
            build_dir = os.path.abspath(os.path.join(self.build_temp, "cmake"))
            prefix = [torch.utils.cmake_prefix_path, "/usr/lib/x86_64-linux-gnu/cmake"]
            configure = [
                "cmake", "-S", os.path.dirname(os.path.abspath(__file__)), "-B", build_dir,
                "-DCMAKE_BUILD_TYPE=Release", f"-DPython3_EXECUTABLE={sys.executable}",
                f"-DCMAKE_PREFIX_PATH={';'.join(prefix)}", "-DSNN_BUILD_TESTS=OFF", "-DSNN_BUILD_BENCHMARKS=OFF",
                "-DSNN_BUILD_EXAMPLES=OFF", "-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON",
            ] + shlex.split(os.environ.get("SNN_CMAKE_ARGS", ""))
            subprocess.check_call(configure)
        subprocess.check_call(["cmake", "--build", build_dir, "-j", str(os.cpu_count() or 2), "--target", "_snn"])
        # The extension and the libraries it loads ($ORIGIN rpath) go into the package folder.
        target = os.path.dirname(os.path.abspath(self.get_ext_fullpath(ext.name)))
        os.makedirs(target, exist_ok=True)
        for path in glob.glob(os.path.join(build_dir, "python", "snn", "_snn*.so")) + \
                glob.glob(os.path.join(build_dir, "libsnn*.so*")):
            shutil.copy2(path, target)


setup(ext_modules=[Extension("snn._snn", sources=[])], cmdclass={"build_ext": CMakeBuild})
