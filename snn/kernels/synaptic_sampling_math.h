// snn/kernels/synaptic_sampling_math.h — reward-based synaptic sampling (SPORE's
// synaptic_sampling_rewardgradient_connection; Kappel et al. 2018, eNeuro 5:e0301-17).
//
// Every step h, for every synapse i -> j that is not retracted:
//   e <- e exp(-h/tau_e) + w y_i bap_j          (eligibility; y_i the presynaptic PSP trace, bap_j the
//                                                postsynaptic neuron's spikes minus spike probability)
//   g <- g exp(-h/tau_g) + dopa e               (reward gradient; dopa the reward signal)
//   theta += dopa beta c_e e                    (the direct gradient, when c_e > 0)
// y_i = tau_f/(tau_f - tau_r) (f_i - r_i): f and r decay with tau_f and tau_r and gain 1 at each pre
// spike, after the step's sweep (a spike counts from the next step on); set to 0 below psp_cutoff.
// Every update interval Delta (with lr = Delta beta):
//   g += sqrt(2 T_g lr) N(0, 1)                                                  (gradient noise)
//   theta <- clip(theta + lr (c_p (mu - theta) + clip(c_g g, +-max_change)) + sqrt(2 T lr) N(0, 1),
//                 min_param, max_param)
//   w = w0 exp(theta - theta0) if theta >= 0, else 0 (retracted; e and g restart from 0)
// Batches: e and g are per batch entry, theta and w are shared (the gradient is the entries' mean; the
// noise is drawn once per synapse, keyed by (seed, stream, update, synapse), so runs do not depend on
// threads or device).
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/philox_math.h"
#include "snn/kernels/synapse_visits.h"
#include "snn/kernels/trace_math.h"

namespace snn {
namespace kernels {

// The sweep of one step.
template <typename T>
struct SynapticSamplingStepRule {
  using value_type = T;
  const T* w;       // [n_syn]
  T* theta;         // [B, n_syn] (entries equal)
  T* e;             // [B, n_syn]
  T* g;             // [B, n_syn]
  const T* y;       // [B, n_pre] scaled PSP trace of this step
  const T* bap;     // [B, n_post]
  const T* dopa;    // [B]
  T decay_e, decay_g;
  T direct;         // beta c_e / B (0: no direct gradient)
  bool simulate_retracted;
  int64_t n_pre, n_post, batch, n_syn;
  SNN_HOST_DEVICE void update(int64_t s, int64_t i, int64_t j) const {
    const T ws = w[s];
    if (ws == T(0) && !simulate_retracted) return;  // retracted: only theta moves, at the updates
    T dtheta = T(0);
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t k = b * n_syn + s;
      const T eb = e[k] * decay_e + ws * y[b * n_pre + i] * bap[b * n_post + j];
      e[k] = eb;
      g[k] = g[k] * decay_g + dopa[b] * eb;
      dtheta += dopa[b] * eb;
    }
    if (direct != T(0)) {
      for (int64_t b = 0; b < batch; ++b) theta[b * n_syn + s] += direct * dtheta;
    }
  }
};

// Constants of a parameter update.
template <typename T>
struct SynapticSamplingUpdateParams {
  T lr;                      // Delta beta
  T prior_precision, prior_mean;
  T gradient_scale, max_change;
  T wiener, gradient_noise;  // sqrt(2 T lr), sqrt(2 T_g lr)
  T min_param, max_param;
  T w0, theta0;
  bool simulate_retracted;
  template <typename U>
  SynapticSamplingUpdateParams<U> as() const {
    return {U(lr),        U(prior_precision), U(prior_mean), U(gradient_scale), U(max_change), U(wiener),
            U(gradient_noise), U(min_param), U(max_param), U(w0), U(theta0), simulate_retracted};
  }
};

// One parameter update of synapse s (all batch entries): theta, then w.
template <typename T>
struct SynapticSamplingUpdateRule {
  using value_type = T;
  T* w;
  T* theta;
  T* e;
  T* g;
  SynapticSamplingUpdateParams<T> p;
  uint64_t seed;
  uint32_t stream;
  uint64_t number;  // the update's number since step 0: the key of its noise
  int64_t n_pre, n_post, batch, n_syn;
  SNN_HOST_DEVICE void update(int64_t s, int64_t, int64_t) const {
    const Philox4 words = random_words(seed, stream, number, static_cast<uint64_t>(s));
    const Uniform2 u = uniform2(words);
    // Two standard normals from one block (Box-Muller): the Wiener step and the gradient noise.
    const double radius = sqrt_(-2.0 * log_(u.u0));
    const T n_wiener = static_cast<T>(radius * cos_(6.283185307179586476925 * u.u1));
    const T n_gradient = static_cast<T>(radius * sin_(6.283185307179586476925 * u.u1));
    T gbar = T(0);
    for (int64_t b = 0; b < batch; ++b) {
      T& gb = g[b * n_syn + s];
      gb += p.gradient_noise * n_gradient;
      gbar += gb;
    }
    gbar /= static_cast<T>(batch);
    const T th = theta[s];
    const T prior = p.prior_precision * (p.prior_mean - th);
    const T lik = clamp_(p.gradient_scale * gbar, -p.max_change, p.max_change);
    const T next = clamp_(th + p.lr * (prior + lik) + p.wiener * n_wiener, p.min_param, p.max_param);
    for (int64_t b = 0; b < batch; ++b) theta[b * n_syn + s] = next;
    const bool was_active = w[s] != T(0);
    const T wn = next >= T(0) ? p.w0 * exp_(next - p.theta0) : T(0);
    w[s] = wn;
    if (was_active && wn == T(0) && !p.simulate_retracted) {
      for (int64_t b = 0; b < batch; ++b) e[b * n_syn + s] = g[b * n_syn + s] = T(0);
    }
  }
};

// The presynaptic PSP traces of a step: decay, cutoff, and y = scale (f - r) for the sweep; pre spikes
// are added by psp_spikes after it. Items: [B, n_pre].
template <typename T>
struct SynapticSamplingPsp {
  T* f;
  T* r;
  T* y;
  T decay_f, decay_r, scale, cutoff;
  int64_t n;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    T fk = f[k] * decay_f, rk = r[k] * decay_r;
    if (fk < cutoff) fk = rk = T(0);
    f[k] = fk;
    r[k] = rk;
    y[k] = scale * (fk - rk);
  }
};

// f, r += this step's pre spikes.
template <typename T>
struct SynapticSamplingPspSpikes {
  T* f;
  T* r;
  const T* spikes;
  int64_t n;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    const T s = spikes[k];
    f[k] += s;
    r[k] += s;
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_RULE(SynapticSamplingStepRule)
SNN_CUDA_RULE(SynapticSamplingUpdateRule)
SNN_CUDA_KERNEL(SynapticSamplingPsp)
SNN_CUDA_KERNEL(SynapticSamplingPspSpikes)

}  // namespace kernels
}  // namespace snn
