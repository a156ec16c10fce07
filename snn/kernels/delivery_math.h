// snn/kernels/delivery_math.h — spike delivery into the targets' input ring buffers.
//
// A spike (count c) of presynaptic neuron i emitted in step s reaches synapse (i, j) with weight w and
// delay d >= 1 steps in step s + d: it adds c x w to receptor r of neuron j in ring slot (s + d) % D.
// Receptor: targets with one receptor take everything on r = 0; targets with an excitatory and an
// inhibitory receptor take w > 0 on r = 0 and w < 0 on r = 1 (NEST's sign convention).
// Targets that count spikes (parrots) receive c x (number of synapses) instead of c x w.
//
// Projections with one delay deliver with a matrix product (ATen: BLAS/cuBLAS), in snn/projection.cpp.
// This functor is the per-synapse-delay path for dense [N_pre, N_post] storage: one element per
// (batch entry, target neuron), summing over presynaptic neurons in index order, so results do not
// depend on the thread count and need no atomics.
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

enum ReceptorRouting : int32_t {
  kReceptorExcitatory = 0,  // everything to receptor 0
  kReceptorInhibitory = 1,  // everything to receptor 1
  kReceptorBySign = 2,      // w > 0 to receptor 0, w < 0 to receptor 1
};

SNN_HOST_DEVICE inline int receptor_for(int32_t routing, double w) {
  if (routing == kReceptorBySign) return w < 0 ? 1 : 0;
  return routing;
}

template <typename T>
struct DenseDelayedDelivery {
  const T* spikes;        // [B, n_pre] counts emitted this step
  const T* weight;        // [n_pre, n_post]; for counting targets: synapse counts
  const int32_t* delay;   // [n_pre, n_post] steps, >= 1
  T* ring;                // [R, D, B, n_post]
  int64_t n_pre, n_post, batch;
  int64_t D;              // ring slots
  int64_t step;           // the step the spikes were emitted in
  int32_t routing;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    const int64_t b = k / n_post;
    const int64_t j = k % n_post;
    const int64_t slot_stride = batch * n_post;
    const int64_t receptor_stride = D * slot_stride;
    for (int64_t i = 0; i < n_pre; ++i) {
      const T c = spikes[b * n_pre + i];
      if (c == T(0)) continue;
      const T w = weight[i * n_post + j];
      if (w == T(0)) continue;
      const int64_t slot = (step + delay[i * n_post + j]) % D;
      ring[receptor_for(routing, static_cast<double>(w)) * receptor_stride + slot * slot_stride + b * n_post + j] += c * w;
    }
  }
};

}  // namespace kernels
}  // namespace snn
