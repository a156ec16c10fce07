// snn/kernels/reward_stdp_math.h — MSTDP and MSTDPET: Florian (2007), Neural Comput. 19:1468.
//
// In BindsNET's formulation: traces P+ <- P+ exp(-h/tau_plus) + a_plus s_pre, P- <- P- exp(-h/tau_minus) +
// a_minus s_post; point eligibility zeta_ij = P+_i s_post_j + s_pre_i P-_j. MSTDP: w += nu r(t) zeta(t - h);
// MSTDPET: the eligibility trace z <- z exp(-h/tau_z) + zeta(t - h)/tau_z, w += nu h r(t) z. r is the reward
// of each batch entry; the changes of all entries are summed.
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/synapse_visits.h"
#include "snn/kernels/trace_math.h"

namespace snn {
namespace kernels {

// MSTDP (z == nullptr) and MSTDPET: the point eligibility comes from the previous step's spikes and
// traces, kept per neuron.
template <typename T>
struct RewardStdpRule {
  using value_type = T;
  T* w;
  T* z;                  // [B, n_syn] eligibility trace (MSTDPET) or null (MSTDP)
  const T* reward;       // [B]
  const T* prev_pre;     // [B, n_pre] spikes of the previous step
  const T* prev_post;    // [B, n_post]
  const T* prev_p_plus;  // [B, n_pre] P+ after the previous step
  const T* prev_p_minus; // [B, n_post] P- after the previous step
  T rate;                // nu (MSTDP) or nu h (MSTDPET)
  T decay_z, inv_tau_z, w_min, w_max;
  int64_t n_pre, n_post, batch, n_syn;
  SNN_HOST_DEVICE void update(int64_t s, int64_t i, int64_t j) const {
    T dw = T(0);
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t bi = b * n_pre + i, bj = b * n_post + j;
      const T zeta = prev_p_plus[bi] * prev_post[bj] + prev_pre[bi] * prev_p_minus[bj];
      if (z) {
        const T zb = z[b * n_syn + s] * decay_z + zeta * inv_tau_z;
        z[b * n_syn + s] = zb;
        dw += rate * reward[b] * zb;
      } else {
        dw += rate * reward[b] * zeta;
      }
    }
    if (dw != T(0)) w[s] = clamp_(w[s] + dw, w_min, w_max);
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_RULE(RewardStdpRule)

}  // namespace kernels
}  // namespace snn
