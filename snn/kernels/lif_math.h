// snn/kernels/lif_math.h — leaky integrate-and-fire with delta synapses: NEST iaf_psc_delta, and the
// adaptive-threshold neuron of Diehl & Cook (2015) built on it.
//
// iaf_psc_delta (NEST 3.x), exact integration of
//   dV/dt = -(V - E_L)/tau_m + (I_e + I_ext)/C_m,   a spike of weight w makes V jump by w [mV].
// One step of h [ms], with P33 = exp(-h/tau_m), P30 = tau_m/C_m (1 - P33) [mV/pA]:
//   not refractory:  V <- E_L + P33 (V - E_L) + P30 (I_e + I_ext) + (sum of jumps arriving now)
//   refractory:      jumps arriving now are discarded; the counter is decremented
//   V >= threshold:  spike; V <- V_reset; counter <- round(t_ref/h)
// With a refractory counter of round(t_ref/h) the neuron is clamped for that many steps after the
// step in which it spiked (NEST's convention).
//
// AdaptiveLIF (Diehl & Cook 2015; BindsNET's DiehlAndCookNodes): the same membrane, threshold
// V_th + theta; each step theta <- theta exp(-h/tau_theta) before the threshold test, and
// theta += theta_plus at each spike (when the population is learning).
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

template <typename T>
struct LifParams {
  T E_L;      // resting potential [mV]
  T V_th;     // threshold [mV]
  T V_reset;  // reset potential [mV]
  T I_e;      // constant input current [pA]
  T P33;      // exp(-h/tau_m)
  T P30;      // tau_m/C_m (1 - exp(-h/tau_m)) [mV/pA]
  int32_t refractory_steps;  // round(t_ref/h)
};

// One step of one iaf_psc_delta neuron against `threshold`; returns true on a spike.
template <typename T>
SNN_HOST_DEVICE inline bool lif_delta_update_one(T& V, int32_t& refractory, T jump, T I_ext, T threshold,
                                                 const LifParams<T>& p) {
  if (refractory == 0) {
    V = p.E_L + p.P33 * (V - p.E_L) + p.P30 * (p.I_e + I_ext) + jump;
  } else {
    --refractory;
  }
  if (V >= threshold) {
    V = p.V_reset;
    refractory = p.refractory_steps;
    return true;
  }
  return false;
}

// Items [k0, k1) of one step (iaf_psc_delta): `input` is this step's ring slot (read and cleared),
// `current` the run's input for this step (kCurrent), parameters shared or per neuron (kEach).
template <typename T, bool kEach, bool kCurrent>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void lif_delta_block(T* SNN_RESTRICT V, int32_t* SNN_RESTRICT refractory,
                                                       T* SNN_RESTRICT spikes, T* SNN_RESTRICT input,
                                                       const T* SNN_RESTRICT current, const PerNeuron<LifParams<T>> params,
                                                       int64_t k0, int64_t k1) {
  for (int64_t k = k0; k < k1; ++k) {
    const LifParams<T>& p = kEach ? params.each[k % params.n] : params.all;
    const T jump = input[k];
    input[k] = T(0);
    spikes[k] = lif_delta_update_one(V[k], refractory[k], jump, kCurrent ? current[k] : T(0), p.V_th, p) ? T(1) : T(0);
  }
}

// Element functor: a block of iaf_psc_delta neurons (items k in [0, B*N); CUDA: one per thread).
template <typename T>
struct LifDeltaStep {
  T* V;
  int32_t* refractory;
  T* spikes;
  InputRing<T> ring;
  StepInput<T> current;  // external current [pA]
  int64_t run_step;
  PerNeuron<LifParams<T>> params;
  int64_t n, block;  // items (B N), items per element
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const ItemRange r = block_items(e, block, n);
    const T* cur = current.step(run_step);
    with_block_switches(params.each != nullptr, cur != nullptr, [&](auto each, auto has_current) {
      lif_delta_block<T, decltype(each)::value, decltype(has_current)::value>(V, refractory, spikes, ring.slot_data(0), cur,
                                                                              params, r.begin, r.end);
    });
  }
};

template <typename T>
struct AdaptiveLifParams : LifParams<T> {
  T theta_decay;  // exp(-h/tau_theta); 1 when not learning (theta frozen)
  T theta_plus;   // threshold increment per spike [mV] (0 when not learning)
};

// Items [k0, k1) of one AdaptiveLIF step, as lif_delta_block. With `defer_threshold` (the at-most-one-
// spike-per-step mode) they only integrate and leave the threshold test to OneSpikeSelect.
template <typename T, bool kEach, bool kCurrent>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void adaptive_lif_block(T* SNN_RESTRICT V, int32_t* SNN_RESTRICT refractory,
                                                          T* SNN_RESTRICT theta, T* SNN_RESTRICT spikes,
                                                          T* SNN_RESTRICT input, const T* SNN_RESTRICT current,
                                                          const PerNeuron<AdaptiveLifParams<T>> params,
                                                          bool defer_threshold, int64_t k0, int64_t k1) {
  for (int64_t k = k0; k < k1; ++k) {
    const AdaptiveLifParams<T>& p = kEach ? params.each[k % params.n] : params.all;
    const T jump = input[k];
    input[k] = T(0);
    const T I_ext = kCurrent ? current[k] : T(0);
    theta[k] *= p.theta_decay;
    if (defer_threshold) {
      // +inf threshold: integrate (or count down refractoriness) without spiking.
      lif_delta_update_one(V[k], refractory[k], jump, I_ext, T(INFINITY), p);
      continue;
    }
    const bool spiked = lif_delta_update_one(V[k], refractory[k], jump, I_ext, p.V_th + theta[k], p);
    if (spiked) theta[k] += p.theta_plus;
    spikes[k] = spiked ? T(1) : T(0);
  }
}

// Element functor: a block of AdaptiveLIF neurons.
template <typename T>
struct AdaptiveLifStep {
  T* V;
  int32_t* refractory;
  T* theta;
  T* spikes;
  InputRing<T> ring;
  StepInput<T> current;
  int64_t run_step;
  PerNeuron<AdaptiveLifParams<T>> params;
  bool defer_threshold;
  int64_t n, block;  // items (B N), items per element
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const ItemRange r = block_items(e, block, n);
    const T* cur = current.step(run_step);
    with_block_switches(params.each != nullptr, cur != nullptr, [&](auto each, auto has_current) {
      adaptive_lif_block<T, decltype(each)::value, decltype(has_current)::value>(
          V, refractory, theta, spikes, ring.slot_data(0), cur, params, defer_threshold, r.begin, r.end);
    });
  }
};

// Row functor for the at-most-one-spike-per-step mode, b in [0, B): of the neurons of batch entry b
// at or above threshold, only the one furthest above it spikes (ties: lowest index); the others keep
// their potential and may spike in a later step. P: a parameter struct with V_th, V_reset,
// refractory_steps and theta_plus (AdaptiveLIF's, ConductanceLIF's).
template <typename T, class P>
struct OneSpikeSelect {
  T* V;
  int32_t* refractory;
  T* theta;
  T* spikes;
  int64_t n;
  PerNeuron<P> params;
  SNN_HOST_DEVICE void operator()(int64_t b) const {
    int64_t best = -1;
    T best_excess = T(0);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t k = b * n + i;
      spikes[k] = T(0);
      const T excess = V[k] - (params.of(i).V_th + theta[k]);
      if (excess >= T(0) && (best < 0 || excess > best_excess)) {
        best = i;
        best_excess = excess;
      }
    }
    if (best >= 0) {
      const int64_t k = b * n + best;
      const P& p = params.of(best);
      V[k] = p.V_reset;
      refractory[k] = p.refractory_steps;
      theta[k] += p.theta_plus;
      spikes[k] = T(1);
    }
  }
};

// CUDA entry points (snn/kernels/common.h; OneSpikeSelect's ConductanceLIF form in cond_lif_math.h).
SNN_CUDA_KERNEL(LifDeltaStep)
SNN_CUDA_KERNEL(AdaptiveLifStep)
SNN_CUDA_KERNEL_OF(OneSpikeSelect<float, AdaptiveLifParams<float>>)
SNN_CUDA_KERNEL_OF(OneSpikeSelect<double, AdaptiveLifParams<double>>)

}  // namespace kernels
}  // namespace snn
