// snn/kernels/izhikevich_da_stdp_math.h — IzhikevichDASTDP: Izhikevich (2007), Cereb. Cortex 17:2443.
//
// As the published code daspnet.m: traces set to 0.1 at a spike and multiplied by 0.95 per ms; a post spike
// adds the pre trace to the eligibility sd, a pre spike (when it arrives, after the axonal delay) subtracts
// 1.5 x the post trace; dopamine DA *= 0.995 per ms plus the rewards; every 10 ms: w = clip(w + (0.002 + DA)
// sd, 0, w_max), sd *= 0.99.
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/synapse_visits.h"
#include "snn/kernels/trace_math.h"

namespace snn {
namespace kernels {

// Izhikevich (2007): this step's STDP changes the eligibility sd (pre arrivals and post spikes)...
// With one delay, `arrivals` and `x_pre` are this step's arriving spikes and arrival trace. With
// per-synapse delays (`delay` set) they are histories [slots, B, n_pre] of the spikes and trace as
// emitted, and synapse s reads slot (step - delay[s]) mod slots: what arrives at it now.
template <typename T>
struct IzhikevichEligibilityRule {
  using value_type = T;
  T* sd;                // [B, n_syn]
  const T* arrivals;    // [B, n_pre] pre spikes arriving at the synapse this step (or the history)
  const T* post_spikes; // [B, n_post]
  const T* x_pre;       // [B, n_pre], including this step's arrivals (or the history)
  const T* x_post;      // [B, n_post], as at the end of the previous step
  T ltd_factor;
  int64_t n_pre, n_post, batch, n_syn;
  const int32_t* delay = nullptr;  // per-synapse delays [steps], or null
  int64_t slots = 1, step_slot = 0, history_stride = 0;
  // The history slot of the spikes and trace emitted `d` steps ago, and where it starts.
  SNN_HOST_DEVICE int64_t history_slot(int64_t d) const {
    const int64_t slot = step_slot - d;
    return slot < 0 ? slot + slots : slot;
  }
  SNN_HOST_DEVICE int64_t history_offset(int64_t d) const { return history_slot(d) * history_stride; }
  SNN_HOST_DEVICE void update(int64_t s, int64_t i, int64_t j) const {
    const int64_t offset = delay ? history_offset(delay[s]) : 0;
    for (int64_t b = 0; b < batch; ++b) {
      const T so = post_spikes[b * n_post + j];
      const T sp = arrivals[offset + b * n_pre + i];
      T e = sd[b * n_syn + s];
      if (so != T(0)) e += so * x_pre[offset + b * n_pre + i];
      if (sp != T(0)) e -= ltd_factor * sp * x_post[b * n_post + j];
      sd[b * n_syn + s] = e;
    }
  }
};

// Per-synapse delays: one step of the pre histories, elements [k0, k1) of [B, n_pre]. in_flight counts
// the spikes of the last max-delay steps (those that can arrive now): it gains the previous step's
// and loses the oldest, whose slot this step's spikes and trace then overwrite. Branch-free (a select)
// so that the loop vectorises.
template <typename T>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void izhikevich_history_block(const T* SNN_RESTRICT spikes, const T* SNN_RESTRICT previous,
                                                                T* SNN_RESTRICT now, T* SNN_RESTRICT trace_now,
                                                                T* SNN_RESTRICT x_pre, T* SNN_RESTRICT in_flight, T decay,
                                                                T trace, int64_t k0, int64_t k1) {
  for (int64_t k = k0; k < k1; ++k) {
    const T s = spikes[k];
    in_flight[k] += previous[k] - now[k];
    now[k] = s;
    const T x = s != T(0) ? trace : x_pre[k] * decay;
    x_pre[k] = x;
    trace_now[k] = x;
  }
}

// Element e: elements [e block, (e + 1) block) (the CPU: blocks; CUDA: block 1).
template <typename T>
struct IzhikevichHistoryStep {
  const T* spikes;     // this step's pre spikes
  const T* previous;   // history slot of the previous step
  T* now;              // history slot of this step (holds the oldest spikes until overwritten)
  T* trace_now;        // trace history slot of this step
  T* x_pre;            // the trace: decays, set to `trace` at a spike
  T* in_flight;
  T decay, trace;
  int64_t n, block;
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const ItemRange r = block_items(e, block, n);
    izhikevich_history_block(spikes, previous, now, trace_now, x_pre, in_flight, decay, trace, r.begin, r.end);
  }
};

// Per-synapse delays, one batch entry, event-driven: LTP over the synapses onto each post neuron that
// spiked (element q: the q-th of them), each reading the pre trace of its own delay ago ...
template <typename T>
struct IzhikevichDelayedLtp {
  IzhikevichEligibilityRule<T> e;  // sd, post_spikes, x_pre = trace history, delay, slots, step_slot
  SynapseLayout<T> L;              // with the transposed index when sparse
  ActiveSet posts;
  SNN_HOST_DEVICE void add(int64_t s, int64_t i, T so) const { e.sd[s] += so * e.x_pre[e.history_offset(e.delay[s]) + i]; }
  SNN_HOST_DEVICE void operator()(int64_t q) const {
    if (q >= *posts.count) return;
    const int64_t j = posts.list[q];
    const T so = e.post_spikes[j];
    if (L.sparse()) {
      for (int64_t k = L.col_ptr[j]; k < L.col_ptr[j + 1]; ++k) add(L.col_syn[k], L.col_pre[k], so);
    } else {
      for (int64_t i = 0; i < L.n_pre; ++i)
        if (L.count[i * L.n_post + j] != T(0)) add(i * L.n_post + j, i, so);
    }
  }
};

// ... then LTD over the synapses a spike arrives at this step: for each pre neuron that spiked in the
// last max_delay steps (element q), the synapses whose delay matches one of its spikes.
template <typename T>
struct IzhikevichDelayedLtd {
  IzhikevichEligibilityRule<T> e;  // arrivals = spike history
  const int64_t* by_delay_ptr;     // [n_pre max_delay + 1]
  const int32_t* by_delay_syn;
  const int32_t* by_delay_post;
  ActiveSet in_flight;
  int64_t max_delay;
  // The synapses of pre neuron i with delay d, for a spike of size sp emitted d steps ago.
  SNN_HOST_DEVICE void depress(int64_t i, int64_t d, T sp) const {
    const T a = e.ltd_factor * sp;
    for (int64_t k = by_delay_ptr[i * max_delay + d - 1]; k < by_delay_ptr[i * max_delay + d]; ++k)
      e.sd[by_delay_syn[k]] -= a * e.x_post[by_delay_post[k]];
  }
  SNN_HOST_DEVICE void operator()(int64_t q) const {
    if (q >= *in_flight.count) return;
    const int64_t i = in_flight.list[q];
    for (int64_t d = 1; d <= max_delay; ++d) {
      const T sp = e.arrivals[e.history_offset(d) + i];
      if (sp != T(0)) depress(i, d, sp);
    }
  }
};

// The same on the CPU from the lists of neurons that spiked in each history slot (element: the delay
// d - 1), so that a step reads only the spikes that arrive somewhere instead of max_delay slots of
// every neuron in flight. Synapses with different delays are distinct: the elements write disjoint
// eligibilities.
template <typename T>
struct IzhikevichDelayedLtdLists {
  IzhikevichDelayedLtd<T> ltd;
  const int32_t* slot_list;   // [slots, n_pre]: the neurons that spiked in each slot's step
  const int32_t* slot_count;  // [slots]
  void operator()(int64_t e) const {
    const int64_t d = e + 1;
    const IzhikevichEligibilityRule<T>& r = ltd.e;
    const int64_t slot = r.history_slot(d);
    const T* sp = r.arrivals + slot * r.history_stride;
    for (int64_t q = 0; q < slot_count[slot]; ++q) {
      const int64_t i = slot_list[slot * r.n_pre + q];
      ltd.depress(i, d, sp[i]);
    }
  }
};

// ... and every `interval` ms all synapses apply it: w = clip(w + sum_b (baseline + DA_b) sd_b),
// sd *= decay. Element: a block of kApplyBlock synapses (dense: entries without a synapse skipped); the
// common case (one batch entry, sparse) is a plain loop the compiler vectorises.
constexpr int64_t kApplyBlock = 1024;
// The common case as a plain loop over synapses [s0, s1) (one batch entry, sparse storage).
template <typename T>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void izhikevich_apply_block(T* SNN_RESTRICT w, T* SNN_RESTRICT sd, T f, T eligibility_decay,
                                                              T w_min, T w_max, int64_t s0, int64_t s1) {
  for (int64_t s = s0; s < s1; ++s) {
    const T e = sd[s];
    w[s] = clamp_(w[s] + f * e, w_min, w_max);
    sd[s] = e * eligibility_decay;
  }
}

template <typename T>
struct IzhikevichApply {
  T* w;
  T* sd;        // [B, n_syn]
  const T* da;  // [B]
  const T* count;  // dense: synapses per entry; sparse: null
  T baseline, eligibility_decay, w_min, w_max;
  int64_t batch, n_syn;
  SNN_HOST_DEVICE void operator()(int64_t block) const {
    const int64_t s0 = block * kApplyBlock;
    const int64_t s1 = s0 + kApplyBlock < n_syn ? s0 + kApplyBlock : n_syn;
    if (batch == 1 && !count) {
      izhikevich_apply_block(w, sd, baseline + da[0], eligibility_decay, w_min, w_max, s0, s1);
      return;
    }
    for (int64_t s = s0; s < s1; ++s) {
      if (count && count[s] == T(0)) continue;
      T dw = T(0);
      for (int64_t b = 0; b < batch; ++b) {
        dw += (baseline + da[b]) * sd[b * n_syn + s];
        sd[b * n_syn + s] *= eligibility_decay;
      }
      w[s] = clamp_(w[s] + dw, w_min, w_max);
    }
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_RULE(IzhikevichEligibilityRule)
SNN_CUDA_KERNEL(IzhikevichApply)
SNN_CUDA_KERNEL(IzhikevichHistoryStep)
SNN_CUDA_KERNEL(IzhikevichDelayedLtp)
SNN_CUDA_KERNEL(IzhikevichDelayedLtd)

}  // namespace kernels
}  // namespace snn
