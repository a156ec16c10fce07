// snn/kernels/cond_lif_math.h — conductance-based leaky integrate-and-fire with an adaptive threshold:
// the excitatory and inhibitory neurons of Diehl & Cook (2015).
//
//   tau_m dV/dt = (E_L - V) + g_ex (E_ex - V) + g_in (E_in - V)       [V in mV, t in ms]
//   dg_x/dt = -g_x / tau_syn_x      (dimensionless conductances, in units of the leak conductance)
// A spike of weight w > 0 adds w to g_ex; w < 0 adds |w| to g_in. Threshold V_th + theta; at a spike
// V <- V_reset, refractory for round(t_ref/h) steps (V held), theta += theta_plus (while learning);
// theta decays with tau_theta. (Diehl & Cook's theta starts at 20 mV against a threshold of
// theta - 20 - 52 mV: here theta starts at 0 against V_th = -52 mV, the same threshold.)
// Threshold lockout (t_lock > t_ref): after a spike the threshold is not tested for round(t_lock/h)
// steps, V integrating freely once t_ref is over. Diehl & Cook's published code has it through a
// `timer` (dtimer/dt = 0.1, spiking needs timer > 5 ms): 50 ms. One counter, `refractory`, set to
// max(refractory, lockout) steps at a spike and counted down, does both.
// Integration: exponential Euler with step h. With the conductances held over the step the membrane
// equation is linear, so V relaxes exactly towards V_inf = (E_L + G_ex E_ex + G_in E_in) / G with rate
// G / tau_m, G = 1 + G_ex + G_in, where G_x is g_x's mean over the step: g_x decays as
// g_x exp(-t / tau_syn_x) within it, so G_x = g_x (1 - exp(-h / tau_syn_x)) / (h / tau_syn_x). Holding
// g_x at its start-of-step value instead overstates every spike's charge by that factor's inverse
// (27 % for tau_syn 1 ms at h 0.5 ms: a single input's peak 24 % too high); with the mean the charge is
// exact (w tau_syn, as in continuous time and in the forward Euler of the published code) and the
// peak is within 0.2 % (tests/python/test_mnist.py). Unlike forward Euler for V (their published Brian
// code), which is unstable once h g / tau_m > 2 — g_in above ~400 at h = 0.5 ms, reached after a
// synchronous inhibitory burst, where V then oscillates wildly and fires spurious spikes — it is
// stable for any conductance. The input due this step enters the conductances first (Brian adds it
// at the end of the previous step):
//   g_x += input_x;  G_x = g_x mean_x;  V <- V_inf + (V - V_inf) exp(-h G / tau_m) unless refractory;
//   g_x *= exp(-h / tau_syn_x);  theta *= exp(-h / tau_theta);  V >= V_th + theta: spike.
// exp(-h G / tau_m) is exp_poly (snn/kernels/common.h, within 2 ulp of std::exp) so the loop vectorises.
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/lif_math.h"  // OneSpikeSelect

namespace snn {
namespace kernels {

template <typename T>
struct CondLifParams {
  T E_L, E_ex, E_in, V_th, V_reset;  // [mV]
  T h_over_tau_m;                     // h / tau_m
  T decay_ex, decay_in;               // exp(-h / tau_syn_x)
  T mean_ex, mean_in;                 // (1 - exp(-h / tau_syn_x)) / (h / tau_syn_x): g_x's mean over a step
  T theta_decay;                      // exp(-h / tau_theta); 1 when not learning (theta frozen)
  T theta_plus;                       // 0 when not learning
  int32_t refractory_steps;           // V held this many steps after a spike
  int32_t lockout_steps;              // the threshold not tested this many (>= refractory_steps)
};

// One neuron, branch-free (selects, and exp_poly rather than a library exp) so that a block of
// neurons vectorises.
template <typename T>
SNN_HOST_DEVICE inline bool cond_lif_update_one(T& V, T& g_ex, T& g_in, T& theta, int32_t& refractory, T in_ex, T in_in,
                                                const CondLifParams<T>& p, bool test_threshold) {
  const T ge = g_ex + in_ex;
  const T gi = g_in - in_in;  // inhibitory input arrives with negative weights
  const T ge_mean = ge * p.mean_ex, gi_mean = gi * p.mean_in;  // over this step
  const T g = T(1) + ge_mean + gi_mean;
  const T V_inf = (p.E_L + ge_mean * p.E_ex + gi_mean * p.E_in) / g;
  const T V_free = V_inf + (V - V_inf) * exp_poly(-p.h_over_tau_m * g);
  // `refractory` counts down from lockout_steps: V is held for its first refractory_steps values.
  const bool held = refractory > p.lockout_steps - p.refractory_steps;
  const T v = held ? V : V_free;
  const int32_t left = refractory > 0 ? refractory - 1 : 0;
  g_ex = ge * p.decay_ex;
  g_in = gi * p.decay_in;
  const T th = theta * p.theta_decay;
  // (A held V is V_reset, below V_th + theta for theta >= 0: without a lockout the test
  // `refractory == 0` only keeps a neuron whose theta was set negative from firing while held.)
  const bool spike = test_threshold && refractory == 0 && v >= p.V_th + th;
  V = spike ? p.V_reset : v;
  refractory = spike ? p.lockout_steps : left;
  theta = spike ? th + p.theta_plus : th;
  return spike;
}

// Neurons [k0, k1) of one step; in_ex / in_in are this step's ring slots (read and cleared). kEach: per-neuron
// parameters (element k is neuron k % n).
template <typename T, bool kEach>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void cond_lif_block(T* SNN_RESTRICT V, T* SNN_RESTRICT g_ex, T* SNN_RESTRICT g_in,
                                                      T* SNN_RESTRICT theta, int32_t* SNN_RESTRICT refractory,
                                                      T* SNN_RESTRICT spikes, T* SNN_RESTRICT in_ex,
                                                      T* SNN_RESTRICT in_in, const PerNeuron<CondLifParams<T>> params,
                                                      bool defer_threshold, int64_t k0, int64_t k1) {
  if (defer_threshold) {
    for (int64_t k = k0; k < k1; ++k) {
      const CondLifParams<T>& p = kEach ? params.each[k % params.n] : params.all;
      cond_lif_update_one(V[k], g_ex[k], g_in[k], theta[k], refractory[k], in_ex[k], in_in[k], p, false);
      in_ex[k] = in_in[k] = T(0);
    }
    return;
  }
  for (int64_t k = k0; k < k1; ++k) {
    const CondLifParams<T>& p = kEach ? params.each[k % params.n] : params.all;
    const bool spiked = cond_lif_update_one(V[k], g_ex[k], g_in[k], theta[k], refractory[k], in_ex[k], in_in[k], p, true);
    in_ex[k] = in_in[k] = T(0);
    spikes[k] = spiked ? T(1) : T(0);
  }
}

// Element e = neurons [e block, (e + 1) block) of the B x N.
template <typename T>
struct CondLifStep {
  T* V;
  T* g_ex;
  T* g_in;
  T* theta;
  int32_t* refractory;
  T* spikes;
  InputRing<T> ring;  // receptor 0: w > 0, receptor 1: w < 0
  PerNeuron<CondLifParams<T>> params;
  bool defer_threshold;  // at-most-one-spike mode: OneSpikeSelect decides
  int64_t n, block;
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const ItemRange r = block_items(e, block, n);
    T* slot = ring.data + ring.slot * ring.slot_stride;
    if (params.each) {
      cond_lif_block<T, true>(V, g_ex, g_in, theta, refractory, spikes, slot, slot + ring.receptor_stride, params,
                              defer_threshold, r.begin, r.end);
    } else {
      cond_lif_block<T, false>(V, g_ex, g_in, theta, refractory, spikes, slot, slot + ring.receptor_stride, params,
                               defer_threshold, r.begin, r.end);
    }
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(CondLifStep)
SNN_CUDA_KERNEL_OF(OneSpikeSelect<float, CondLifParams<float>>)
SNN_CUDA_KERNEL_OF(OneSpikeSelect<double, CondLifParams<double>>)

}  // namespace kernels
}  // namespace snn
