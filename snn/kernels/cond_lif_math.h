// snn/kernels/cond_lif_math.h — conductance-based leaky integrate-and-fire with an adaptive threshold:
// the excitatory and inhibitory neurons of Diehl & Cook (2015).
//
//   tau_m dV/dt = (E_L - V) + g_ex (E_ex - V) + g_in (E_in - V)       [V in mV, t in ms]
//   dg_x/dt = -g_x / tau_syn_x      (dimensionless conductances, in units of the leak conductance)
// A spike of weight w > 0 adds w to g_ex; w < 0 adds |w| to g_in. Threshold V_th + theta; at a spike
// V <- V_reset, refractory for round(t_ref/h) steps (V held), theta += theta_plus (while learning);
// theta decays with tau_theta. (Diehl & Cook's theta starts at 20 mV against a threshold of
// theta - 20 - 52 mV: here theta starts at 0 against V_th = -52 mV, the same threshold.)
// Integration: exponential Euler with step h. With the conductances held over the step the membrane
// equation is linear, so V relaxes exactly towards V_inf = (E_L + g_ex E_ex + g_in E_in) / g with rate
// g / tau_m, g = 1 + g_ex + g_in. Unlike forward Euler (their published Brian code), which is unstable
// once h g / tau_m > 2 — g_in above ~400 at h = 0.5 ms, reached after a synchronous inhibitory burst,
// where V then oscillates wildly and fires spurious spikes — it is stable for any conductance, and it
// agrees with forward Euler when h g / tau_m is small. The input due this step enters the conductances
// first (Brian adds it at the end of the previous step):
//   g_x += input_x;  V <- V_inf + (V - V_inf) exp(-h g / tau_m) unless refractory;
//   g_x *= exp(-h / tau_syn_x);  theta *= exp(-h / tau_theta);  V >= V_th + theta: spike.
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

template <typename T>
struct CondLifParams {
  T E_L, E_ex, E_in, V_th, V_reset;  // [mV]
  T h_over_tau_m;                     // h / tau_m
  T decay_ex, decay_in;               // exp(-h / tau_syn_x)
  T theta_decay;                      // exp(-h / tau_theta); 1 when not learning (theta frozen)
  T theta_plus;                       // 0 when not learning
  int32_t refractory_steps;
};

template <typename T>
SNN_HOST_DEVICE inline bool cond_lif_update_one(T& V, T& g_ex, T& g_in, T& theta, int32_t& refractory, T in_ex, T in_in,
                                                const CondLifParams<T>& p, bool test_threshold) {
  g_ex += in_ex;
  g_in -= in_in;  // inhibitory input arrives with negative weights
  if (refractory == 0) {
    const T g = T(1) + g_ex + g_in;
    const T V_inf = (p.E_L + g_ex * p.E_ex + g_in * p.E_in) / g;
    V = V_inf + (V - V_inf) * exp_(-p.h_over_tau_m * g);
  } else {
    --refractory;
  }
  g_ex *= p.decay_ex;
  g_in *= p.decay_in;
  theta *= p.theta_decay;
  if (!test_threshold || V < p.V_th + theta) return false;
  V = p.V_reset;
  refractory = p.refractory_steps;
  theta += p.theta_plus;
  return true;
}

template <typename T>
struct CondLifStep {
  T* V;
  T* g_ex;
  T* g_in;
  T* theta;
  int32_t* refractory;
  T* spikes;
  InputRing<T> ring;  // receptor 0: w > 0, receptor 1: w < 0
  CondLifParams<T> p;
  bool defer_threshold;  // at-most-one-spike mode: OneSpikeSelect decides
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    const T in_ex = ring.take(0, k), in_in = ring.take(1, k);
    const bool spiked = cond_lif_update_one(V[k], g_ex[k], g_in[k], theta[k], refractory[k], in_ex, in_in, p, !defer_threshold);
    if (!defer_threshold) spikes[k] = spiked ? T(1) : T(0);
  }
};

}  // namespace kernels
}  // namespace snn
