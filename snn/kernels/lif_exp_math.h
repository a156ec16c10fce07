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
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    const LifExpParams<T>& p = params.of(k);
    const T in_ex = ring.take(0, k);
    const T in_in = ring.take(1, k);
    spikes[k] = lif_exp_update_one(V[k], I_ex[k], I_in[k], refractory[k], in_ex, in_in, current.at(run_step, k), p)
                    ? T(1) : T(0);
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(LifExpStep)

}  // namespace kernels
}  // namespace snn
