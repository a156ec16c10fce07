// snn/kernels/signal_math.h — neuromodulator signals (snn/signals.h): what a step's value is, and how
// the spikes of a source population feed it.
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

// Signals, element b (batch entry): the value of this step is what arrived in ring slot `slot` plus
// what was injected (events, then both are cleared), or the level that holds until changed.
template <typename T>
struct SignalTake {
  T* value;
  T* ring;  // [D, B]
  T* pending;
  int64_t slot_offset;  // slot * B
  bool level;
  SNN_HOST_DEVICE void operator()(int64_t b) const {
    if (level) {
      value[b] = pending[b];
      return;
    }
    value[b] = ring[slot_offset + b] + pending[b];
    ring[slot_offset + b] = T(0);
    pending[b] = T(0);
  }
};

// Element b: out[b] += (number of spikes of batch entry b), a source of a neuromodulator.
template <typename T>
struct SpikeCountInto {
  const T* spikes;  // [B, n]
  T* out;           // [B]
  int64_t n;
  SNN_HOST_DEVICE void operator()(int64_t b) const {
    T total = T(0);
    for (int64_t i = 0; i < n; ++i) total += spikes[b * n + i];
    out[b] += total;
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(SignalTake)
SNN_CUDA_KERNEL(SpikeCountInto)

}  // namespace kernels
}  // namespace snn
