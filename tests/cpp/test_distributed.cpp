// tests/cpp/test_distributed.cpp — a distributed network's blocks (snn/distributed/, docs/distributed.md),
// without MPI: each process of R is played by a network whose communicator says it is rank r of R.
// Connectivity is built per process, so the blocks' synapses must together be the one-process
// projection's, synapse for synapse, with the same weights and delays.
#include <tuple>
#include <vector>

#include "helpers.h"

using namespace snn;
using snn_test::options;

namespace {

// Rank r of R; its collective is never called here (only building is tested).
class RankOf : public distributed::Communicator {
 public:
  RankOf(int rank, int size) : rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::vector<int64_t> allgather(const std::vector<int64_t>&, std::vector<int64_t>*) const override {
    ADD_FAILURE() << "no collective expected";
    return {};
  }

 private:
  int rank_, size_;
};

// (pre, post, weight, delay [ms]) of every synapse, sorted.
using Synapses = std::vector<std::tuple<int64_t, int64_t, double, double>>;

Synapses synapses_of(Projection& p) {
  const auto [pre, post] = p.global_indices();
  const at::Tensor w = p.sparse() ? p.weight().cpu() : p.weight().cpu().index({p.indices().first, p.indices().second});
  at::Tensor d = p.delay().cpu();
  if (d.dim() == 2) d = d.index({p.indices().first, p.indices().second});
  Synapses out;
  for (int64_t s = 0; s < pre.numel(); ++s) {
    out.emplace_back(pre[s].item<int64_t>(), post[s].item<int64_t>(), w[s].item<double>(),
                     d.dim() == 0 ? d.item<double>() : d[s].item<double>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The projection `spec` from a (n_pre) to b (n_post; a itself when same) as `ranks` blocks, or whole
// (ranks 0: an ordinary network).
Synapses build(const ConnectSpec& spec, int ranks, int64_t n_pre, int64_t n_post, bool same) {
  Synapses all;
  for (int r = 0; r < std::max(ranks, 1); ++r) {
    RankOf comm(r, ranks);
    NetworkOptions o = options(0.1, "float64", 1, 7);
    o.distributed = ranks > 0;
    o.communicator = ranks > 0 ? &comm : nullptr;
    Network net(o);
    Population& a = net.add(LIF(n_pre), "a");
    Population& b = same ? a : net.add(LIF(n_post), "b");
    if (ranks > 0) EXPECT_EQ(b.first(), n_post * r / ranks);
    const Synapses part = synapses_of(net.connect(a, b, spec));
    all.insert(all.end(), part.begin(), part.end());
  }
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

TEST(Distributed, EveryRuleBuildsTheSameSynapsesInBlocks) {
  struct Case {
    const char* rule;
    int64_t n_pre, n_post;
    bool same;
  };
  const Case cases[] = {{"one_to_one", 40, 40, false}, {"all_to_all", 30, 45, false}, {"all_to_all", 40, 40, true},
                        {"fixed_indegree", 50, 37, false}, {"fixed_outdegree", 50, 37, false},
                        {"pairwise_bernoulli", 60, 60, true}, {"pairwise_bernoulli", 60, 70, false}, {"fixed_total_number", 45, 38, false}};
  for (const Case& c : cases) {
    for (const char* storage : {"dense", "sparse"}) {
      for (bool drawn : {false, true}) {
        ConnectSpec spec;
        spec.rule = c.rule;
        spec.indegree = 6;
        spec.outdegree = 5;
        spec.p = 0.2;
        spec.N = 300;
        spec.autapses = !c.same;
        spec.multapses = std::string(storage) == "sparse";
        spec.storage = storage;
        if (drawn) {
          spec.weight = Init::normal(1.0, 0.5);
          spec.delay = Init::uniform(0.1, 2.0);
        }
        for (bool listed : {false, true}) {
        if (listed) {  // views: some neurons of each side, out of order (one_to_one: explicit pairs)
          std::vector<int64_t> pre, post;
          for (int64_t k = 0; k < 20; ++k) {
            pre.push_back((7 * k + 3) % c.n_pre);
            post.push_back((11 * k + 5) % c.n_post);
          }
          spec.pre_neurons = pre;
          spec.post_neurons = post;
        }
        const Synapses whole = build(spec, 0, c.n_pre, c.n_post, c.same);
        ASSERT_FALSE(whole.empty()) << c.rule;
        for (int ranks : {1, 2, 3, 7}) {
          EXPECT_EQ(build(spec, ranks, c.n_pre, c.n_post, c.same), whole)
              << c.rule << " " << storage << (drawn ? " drawn" : " constant") << (listed ? " listed" : "") << " on "
              << ranks << " processes";
        }
        }
      }
    }
  }
}

TEST(Distributed, BlocksAreContiguousAndMayBeEmpty) {
  for (int r = 0; r < 4; ++r) {
    RankOf comm(r, 4);
    NetworkOptions o = options(0.1);
    o.distributed = true;
    o.communicator = &comm;
    Network net(o);
    Population& p = net.add(LIF(3, {{"V_th", std::vector<double>{-50.0, -51.0, -52.0}}}), "p");
    EXPECT_EQ(p.global_size(), 3);
    EXPECT_EQ(p.first(), 3 * r / 4);
    EXPECT_EQ(p.size(), 3 * (r + 1) / 4 - 3 * r / 4);  // rank 0 holds none of 3 neurons on 4 processes
    if (p.size() == 1) EXPECT_EQ(p.param_values("V_th")[0].item<double>(), -50.0 - static_cast<double>(p.first()));
  }
}
