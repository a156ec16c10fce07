#!/usr/bin/env bash
# The C++ suite under AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer), in a build
# directory of its own; with clang, the fuzz harnesses of tests/fuzz/ too, each run over its corpus.
# Usage: tests/sanitize/run.sh <source dir> <build dir>   (the ctest test `sanitizers` runs it)
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${2:-$src/build/sanitize}
compiler=(-DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++)
if command -v clang++ >/dev/null; then compiler=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++); fi
generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
if [ -f "$build/CMakeCache.txt" ]; then generator=(); fi  # keep the generator it was made with
# -O1: the sanitizers' usual level (fast enough, precise reports); no CUDA, Python, benchmarks or examples.
cmake -S "$src" -B "$build" "${generator[@]}" "${compiler[@]}" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DSNN_SANITIZE=ON -DSNN_WITH_CUDA=OFF -DSNN_BUILD_PYTHON=OFF -DSNN_BUILD_BENCHMARKS=OFF -DSNN_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
# alloc_dealloc_mismatch=0: libstdc++'s nothrow operator delete (in its uninstrumented .so, used by std::stable_sort's
# temporary buffer) frees what ASan's nothrow operator new made; a known false report when clang meets libstdc++.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:alloc_dealloc_mismatch=0"
export LSAN_OPTIONS="suppressions=$src/tests/sanitize/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build" --output-on-failure -E "^(cuda_launch_overloads|install_and_find_package)$"
