// tests/cpp/kernels/test_synapse_visits.cpp — snn/kernels/synapse_visits.h: CUDA's one-thread-per-synapse
// visit gives the weights of the row and column visits (pair STDP).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "helpers.h"
#include "snn/kernels/stdp_math.h"
#include "snn/kernels/synapse_visits.h"

using namespace snn;
using snn_test::options;


// ---- SynapseWise (CUDA's scheme for dense projections) --------------------------------------------

namespace {
// Pair STDP on a dense [n_pre, n_post] projection (some entries without a synapse) with spikes in a
// batch: pre spikes of count 1 or 2 in ~10 % of (entry, neuron) pairs, post spikes in ~5 %, large rates
// so that weights clip at both bounds. n_post > 512 and n_pre > 128: the row and column forms work
// in chunks of those sizes.
struct PairStdpCase {
  int64_t batch, n_pre = 150, n_post = 530;
  at::Tensor w, count, pre_spikes, post_spikes, x_pre, x_post, x_post2;
  SpikeSet pre_set, post_set;
  PairStdpCase(int64_t batch_, uint64_t seed) : batch(batch_) {
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    at::manual_seed(static_cast<int64_t>(seed));
    count = (at::rand({n_pre, n_post}, f32) < 0.8).to(at::kFloat);
    w = at::rand({n_pre, n_post}, f32) * count;
    const at::Tensor u_pre = at::rand({batch, n_pre}, f32), u_post = at::rand({batch, n_post}, f32);
    pre_spikes = (u_pre < 0.1).to(at::kFloat) + (u_pre < 0.02).to(at::kFloat);
    post_spikes = (u_post < 0.05).to(at::kFloat);
    x_pre = at::rand({batch, n_pre}, f32);
    x_post = at::rand({batch, n_post}, f32);
    x_post2 = at::rand({batch, n_post}, f32);
    pre_set.build(pre_spikes);
    post_set.build(post_spikes);
  }
  kernels::SynapseLayout<float> layout() const {
    kernels::SynapseLayout<float> L;
    L.n_pre = n_pre;
    L.n_post = n_post;
    L.batch = batch;
    L.n_syn = n_pre * n_post;
    L.count = count.data_ptr<float>();
    return L;
  }
  // The rule on `weights`; `as_on_cuda`: activity sets without the CPU's per-entry lists.
  kernels::PairStdpRule<float> rule(at::Tensor& weights, bool dc, bool multiplicative, bool as_on_cuda) const {
    kernels::ActiveSet pre = pre_set.view(), post = post_set.view();
    if (as_on_cuda) {
      pre = kernels::ActiveSet{pre.list, pre.count, pre.flag};
      post = kernels::ActiveSet{post.list, post.count, post.flag};
    }
    return {weights.data_ptr<float>(), pre_spikes.data_ptr<float>(), post_spikes.data_ptr<float>(),
            x_post.data_ptr<float>(), x_pre.data_ptr<float>(), dc ? x_post2.data_ptr<float>() : nullptr,
            pre, post, 0.05f, 0.3f, 0.0f, 1.0f, multiplicative, n_pre, n_post, batch};
  }
};
}  // namespace

TEST(SynapseWise, SameWeightsAsTheRowAndColumnForms) {
  for (int64_t batch : {1, 3}) {
    for (bool dc : {false, true}) {
      for (bool multiplicative : {false, true}) {
        const std::string what = "batch " + std::to_string(batch) + (dc ? ", two post traces" : "") +
                                 (multiplicative ? ", multiplicative" : "");
        const PairStdpCase k(batch, 7);
        const kernels::SynapseLayout<float> L = k.layout();
        const kernels::ActiveSet rows = k.pre_set.view(), cols = k.post_set.view();
        ASSERT_GT(*rows.count, 10) << what;
        ASSERT_GT(*cols.count, 10) << what;
        // The CPU's visit: active rows (the rule's vectorised row form), then the other synapses of
        // the active columns (its column form).
        at::Tensor by_rows = k.w.clone();
        const auto cpu_rule = k.rule(by_rows, dc, multiplicative, false);
        const kernels::ActiveRows<kernels::PairStdpRule<float>> row_pass{cpu_rule, L, rows};
        const kernels::ActiveCols<kernels::PairStdpRule<float>> col_pass{cpu_rule, L, cols, rows.flag};
        for (int64_t q = 0; q < *rows.count; ++q) row_pass(q);
        for (int64_t q = 0; q < *cols.count; ++q) col_pass(q);
        // CUDA's: one element per synapse of the same rows and columns, every listed neuron's entries
        // found by scanning the batch.
        at::Tensor by_synapse = k.w.clone();
        const auto gpu_rule = k.rule(by_synapse, dc, multiplicative, true);
        using Each = kernels::SynapseWise<kernels::PairStdpRule<float>>;
        // CUDA builds the lists with atomics, in any order: here in descending order.
        const std::vector<int32_t> row_list(std::make_reverse_iterator(rows.list + *rows.count),
                                            std::make_reverse_iterator(rows.list));
        const std::vector<int32_t> col_list(std::make_reverse_iterator(cols.list + *cols.count),
                                            std::make_reverse_iterator(cols.list));
        const Each row_each{gpu_rule, L, row_list.data(), rows.count, false, nullptr};
        const Each col_each{gpu_rule, L, col_list.data(), cols.count, true, rows.flag};
        // Bounds beyond the counts, as on CUDA (the population size): the extra elements do nothing.
        for (int64_t e = 0; e < k.n_pre * k.n_post; ++e) row_each(e);
        for (int64_t e = 0; e < k.n_post * k.n_pre; ++e) col_each(e);
        EXPECT_TRUE(at::equal(by_rows, by_synapse)) << what;
        EXPECT_GT((by_rows != k.w).sum().item<int64_t>(), 1000) << what << ": the step changed few weights";
        if (!multiplicative) {  // (the multiplicative form approaches the bounds without reaching them)
          EXPECT_GT((by_rows == 1.0f).sum().item<int64_t>(), 0) << what << ": no weight clipped at w_max";
        }
        // Every synapse (rules that visit all of them): rows walked one by one against SynapseWise.
        at::Tensor every_row = k.w.clone(), every_synapse = k.w.clone();
        const kernels::EveryRow<kernels::PairStdpRule<float>> rows_all{k.rule(every_row, dc, multiplicative, false), L};
        for (int64_t i = 0; i < k.n_pre; ++i) rows_all(i);
        const Each all{k.rule(every_synapse, dc, multiplicative, true), L, nullptr, nullptr, false, nullptr};
        for (int64_t e = 0; e < k.n_pre * k.n_post; ++e) all(e);
        EXPECT_TRUE(at::equal(every_row, every_synapse)) << what << ", every synapse";
        EXPECT_TRUE(at::equal(every_row, by_rows)) << what << ": visiting every synapse changed the result";
      }
    }
  }
}
