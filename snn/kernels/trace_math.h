// snn/kernels/trace_math.h — spike traces, shared by the learning rules, and weight clipping.
//
// Traces (one per neuron and batch entry): x <- x decay every step, and at a spike of count s either
// x <- x + a s (all-to-all pairing) or x <- a (nearest-neighbour pairing: the trace remembers only
// the latest spike).
//
// Weights are shared by the batch: a rule sums the changes of all batch entries (BindsNET's default
// reduction).
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

template <typename T>
SNN_HOST_DEVICE inline T clamp_(T v, T lo, T hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

// Traces [k0, k1): decay, then this step's spikes (kSpikes), added (all-to-all) or set (kSet). Specialised
// so that the loop has no conditional reads and vectorises.
template <typename T, bool kSpikes, bool kSet>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void trace_block(T* SNN_RESTRICT x, const T* SNN_RESTRICT spikes, T decay, T amount,
                                                   int64_t k0, int64_t k1) {
  for (int64_t k = k0; k < k1; ++k) {
    const T v = x[k] * decay;
    if (!kSpikes) {
      x[k] = v;
    } else if (kSet) {
      x[k] = spikes[k] != T(0) ? amount : v;
    } else {
      x[k] = spikes[k] != T(0) ? v + amount * spikes[k] : v;
    }
  }
}

// One trace per element of [B, N]: element e is traces [e block, (e + 1) block).
template <typename T>
struct TraceUpdate {
  T* x;
  const T* spikes;  // may be null: decay only
  T decay;
  T amount;
  bool set;  // nearest-neighbour: x <- amount at a spike
  int64_t n, block;
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const ItemRange r = block_items(e, block, n);
    const int64_t k0 = r.begin, k1 = r.end;
    if (!spikes) {
      trace_block<T, false, false>(x, spikes, decay, amount, k0, k1);
    } else if (set) {
      trace_block<T, true, true>(x, spikes, decay, amount, k0, k1);
    } else {
      trace_block<T, true, false>(x, spikes, decay, amount, k0, k1);
    }
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(TraceUpdate)

}  // namespace kernels
}  // namespace snn
