// snn/kernels/neuromodulated_math.h — three-factor rules: dopamine-modulated STDP (NEST), Izhikevich
// (2007) DA-STDP, and Florian's (2007) reward-modulated STDP (MSTDP, MSTDPET).
//
// DopamineSTDP — NEST stdp_dopamine_synapse / NESTML neuromodulated_stdp. Per synapse: weight w and
// eligibility c; per pre neuron the trace K+ (tau_plus); per post neuron the trace K- (tau_minus) of
// the post spikes *as the synapse sees them*, d (the dendritic delay) after they happen; per batch
// entry the dopamine concentration n. Between events c and n decay (tau_c, tau_n) and
//   dw/dt = c (n - b)   =>   over an interval D starting at (c0, n0), with tau_s = 1/tau_c + 1/tau_n:
//   w += c0 n0 / tau_s (1 - exp(-tau_s D)) - b c0 tau_c (1 - exp(-D/tau_c)),  clipped to [Wmin, Wmax]
// Events at the end of a step: a seen post spike adds A_plus K+ to c (K+ without a pre spike of the same
// instant); a pre spike subtracts A_minus K- (K- without a post spike seen at the same instant: NEST
// pairs strictly earlier spikes); then K+ += 1 (pre) and K- += 1 (seen post); a dopamine spike of
// multiplicity m adds A_vt m / tau_n to n. Integrating step by step composes the closed form exactly
// (the events lie on the step grid); weights are clipped every step.
//
// IzhikevichDASTDP — Izhikevich (2007), Cereb. Cortex 17:2443, published code daspnet.m: traces set to
// 0.1 at a spike and multiplied by 0.95 per ms; a post spike adds the pre trace to the eligibility sd,
// a pre spike (when it arrives, after the axonal delay) subtracts 1.5 x the post trace; dopamine
// DA *= 0.995 per ms plus the rewards; every 10 ms: w = clip(w + (0.002 + DA) sd, 0, w_max), sd *= 0.99.
//
// MSTDP / MSTDPET — Florian (2007), Neural Comput. 19:1468, in BindsNET's formulation: traces
// P+ <- P+ exp(-h/tau_plus) + a_plus s_pre, P- <- P- exp(-h/tau_minus) + a_minus s_post; point
// eligibility zeta_ij = P+_i s_post_j + s_pre_i P-_j. MSTDP: w += nu r(t) zeta(t - h); MSTDPET: the
// eligibility trace z <- z exp(-h/tau_z) + zeta(t - h)/tau_z, w += nu h r(t) z. r is the reward of
// each batch entry; the changes of all entries are summed.
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/stdp_math.h"

namespace snn {
namespace kernels {

// Propagators of the dopamine rule for one step h.
struct DopaminePropagators {
  double decay_c;  // exp(-h/tau_c)
  double decay_n;  // exp(-h/tau_n)
  double w_cn;     // (1 - exp(-tau_s h)) / tau_s, tau_s = 1/tau_c + 1/tau_n
  double w_c;      // tau_c (1 - exp(-h/tau_c))
};

inline DopaminePropagators dopamine_propagators(double h, double tau_c, double tau_n) {
  const double tau_s = 1.0 / tau_c + 1.0 / tau_n;
  return {std::exp(-h / tau_c), std::exp(-h / tau_n), -std::expm1(-tau_s * h) / tau_s, -tau_c * std::expm1(-h / tau_c)};
}

// The closed-form weight change over an interval D from eligibility c0 and dopamine n0, baseline b.
inline double dopamine_weight_change(double c0, double n0, double D, double tau_c, double tau_n, double b) {
  const double tau_s = 1.0 / tau_c + 1.0 / tau_n;
  return c0 * n0 / tau_s * -std::expm1(-tau_s * D) - b * c0 * tau_c * -std::expm1(-D / tau_c);
}

template <typename T>
struct DopamineStdpStep {
  T* w;
  const T* count;
  T* c;                 // [B, cells]
  const T* n;           // [B] dopamine during this step (before this step's dopamine spikes)
  const T* pre_spikes;  // [B, n_pre]
  const T* post_seen;   // [B, n_post] post spikes d after they happened
  const T* k_plus;      // [B, n_pre], decayed to the end of this step, before its pre spikes
  const T* k_minus;     // [B, n_post], the same for seen post spikes
  T decay_c, w_cn, w_c, b, A_plus, A_minus, w_min, w_max;
  DenseShape shape;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    if (count[k] == T(0)) return;
    const int64_t i = k / shape.n_post, j = k % shape.n_post, cells = shape.cells();
    T dw = T(0);
    for (int64_t bt = 0; bt < shape.batch; ++bt) {
      const T c0 = c[bt * cells + k];
      dw += c0 * (n[bt] * w_cn - b * w_c);
      T c1 = c0 * decay_c;
      const T so = post_seen[bt * shape.n_post + j];
      const T sp = pre_spikes[bt * shape.n_pre + i];
      if (so != T(0)) c1 += A_plus * so * k_plus[bt * shape.n_pre + i];
      if (sp != T(0)) c1 -= A_minus * sp * k_minus[bt * shape.n_post + j];
      c[bt * cells + k] = c1;
    }
    w[k] = clamp_(w[k] + dw, w_min, w_max);
  }
};

template <typename T>
struct IzhikevichDaStep {
  T* w;
  const T* count;
  T* sd;                // [B, cells] eligibility
  const T* arrivals;    // [B, n_pre] pre spikes arriving at the synapse this step
  const T* post_spikes; // [B, n_post]
  const T* x_pre;       // [B, n_pre], before this step's arrivals
  const T* x_post;      // [B, n_post], before this step's post spikes
  const T* da;          // [B] dopamine (read when applying)
  T ltd_factor, baseline, eligibility_decay, w_min, w_max;
  bool apply;           // this step applies the eligibility to the weights
  DenseShape shape;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    if (count[k] == T(0)) return;
    const int64_t i = k / shape.n_post, j = k % shape.n_post, cells = shape.cells();
    T dw = T(0);
    for (int64_t b = 0; b < shape.batch; ++b) {
      T e = sd[b * cells + k];
      const T so = post_spikes[b * shape.n_post + j];
      const T sp = arrivals[b * shape.n_pre + i];
      if (so != T(0)) e += so * x_pre[b * shape.n_pre + i];
      if (sp != T(0)) e -= ltd_factor * sp * x_post[b * shape.n_post + j];
      if (apply) {
        dw += (baseline + da[b]) * e;
        e *= eligibility_decay;
      }
      sd[b * cells + k] = e;
    }
    if (apply) w[k] = clamp_(w[k] + dw, w_min, w_max);
  }
};

// MSTDP (z == nullptr) and MSTDPET: the point eligibility comes from the previous step's spikes and
// traces, kept per neuron.
template <typename T>
struct RewardStdpStep {
  T* w;
  const T* count;
  T* z;                  // [B, cells] eligibility trace (MSTDPET) or null (MSTDP)
  const T* reward;       // [B]
  const T* prev_pre;     // [B, n_pre] spikes of the previous step
  const T* prev_post;    // [B, n_post]
  const T* prev_p_plus;  // [B, n_pre] P+ after the previous step
  const T* prev_p_minus; // [B, n_post] P- after the previous step
  T rate;                // nu (MSTDP) or nu h (MSTDPET)
  T decay_z, inv_tau_z, w_min, w_max;
  DenseShape shape;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    if (count[k] == T(0)) return;
    const int64_t i = k / shape.n_post, j = k % shape.n_post, cells = shape.cells();
    T dw = T(0);
    for (int64_t b = 0; b < shape.batch; ++b) {
      const int64_t bi = b * shape.n_pre + i, bj = b * shape.n_post + j;
      const T zeta = prev_p_plus[bi] * prev_post[bj] + prev_pre[bi] * prev_p_minus[bj];
      if (z) {
        const T zb = z[b * cells + k] * decay_z + zeta * inv_tau_z;
        z[b * cells + k] = zb;
        dw += rate * reward[b] * zb;
      } else {
        dw += rate * reward[b] * zeta;
      }
    }
    if (dw != T(0)) w[k] = clamp_(w[k] + dw, w_min, w_max);
  }
};

// Signals, element b (batch entry): the value of this step is what arrived in ring slot `slot` plus
// what was injected (events, then both are cleared), or the level that holds until changed.
template <typename T>
struct SignalTake {
  T* value;
  T* ring;  // [D, B]
  T* pending;
  int64_t slot_offset;  // slot * B
  bool level;
  SNN_HOST_DEVICE void operator()(int64_t b) const {
    if (level) {
      value[b] = pending[b];
      return;
    }
    value[b] = ring[slot_offset + b] + pending[b];
    ring[slot_offset + b] = T(0);
    pending[b] = T(0);
  }
};

// Element b: out[b] += (number of spikes of batch entry b), a source of a neuromodulator.
template <typename T>
struct SpikeCountInto {
  const T* spikes;  // [B, n]
  T* out;           // [B]
  int64_t n;
  SNN_HOST_DEVICE void operator()(int64_t b) const {
    T total = T(0);
    for (int64_t i = 0; i < n; ++i) total += spikes[b * n + i];
    out[b] += total;
  }
};

}  // namespace kernels
}  // namespace snn
