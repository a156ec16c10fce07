// snn/kernels/parrot_math.h — NEST parrot_neuron (Parrot): emits, in the step they arrive, as many spikes
// as it received; the weights of its incoming connections are ignored (its projections deliver synapse
// counts).
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

template <typename T>
struct ParrotStep {
  T* spikes;
  InputRing<T> ring;
  SNN_HOST_DEVICE void operator()(int64_t k) const { spikes[k] = ring.take(0, k); }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(ParrotStep)

}  // namespace kernels
}  // namespace snn
