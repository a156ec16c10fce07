// snn/kernels/common.h — what every per-element kernel header needs, and nothing from torch or CUDA.
//
// The per-element math of snn (one neuron step, one synapse update, one random draw) is written
// once, as SNN_HOST_DEVICE inline functions in snn/kernels/<topic>_math.h. The CPU backend calls
// it from a loop (snn/backend.h), the CUDA backend from a grid-stride kernel (cuda/launch.cuh).
// Each header holds an "element functor": a plain struct of raw pointers and constants whose
// operator()(k) advances element k. The functor is the whole kernel; a backend only chooses k.
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define SNN_HOST_DEVICE __host__ __device__
#else
#define SNN_HOST_DEVICE
#endif

// No-alias qualifier for the inner loops the compiler should vectorise.
#define SNN_RESTRICT __restrict__

// Host builds with GCC on x86-64 compile these loops twice, for AVX2 and for the baseline, and pick
// one at load time (the library itself stays portable to any x86-64).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__x86_64__)
#define SNN_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#define SNN_VECTOR_CLONES_WIDE __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SNN_VECTOR_CLONES
#define SNN_VECTOR_CLONES_WIDE
#endif

namespace snn {
namespace kernels {

// exp/log/sqrt/cos that resolve to the CUDA device overloads in device code and to <cmath> on the
// host, for both float and double.
#if defined(__CUDA_ARCH__)
#define SNN_MATH_FUNCTION(name) \
  template <typename T>         \
  SNN_HOST_DEVICE inline T name##_(T x) { return ::name(x); }
#else
#define SNN_MATH_FUNCTION(name) \
  template <typename T>         \
  SNN_HOST_DEVICE inline T name##_(T x) { return std::name(x); }
#endif
SNN_MATH_FUNCTION(exp)
SNN_MATH_FUNCTION(log)
SNN_MATH_FUNCTION(sqrt)
SNN_MATH_FUNCTION(cos)
SNN_MATH_FUNCTION(expm1)
#undef SNN_MATH_FUNCTION

// A per-step input of a population: `base` points at [B, N] values for the first step of the
// run; step s of the run reads base + s * step_stride (step_stride 0: the same values every step).
// base == nullptr means "no input" and reads as 0.
template <typename T>
struct StepInput {
  const T* base = nullptr;
  int64_t step_stride = 0;
  SNN_HOST_DEVICE inline T at(int64_t run_step, int64_t k) const {
    return base ? base[run_step * step_stride + k] : T(0);
  }
};

// The input ring buffer of a population: [R receptors, D slots, B, N], slot = step % D.
// take() reads this step's value for element k of receptor r and clears it, so the slot is
// ready to receive spikes due D steps later.
template <typename T>
struct InputRing {
  T* data = nullptr;
  int64_t slot_stride = 0;      // B * N
  int64_t receptor_stride = 0;  // D * B * N
  int64_t slot = 0;             // step % D for this step
  SNN_HOST_DEVICE inline T take(int r, int64_t k) const {
    T* p = data + r * receptor_stride + slot * slot_stride + k;
    T v = *p;
    *p = T(0);
    return v;
  }
};

// x[k] = value: clears buffers without a tensor operation (no dispatch cost per step).
template <typename T>
struct Fill {
  T* x;
  T value;
  SNN_HOST_DEVICE void operator()(int64_t k) const { x[k] = value; }
};

// dst[k] = src[k].
template <typename T>
struct Copy {
  T* dst;
  const T* src;
  SNN_HOST_DEVICE void operator()(int64_t k) const { dst[k] = src[k]; }
};

}  // namespace kernels
}  // namespace snn
