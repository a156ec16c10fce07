// snn/kernels/aif2_math.h — conductance-based LIF with AMPA/NMDA/GABA conductances, a dynamic threshold
// and two adaptation conductances: Auryn's AIF2Group (Zenke et al. 2015's excitatory neuron).
//
//   tau_m dV/dt = (E_L - V) + (A_ampa g_ampa + A_nmda g_nmda)(E_ex - V) + (g_gaba + g_a1 + g_a2)(E_in - V)
//   dg_x/dt = -g_x / tau_x (ampa, gaba, a1, a2),  tau_nmda dg_nmda/dt = g_ampa - g_nmda
//   threshold V_th + theta, d theta/dt = -theta / tau_thr
//   spike when V > V_th + theta: V <- V_reset, theta <- delta_thr, g_a1 += dg_a1, g_a2 += dg_a2
// [V in mV, t in ms; conductances dimensionless, in units of the leak]. A_ampa = r/(1+r), A_nmda =
// 1/(1+r) with r = ampa_nmda_ratio. A spike of weight w > 0 adds w to g_ampa, w < 0 adds |w| to g_gaba.
// Integration: Auryn's own step (forward Euler, the conductances decayed exactly), in its order:
//   g_x += input;  g_ampa, g_gaba, g_a1, g_a2 *= exp(-h/tau);  g_nmda += h/tau_nmda (g_ampa - g_nmda);
//   theta *= exp(-h/tau_thr);  V += h/tau_m (rhs above, with the new conductances);  V <- max(V, E_in);
//   threshold test.
// (Auryn adds a spike's weight at the end of the step it arrives in and decays it before it acts: the
// same as adding it first here.) Auryn uses h = 0.1 ms; the dynamic threshold is the only refractoriness.
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

template <typename T>
struct Aif2Params {
  T E_L, E_ex, E_in, V_th, V_reset, delta_thr;  // [mV]
  T h_over_tau_m, h_over_tau_nmda;
  T decay_ampa, decay_gaba, decay_a1, decay_a2, decay_thr;
  T A_ampa, A_nmda, dg_a1, dg_a2;
};

template <typename T>
SNN_HOST_DEVICE inline bool aif2_update_one(T& V, T& g_ampa, T& g_nmda, T& g_gaba, T& g_a1, T& g_a2, T& theta, T in_ex,
                                            T in_in, const Aif2Params<T>& p) {
  const T ga = (g_ampa + in_ex) * p.decay_ampa;
  const T gg = (g_gaba - in_in) * p.decay_gaba;  // inhibitory input arrives with negative weights
  const T a1 = g_a1 * p.decay_a1, a2 = g_a2 * p.decay_a2;
  const T gn = g_nmda + p.h_over_tau_nmda * (ga - g_nmda);
  const T th = theta * p.decay_thr;
  const T exc = (p.A_ampa * ga + p.A_nmda * gn) * (p.E_ex - V);
  const T inh = (gg + a1 + a2) * (p.E_in - V);
  T v = V + p.h_over_tau_m * ((p.E_L - V) + exc + inh);
  v = v < p.E_in ? p.E_in : v;
  const bool spike = v > p.V_th + th;
  V = spike ? p.V_reset : v;
  theta = spike ? p.delta_thr : th;
  g_ampa = ga;
  g_gaba = gg;
  g_nmda = gn;
  g_a1 = spike ? a1 + p.dg_a1 : a1;
  g_a2 = spike ? a2 + p.dg_a2 : a2;
  return spike;
}

// Element e = neurons [e block, (e + 1) block) of the B x N; receptor 0: w > 0, receptor 1: w < 0.
template <typename T>
struct Aif2Step {
  T *V, *g_ampa, *g_nmda, *g_gaba, *g_a1, *g_a2, *theta, *spikes;
  InputRing<T> ring;
  PerNeuron<Aif2Params<T>> params;
  int64_t n, block;
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const ItemRange r = block_items(e, block, n);
    T* in_ex = ring.data + ring.slot * ring.slot_stride;
    T* in_in = in_ex + ring.receptor_stride;
    for (int64_t k = r.begin; k < r.end; ++k) {
      const Aif2Params<T>& p = params.each ? params.each[k % params.n] : params.all;
      const bool s = aif2_update_one(V[k], g_ampa[k], g_nmda[k], g_gaba[k], g_a1[k], g_a2[k], theta[k], in_ex[k], in_in[k], p);
      in_ex[k] = in_in[k] = T(0);
      spikes[k] = s ? T(1) : T(0);
    }
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(Aif2Step)

}  // namespace kernels
}  // namespace snn
