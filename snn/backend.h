// snn/backend.h — runs an element functor (snn/kernels/*_math.h) on the device its tensors live on.
//
// CPU: at::parallel_for over chunks of elements. Every functor updates disjoint elements, so the
// result does not depend on the number of threads. CUDA: the grid-stride launcher compiled from
// cuda/kernels.cu, on the current stream of the current device.
#pragma once

#include <ATen/Parallel.h>

#include <algorithm>
#include <c10/core/Device.h>

#include "snn/errors.h"
#include "snn/kernels/cuda_launch.h"

#if (defined(__x86_64__) || defined(_M_X64)) && !defined(__CUDACC__)
#include <xmmintrin.h>
#define SNN_HAS_MXCSR 1
#endif

namespace snn {
namespace backend {

// True when this build can run kernels on CUDA (nvcc found and LibTorch built with CUDA).
bool cuda_built();
// How many threads libsnn's CPU kernels use for `tasks` independent elements (at most
// at::get_num_threads(); 1 when the library was built without OpenMP).
int64_t cpu_threads_used(int64_t tasks);
// The current CUDA stream as void* (throws when CUDA is not built).
void* cuda_stream();
// Throws ValueError, with the reason, when `device` cannot be used.
void check_device_usable(const c10::Device& device);
// Makes a CUDA device current and returns the previous one (cuda_glue.cpp).
int cuda_exchange_device(int index);

// Makes `device` the current CUDA device while it lives, so kernels launch on the device (and the
// stream) their tensors belong to. Does nothing for the CPU.
class DeviceScope {
 public:
  explicit DeviceScope(const c10::Device& device);
  ~DeviceScope();
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_ = -1;
};

// While it lives, the calling CPU thread treats subnormal floating-point numbers (below ~1.2e-38 in
// float, ~2.2e-308 in double) as zero, in its inputs and results (x86-64 MXCSR flush-to-zero and
// denormals-are-zero; elsewhere it does nothing). Decaying state — conductances, synaptic currents,
// traces — sinks through the subnormal range on its way to zero, and arithmetic on subnormals costs
// many times the normal rate on x86 CPUs (Diehl & Cook: ~10 % of a run). The values concerned are
// more than 30 orders of magnitude below anything a model computes with. The previous mode comes
// back when the guard ends, so the caller's other work (Python, ATen) is not affected.
class FlushSubnormals {
 public:
#if defined(SNN_HAS_MXCSR)
  static constexpr unsigned kBits = 0x8040u;  // FTZ (bit 15) | DAZ (bit 6)
  FlushSubnormals() : previous_(_mm_getcsr()) {
    if ((previous_ & kBits) != kBits) _mm_setcsr(previous_ | kBits);
  }
  ~FlushSubnormals() {
    if ((previous_ & kBits) != kBits) _mm_setcsr(previous_);
  }

 private:
  unsigned previous_;
#else
  FlushSubnormals() {}
#endif
 public:
  FlushSubnormals(const FlushSubnormals&) = delete;
  FlushSubnormals& operator=(const FlushSubnormals&) = delete;
};

// Elements per CPU task: the functors cost a few ns per element, so small populations run inline
// and large ones split across threads.
constexpr int64_t kCpuGrain = 65536;
// Neurons per CPU task for the kernels that draw a random word per neuron (a Philox block costs ~1-2 ns
// a word): fewer than kCpuGrain, so that a batch of Poisson inputs spreads over the threads.
constexpr int64_t kCpuGrainDraws = 8192;

// CPU only (functors that exist only for the CPU, e.g. sorted-order delivery).
template <class F>
void for_each_cpu(int64_t n, const F& f, int64_t grain = kCpuGrain) {
  if (n <= 0) return;
  at::parallel_for(0, n, grain, [&f](int64_t begin, int64_t end) {
    const FlushSubnormals flush;  // worker threads too (the calling thread has it for the whole run)
    // A private copy of the functor: the kernel's stores (through its float pointers) cannot alias
    // its own scalar parameters, so the compiler keeps them in registers and can vectorise.
    const F local = f;
    for (int64_t k = begin; k < end; ++k) local(k);
  });
}

// CPU only: elements [0, n) of unequal cost, cut into one share per thread of about equal total cost
// (static cuts split the work unevenly when, say, the batch entries' spike counts differ).
// cost_end[k] = the cost of elements 0..k (non-decreasing); the work runs on the calling thread when
// the total is below `min_share_cost`. Elements stay independent, so results do not depend on the cuts.
template <class F, typename C>
void for_each_cpu_balanced(int64_t n, const C* cost_end, const F& f, int64_t min_share_cost) {
  if (n <= 0) return;
  const int64_t total = static_cast<int64_t>(cost_end[n - 1]);
  const int64_t shares = std::max<int64_t>(
      1, std::min<int64_t>({static_cast<int64_t>(at::get_num_threads()), n, total / std::max<int64_t>(1, min_share_cost)}));
  // Share s: the elements whose cost ends in (total s / shares, total (s + 1) / shares].
  const auto cut = [&](int64_t s) -> int64_t {
    if (s <= 0) return 0;
    if (s >= shares) return n;
    return std::upper_bound(cost_end, cost_end + n, static_cast<C>(total * s / shares)) - cost_end;
  };
  at::parallel_for(0, shares, 1, [&](int64_t s0, int64_t s1) {
    const FlushSubnormals flush;
    const F local = f;  // as for_each_cpu
    for (int64_t k = cut(s0), end = cut(s1); k < end; ++k) local(k);
  });
}

// `grain`: elements per CPU task; lower it for functors whose elements are expensive (a row of
// synapses) so that they still spread over the threads.
template <class F>
void for_each(const c10::Device& device, int64_t n, const F& f, int64_t grain = kCpuGrain) {
  if (n <= 0) return;
  if (device.is_cuda()) {
#if defined(SNN_CUDA_RUNTIME)
    snn::cuda::launch(f, n, cuda_stream());
#else
    throw ValueError("snn was built without CUDA support; the device 'cuda' cannot be used");
#endif
    return;
  }
  for_each_cpu(n, f, grain);
}

// Runs a functor whose element is a block of items (fields n and block; kernels::block_items): on
// the CPU blocks of `cpu_block` items, about `grain_items` items per task; on CUDA one item per thread.
template <class F>
void for_each_block(const c10::Device& device, F f, int64_t cpu_block, int64_t grain_items = kCpuGrain) {
  f.block = device.is_cuda() ? 1 : cpu_block;
  for_each(device, (f.n + f.block - 1) / f.block, f, std::max<int64_t>(1, grain_items / f.block));
}

}  // namespace backend
}  // namespace snn
