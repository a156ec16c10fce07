// snn/kernels/stdp_math.h — pair-based STDP (STDP): BindsNET's PostPre / WeightDependentPostPre, and
// Diehl & Cook's (2015) variant.
//
// Pair STDP (BindsNET PostPre / WeightDependentPostPre): after this step's spikes entered the traces,
//   pre spike of i:   w_ij -= nu_pre  x_post_j  [(w_ij - w_min) if multiplicative]
//   post spike of j:  w_ij += nu_post x_pre_i   [(w_max - w_ij) if multiplicative]
// then w is clipped to [w_min, w_max]. For one pre/post pair dt = t_post - t_pre apart this gives
// nu_post exp(-dt/tau_pre) for dt > 0, -nu_pre exp(dt/tau_post) for dt < 0, nu_post - nu_pre at 0.
// Diehl & Cook (2015) variant: pre trace (set to 1), post1 (20 ms) and post2 (40 ms) traces; at a pre
// spike w -= nu_pre post1, at a post spike w += nu_post x_pre post2, both post traces taken before this
// step's post spike enters them (their Brian code's "post2before").
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/synapse_visits.h"
#include "snn/kernels/trace_math.h"

namespace snn {
namespace kernels {

// The rules below update one synapse s (pre i, post j): `update(s, i, j)`. Which synapses a step visits
// (all of them, or only those of neurons that spiked) is chosen by the iteration schemes of
// snn/kernels/synapse_visits.h; since a synapse without a spike at either end does not change, both give
// bitwise the same weights.

// One dense row of pair STDP for a single batch entry: the body of PairStdpRule::update for every
// synapse of row i, specialised at compile time on its options so that the loop vectorises.
template <typename T, bool kFactor, bool kMultiplicative>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void pair_stdp_dense_row_impl(T* SNN_RESTRICT w, const T* SNN_RESTRICT count,
                                                                const T* SNN_RESTRICT post, const T* SNN_RESTRICT ltd,
                                                                const T* SNN_RESTRICT factor, T sp, T ltp_i, T nu_pre,
                                                                T nu_post, T w_min, T w_max, int64_t n) {
  // Branch-free so that it vectorises; the same arithmetic as PairStdpRule::update (a term whose spike
  // count is 0 is 0 x a finite trace = 0).
  const T ltd_scale = nu_pre * sp;
  for (int64_t j = 0; j < n; ++j) {
    const T w0 = w[j];
    const T depression = ltd_scale * ltd[j];
    const T potentiation = nu_post * post[j] * (kFactor ? ltp_i * factor[j] : ltp_i);
    const T dw = potentiation * (kMultiplicative ? w_max - w0 : T(1)) - depression * (kMultiplicative ? w0 - w_min : T(1));
    const T moved = clamp_(w0 + dw, w_min, w_max);
    w[j] = ((dw != T(0)) & (count[j] != T(0))) ? moved : w0;
  }
}

// The weights of a dense row chunk from summed depression and potentiation (batch rows): the change of
// PairStdpRule::change, branch-free so that it vectorises.
template <typename T, bool kMultiplicative>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void pair_stdp_apply_chunk(T* SNN_RESTRICT w, const T* SNN_RESTRICT count,
                                                             const T* SNN_RESTRICT ltd, const T* SNN_RESTRICT ltp, T w_min,
                                                             T w_max, int64_t m) {
  for (int64_t j = 0; j < m; ++j) {
    const T w0 = w[j];
    const T dw = ltp[j] * (kMultiplicative ? w_max - w0 : T(1)) - ltd[j] * (kMultiplicative ? w0 - w_min : T(1));
    const T moved = clamp_(w0 + dw, w_min, w_max);
    w[j] = ((dw != T(0)) & (count[j] != T(0))) ? moved : w0;
  }
}

template <typename T>
SNN_HOST_DEVICE inline void pair_stdp_dense_row(T* w, const T* count, const T* post, const T* ltd, const T* factor, T sp,
                                                T ltp_i, T nu_pre, T nu_post, T w_min, T w_max, bool multiplicative, int64_t n) {
  if (factor) {
    if (multiplicative) {
      pair_stdp_dense_row_impl<T, true, true>(w, count, post, ltd, factor, sp, ltp_i, nu_pre, nu_post, w_min, w_max, n);
    } else {
      pair_stdp_dense_row_impl<T, true, false>(w, count, post, ltd, factor, sp, ltp_i, nu_pre, nu_post, w_min, w_max, n);
    }
  } else if (multiplicative) {
    pair_stdp_dense_row_impl<T, false, true>(w, count, post, ltd, factor, sp, ltp_i, nu_pre, nu_post, w_min, w_max, n);
  } else {
    pair_stdp_dense_row_impl<T, false, false>(w, count, post, ltd, factor, sp, ltp_i, nu_pre, nu_post, w_min, w_max, n);
  }
}

template <typename T>
struct PairStdpRule {
  using value_type = T;
  T* w;
  const T* pre_spikes;   // [B, n_pre]
  const T* post_spikes;  // [B, n_post]
  const T* ltd_trace;    // [B, n_post], read at pre spikes
  const T* ltp_trace;    // [B, n_pre], read at post spikes
  const T* ltp_factor;   // [B, n_post] or null: second post trace of the Diehl & Cook variant
  ActiveSet pre_fired;   // pre neurons with a spike in some batch entry (and in which, on the CPU)
  ActiveSet post_fired;  // the same for post neurons (batch rows use the list)
  T nu_pre, nu_post, w_min, w_max;
  bool multiplicative;
  int64_t n_pre, n_post, batch;
  // Batch entries b in which neuron k of `set` spiked, ascending, to f(b): from the set's entry lists
  // where it has them (CPU), else by testing every entry (the same entries in the same order).
  template <class F>
  SNN_HOST_DEVICE void for_entries(const ActiveSet& set, const T* spikes, int64_t n, int64_t k, F f) const {
    if (set.entries) {
      if (!set.flag[k]) return;
      for (int32_t e = set.first[k]; e < set.first[k] + set.size[k]; ++e) f(static_cast<int64_t>(set.entries[e]));
      return;
    }
    for (int64_t b = 0; b < batch; ++b) {
      if (spikes[b * n + k] != T(0)) f(b);
    }
  }
  // Summed over the batch: ltd = sum_b nu_pre s_pre x_post, ltp = sum_b nu_post s_post x_pre [x_post2].
  SNN_HOST_DEVICE T ltp_of(int64_t i, int64_t j) const {
    T ltp = T(0);
    for_entries(post_fired, post_spikes, n_post, j, [&](int64_t b) {
      const T so = post_spikes[b * n_post + j];
      T f = ltp_trace[b * n_pre + i];
      if (ltp_factor) f *= ltp_factor[b * n_post + j];
      ltp += nu_post * so * f;
    });
    return ltp;
  }
  SNN_HOST_DEVICE T change(T w0, T ltd, T ltp) const {
    return ltp * (multiplicative ? w_max - w0 : T(1)) - ltd * (multiplicative ? w0 - w_min : T(1));
  }
  SNN_HOST_DEVICE void update(int64_t s, int64_t i, int64_t j) const {
    const T w0 = w[s];
    T ltd = T(0);
    for_entries(pre_fired, pre_spikes, n_pre, i, [&](int64_t b) { ltd += nu_pre * pre_spikes[b * n_pre + i] * ltd_trace[b * n_post + j]; });
    const T dw = change(w0, ltd, ltp_of(i, j));
    if (dw != T(0)) w[s] = clamp_(w0 + dw, w_min, w_max);
  }
  SNN_HOST_DEVICE void update_dense_row(int64_t i, const T* count) const {
    if (batch == 1) {
      pair_stdp_dense_row(w + i * n_post, count, post_spikes, ltd_trace, ltp_factor, pre_spikes[i], ltp_trace[i], nu_pre,
                          nu_post, w_min, w_max, multiplicative, n_post);
      return;
    }
    // A batch: the same sums as update(), in chunks of the row. The LTD sum runs over the entries in
    // which pre i spiked (vectorised over the row); LTP exists only in the columns of post neurons
    // that spiked somewhere, computed for those alone.
    constexpr int64_t kChunk = 512;  // a row of up to 512 posts in one chunk (4 KB of sums on the stack)
    T ltd[kChunk], ltp[kChunk];
    T* wi = w + i * n_post;
    const int64_t n_active = *post_fired.count;
    for (int64_t j0 = 0; j0 < n_post; j0 += kChunk) {
      const int64_t m = n_post - j0 < kChunk ? n_post - j0 : kChunk;
      for (int64_t j = 0; j < m; ++j) ltd[j] = ltp[j] = T(0);
      for_entries(pre_fired, pre_spikes, n_pre, i, [&](int64_t b) {
        add_scaled(ltd, ltd_trace + b * n_post + j0, nu_pre * pre_spikes[b * n_pre + i], 0, m);
      });
      for (int64_t q = 0; q < n_active; ++q) {
        const int64_t j = post_fired.list[q];
        if (j >= j0 && j < j0 + m) ltp[j - j0] = ltp_of(i, j);
      }
      if (multiplicative) {
        pair_stdp_apply_chunk<T, true>(wi + j0, count + j0, ltd, ltp, w_min, w_max, m);
      } else {
        pair_stdp_apply_chunk<T, false>(wi + j0, count + j0, ltd, ltp, w_min, w_max, m);
      }
    }
  }
  // Dense column j after the rows of every pre neuron that spiked were updated (skip_pre flags them):
  // the remaining synapses have no LTD, and LTP comes from the entries in which post j spiked.
  SNN_HOST_DEVICE void update_dense_col(int64_t j, const T* count, const uint8_t* skip_pre) const {
    constexpr int64_t kChunk = 128;
    T ltp[kChunk];
    for (int64_t i0 = 0; i0 < n_pre; i0 += kChunk) {
      const int64_t m = n_pre - i0 < kChunk ? n_pre - i0 : kChunk;
      for (int64_t i = 0; i < m; ++i) ltp[i] = T(0);
      for_entries(post_fired, post_spikes, n_post, j, [&](int64_t b) {
        const T a = nu_post * post_spikes[b * n_post + j], f = ltp_factor ? ltp_factor[b * n_post + j] : T(1);
        const T* x = ltp_trace + b * n_pre + i0;
        if (ltp_factor) {
          for (int64_t i = 0; i < m; ++i) ltp[i] += a * (x[i] * f);
        } else {
          for (int64_t i = 0; i < m; ++i) ltp[i] += a * x[i];
        }
      });
      for (int64_t i = 0; i < m; ++i) {
        const int64_t s = (i0 + i) * n_post + j;
        if (skip_pre[i0 + i] || count[s] == T(0)) continue;
        const T w0 = w[s];
        const T dw = change(w0, T(0), ltp[i]);
        if (dw != T(0)) w[s] = clamp_(w0 + dw, w_min, w_max);
      }
    }
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_RULE(PairStdpRule)

}  // namespace kernels
}  // namespace snn
