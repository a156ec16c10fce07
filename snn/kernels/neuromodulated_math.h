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
#include "snn/kernels/synapses.h"

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

// MSTDP (z == nullptr) and MSTDPET: the point eligibility comes from the previous step's spikes and
// traces, kept per neuron.
template <typename T>
struct RewardStdpRule {
  using value_type = T;
  T* w;
  T* z;                  // [B, n_syn] eligibility trace (MSTDPET) or null (MSTDP)
  const T* reward;       // [B]
  const T* prev_pre;     // [B, n_pre] spikes of the previous step
  const T* prev_post;    // [B, n_post]
  const T* prev_p_plus;  // [B, n_pre] P+ after the previous step
  const T* prev_p_minus; // [B, n_post] P- after the previous step
  T rate;                // nu (MSTDP) or nu h (MSTDPET)
  T decay_z, inv_tau_z, w_min, w_max;
  int64_t n_pre, n_post, batch, n_syn;
  SNN_HOST_DEVICE void update(int64_t s, int64_t i, int64_t j) const {
    T dw = T(0);
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t bi = b * n_pre + i, bj = b * n_post + j;
      const T zeta = prev_p_plus[bi] * prev_post[bj] + prev_pre[bi] * prev_p_minus[bj];
      if (z) {
        const T zb = z[b * n_syn + s] * decay_z + zeta * inv_tau_z;
        z[b * n_syn + s] = zb;
        dw += rate * reward[b] * zb;
      } else {
        dw += rate * reward[b] * zeta;
      }
    }
    if (dw != T(0)) w[s] = clamp_(w[s] + dw, w_min, w_max);
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
