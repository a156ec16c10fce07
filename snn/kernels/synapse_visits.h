// snn/kernels/synapse_visits.h — how a projection's synapses are laid out, the set of neurons that spiked
// in a step, and the visits: the iteration schemes that apply a learning rule's per-synapse update to the
// synapses a step must touch (chosen on the host by snn/plasticity/scheduler.h).
//
// Layouts (both index synapses by s):
//   dense   s = i N_post + j over all N_pre x N_post entries; count[s] = synapses in the entry (0: none)
//   sparse  CSR by presynaptic neuron: synapses of pre i are s in [row_ptr[i], row_ptr[i+1]), with
//           post[s] ascending within the row; optional transposed index (CSC): the synapses onto post j
//           are col_syn[q] (from pre col_pre[q]) for q in [col_ptr[j], col_ptr[j+1]), pre ascending.
// Bytes per synapse (float32): post index 4 + weight 4 = 8, + 4 for a per-synapse delay (int32);
// the transposed index adds 8 for plastic sparse projections.
//
// A learning rule is written once as `update(s, i, j)` on one synapse (snn/kernels/<rule>_math.h).
// Iteration schemes pick the synapses:
//   EveryRow    element = pre neuron i: all its synapses (a full sweep; rows are disjoint)
//   ActiveRows  element = q-th neuron of an active set of pre neurons: all its synapses
//   ActiveCols  element = q-th neuron of an active set of post neurons: all synapses onto it, except
//               those whose pre neuron is flagged (already updated by an ActiveRows pass)
//   SynapseWise dense layouts on CUDA: the same three visits with one element per synapse, so that a
//               GPU thread updates one synapse instead of walking a row or a column on its own
// Every synapse is updated by exactly one element, so results do not depend on threads or order.
#pragma once

#include <type_traits>
#include <utility>

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

template <typename T>
struct SynapseLayout {
  int64_t n_pre = 0, n_post = 0, batch = 0;
  int64_t n_syn = 0;            // dense: n_pre n_post; sparse: number of synapses
  const T* count = nullptr;     // dense only
  const int64_t* row_ptr = nullptr;  // sparse CSR (null: dense)
  const int32_t* post = nullptr;
  const int64_t* col_ptr = nullptr;  // sparse CSC (null when not built)
  const int32_t* col_syn = nullptr;
  const int32_t* col_pre = nullptr;
  SNN_HOST_DEVICE bool sparse() const { return row_ptr != nullptr; }
};

// Neurons with at least one spike (in any batch entry) this step: list[0 .. *count) and flag[i].
// On the CPU the list is built in ascending order by the host; on CUDA by ActiveSetBuild (any order).
struct ActiveSet {
  const int32_t* list;
  const int32_t* count;
  const uint8_t* flag;
  // CPU, batches of more than one: the entries in which listed neuron i spiked, ascending, are
  // entries[first[i] .. first[i] + size[i]) (so a rule need not scan every entry); null otherwise.
  const int32_t* first = nullptr;
  const int32_t* size = nullptr;
  const int32_t* entries = nullptr;
  // The same, entry by entry: the neurons that spiked in entry b, ascending, are
  // by_entry[entry_end[b - 1] .. entry_end[b]) (entry_end[-1] = 0).
  const int32_t* by_entry = nullptr;
  const int32_t* entry_end = nullptr;
};

// Host, a CPU-built set: f(b, i) for every spiking (batch entry, neuron) of a [batch, n] step, in
// (entry, neuron) order; with one entry the list is entry 0's.
template <class F>
inline void for_each_spiking(const ActiveSet& set, int64_t batch, F&& f) {
  if (!set.by_entry) {
    for (int32_t q = 0; q < *set.count; ++q) f(int64_t{0}, static_cast<int64_t>(set.list[q]));
    return;
  }
  for (int64_t b = 0, q = 0; b < batch; ++b) {
    for (; q < set.entry_end[b]; ++q) f(b, static_cast<int64_t>(set.by_entry[q]));
  }
}

// The pre neurons to visit for batch entry b: its own spikes when the set lists them by entry,
// otherwise every listed neuron (or every neuron, without a list); rows[q] for q in [begin, end)
// (rows null: q itself).
struct EntryRows {
  const int32_t* rows;
  int64_t begin, end;
};
SNN_HOST_DEVICE inline EntryRows entry_rows(const int32_t* list, const int32_t* count, const int32_t* by_entry,
                                            const int32_t* entry_end, int64_t b, int64_t n) {
  if (by_entry) return {by_entry, b == 0 ? 0 : entry_end[b - 1], entry_end[b]};
  return {list, 0, list ? *count : n};
}

// Rules may offer `update_dense_row(i, count_row)`: a whole dense row at once (vectorised), with the
// same arithmetic as update() on each synapse.
template <class Rule, class = void>
struct has_dense_row : std::false_type {};
template <class Rule>
struct has_dense_row<Rule, decltype(std::declval<const Rule&>().update_dense_row(
                                        int64_t(), static_cast<const typename Rule::value_type*>(nullptr)),
                                    void())> : std::true_type {};

template <class Rule, typename T>
SNN_HOST_DEVICE inline void update_row(const Rule& rule, const SynapseLayout<T>& L, int64_t i) {
  if constexpr (has_dense_row<Rule>::value) {
    if (!L.sparse()) {
      rule.update_dense_row(i, L.count + i * L.n_post);
      return;
    }
  }
  if (L.sparse()) {
    for (int64_t s = L.row_ptr[i]; s < L.row_ptr[i + 1]; ++s) rule.update(s, i, L.post[s]);
  } else {
    for (int64_t j = 0; j < L.n_post; ++j) {
      const int64_t s = i * L.n_post + j;
      if (L.count[s] != T(0)) rule.update(s, i, j);
    }
  }
}

// ... and `update_dense_col(j, count, skip_pre)`: the synapses of dense column j whose pre neuron is not
// flagged in skip_pre (those of flagged pre neurons were updated by their rows), as update() would.
template <class Rule, class = void>
struct has_dense_col : std::false_type {};
template <class Rule>
struct has_dense_col<Rule, decltype(std::declval<const Rule&>().update_dense_col(
                                        int64_t(), static_cast<const typename Rule::value_type*>(nullptr),
                                        static_cast<const uint8_t*>(nullptr)),
                                    void())> : std::true_type {};

// Rules expose `using value_type = T;` so that the schemes take one template argument.
template <class Rule>
struct EveryRow {
  using T = typename Rule::value_type;
  Rule rule;
  SynapseLayout<T> L;
  SNN_HOST_DEVICE void operator()(int64_t i) const { update_row(rule, L, i); }
};

template <class Rule>
struct ActiveRows {
  using T = typename Rule::value_type;
  Rule rule;
  SynapseLayout<T> L;
  ActiveSet rows;
  SNN_HOST_DEVICE void operator()(int64_t q) const {
    if (q >= *rows.count) return;
    update_row(rule, L, rows.list[q]);
  }
};

template <class Rule>
struct ActiveCols {
  using T = typename Rule::value_type;
  Rule rule;
  SynapseLayout<T> L;
  ActiveSet cols;
  const uint8_t* skip_pre;  // pre neurons whose rows were already updated this step (may be null)
  SNN_HOST_DEVICE void operator()(int64_t q) const {
    if (q >= *cols.count) return;
    const int64_t j = cols.list[q];
    if constexpr (has_dense_col<Rule>::value) {
      if (!L.sparse() && skip_pre) {
        rule.update_dense_col(j, L.count, skip_pre);
        return;
      }
    }
    if (L.sparse()) {
      for (int64_t k = L.col_ptr[j]; k < L.col_ptr[j + 1]; ++k) {
        const int64_t i = L.col_pre[k];
        if (!skip_pre || !skip_pre[i]) rule.update(L.col_syn[k], i, j);
      }
    } else {
      for (int64_t i = 0; i < L.n_pre; ++i) {
        const int64_t s = i * L.n_post + j;
        if (L.count[s] != T(0) && (!skip_pre || !skip_pre[i])) rule.update(s, i, j);
      }
    }
  }
};

// Dense layouts, one element per synapse of the visit (CUDA: a row or column walked by one thread is a
// long chain of dependent memory accesses, and a step's few active rows or columns leave the GPU
// idle). `list` null: every synapse, e = i n_post + j. Otherwise the synapses of the q-th listed row
// (e = q n_post + j) or, `by_column`, of the q-th listed column (e = q n_pre + i) except the rows
// flagged in skip_pre; elements past the set's count do nothing (on CUDA the count is read on the
// device). Each synapse gets update(s, i, j): the arithmetic that the rules' row and column forms
// repeat (tests/cpp/kernels/test_synapse_visits.cpp, SynapseWise: bitwise the same weights).
template <class Rule>
struct SynapseWise {
  using T = typename Rule::value_type;
  Rule rule;
  SynapseLayout<T> L;
  const int32_t* list;   // active rows or columns, or null: every synapse
  const int32_t* count;
  bool by_column;
  const uint8_t* skip_pre;  // by_column: rows already updated (may be null)
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    int64_t i, j;
    if (!list) {
      i = e / L.n_post;
      j = e % L.n_post;
    } else if (!by_column) {
      const int64_t q = e / L.n_post;
      if (q >= *count) return;
      i = list[q];
      j = e % L.n_post;
    } else {
      const int64_t q = e / L.n_pre;
      if (q >= *count) return;
      j = list[q];
      i = e % L.n_pre;
      if (skip_pre && skip_pre[i]) return;
    }
    const int64_t s = i * L.n_post + j;
    if (L.count[s] != T(0)) rule.update(s, i, j);
  }
};

// Adds v at *p: an atomic add on CUDA when `atomic` (several threads may hit one address), a plain
// add otherwise (the CPU kernels give every address to one thread).
template <typename T>
SNN_HOST_DEVICE inline void add_to(T* p, T v, bool atomic) {
#if defined(__CUDA_ARCH__)
  if (atomic) {
    atomicAdd(p, v);
    return;
  }
#endif
  (void)atomic;
  *p += v;
}

SNN_HOST_DEVICE inline int32_t fetch_add_int(int32_t* p, int32_t v) {
#if defined(__CUDA_ARCH__)
  return atomicAdd(p, v);
#else
  const int32_t old = *p;  // host: called from one thread only
  *p += v;
  return old;
#endif
}

// CUDA builder of an ActiveSet (element i = neuron): list order is arbitrary. `count` must be 0 before.
template <typename T>
struct ActiveSetBuild {
  const T* spikes;  // [B, n]
  int32_t* list;
  int32_t* count;
  uint8_t* flag;
  int64_t n, batch;
  SNN_HOST_DEVICE void operator()(int64_t i) const {
    bool any = false;
    for (int64_t b = 0; b < batch; ++b) any = any || spikes[b * n + i] != T(0);
    flag[i] = any ? 1 : 0;
    if (any) list[fetch_add_int(count, 1)] = static_cast<int32_t>(i);
  }
};

struct ZeroCount {
  int32_t* count;
  SNN_HOST_DEVICE void operator()(int64_t) const { *count = 0; }
};

// CUDA entry points. A rule runs through every visit: SNN_CUDA_RULE(R) in the rule's header.
#define SNN_CUDA_RULE_OF(R) \
  SNN_CUDA_KERNEL_OF(EveryRow<R>) SNN_CUDA_KERNEL_OF(ActiveRows<R>) SNN_CUDA_KERNEL_OF(ActiveCols<R>) \
  SNN_CUDA_KERNEL_OF(SynapseWise<R>)
#define SNN_CUDA_RULE(R) SNN_CUDA_RULE_OF(R<float>) SNN_CUDA_RULE_OF(R<double>)
SNN_CUDA_KERNEL(ActiveSetBuild)
SNN_CUDA_KERNEL_OF(ZeroCount)

}  // namespace kernels
}  // namespace snn
