// snn/kernels/lif_exp_math.h — NEST iaf_psc_exp: leaky integrate-and-fire with exponential
// post-synaptic currents, exact integration (Rotter & Diesmann 1999, Biol. Cybern. 81:381).
//
//   dV/dt    = -(V - E_L)/tau_m + (I_ex + I_in + I_e + I_ext)/C_m
//   dI_x/dt  = -I_x/tau_syn_x        (x = ex, in); a spike of weight w adds w [pA] to I_ex if w > 0,
//                                     to I_in if w < 0
// Propagators for a step h [ms]:
//   P11_x = exp(-h/tau_syn_x)         P22 = exp(-h/tau_m)         P20 = tau_m/C_m (1 - P22)
//   P21_x = tau_syn tau_m / (C_m (tau_m - tau_syn)) (exp(-h/tau_m) - exp(-h/tau_syn))
// P21 is evaluated as exp(-h/tau_m) h/C_m phi(h (1/tau_syn - 1/tau_m)) with phi(x) = (1 - e^-x)/x
// through expm1, which is accurate for every x and equals the singular limit h/C_m exp(-h/tau_m)
// at tau_m == tau_syn (phi(0) = 1), so no case switch is needed.
// One step, in NEST's order:
//   (1) not refractory: V <- E_L + P22 (V - E_L) + P21_ex I_ex + P21_in I_in + P20 (I_e + I_ext);
//       refractory: counter decremented (currents keep integrating; input is not discarded)
//   (2) I_x <- P11_x I_x + (weights arriving now at receptor x)
//   (3) V >= V_th: spike, V <- V_reset, counter <- round(t_ref/h)
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

struct LifExpPropagators {
  double P11;  // exp(-h/tau_syn)
  double P22;  // exp(-h/tau_m)
  double P20;  // tau_m/C_m (1 - exp(-h/tau_m)) [mV/pA]
  double P21;  // current-to-voltage propagator [mV/pA]
};

// Host-side: the propagators of one receptor, in double precision. h, tau in ms; C_m in pF.
inline LifExpPropagators lif_exp_propagators(double h, double tau_m, double tau_syn, double C_m) {
  LifExpPropagators P;
  P.P11 = std::exp(-h / tau_syn);
  P.P22 = std::exp(-h / tau_m);
  P.P20 = -tau_m / C_m * std::expm1(-h / tau_m);
  const double x = h * (1.0 / tau_syn - 1.0 / tau_m);
  const double phi = (x == 0.0) ? 1.0 : -std::expm1(-x) / x;
  P.P21 = P.P22 * h / C_m * phi;
  return P;
}

template <typename T>
struct LifExpParams {
  T E_L, V_th, V_reset;  // [mV]
  T I_e;                 // [pA]
  T P22, P20;            // membrane propagators
  T P11_ex, P11_in;      // current decay per step
  T P21_ex, P21_in;      // current-to-voltage [mV/pA]
  int32_t refractory_steps;
};

template <typename T>
SNN_HOST_DEVICE inline bool lif_exp_update_one(T& V, T& I_ex, T& I_in, int32_t& refractory, T in_ex, T in_in,
                                               T I_ext, const LifExpParams<T>& p) {
  if (refractory == 0) {
    V = p.E_L + p.P22 * (V - p.E_L) + p.P21_ex * I_ex + p.P21_in * I_in + p.P20 * (p.I_e + I_ext);
  } else {
    --refractory;
  }
  I_ex = p.P11_ex * I_ex + in_ex;
  I_in = p.P11_in * I_in + in_in;
  if (V >= p.V_th) {
    V = p.V_reset;
    refractory = p.refractory_steps;
    return true;
  }
  return false;
}

// Items [k0, k1) of one step: in_ex / in_in this step's ring slots (read and cleared), `current` the
// run's input for this step (kCurrent), parameters shared or per neuron (kEach).
template <typename T, bool kEach, bool kCurrent>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void lif_exp_block(T* SNN_RESTRICT V, T* SNN_RESTRICT I_ex, T* SNN_RESTRICT I_in,
                                                     int32_t* SNN_RESTRICT refractory, T* SNN_RESTRICT spikes,
                                                     T* SNN_RESTRICT in_ex, T* SNN_RESTRICT in_in,
                                                     const T* SNN_RESTRICT current, const PerNeuron<LifExpParams<T>> params,
                                                     int64_t k0, int64_t k1) {
  for (int64_t k = k0; k < k1; ++k) {
    const LifExpParams<T>& p = kEach ? params.each[k % params.n] : params.all;
    const T x = in_ex[k], y = in_in[k];
    in_ex[k] = T(0);
    in_in[k] = T(0);
    spikes[k] = lif_exp_update_one(V[k], I_ex[k], I_in[k], refractory[k], x, y, kCurrent ? current[k] : T(0), p) ? T(1) : T(0);
  }
}

// Element functor: a block of iaf_psc_exp neurons (items k in [0, B*N); CUDA: one per thread).
template <typename T>
struct LifExpStep {
  T* V;
  T* I_ex;
  T* I_in;
  int32_t* refractory;
  T* spikes;
  InputRing<T> ring;  // receptor 0: excitatory, 1: inhibitory
  StepInput<T> current;
  int64_t run_step;
  PerNeuron<LifExpParams<T>> params;
  int64_t n, block;  // items (B N), items per element (CUDA: 1)
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const ItemRange r = block_items(e, block, n);
    const T* cur = current.step(run_step);
    with_block_switches(params.each != nullptr, cur != nullptr, [&](auto each, auto has_current) {
      lif_exp_block<T, decltype(each)::value, decltype(has_current)::value>(V, I_ex, I_in, refractory, spikes, ring.slot_data(0),
                                                                            ring.slot_data(1), cur, params, r.begin, r.end);
    });
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(LifExpStep)

}  // namespace kernels
}  // namespace snn
