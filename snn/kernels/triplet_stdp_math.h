// snn/kernels/triplet_stdp_math.h — triplet STDP (TripletSTDP): Pfister & Gerstner (2006), J. Neurosci.
// 26:9673, minimal all-to-all model.
//
// All-to-all traces r1, r2 (pre) and o1, o2 (post), each taken just before this step's spikes enter them:
//   pre spike:   w -= o1 (A2_minus + A3_minus r2)
//   post spike:  w += r1 (A2_plus + A3_plus o2)
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/synapse_visits.h"
#include "snn/kernels/trace_math.h"

namespace snn {
namespace kernels {

template <typename T>
struct TripletStdpRule {
  using value_type = T;
  T* w;
  const T* pre_spikes;
  const T* post_spikes;
  const T* r1;  // [B, n_pre], before this step's pre spikes
  const T* r2;
  const T* o1;  // [B, n_post], before this step's post spikes
  const T* o2;
  T A2_plus, A3_plus, A2_minus, A3_minus, w_min, w_max;
  int64_t n_pre, n_post, batch;
  SNN_HOST_DEVICE void update(int64_t s, int64_t i, int64_t j) const {
    T dw = T(0);
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t bi = b * n_pre + i, bj = b * n_post + j;
      if (pre_spikes[bi] != T(0)) dw -= pre_spikes[bi] * o1[bj] * (A2_minus + A3_minus * r2[bi]);
      if (post_spikes[bj] != T(0)) dw += post_spikes[bj] * r1[bi] * (A2_plus + A3_plus * o2[bj]);
    }
    if (dw != T(0)) w[s] = clamp_(w[s] + dw, w_min, w_max);
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_RULE(TripletStdpRule)

}  // namespace kernels
}  // namespace snn
