// snn/kernels/poisson_dbl_exp_math.h — SPORE's stochastic neuron (poisson_dbl_exp_neuron), one step.
//
// Membrane: double-exponential PSPs, excitatory (tau_rise_exc, tau_fall_exc) and inhibitory
// (tau_rise_inh, tau_fall_inh), plus the input current [dimensionless here, as SPORE's "mV"]:
//   each step: rise *= exp(-h/tau_rise), fall *= exp(-h/tau_fall), both += the weights arriving now;
//   V = tau_fall/(tau_fall - tau_rise) (fall - rise) [exc] + (the same) [inh] + g_in (I_ext + I_e)
// (a weight w arriving at t0 adds w tau_f/(tau_f - tau_r) (exp(-t/tau_f) - exp(-t/tau_r)) to V).
// Adaptive threshold: theta -= 1e-3 h target_rate speed every step, theta += speed at each spike
// (homeostasis towards target_rate; speed 0, SPORE's default, switches it off).
// Outside the dead time: V' = V - theta, rate = c1 V' + c2 exp(c3 V') [Hz], p = 1 - exp(-rate h / 1000);
// with a dead time the neuron spikes when its uniform u <= p (and rate > 0), without one it emits a
// Poisson(rate h / 1000) count. A spike starts dead_steps steps of dead time and, with reset, zeroes V
// and the four PSP traces. bap = spikes - p (0 in the dead time): the back-propagated signal the
// synaptic sampling rule reads. The rate at a constant drive: 1 / (t_dead + h / p).
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/philox_math.h"

namespace snn {
namespace kernels {

template <typename T>
struct PoissonDblExpParams {
  T decay_rise_exc, decay_fall_exc, decay_rise_inh, decay_fall_inh;  // exp(-h / tau)
  T norm_exc, norm_inh;    // tau_fall / (tau_fall - tau_rise)
  T conductance;           // input_conductance: V per unit of current
  T I_e;
  T c1, c2, c3;            // rate = c1 V' + c2 exp(c3 V')
  T rate_to_mean;          // h / 1000: expected spikes per step per Hz
  T threshold_drift;       // 1e-3 h target_rate target_adaptation_speed
  T threshold_jump;        // target_adaptation_speed
  int32_t dead_steps;      // dead time in steps
  int32_t reset;           // with_reset
  int32_t poisson;         // no dead time: Poisson counts
};

// One neuron, one step; returns its spike count. u: the neuron's uniform in (0, 1) for this step.
template <typename T>
SNN_HOST_DEVICE inline T poisson_dbl_exp_update_one(T& rise_exc, T& fall_exc, T& rise_inh, T& fall_inh, T& V,
                                                    T& threshold, int32_t& dead, T& bap, T in_exc, T in_inh,
                                                    T I_ext, double u, const PoissonDblExpParams<T>& p) {
  rise_exc = rise_exc * p.decay_rise_exc + in_exc;
  fall_exc = fall_exc * p.decay_fall_exc + in_exc;
  rise_inh = rise_inh * p.decay_rise_inh + in_inh;
  fall_inh = fall_inh * p.decay_fall_inh + in_inh;
  V = p.norm_exc * (fall_exc - rise_exc) + p.norm_inh * (fall_inh - rise_inh) + p.conductance * (I_ext + p.I_e);
  threshold -= p.threshold_drift;
  if (dead > 0) {
    --dead;
    bap = T(0);
    return T(0);
  }
  const T v_eff = V - threshold;
  const T rate = p.c1 * v_eff + p.c2 * exp_(p.c3 * v_eff);
  const T prob = -expm1_(-rate * p.rate_to_mean);
  T spikes = T(0);
  if (rate > T(0)) {
    if (p.poisson) {
      spikes = static_cast<T>(poisson_inversion(static_cast<double>(rate * p.rate_to_mean), u));
    } else {
      spikes = u <= static_cast<double>(prob) ? T(1) : T(0);
    }
  }
  bap = spikes - prob;
  if (spikes > T(0)) {
    dead = p.dead_steps;
    threshold += p.threshold_jump;
    if (p.reset) {
      V = rise_exc = fall_exc = rise_inh = fall_inh = T(0);
    }
  }
  return spikes;
}

// Element e: neurons e kRandomBlock .. (e + 1) kRandomBlock - 1, each with word k of the step's Philox
// stream as its uniform (so the draws do not depend on threads or device).
template <typename T>
struct PoissonDblExpStep {
  T *rise_exc, *fall_exc, *rise_inh, *fall_inh, *V, *threshold, *bap, *spikes;
  int32_t* dead;
  InputRing<T> ring;  // receptor 0: excitatory, 1: inhibitory
  StepInput<T> current;
  int64_t run_step;
  PerNeuron<PoissonDblExpParams<T>> params;
  uint64_t seed;
  uint32_t stream;
  uint64_t step;
  int64_t n;  // items (B N)
  uint64_t key0 = 0;  // the draws' key of element 0 (NeuronBlock)
  template <bool kEach, bool kCurrent>
  SNN_HOST_DEVICE void block(const NeuronBlock& blk, const T* cur, T* in_exc, T* in_inh) const {
    for (int64_t q = 0; q < blk.m; ++q) {
      const int64_t k = blk.k0 + q;
      const PoissonDblExpParams<T>& p = kEach ? params.each[k % params.n] : params.all;
      const T x = in_exc[q], y = in_inh[q];
      in_exc[q] = T(0);
      in_inh[q] = T(0);
      spikes[k] = poisson_dbl_exp_update_one(rise_exc[k], fall_exc[k], rise_inh[k], fall_inh[k], V[k], threshold[k],
                                             dead[k], bap[k], x, y, kCurrent ? cur[q] : T(0),
                                             uniform_word(blk.words[q]), p);
    }
  }
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    NeuronBlock blk;
    blk.draw(seed, stream, step, e, n, key0);
    const T* all = current.step(run_step);
    const T* cur = all ? all + blk.k0 : nullptr;
    T* in_exc = ring.slot_data(0) + blk.k0;
    T* in_inh = ring.slot_data(1) + blk.k0;
    with_block_switches(params.each != nullptr, cur != nullptr, [&](auto each, auto has_current) {
      block<decltype(each)::value, decltype(has_current)::value>(blk, cur, in_exc, in_inh);
    });
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(PoissonDblExpStep)

}  // namespace kernels
}  // namespace snn
