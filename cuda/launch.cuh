// cuda/launch.cuh — the one CUDA kernel shape snn needs: a grid-stride loop over an element functor.
// The functor (snn/kernels/*_math.h) holds the math and the index arithmetic; this file only picks k.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace snn {
namespace cuda {

template <class F>
__global__ void for_each_kernel(int64_t n, F f) {
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < n; k += stride) f(k);
}

inline void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) {
    throw std::runtime_error(std::string("snn CUDA error in ") + what + ": " + cudaGetErrorString(err));
  }
}

template <class F>
void launch_for_each(const F& f, int64_t n, void* stream) {
  if (n <= 0) return;
  constexpr int kThreads = 256;
  const int64_t blocks_needed = (n + kThreads - 1) / kThreads;
  const int blocks = static_cast<int>(blocks_needed < 65535 * 8 ? blocks_needed : 65535 * 8);
  for_each_kernel<<<blocks, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(n, f);
  check(cudaGetLastError(), "kernel launch");
}

}  // namespace cuda
}  // namespace snn
