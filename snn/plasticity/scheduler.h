// snn/plasticity/scheduler.h — which synapses a learning rule's step visits, and on how many threads.
//
// A rule's per-synapse update (snn/kernels/<rule>_math.h) is applied through one of the visits of
// snn/kernels/synapse_visits.h: every synapse (a sweep over the rows), or the rows of the pre neurons
// and the columns of the post neurons that spiked (each synapse once; the others cannot change, so
// both give the same weights). On CUDA, dense projections get one thread per synapse (SynapseWise);
// on the CPU a row or a column is one element and the grain keeps small steps on one thread.
#pragma once

#include <algorithm>

#include "snn/backend.h"
#include "snn/kernels/synapse_visits.h"
#include "snn/plasticity/rule.h"
#include "snn/projection.h"
#include "snn/spike_set.h"

namespace snn {

// Elements per CPU task for row- or column-wise functors (each element walks `length` synapses).
inline int64_t grain_for(int64_t length) { return std::max<int64_t>(1, backend::kCpuGrain / std::max<int64_t>(1, length)); }
// Synapses a row (pre neuron) or column (post neuron) walk on average.
template <typename T>
int64_t row_length(const kernels::SynapseLayout<T>& L) {
  return L.sparse() ? std::max<int64_t>(1, L.n_syn / std::max<int64_t>(1, L.n_pre)) : L.n_post;
}
template <typename T>
int64_t col_length(const kernels::SynapseLayout<T>& L) {
  return L.sparse() ? std::max<int64_t>(1, L.n_syn / std::max<int64_t>(1, L.n_post)) : L.n_pre;
}

// n_pre, n_post and batch of a rule's kernel struct, from its projection.
template <class R>
void set_rule_shape(R& rule, const Projection& proj) {
  rule.n_pre = proj.pre().global_size();
  rule.n_post = proj.post().size();
  rule.batch = proj.post().batch_size();
}

// Applies `rule` to the synapses of a step: all of them, or those in the rows of `rows` and the columns
// of `cols` (each synapse once). `cols` needs the transposed index on sparse projections.
template <class Rule>
void apply_rule(Projection& proj, const Rule& rule, Visit visit, const SpikeSet* rows, const SpikeSet* cols) {
  using T = typename Rule::value_type;
  const c10::Device device = RuleAccess::weights(proj).device();
  const kernels::SynapseLayout<T> L = proj.layout<T>(visit == Visit::Events && cols != nullptr);
  const bool synapse_wise = device.is_cuda() && !L.sparse();  // one GPU thread per synapse
  if (visit == Visit::All) {
    if (synapse_wise) {
      backend::for_each(device, L.n_pre * L.n_post, kernels::SynapseWise<Rule>{rule, L, nullptr, nullptr, false, nullptr});
    } else {
      backend::for_each(device, L.n_pre, kernels::EveryRow<Rule>{rule, L}, grain_for(row_length(L)));
    }
    return;
  }
  const kernels::ActiveSet r = rows ? rows->view() : kernels::ActiveSet{nullptr, nullptr, nullptr};
  const uint8_t* rows_done = rows ? r.flag : nullptr;  // the column pass skips these rows
  if (synapse_wise) {
    using Each = kernels::SynapseWise<Rule>;
    if (rows) backend::for_each(device, rows->bound() * L.n_post, Each{rule, L, r.list, r.count, false, nullptr});
    if (cols) {
      const kernels::ActiveSet c = cols->view();
      backend::for_each(device, cols->bound() * L.n_pre, Each{rule, L, c.list, c.count, true, rows_done});
    }
    return;
  }
  const int64_t row_len = row_length(L);
  // With a batch a row's update sums the entries' changes before applying them: several passes over
  // the row (counted as four), so fewer rows already pay for a thread.
  const int64_t row_work = proj.post().batch_size() > 1 ? 4 * row_len : row_len;
  if (rows) backend::for_each(device, rows->bound(), kernels::ActiveRows<Rule>{rule, L, r}, grain_for(row_work));
  if (cols) {
    backend::for_each(device, cols->bound(), kernels::ActiveCols<Rule>{rule, L, cols->view(), rows_done},
                      grain_for(col_length(L)));
  }
}

}  // namespace snn
