// snn/kernels/lif_alpha_math.h — NEST iaf_psc_alpha: leaky integrate-and-fire with alpha-shaped
// post-synaptic currents, exact integration (Rotter & Diesmann 1999).
//
//   dV/dt = -(V - E_L)/tau_m + (I_ex + I_in + I_e + I_ext)/C_m
//   I_x = alpha current: dI_x/dt = dI_x' - I_x/tau_x,  d(dI_x')/dt = -dI_x'/tau_x;
//   a spike of weight w [pA] adds (e / tau_x) w to dI_x' (so the current peaks at w after tau_x);
//   w > 0 feeds the excitatory current, w < 0 the inhibitory one.
// Propagators for a step h [ms] (beta = tau_s tau_m / (tau_m - tau_s), x = h / beta):
//   P11 = P22 = exp(-h/tau_s)   P21 = h exp(-h/tau_s)   P33 = exp(-h/tau_m)   P30 = tau_m/C_m (1 - P33)
//   P32 = h/C_m exp(-h/tau_s) expm1(x)/x               (tau_s = tau_m: h/C_m exp(-h/tau_m))
//   P31 = h^2/C_m exp(-h/tau_s) (expm1(x) - x)/x^2      (tau_s = tau_m: h^2/(2 C_m) exp(-h/tau_m))
// written with the functions expm1(x)/x and (expm1(x) - x)/x^2, which are smooth through x = 0 (a
// series is used for |x| < 1e-3), so no case switch is needed near tau_s = tau_m.
// One step, in NEST's order: (1) not refractory: V <- E_L + P33 (V - E_L) + P30 (I_e + I_ext)
// + sum_x (P31 dI_x + P32 I_x), else the refractory counter is decremented; (2) I_x <- P21 dI_x + P22 I_x,
// dI_x <- P11 dI_x + (e/tau_x) (weights arriving now); (3) V >= V_th: spike, V <- V_reset.
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

struct LifAlphaPropagators {
  double P11, P21, P31, P32, P30, P33;
};

inline LifAlphaPropagators lif_alpha_propagators(double h, double tau_m, double tau_s, double C_m) {
  const double x = h * (1.0 / tau_s - 1.0 / tau_m);
  const double phi = std::abs(x) < 1e-3 ? 1.0 + x / 2.0 + x * x / 6.0 + x * x * x / 24.0 : std::expm1(x) / x;
  const double psi = std::abs(x) < 1e-3 ? 0.5 + x / 6.0 + x * x / 24.0 + x * x * x / 120.0 : (std::expm1(x) - x) / (x * x);
  LifAlphaPropagators P;
  P.P11 = std::exp(-h / tau_s);
  P.P21 = h * P.P11;
  P.P33 = std::exp(-h / tau_m);
  P.P30 = -tau_m / C_m * std::expm1(-h / tau_m);
  P.P32 = h / C_m * P.P11 * phi;
  P.P31 = h * h / C_m * P.P11 * psi;
  return P;
}

template <typename T>
struct LifAlphaParams {
  T E_L, V_th, V_reset, I_e;
  T P33, P30;
  T P11_ex, P21_ex, P31_ex, P32_ex, psc_ex;  // psc: e / tau_syn_ex
  T P11_in, P21_in, P31_in, P32_in, psc_in;
  int32_t refractory_steps;
};

// Items [k0, k1) of one step, in NEST's order: in_ex / in_in this step's ring slots (read and cleared),
// `current` the run's input for this step (kCurrent), parameters shared or per neuron (kEach).
template <typename T, bool kEach, bool kCurrent>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void lif_alpha_block(T* SNN_RESTRICT V, T* SNN_RESTRICT I_ex, T* SNN_RESTRICT I_in,
                                                       T* SNN_RESTRICT dI_ex, T* SNN_RESTRICT dI_in,
                                                       int32_t* SNN_RESTRICT refractory, T* SNN_RESTRICT spikes,
                                                       T* SNN_RESTRICT in_ex, T* SNN_RESTRICT in_in, const T* SNN_RESTRICT current,
                                                       const PerNeuron<LifAlphaParams<T>> params, int64_t k0, int64_t k1) {
  for (int64_t k = k0; k < k1; ++k) {
    const LifAlphaParams<T>& p = kEach ? params.each[k % params.n] : params.all;
    T v = V[k];
    if (refractory[k] == 0) {
      v = p.E_L + p.P33 * (v - p.E_L) + p.P30 * (p.I_e + (kCurrent ? current[k] : T(0))) + p.P31_ex * dI_ex[k] +
          p.P32_ex * I_ex[k] + p.P31_in * dI_in[k] + p.P32_in * I_in[k];
    } else {
      --refractory[k];
    }
    const T x = in_ex[k], y = in_in[k];
    in_ex[k] = T(0);
    in_in[k] = T(0);
    I_ex[k] = p.P21_ex * dI_ex[k] + p.P11_ex * I_ex[k];
    dI_ex[k] = p.P11_ex * dI_ex[k] + p.psc_ex * x;
    I_in[k] = p.P21_in * dI_in[k] + p.P11_in * I_in[k];
    dI_in[k] = p.P11_in * dI_in[k] + p.psc_in * y;
    const bool spiked = v >= p.V_th;
    if (spiked) {
      v = p.V_reset;
      refractory[k] = p.refractory_steps;
    }
    V[k] = v;
    spikes[k] = spiked ? T(1) : T(0);
  }
}

// Element functor: a block of iaf_psc_alpha neurons (items k in [0, B*N); CUDA: one per thread).
template <typename T>
struct LifAlphaStep {
  T* V;
  T* I_ex;
  T* I_in;
  T* dI_ex;
  T* dI_in;
  int32_t* refractory;
  T* spikes;
  InputRing<T> ring;
  StepInput<T> current;
  int64_t run_step;
  PerNeuron<LifAlphaParams<T>> params;
  int64_t n, block;  // items (B N), items per element (CUDA: 1)
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const ItemRange r = block_items(e, block, n);
    const T* cur = current.step(run_step);
    with_block_switches(params.each != nullptr, cur != nullptr, [&](auto each, auto has_current) {
      lif_alpha_block<T, decltype(each)::value, decltype(has_current)::value>(
          V, I_ex, I_in, dI_ex, dI_in, refractory, spikes, ring.slot_data(0), ring.slot_data(1), cur, params, r.begin, r.end);
    });
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(LifAlphaStep)

}  // namespace kernels
}  // namespace snn
