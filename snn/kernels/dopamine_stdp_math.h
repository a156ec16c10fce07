// snn/kernels/dopamine_stdp_math.h — DopamineSTDP: NEST stdp_dopamine_synapse / NESTML neuromodulated_stdp.
//
// Per synapse: weight w and eligibility c; per pre neuron the trace K+ (tau_plus); per post neuron the trace
// K- (tau_minus) of the post spikes *as the synapse sees them*, d (the dendritic delay) after they happen;
// per batch entry the dopamine concentration n. Between events c and n decay (tau_c, tau_n) and
//   dw/dt = c (n - b)   =>   over an interval D starting at (c0, n0), with tau_s = 1/tau_c + 1/tau_n:
//   w += c0 n0 / tau_s (1 - exp(-tau_s D)) - b c0 tau_c (1 - exp(-D/tau_c)),  clipped to [Wmin, Wmax]
// Events at the end of a step: a seen post spike adds A_plus K+ to c (K+ without a pre spike of the same
// instant); a pre spike subtracts A_minus K- (K- without a post spike seen at the same instant: NEST pairs
// strictly earlier spikes); then K+ += 1 (pre) and K- += 1 (seen post); a dopamine spike of multiplicity m
// adds A_vt m / tau_n to n. Integrating step by step composes the closed form exactly (the events lie on the
// step grid); weights are clipped every step.
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/synapse_visits.h"
#include "snn/kernels/trace_math.h"

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

// This step's pairings at one synapse: a seen post spike (so) adds A_plus K+, a pre spike (sp) subtracts
// A_minus K-. Selects, so that loops over synapses vectorise.
template <typename T>
SNN_HOST_DEVICE SNN_INLINE T dopamine_pairings(T c1, T so, T k_plus, T sp, T k_minus, T A_plus, T A_minus) {
  c1 = so != T(0) ? c1 + A_plus * so * k_plus : c1;
  return sp != T(0) ? c1 - A_minus * sp * k_minus : c1;
}

// Per-step form: the synapse is advanced over this step (from the start of the step, with the dopamine
// n of this step), then this step's events change c.
template <typename T>
struct DopamineStepRule {
  using value_type = T;
  T* w;
  T* c;                 // [B, n_syn]
  const T* n;           // [B] dopamine during this step (before this step's dopamine spikes)
  const T* pre_spikes;  // [B, n_pre]
  const T* post_seen;   // [B, n_post] post spikes d after they happened
  // K+ [B, n_pre] and K- [B, n_post] as at the end of the previous step. The pairings use k decay (the
  // trace kernel's arithmetic: K over this step, before its spikes), so that the rule updates the
  // traces in one pass after them.
  const T* k_plus;
  const T* k_minus;
  T decay_plus, decay_minus;
  T decay_c, w_cn, w_c, b, A_plus, A_minus, w_min, w_max;
  int64_t n_pre, n_post, batch, n_syn;
  SNN_HOST_DEVICE void update(int64_t s, int64_t i, int64_t j) const {
    T dw = T(0);
    for (int64_t bt = 0; bt < batch; ++bt) {
      const T c0 = c[bt * n_syn + s];
      dw += c0 * (n[bt] * w_cn - b * w_c);
      c[bt * n_syn + s] = dopamine_events(c0 * decay_c, bt, i, j);
    }
    w[s] = clamp_(w[s] + dw, w_min, w_max);
  }
  SNN_HOST_DEVICE T dopamine_events(T c1, int64_t bt, int64_t i, int64_t j) const {
    return dopamine_pairings(c1, post_seen[bt * n_post + j], k_plus[bt * n_pre + i] * decay_plus, pre_spikes[bt * n_pre + i],
                             k_minus[bt * n_post + j] * decay_minus, A_plus, A_minus);
  }
};

// The dopamine of a lazily updated DopamineSTDP rule: its value at the last flush (base) and after each
// dopamine spike since (history), so that n(t) is known exactly for any t since the flush.
// Times are in steps (t = step count, i.e. t h ms); a spike in step e makes n jump at time e + 1.
// Propagators over D steps for D < length, tabulated once per rule so that a lazy update costs no
// transcendental function in the common case (intervals shorter than `length` steps).
struct DopamineTables {
  const double* decay_c;  // exp(-D h / tau_c)
  const double* decay_n;  // exp(-D h / tau_n)
  const double* w_cn;     // (1 - exp(-tau_s D h)) / tau_s
  const double* w_c;      // tau_c (1 - exp(-D h / tau_c))
  int64_t length;
};

template <typename T>
struct DopamineHistory {
  const int64_t* time;  // [H] jump times, ascending
  const T* n_after;     // [H, B] n just after each jump
  int64_t length;
  int64_t base_time;
  const T* base_n;      // [B]
  int64_t batch;
  double h, tau_n;
  DopamineTables tables;
  SNN_HOST_DEVICE double decay_n(int64_t steps) const {
    return steps < tables.length ? tables.decay_n[steps] : exp_(-static_cast<double>(steps) * h / tau_n);
  }
  // The number of jumps at or before t (binary search: the history holds up to 64 jumps, and a synapse
  // touched at every spike would otherwise scan most of them at each update).
  SNN_HOST_DEVICE int64_t jumps_until(int64_t t) const {
    int64_t lo = 0, hi = length;
    while (lo < hi) {
      const int64_t mid = (lo + hi) / 2;
      if (time[mid] <= t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  // n of batch entry b at time t (>= base_time), given k = jumps_until(t) (a jump at exactly t counts).
  SNN_HOST_DEVICE double at(int64_t t, int64_t k, int64_t b) const {
    const int64_t t0 = k > 0 ? time[k - 1] : base_time;
    const double n0 = static_cast<double>(k > 0 ? n_after[(k - 1) * batch + b] : base_n[b]);
    return n0 * decay_n(t - t0);
  }
};

// One piece of one batch entry over D steps from (c, w) with dopamine n0 at its start, given the
// propagators over D: the closed form above, clipped at the end of the piece.
template <typename T>
SNN_HOST_DEVICE SNN_INLINE void dopamine_piece(T& c, T& w, double n0, double w_cn, double w_c, double decay_c, double b,
                                               T w_min, T w_max) {
  double dw = 0.0;
  dw += static_cast<double>(c) * (n0 * w_cn - b * w_c);
  c = static_cast<T>(static_cast<double>(c) * decay_c);
  w = clamp_(static_cast<T>(static_cast<double>(w) + dw), w_min, w_max);
}

// Event-driven form (NEST's algorithm): a synapse is brought from its last update time t_last[s] to
// `target` in closed form, in pieces split at the dopamine jumps, clipped after each piece as NEST does;
// then, when `events`, this step's pairings change c. Synapses nobody touches keep a stale weight until
// the next touch or flush, exactly as in NEST.
template <typename T>
struct DopamineLazyRule {
  using value_type = T;
  DopamineStepRule<T> step;  // pointers, amplitudes and bounds (its per-step propagators are unused)
  int64_t* t_last;           // [n_syn]
  DopamineHistory<T> history;
  int64_t target;
  bool events;
  double tau_c;
  double tau_s;  // 1/tau_c + 1/tau_n [1/ms]
  SNN_HOST_DEVICE SNN_INLINE void update(int64_t s, int64_t i, int64_t j) const {
    const int64_t t = t_last[s];
    if (step.batch == 1 && t < target && target - t < history.tables.length) {
      const int64_t k = history.jumps_until(t);
      if (k == history.length || history.time[k] >= target) {
        update_one_piece(s, i, j, t, k);
        return;
      }
    }
    update_pieces(s, i, j);
  }
  SNN_HOST_DEVICE SNN_NOINLINE void update_pieces(int64_t s, int64_t i, int64_t j) const {
    int64_t t = t_last[s];
    int64_t k = history.jumps_until(t);  // jumps at or before t; history.time[k] is the next one
    if (step.batch == 1 && target - t < history.tables.length) {
      update_one_entry(s, i, j, t, k);
      return;
    }
    while (t < target) {
      while (k < history.length && history.time[k] <= t) ++k;
      const int64_t next = (k < history.length && history.time[k] < target) ? history.time[k] : target;
      const int64_t steps = next - t;
      const DopamineTables& tab = history.tables;
      double w_cn, w_c, decay;
      if (steps < tab.length) {
        w_cn = tab.w_cn[steps];
        w_c = tab.w_c[steps];
        decay = tab.decay_c[steps];
      } else {
        const double D = static_cast<double>(steps) * history.h;
        w_cn = -expm1_(-tau_s * D) / tau_s;
        w_c = -tau_c * expm1_(-D / tau_c);
        decay = exp_(-D / tau_c);
      }
      double dw = 0.0;
      for (int64_t bt = 0; bt < step.batch; ++bt) {
        T& c = step.c[bt * step.n_syn + s];
        dw += static_cast<double>(c) * (history.at(t, k, bt) * w_cn - static_cast<double>(step.b) * w_c);
        c = static_cast<T>(static_cast<double>(c) * decay);
      }
      step.w[s] = clamp_(static_cast<T>(static_cast<double>(step.w[s]) + dw), step.w_min, step.w_max);
      t = next;
    }
    t_last[s] = target;
    if (!events) return;
    for (int64_t bt = 0; bt < step.batch; ++bt) {
      T& c = step.c[bt * step.n_syn + s];
      c = step.dopamine_events(c, bt, i, j);
    }
  }
  // update_pieces() for one batch entry over fewer steps than the tables hold: the same arithmetic.
  SNN_HOST_DEVICE void update_one_entry(int64_t s, int64_t i, int64_t j, int64_t t, int64_t k) const {
    T c = step.c[s], w = step.w[s];
    while (t < target) {
      while (k < history.length && history.time[k] <= t) ++k;
      const int64_t next = (k < history.length && history.time[k] < target) ? history.time[k] : target;
      advance_one_entry(c, w, t, next, k);
      t = next;
    }
    finish_one_entry(s, i, j, c, w);
  }
  // The common case of update(): one batch entry and one piece (no dopamine jump between t and
  // target), kept inline in the loop over synapses.
  SNN_HOST_DEVICE SNN_INLINE void update_one_piece(int64_t s, int64_t i, int64_t j, int64_t t, int64_t k) const {
    T c = step.c[s], w = step.w[s];
    advance_one_entry(c, w, t, target, k);
    finish_one_entry(s, i, j, c, w);
  }
  // One piece for one batch entry, from t to next with no dopamine jump in between (k jumps at or
  // before t), with the tables: the arithmetic of update_pieces().
  SNN_HOST_DEVICE SNN_INLINE void advance_one_entry(T& c, T& w, int64_t t, int64_t next, int64_t k) const {
    const DopamineTables& tab = history.tables;
    const int64_t steps = next - t;
    dopamine_piece(c, w, history.at(t, k, 0), tab.w_cn[steps], tab.w_c[steps], tab.decay_c[steps],
                   static_cast<double>(step.b), step.w_min, step.w_max);
  }
  SNN_HOST_DEVICE SNN_INLINE void finish_one_entry(int64_t s, int64_t i, int64_t j, T c, T w) const {
    step.w[s] = w;
    t_last[s] = target;
    step.c[s] = events ? step.dopamine_events(c, 0, i, j) : c;
  }
};

// The CPU's common case of DopamineLazyRule: one batch entry and no dopamine jump since the base time
// (the CPU flushes at every jump), with target - base_time < tables.length (t_last >= base_time, so
// every index below is in the tables): each synapse is one piece read from the tables. Written as
// plain loops that the compiler vectorises (table reads become gathers), with the arithmetic of
// update_one_piece(): dopamine_piece() and dopamine_pairings(). OnePiece holds what those loops read
// besides the synapse arrays.
template <typename T>
struct OnePiece {
  T* w;
  T* c;
  int64_t* t_last;
  const T* pre_spikes;  // the pairings' inputs (DopamineStepRule)
  const T* post_seen;
  const T* k_plus;
  const T* k_minus;
  DopamineTables tab;
  double base_n, b;
  int64_t base_time, target;
  T A_plus, A_minus, decay_plus, decay_minus, w_min, w_max;
  bool events;  // apply this step's pairings after the piece
  explicit OnePiece(const DopamineLazyRule<T>& r)
      : w(r.step.w), c(r.step.c), t_last(r.t_last), pre_spikes(r.step.pre_spikes), post_seen(r.step.post_seen),
        k_plus(r.step.k_plus), k_minus(r.step.k_minus), tab(r.history.tables),
        base_n(static_cast<double>(r.history.base_n[0])), b(static_cast<double>(r.step.b)),
        base_time(r.history.base_time), target(r.target), A_plus(r.step.A_plus), A_minus(r.step.A_minus),
        decay_plus(r.step.decay_plus), decay_minus(r.step.decay_minus), w_min(r.step.w_min), w_max(r.step.w_max),
        events(r.events) {}
  // Synapse (cs, ws) from t to target.
  SNN_INLINE void advance(T& cs, T& ws, int64_t t) const {
    dopamine_piece(cs, ws, base_n * tab.decay_n[t - base_time], tab.w_cn[target - t], tab.w_c[target - t],
                   tab.decay_c[target - t], b, w_min, w_max);
  }
};

// Synapses [s0, s1) of pre neuron i (a sparse row, or dense row i: post j = s - i n_post, entries
// without a synapse left alone), or all synapses (a flush: kEvents false, i unused). Synapses already
// at `target` are left alone: those the column pass of this step updated (it runs first), and those
// with nothing to advance.
template <typename T, bool kDense, bool kEvents>
SNN_VECTOR_CLONES void dopamine_one_piece_row(const OnePiece<T> P, const int32_t* SNN_RESTRICT post,
                                                   const T* SNN_RESTRICT count, int64_t n_post, int64_t i, int64_t s0,
                                                   int64_t s1) {
  const T sp = kEvents ? P.pre_spikes[i] : T(0), k_plus = kEvents ? P.k_plus[i] * P.decay_plus : T(0);
  SNN_INDEPENDENT_ITERATIONS
  for (int64_t s = s0; s < s1; ++s) {
    const int64_t t_s = P.t_last[s];
    const bool update = (!kDense || count[s] != T(0)) && t_s != P.target;
    const T c0 = P.c[s], w0 = P.w[s];
    T cs = c0, ws = w0;
    P.advance(cs, ws, update ? t_s : P.target);  // (an absent synapse's t_last is never kept up to date)
    if (kEvents) {
      const int64_t j = kDense ? s - i * n_post : post[s];
      cs = dopamine_pairings(cs, P.post_seen[j], k_plus, sp, P.k_minus[j] * P.decay_minus, P.A_plus, P.A_minus);
    }
    P.c[s] = update ? cs : c0;
    P.w[s] = update ? ws : w0;
    P.t_last[s] = P.target;
  }
}

// The same for the synapses onto post neuron j through the transposed index (sparse): all of them (the
// rows of this step come after, and skip what this pass updated). The synapses are distinct.
template <typename T, bool kEvents>
SNN_VECTOR_CLONES void dopamine_one_piece_col(const OnePiece<T> P, const int32_t* SNN_RESTRICT col_syn,
                                                   const int32_t* SNN_RESTRICT col_pre, int64_t j, int64_t k0, int64_t k1) {
  const T so = kEvents ? P.post_seen[j] : T(0), k_minus = kEvents ? P.k_minus[j] * P.decay_minus : T(0);
  SNN_INDEPENDENT_ITERATIONS
  for (int64_t k = k0; k < k1; ++k) {
    const int64_t i = col_pre[k], s = col_syn[k];
    T cs = P.c[s], ws = P.w[s];
    P.advance(cs, ws, P.t_last[s]);
    if (kEvents) cs = dopamine_pairings(cs, so, P.k_plus[i] * P.decay_plus, P.pre_spikes[i], k_minus, P.A_plus, P.A_minus);
    P.c[s] = cs;
    P.w[s] = ws;
    P.t_last[s] = P.target;
  }
}

// dopamine_one_piece_row with its options chosen at run time: dense when `count` is given, pairings
// when P.events.
template <typename T>
inline void dopamine_one_piece_row_any(const OnePiece<T>& P, const int32_t* post, const T* count, int64_t n_post, int64_t i,
                                       int64_t s0, int64_t s1) {
  if (count && P.events) {
    dopamine_one_piece_row<T, true, true>(P, post, count, n_post, i, s0, s1);
  } else if (count) {
    dopamine_one_piece_row<T, true, false>(P, post, count, n_post, i, s0, s1);
  } else if (P.events) {
    dopamine_one_piece_row<T, false, true>(P, post, count, n_post, i, s0, s1);
  } else {
    dopamine_one_piece_row<T, false, false>(P, post, count, n_post, i, s0, s1);
  }
}

// Element functors of the three visits in that case (CPU only: backend::for_each_cpu). Flush: element
// = a block of `block` synapses, no pairings.
template <typename T>
struct DopamineFlush {
  OnePiece<T> P;
  const T* count;  // dense: synapses per entry; sparse: null
  int64_t n, block;
  void operator()(int64_t e) const {
    const ItemRange q = block_items(e, block, n);
    dopamine_one_piece_row_any(P, nullptr, count, 0, 0, q.begin, q.end);
  }
};

// Element q: the q-th listed pre neuron's row.
template <typename T>
struct DopamineRows {
  OnePiece<T> P;
  SynapseLayout<T> L;
  ActiveSet rows;
  void operator()(int64_t q) const {
    if (q >= *rows.count) return;
    const int64_t i = rows.list[q];
    if (L.sparse()) {
      dopamine_one_piece_row_any(P, L.post, static_cast<const T*>(nullptr), 0, i, L.row_ptr[i], L.row_ptr[i + 1]);
    } else {
      dopamine_one_piece_row_any(P, nullptr, L.count, L.n_post, i, i * L.n_post, (i + 1) * L.n_post);
    }
  }
};

// Element q: the synapses onto the q-th listed post neuron (sparse, with the transposed index).
template <typename T>
struct DopamineCols {
  OnePiece<T> P;
  SynapseLayout<T> L;
  ActiveSet cols;
  void operator()(int64_t q) const {
    if (q >= *cols.count) return;
    const int64_t j = cols.list[q], k0 = L.col_ptr[j], k1 = L.col_ptr[j + 1];
    if (P.events) {
      dopamine_one_piece_col<T, true>(P, L.col_syn, L.col_pre, j, k0, k1);
    } else {
      dopamine_one_piece_col<T, false>(P, L.col_syn, L.col_pre, j, k0, k1);
    }
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_RULE(DopamineStepRule)
SNN_CUDA_RULE(DopamineLazyRule)

}  // namespace kernels
}  // namespace snn
