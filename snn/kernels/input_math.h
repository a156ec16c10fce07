// snn/kernels/input_math.h — spike sources: Poisson generators, parrots and spike generators.
//
// PoissonInput (NEST poisson_generator): each step draws a Poisson count with mean rate x h / 1000
// (rate in Hz, h in ms) per neuron and batch entry. The count may exceed 1 (NEST: 20 kHz at h = 0.1 ms
// has mean 2) and is carried through delivery as the spike's multiplicity: a target receives
// count x weight. Draws are keyed by (seed, stream, step, element), so they do not depend on threads
// or device.
// Parrot (NEST parrot_neuron): emits, in the step they arrive, as many spikes as it received;
// the weights of its incoming connections are ignored (its projections deliver synapse counts).
// SpikeGeneratorInput (NEST spike_generator): a sorted per-step schedule of (neuron, count) events,
// the same in every batch entry.
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/philox_math.h"

namespace snn {
namespace kernels {

template <typename T>
struct PoissonStep {
  T* spikes;
  StepInput<T> rate;   // [Hz]; when rate.base is null, `constant_rate` is used
  double constant_rate;  // [Hz]
  double h_seconds;      // h / 1000
  uint64_t seed;
  uint32_t stream;
  uint64_t step;  // global step count: the counter of the random draw
  int64_t run_step;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    const double r = rate.base ? static_cast<double>(rate.at(run_step, k)) : constant_rate;
    spikes[k] = static_cast<T>(poisson_count(r * h_seconds, seed, stream, step, static_cast<uint64_t>(k)));
  }
};

template <typename T>
struct ParrotStep {
  T* spikes;
  InputRing<T> ring;
  SNN_HOST_DEVICE void operator()(int64_t k) const { spikes[k] = ring.take(0, k); }
};

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

}  // namespace kernels
}  // namespace snn
