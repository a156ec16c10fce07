// snn/kernels/common.h — what every per-element kernel header needs, and nothing from torch or CUDA.
//
// The per-element math of snn (one neuron step, one synapse update, one random draw) is written
// once, as SNN_HOST_DEVICE inline functions in snn/kernels/<topic>_math.h. The CPU backend calls
// it from a loop (snn/backend.h), the CUDA backend from a grid-stride kernel (cuda/launch.cuh).
// Each header holds "element functors": plain structs of raw pointers and constants whose
// operator()(k) advances element k. The functor is the whole kernel; a backend only chooses k.
//
// CUDA entry points: each header lists, after its functors, the functors that run on CUDA:
//   SNN_CUDA_KERNEL(LifDeltaStep)      a functor template over the value type (float and double)
//   SNN_CUDA_KERNEL_OF(ZeroCount)      one concrete functor type
//   SNN_CUDA_RULE(PairStdpRule)        a learning rule, through the four visits of synapse_visits.h
// Host code sees a declaration `cuda_launch(const F&, n, stream)` per functor, which backend::for_each
// finds by argument-dependent lookup; cuda/kernels.cu, which CMake generates to include every header of
// this folder, sees the definitions (one grid-stride kernel each, cuda/launch.cuh). A functor passed to
// backend::for_each without its line here fails to compile in a CUDA build, and on machines without
// CUDA in the test cuda_launch_overloads (CMakeLists.txt).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#include <immintrin.h>
#endif

#if defined(__CUDACC__)
#define SNN_HOST_DEVICE __host__ __device__
#else
#define SNN_HOST_DEVICE
#endif

// No-alias qualifier for the inner loops the compiler should vectorise.
#define SNN_RESTRICT __restrict__

// Before a loop whose iterations write distinct places through computed indices (GCC, host only).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define SNN_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#else
#define SNN_INDEPENDENT_ITERATIONS
#endif

// Host builds with GCC on x86-64 compile these loops three times, for AVX-512, AVX2 and the baseline,
// and pick one at load time (the library itself stays portable to any x86-64). The clones give the
// same results: no fused multiply-adds (-ffp-contract=off), the same operations in the same order.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__x86_64__)
#define SNN_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SNN_VECTOR_CLONES
#endif

// A common case kept inline in the loop that calls it, and the rare case kept out of it.
#if defined(__CUDACC__)
#define SNN_INLINE __forceinline__
#define SNN_NOINLINE __noinline__
#elif defined(__GNUC__)
#define SNN_INLINE inline __attribute__((always_inline))
#define SNN_NOINLINE __attribute__((noinline))
#else
#define SNN_INLINE inline
#define SNN_NOINLINE
#endif

#if defined(SNN_CUDA_DEFINE_LAUNCHES)  // cuda/kernels.cu (nvcc), after cuda/launch.cuh
#define SNN_CUDA_LAUNCH(...) \
  void cuda_launch(const __VA_ARGS__& f, int64_t n, void* stream) { ::snn::cuda::launch_for_each(f, n, stream); }
#else
#define SNN_CUDA_LAUNCH(...) void cuda_launch(const __VA_ARGS__& f, int64_t n, void* stream);
#endif
#define SNN_CUDA_KERNEL_OF(...) SNN_CUDA_LAUNCH(__VA_ARGS__)
#define SNN_CUDA_KERNEL(F) SNN_CUDA_LAUNCH(F<float>) SNN_CUDA_LAUNCH(F<double>)

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
SNN_MATH_FUNCTION(sin)
SNN_MATH_FUNCTION(expm1)
SNN_MATH_FUNCTION(ceil)
#undef SNN_MATH_FUNCTION

// exp(x) in plain arithmetic, so that a loop calling it vectorises (std::exp is a library call):
// x = k ln2 + r with |r| <= ln2/2 (ln2 in two parts, Cody & Waite), exp(r) by its Taylor series to
// r^7 (float: truncation below 5e-9 relative) or r^12 (double: below 2e-16), 2^k written into the
// exponent bits. Measured against std::exp in tests/cpp/kernels/test_common_math.cpp (ExpPoly): within 2 ulp.
// x is clamped to [-87, 88] (float) or [-708, 709] (double): the result stays finite, and below the
// range it is about 1e-38 (1e-308) rather than 0. Rounding to the nearest k uses the 1.5 * 2^mantissa
// trick, which needs IEEE round-to-nearest arithmetic without -ffast-math reassociation.
// Horner's scheme: horner(r, a_n, ..., a_1, a_0) = ((a_n r + a_{n-1}) r + ...) r + a_0.
template <typename T>
SNN_HOST_DEVICE inline T horner(T, T a0) {
  return a0;
}
template <typename T, typename... Rest>
SNN_HOST_DEVICE inline T horner(T r, T an, T next, Rest... rest) {
  return horner(r, an * r + next, rest...);
}

template <typename T>
struct ExpPolyTraits;
template <>
struct ExpPolyTraits<float> {
  using Bits = int32_t;
  static constexpr float lo = -87.0f, hi = 88.0f, round = 12582912.0f;  // 1.5 * 2^23
  static constexpr float ln2_hi = 0.693145751953125f, ln2_lo = 1.428606765330187e-06f;
  static constexpr int mantissa = 23, bias = 127;
  SNN_HOST_DEVICE static float series(float r) {  // sum of r^n / n!, n <= 7
    return horner(r, 1.0f / 5040, 1.0f / 720, 1.0f / 120, 1.0f / 24, 1.0f / 6, 0.5f, 1.0f, 1.0f);
  }
};
template <>
struct ExpPolyTraits<double> {
  using Bits = int64_t;
  static constexpr double lo = -708.0, hi = 709.0, round = 6755399441055744.0;  // 1.5 * 2^52
  static constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  static constexpr int mantissa = 52, bias = 1023;
  SNN_HOST_DEVICE static double series(double r) {  // n <= 12
    return horner(r, 1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040,
                  1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1.0, 1.0);
  }
};

template <typename T>
SNN_HOST_DEVICE inline T exp_poly(T x) {
  using E = ExpPolyTraits<T>;
  using Bits = typename E::Bits;
  // The clamp's bound depends on x (0 x is not folded) so that the compiler cannot split the loop
  // into a constant path and a computed one, which would stop it vectorising.
  const T lo = E::lo + T(0) * x, hi = E::hi + T(0) * x;
  x = x < lo ? lo : (x > hi ? hi : x);
  const T t = x * T(1.4426950408889634) + E::round;  // the nearest integer to x / ln2 ...
  const T k = t - E::round;
  Bits t_bits, round_bits;
  std::memcpy(&t_bits, &t, sizeof(T));
  const T round = E::round;
  std::memcpy(&round_bits, &round, sizeof(T));
  const Bits ki = t_bits - round_bits;  // ... read from the mantissa bits of t: no conversion
  const T r = (x - k * E::ln2_hi) - k * E::ln2_lo;
  // Shifted as unsigned: well defined even when x is NaN (ki is then garbage and the result NaN anyway).
  using UBits = std::make_unsigned_t<Bits>;
  const Bits bits = static_cast<Bits>(static_cast<UBits>(ki + E::bias) << E::mantissa);
  T scale;
  std::memcpy(&scale, &bits, sizeof(T));
  return E::series(r) * scale;
}

// A kernel's parameters for the neurons of a population (snn/params.h): `all` when every neuron has
// the same (the fast path), else `each[i]` for neuron i, an array of n structs on the kernel's device.
// Element k of a [B, N] population is neuron k % n.
template <class P>
struct PerNeuron {
  P all{};
  const P* each = nullptr;
  int64_t n = 1;
  SNN_HOST_DEVICE const P& of(int64_t k) const { return each ? each[k % n] : all; }
};

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
  // The [B, N] values of a step of the run, or null.
  SNN_HOST_DEVICE inline const T* step(int64_t run_step) const { return base ? base + run_step * step_stride : nullptr; }
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
  // This step's [B, N] slot of receptor r.
  SNN_HOST_DEVICE inline T* slot_data(int r) const { return data + r * receptor_stride + slot * slot_stride; }
};

// Functors whose element e is a block of items (the CPU: a vectorised loop over `block` items; CUDA:
// block 1, one item per thread): the items [begin, end) of element e, of n.
struct ItemRange {
  int64_t begin, end;
};
SNN_HOST_DEVICE inline ItemRange block_items(int64_t e, int64_t block, int64_t n) {
  const int64_t begin = e * block;
  return {begin, begin + block < n ? begin + block : n};
}

// f(kEach, kCurrent) with two run-time switches of a block of neurons — per-neuron parameters, an
// input current — made compile-time constants (std::bool_constant), so that the block's loop tests
// neither, keeps shared parameters in registers and reads only what exists (the model's
// <model>_block function is instantiated four times).
template <class F>
SNN_HOST_DEVICE SNN_INLINE void with_block_switches(bool each, bool current, F&& f) {
  using yes = std::true_type;
  using no = std::false_type;
  if (each) {
    if (current) f(yes{}, yes{}); else f(yes{}, no{});
  } else {
    if (current) f(no{}, yes{}); else f(no{}, no{});
  }
}

// y[j] += c x[j] for j in [j0, j1), vectorised (a weight row into a ring row; STDP's batch sums).
template <typename T>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void add_scaled(T* SNN_RESTRICT y, const T* SNN_RESTRICT x, T c, int64_t j0, int64_t j1) {
  for (int64_t j = j0; j < j1; ++j) y[j] += c * x[j];
}

// flags[k] |= whether x[k kBlock .. min((k + 1) kBlock, n)) holds a nonzero: one call, each full block
// a branch-free reduction of a fixed length (vectorised).
template <int64_t kBlock, typename T>
SNN_VECTOR_CLONES inline void mark_nonzero_blocks(const T* SNN_RESTRICT x, int64_t n, uint8_t* SNN_RESTRICT flags) {
  const int64_t full = n / kBlock;
  for (int64_t k = 0; k < full; ++k) {
    int nonzero = 0;
    for (int64_t i = 0; i < kBlock; ++i) nonzero |= x[k * kBlock + i] != T(0);
    flags[k] |= static_cast<uint8_t>(nonzero);
  }
  int nonzero = 0;
  for (int64_t i = full * kBlock; i < n; ++i) nonzero |= x[i] != T(0);
  if (full * kBlock < n) flags[full] |= static_cast<uint8_t>(nonzero);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#define SNN_AVX512_HOST 1
// Whether the CPU running this has AVX-512 (code using it is compiled for it with a target attribute).
inline bool cpu_has_avx512f() {
  static const bool has = __builtin_cpu_supports("avx512f");
  return has;
}

// Bit k set where x[k] != 0 (NaN included), for k < 64 (AVX-512 comparisons, 16 or 8 elements each).
template <typename T>
__attribute__((target("avx512f"))) inline uint64_t nonzero_mask64_avx512(const T* x) {
  uint64_t m = 0;
  if constexpr (sizeof(T) == 4) {
    for (int k = 0; k < 4; ++k) {
      m |= uint64_t{_mm512_cmp_ps_mask(_mm512_loadu_ps(x + 16 * k), _mm512_setzero_ps(), _CMP_NEQ_UQ)} << (16 * k);
    }
  } else {
    for (int k = 0; k < 8; ++k) {
      m |= uint64_t{_mm512_cmp_pd_mask(_mm512_loadu_pd(x + 8 * k), _mm512_setzero_pd(), _CMP_NEQ_UQ)} << (8 * k);
    }
  }
  return m;
}
#endif

// Host: calls fn(i) for every i in [0, n) with x[i] != 0, ascending. Spikes are sparse: with AVX-512
// (float, double) each 64 elements give a bit mask whose set bits are visited; otherwise one
// vectorised pass marks the 64-element blocks holding a nonzero, and only those are read element by
// element. `flags`: scratch of at least (n + 63) / 64 bytes.
template <typename T, class Fn>
inline void for_each_nonzero(const T* x, int64_t n, uint8_t* flags, Fn&& fn) {
  constexpr int64_t kBlock = 64;
#if defined(SNN_AVX512_HOST)
  if constexpr (std::is_floating_point<T>::value) {
    if (cpu_has_avx512f()) {
      int64_t base = 0;
      for (; base + kBlock <= n; base += kBlock) {
        for (uint64_t m = nonzero_mask64_avx512(x + base); m != 0; m &= m - 1) fn(base + __builtin_ctzll(m));
      }
      for (; base < n; ++base) {
        if (x[base] != T(0)) fn(base);
      }
      return;
    }
  }
#endif
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::memset(flags, 0, static_cast<size_t>(blocks));
  mark_nonzero_blocks<kBlock>(x, n, flags);
  for (int64_t k = 0; k < blocks; ++k) {
    if (!flags[k]) continue;
    for (int64_t i = k * kBlock, i1 = (k + 1) * kBlock < n ? (k + 1) * kBlock : n; i < i1; ++i) {
      if (x[i] != T(0)) fn(i);
    }
  }
}

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

// CUDA entry points.
SNN_CUDA_KERNEL(Fill)
SNN_CUDA_KERNEL_OF(Fill<int64_t>)
SNN_CUDA_KERNEL(Copy)

}  // namespace kernels
}  // namespace snn
