// snn/kernels/vogels_sprekeler_math.h — inhibitory STDP (VogelsSprekeler): Vogels, Sprekeler, Zenke,
// Clopath & Gerstner (2011), Science 334:1569; NEST vogels_sprekeler_synapse.
//
// Traces x_pre, x_post (tau, +1 per spike), taken before this step's spikes enter them. On the weight's
// magnitude m = |w| (the sign is Wmax's, as in NEST; inhibition: Wmax < 0):
//   post spike:  m <- min(m + eta x_pre, |Wmax|)
//   pre spike:   m <- min(m + eta x_post, |Wmax|), then m <- max(m - alpha eta, 0)
// A step with both applies the post update first (NEST handles the post spikes since the last pre spike
// before the pre spike's own update). The fixed point for uncorrelated trains: rho_post = alpha / (2 tau).
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/synapse_visits.h"

namespace snn {
namespace kernels {

template <typename T>
struct VogelsSprekelerRule {
  using value_type = T;
  T* w;
  const T* pre_spikes;   // [B, n_pre]
  const T* post_spikes;  // [B, n_post]
  const T* x_pre;        // [B, n_pre]
  const T* x_post;       // [B, n_post]
  T eta, alpha, cap, sign;  // cap = |Wmax|, sign = +1 or -1 (Wmax's)
  int64_t n_pre, n_post, batch;
  SNN_HOST_DEVICE void update(int64_t s, int64_t i, int64_t j) const {
    T m = w[s] < T(0) ? -w[s] : w[s];
    bool changed = false;
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t bi = b * n_pre + i, bj = b * n_post + j;
      for (T c = post_spikes[bj]; c > T(0); c -= T(1)) {
        m = m + eta * x_pre[bi];
        if (m > cap) m = cap;
        changed = true;
      }
      for (T c = pre_spikes[bi]; c > T(0); c -= T(1)) {
        m = m + eta * x_post[bj];
        if (m > cap) m = cap;
        m = m - alpha * eta;
        if (m < T(0)) m = T(0);
        changed = true;
      }
    }
    if (changed) w[s] = sign * m;
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_RULE(VogelsSprekelerRule)

}  // namespace kernels
}  // namespace snn
