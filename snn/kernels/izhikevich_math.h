// snn/kernels/izhikevich_math.h — the Izhikevich (2003) neuron, integrated as in Izhikevich's published
// code (Izhikevich 2003, IEEE TNN 14:1569; Izhikevich 2007, Cereb. Cortex 17:2443, daspnet.m).
//
//   dv/dt = 0.04 v^2 + 5 v + 140 - u + I        du/dt = a (b v - u)       [v in mV, t in ms]
//   v >= V_peak (30 mV): spike, v <- c, u <- u + d
// One step of h [ms]: v takes two half steps of forward Euler, then u one step using the new v:
//   v += h/2 (0.04 v^2 + 5 v + 140 - u + I);  v += h/2 (...);  u += h a (b v - u)
// I = I_e + I_ext + (sum of weights arriving this step) + I_noise (U - 1/2): the input is a current pulse
// lasting one step, as in the published code, where I is rebuilt every millisecond (its thalamic input
// is 13 (U - 1/2) with U uniform in [0, 1), drawn per neuron and step: I_noise = 13).
// The published code resets at the start of the step after v crossed V_peak; snn resets at the end of
// the crossing step. The trajectories are identical; snn stamps the spike one step earlier.
// consistent_integration (NEST's izhikevich, where it is the default): one forward Euler step from the
// old (v, u), with the arriving weights as a jump of v (NEST's update):
//   v += h (0.04 v^2 + 5 v + 140 - u + I_e + I_ext + noise) + (sum of weights);  u += h a (b v_old - u)
// Both ways v is then held at or above V_min (NEST's lower bound; default -DBL_MAX: no bound).
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/philox_math.h"

namespace snn {
namespace kernels {

template <typename T>
struct IzhikevichParams {
  T a, b, c, d;  // Izhikevich's dimensionless parameters (c in mV)
  T V_peak;      // spike cut-off [mV]
  T I_e;         // constant input
  T half_h;      // h/2 [ms]
  T h;           // step [ms]
  T noise;       // I_noise: the noise current is I_noise (U - 1/2)
  T V_min;       // lower bound of v [mV]
};

// v, u <- the step's new values vv, uu, bounded below by V_min and reset on a spike.
template <typename T>
SNN_HOST_DEVICE inline bool izhikevich_reset(T& v, T& u, T vv, T uu, const IzhikevichParams<T>& p) {
  vv = vv < p.V_min ? p.V_min : vv;
  const bool spike = vv >= p.V_peak;  // selects, not branches: a block of neurons vectorises
  v = spike ? p.c : vv;
  u = spike ? uu + p.d : uu;
  return spike;
}

// Published numerics: I holds every input (weights included).
template <typename T>
SNN_HOST_DEVICE inline bool izhikevich_update_one(T& v, T& u, T I, const IzhikevichParams<T>& p) {
  T vv = v + p.half_h * ((T(0.04) * v + T(5)) * v + T(140) - u + I);
  vv += p.half_h * ((T(0.04) * vv + T(5)) * vv + T(140) - u + I);
  const T uu = u + p.h * p.a * (p.b * vv - u);
  return izhikevich_reset(v, u, vv, uu, p);
}

// consistent_integration: I is the current, jump the sum of arriving weights.
template <typename T>
SNN_HOST_DEVICE inline bool izhikevich_consistent_one(T& v, T& u, T I, T jump, const IzhikevichParams<T>& p) {
  const T vv = v + p.h * ((T(0.04) * v + T(5)) * v + T(140) - u + I) + jump;
  const T uu = u + p.h * p.a * (p.b * v - u);
  return izhikevich_reset(v, u, vv, uu, p);
}

// Elements [k0, k0 + m) of a block (v, u, ... point at element k0): input = this step's ring slot (read
// and cleared), current = the run's input for this step, words = one Philox word per element.
// Specialised on whether there is noise, an input current, per-neuron parameters and the numerics, so
// that every read in the loop is unconditional (the compiler would otherwise use masked loads, which
// are very slow on some CPUs, e.g. from a null pointer with an empty mask).
template <typename T, bool kNoise, bool kCurrent, bool kEach, bool kConsistent>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void izhikevich_block(T* SNN_RESTRICT v, T* SNN_RESTRICT u, T* SNN_RESTRICT spikes,
                                                        T* SNN_RESTRICT input, const T* SNN_RESTRICT current,
                                                        const uint32_t* SNN_RESTRICT words,
                                                        const PerNeuron<IzhikevichParams<T>> params, int64_t k0, int64_t m) {
  for (int64_t q = 0; q < m; ++q) {
    const IzhikevichParams<T>& p = kEach ? params.each[(k0 + q) % params.n] : params.all;
    const T jump = input[q];
    input[q] = T(0);
    bool spike;
    if (kConsistent) {
      T I = p.I_e + (kCurrent ? current[q] : T(0));
      if (kNoise) I += p.noise * static_cast<T>(uniform_word(words[q]) - 0.5);
      spike = izhikevich_consistent_one(v[q], u[q], I, jump, p);
    } else {
      T I = p.I_e + (kCurrent ? current[q] : T(0)) + jump;
      if (kNoise) I += p.noise * static_cast<T>(uniform_word(words[q]) - 0.5);
      spike = izhikevich_update_one(v[q], u[q], I, p);
    }
    spikes[q] = spike ? T(1) : T(0);
  }
}

// Element e: elements e kRandomBlock .. (e + 1) kRandomBlock - 1; element k's noise is word k of the
// step's Philox stream.
template <typename T>
struct IzhikevichStep {
  T* v;
  T* u;
  T* spikes;
  InputRing<T> ring;
  StepInput<T> current;
  int64_t run_step;
  PerNeuron<IzhikevichParams<T>> params;
  bool noise;       // some neuron has I_noise != 0: draw
  bool consistent;  // consistent_integration (one value for the population)
  uint64_t seed;
  uint32_t stream;
  uint64_t step;
  int64_t n;  // elements (B N)
  uint64_t key0 = 0;  // the noise's key of element 0 (NeuronBlock)
  template <bool kNoise, bool kConsistent>
  SNN_HOST_DEVICE void block(const NeuronBlock& blk, const T* cur, T* in) const {
    const int64_t k0 = blk.k0;
    with_block_switches(params.each != nullptr, cur != nullptr, [&](auto each, auto has_current) {
      izhikevich_block<T, kNoise, decltype(has_current)::value, decltype(each)::value, kConsistent>(
          v + k0, u + k0, spikes + k0, in, cur, blk.words, params, k0, blk.m);
    });
  }
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    NeuronBlock blk;
    if (noise) blk.draw(seed, stream, step, e, n, key0); else blk.locate(e, n);
    const T* cur = current.base ? current.base + run_step * current.step_stride + blk.k0 : nullptr;
    T* in = ring.data + ring.slot * ring.slot_stride + blk.k0;
    if (noise) {
      if (consistent) block<true, true>(blk, cur, in); else block<true, false>(blk, cur, in);
    } else {
      if (consistent) block<false, true>(blk, cur, in); else block<false, false>(blk, cur, in);
    }
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(IzhikevichStep)

}  // namespace kernels
}  // namespace snn
