// snn/kernels/spike_generator_math.h — NEST spike_generator (SpikeGeneratorInput): a sorted per-step
// schedule of (neuron, count) events, the same in every batch entry.
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

// Element e in [0, B * m) writes event lo + e % m of this step into batch entry e / m.
// The schedule holds at most one event per (step, neuron) (duplicates are merged into the count
// when it is built), so no two elements write the same place.
template <typename T>
struct SpikeScheduleStep {
  T* spikes;
  const int64_t* neuron;
  const T* count;
  int64_t lo;  // first event of this step
  int64_t m;   // events in this step
  int64_t n;   // neurons
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const int64_t b = e / m;
    const int64_t j = lo + e % m;
    spikes[b * n + neuron[j]] = count[j];
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(SpikeScheduleStep)

}  // namespace kernels
}  // namespace snn
