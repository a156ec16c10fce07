#!/usr/bin/env bash
# Installs every Debian (bookworm) package that snn's build, tests, examples and
# benchmarks need. Idempotent: packages already present are skipped, and
# `apt-get update` runs only when something must be installed.
#
# Used by the README's two commands, by .ci/run (through the README's test
# command) and by both Dockerfiles, so the Docker recipe is exercised by CI.
#
#   docker/install-deps.sh            # build + tests + examples
#   SNN_DEPS_MINIMAL=1 docker/install-deps.sh   # build tools only (Dockerfile.cuda,
#                                               # which brings its own PyTorch)
set -euo pipefail

packages=(
  build-essential cmake ninja-build git ca-certificates zlib1g-dev
  pybind11-dev python3-pybind11 python3-dev python3-pip
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-numpy python3-pytest python3-tqdm python3-matplotlib python3-h5py
  python3-scipy  # the AdEx reference solution in tests
  # MUSIC ports and the MPI layer for distributed runs (both optional in CMake; their tests run under mpirun)
  libmusic-dev music-bin libopenmpi-dev openmpi-bin
  # the fuzz harnesses (tests/fuzz, clang with libFuzzer)
  clang libfuzzer-14-dev
)
if [ "${SNN_DEPS_MINIMAL:-0}" != "1" ]; then
  packages+=(libtorch-dev python3-torch dataset-fashion-mnist)
  # Optional peer for the benchmark comparisons (benchmarks/compare.py).
  packages+=(python3-brian)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
