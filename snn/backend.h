// snn/backend.h — runs an element functor (snn/kernels/*_math.h) on the device its tensors live on.
//
// CPU: pieces of elements claimed by the calling thread and snn's helper threads (snn/thread_pool.h;
// torch.set_num_threads sets how many take part). Every functor updates disjoint elements, so the
// result does not depend on the number of threads or on who ran which piece. CUDA: the grid-stride launcher compiled from
// cuda/kernels.cu, on the current stream of the current device.
#pragma once

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "snn/errors.h"
#include "snn/thread_pool.h"

#if (defined(__x86_64__) || defined(_M_X64)) && !defined(__CUDACC__)
#include <xmmintrin.h>
#define SNN_HAS_MXCSR 1
#endif

namespace snn {

// Calls fn(float{}) or fn(double{}) for a floating dtype (a network's).
template <class Fn>
void dispatch_floating(at::ScalarType t, Fn&& fn) {
  if (t == at::kFloat) {
    fn(float{});
  } else if (t == at::kDouble) {
    fn(double{});
  } else {
    throw ValueError("snn supports float32 and float64 networks only");
  }
}

namespace backend {

// True when this build can run kernels on CUDA (nvcc found and LibTorch built with CUDA).
bool cuda_built();
// How many threads libsnn's CPU kernels use for `tasks` pieces of 1 ms (at most at::get_num_threads()).
int64_t cpu_threads_used(int64_t tasks);
// The current CUDA stream as void* (throws when CUDA is not built).
void* cuda_stream();
// `device` with its CUDA index made explicit ('cuda' is the current CUDA device, as in torch), so that
// it compares equal to the device of the tensors made on it; throws ValueError, with the reason, when
// `device` cannot be used.
c10::Device usable_device(const c10::Device& device);
// Makes a CUDA device current and returns the previous one (cuda_glue.cpp).
int cuda_exchange_device(int index);
// The current CUDA device (cuda_glue.cpp).
int cuda_current_device();

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
// Synaptic events per CPU task when spikes are delivered through per-synapse delays: each event is a
// read-modify-write at a scattered place of the input ring (~1 ns, against a fraction of that for a
// contiguous row), so fewer events already pay for a thread.
constexpr int64_t kCpuGrainScattered = 8192;
// Elements per CPU task for single cheap passes (a spike scan, a trace decay: a fraction of a ns each).
constexpr int64_t kCpuGrainLight = 32768;
// Pieces a CPU kernel is cut into per thread, claimed as threads come free.
constexpr int64_t kPiecesPerThread = 4;

namespace detail {
// Runs f(k) for k in [cut(p), cut(p + 1)) for every piece p < pieces, on `threads` threads that claim
// pieces as they finish (a thread slowed by a busy core simply takes fewer: static shares leave the
// other thread waiting). Elements are independent, so results do not depend on who ran what.
template <class Cut, class F>
void run_claimed(int64_t pieces, int64_t threads, const Cut& cut, const F& f) {
  run_pieces(pieces, threads, [&](int64_t p) {
    const FlushSubnormals flush;  // helper threads too (the calling thread has it for the whole run)
    // A private copy of the functor: the kernel's stores (through its float pointers) cannot alias
    // its own scalar parameters, so the compiler keeps them in registers and can vectorise.
    const F local = f;
    for (int64_t k = cut(p), end = cut(p + 1); k < end; ++k) local(k);
  });
}

template <class F>
void run_inline(int64_t n, const F& f) {
  const F local = f;  // as above
  for (int64_t k = 0; k < n; ++k) local(k);
}
}  // namespace detail

// CPU only (functors that exist only for the CPU, e.g. sorted-order delivery). At least `grain`
// elements per thread; up to four pieces per thread, claimed as threads come free.
template <class F>
void for_each_cpu(int64_t n, const F& f, int64_t grain = kCpuGrain) {
  if (n <= 0) return;
  const int64_t threads = std::min<int64_t>(at::get_num_threads(), (n + grain - 1) / std::max<int64_t>(1, grain));
  if (threads <= 1 || in_piece() || at::in_parallel_region()) {
    detail::run_inline(n, f);
    return;
  }
  const int64_t pieces = std::min<int64_t>(kPiecesPerThread * threads, std::max<int64_t>(threads, n / std::max<int64_t>(1, grain)));
  detail::run_claimed(pieces, threads, [n, pieces](int64_t p) { return n * p / pieces; }, f);
}

// CPU only: elements [0, n) of unequal cost, cut into pieces of about equal total cost (four per
// thread, claimed as threads come free: static cuts split the work unevenly when, say, the batch
// entries' spike counts differ). cost_end[k] = the cost of elements 0..k (non-decreasing); the work
// runs on the calling thread when the total is below `min_share_cost`.
template <class F, typename C>
void for_each_cpu_balanced(int64_t n, const C* cost_end, const F& f, int64_t min_share_cost) {
  if (n <= 0) return;
  const int64_t total = static_cast<int64_t>(cost_end[n - 1]);
  const int64_t threads = std::min<int64_t>(
      {static_cast<int64_t>(at::get_num_threads()), n, total / std::max<int64_t>(1, min_share_cost)});
  if (threads <= 1 || in_piece() || at::in_parallel_region()) {
    detail::run_inline(n, f);
    return;
  }
  const int64_t pieces = std::min<int64_t>(kPiecesPerThread * threads, n);
  // Piece p: the elements whose cost ends in (total p / pieces, total (p + 1) / pieces].
  const auto cut = [&](int64_t p) -> int64_t {
    if (p <= 0) return 0;
    if (p >= pieces) return n;
    return std::upper_bound(cost_end, cost_end + n, static_cast<C>(total * p / pieces)) - cost_end;
  };
  detail::run_claimed(pieces, threads, cut, f);
}

// `grain`: elements per CPU task; lower it for functors whose elements are expensive (a row of
// synapses) so that they still spread over the threads.
template <class F>
void for_each(const c10::Device& device, int64_t n, const F& f, int64_t grain = kCpuGrain) {
  if (n <= 0) return;
  if (device.is_cuda()) {
#if defined(SNN_CUDA_RUNTIME)
    cuda_launch(f, n, cuda_stream());  // declared beside the functor (snn/kernels/common.h), found by ADL
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
