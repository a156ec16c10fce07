// snn/kernels/orchestrated_math.h — orchestrated plasticity (OrchestratedPlasticity): Zenke, Agnes &
// Gerstner (2015), Nat. Commun. 6:6922; Auryn's P10Connection (P11Connection with `homeostatic`).
//
// Traces, each +1 per spike and taken before this step's spikes enter them: z_pre (tau_plus) per pre
// neuron, z_post (tau_minus) and z_slow (tau_slow) per post neuron. Per synapse, with w~ the
// consolidated weight:
//   pre spike:   w <- max(w_min, w - (A_minus z_post m - delta))        m = (rbar / kappa)^2 (P11), else 1
//   post spike:  w <- clip(w + A_plus z_slow z_pre - beta z_post^3 (w - w~), w_min, w_max)
//   every consolidation_interval Delta:
//                w~ <- w~ + (Delta / tau_consolidation) [(w - w~) + P (w_a - w~)(w_b - w~)(w_c - w~)]
// with w_b = (w_a + w_c) / 2. In a step with both, the pre update comes first (Auryn's order); the pre
// update clips at w_min only, as Auryn's does.
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/synapse_visits.h"

namespace snn {
namespace kernels {

template <typename T>
struct OrchestratedRule {
  using value_type = T;
  T* w;
  const T* w_cons;       // [B, n_syn]: w~ (the same in every batch entry)
  const T* pre_spikes;   // [B, n_pre]
  const T* post_spikes;  // [B, n_post]
  const T* z_pre;        // [B, n_pre]
  const T* z_post;       // [B, n_post]
  const T* z_slow;       // [B, n_post]
  const T* rbar;         // [B, n_post] rate estimate [Hz] (homeostatic), or null
  T A_plus, A_minus, delta, beta, inv_kappa, w_min, w_max;
  int64_t n_pre, n_post, batch, n_syn;
  SNN_HOST_DEVICE void update(int64_t s, int64_t i, int64_t j) const {
    T wv = w[s];
    const T cons = w_cons[s];
    bool changed = false;
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t bi = b * n_pre + i, bj = b * n_post + j;
      if (pre_spikes[bi] != T(0)) {
        T m = T(1);
        if (rbar) {
          const T r = rbar[bj] * inv_kappa;
          m = r * r;
        }
        for (T c = pre_spikes[bi]; c > T(0); c -= T(1)) {
          wv -= A_minus * z_post[bj] * m - delta;
          if (wv < w_min) wv = w_min;
        }
        changed = true;
      }
      if (post_spikes[bj] != T(0)) {
        const T z = z_post[bj];
        for (T c = post_spikes[bj]; c > T(0); c -= T(1)) {
          wv = clamp_(wv + A_plus * z_slow[bj] * z_pre[bi] - beta * z * z * z * (wv - cons), w_min, w_max);
        }
        changed = true;
      }
    }
    if (changed) w[s] = wv;
  }
};

// The consolidation step of every synapse: w~ moves toward w and toward the stable fixed points of
// the cubic (w_a and w_c; w_b between them is unstable).
template <typename T>
struct ConsolidationRule {
  using value_type = T;
  const T* w;
  T* w_cons;  // [B, n_syn]
  T rate;     // Delta / tau_consolidation
  T P, w_a, w_b, w_c;
  int64_t n_pre, n_post, batch, n_syn;
  SNN_HOST_DEVICE void update(int64_t s, int64_t, int64_t) const {
    const T c = w_cons[s];
    const T next = c + rate * ((w[s] - c) + P * (w_a - c) * (w_b - c) * (w_c - c));
    for (int64_t b = 0; b < batch; ++b) w_cons[b * n_syn + s] = next;
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_RULE(OrchestratedRule)
SNN_CUDA_RULE(ConsolidationRule)

}  // namespace kernels
}  // namespace snn
