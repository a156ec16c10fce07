// tests/cpp/test_connectivity.cpp — connection rules: degrees, statistics, weights and delays.
#include <cmath>

#include "helpers.h"

using namespace snn;
using snn_test::options;

namespace {
ConnectSpec rule(const std::string& name) {
  ConnectSpec c;
  c.rule = name;
  return c;
}
}  // namespace

TEST(Connect, OneToOneAndAllToAll) {
  Network net(options(0.1));
  auto& a = net.add(LIF(30));
  auto& b = net.add(LIF(30));
  auto& p1 = net.connect(a, b, rule("one_to_one"));
  EXPECT_TRUE(at::equal(p1.synapse_count(), at::eye(30, p1.synapse_count().options())));
  EXPECT_EQ(p1.num_synapses(), 30);
  auto& p2 = net.connect(a, b, rule("all_to_all"));
  EXPECT_EQ(p2.num_synapses(), 900);
  ConnectSpec no_self = rule("all_to_all");
  no_self.autapses = false;
  auto& p3 = net.connect(a, a, no_self);
  EXPECT_EQ(p3.num_synapses(), 870);
  EXPECT_EQ(p3.synapse_count().diagonal().sum().item<double>(), 0.0);
  // autapses only concern a population connected to itself
  no_self.rule = "all_to_all";
  EXPECT_EQ(net.connect(a, b, no_self).num_synapses(), 900);
}

TEST(Connect, FixedIndegreeGivesExactInDegreesAndBinomialOutDegrees) {
  // NE = 1000 sources, 2000 targets with K = 100 each: every column sums to K; out-degrees are
  // Binomial(K * 2000, 1/1000): mean 200, variance 200 (1 - 1/1000). 2e5 synapses.
  Network net(options(0.1, "float32", 1, 11));
  auto& a = net.add(LIF(1000));
  auto& b = net.add(LIF(2000));
  ConnectSpec c = rule("fixed_indegree");
  c.indegree = 100;
  auto& p = net.connect(a, b, c);
  const at::Tensor count = p.synapse_count().to(at::kDouble);
  EXPECT_TRUE(at::all(count.sum(0) == 100).item<bool>());
  const at::Tensor out = count.sum(1);
  EXPECT_NEAR(out.mean().item<double>(), 200.0, 1e-9);
  // Sample variance of 1000 out-degrees: standard error ~ var * sqrt(2/999) ~ 9.
  EXPECT_NEAR(out.var().item<double>(), 200.0 * 0.999, 4 * 200.0 * std::sqrt(2.0 / 999.0));
}

TEST(Connect, FixedIndegreeWithoutMultapsesOrAutapses) {
  Network net(options(0.1));
  auto& a = net.add(LIF(50));
  ConnectSpec c = rule("fixed_indegree");
  c.indegree = 49;  // every other neuron, exactly once
  c.autapses = false;
  c.multapses = false;
  auto& p = net.connect(a, a, c);
  const at::Tensor count = p.synapse_count();
  EXPECT_TRUE(at::all(count.sum(0) == 49).item<bool>());
  EXPECT_EQ(count.max().item<double>(), 1.0);
  EXPECT_EQ(count.diagonal().sum().item<double>(), 0.0);
}

TEST(Connect, FixedOutdegreeAndTotalNumber) {
  Network net(options(0.1, "float32", 1, 12));
  auto& a = net.add(LIF(500));
  auto& b = net.add(LIF(800));
  ConnectSpec c = rule("fixed_outdegree");
  c.outdegree = 40;
  c.multapses = false;
  auto& p = net.connect(a, b, c);
  EXPECT_TRUE(at::all(p.synapse_count().sum(1) == 40).item<bool>());
  EXPECT_EQ(p.synapse_count().max().item<double>(), 1.0);
  ConnectSpec t = rule("fixed_total_number");
  t.N = 100000;
  auto& q = net.connect(a, b, t);
  EXPECT_EQ(q.num_synapses(), 100000);
  EXPECT_EQ(q.synapse_count().sum().item<double>(), 100000.0);
  // Each of the 400k pairs is hit Binomial(1e5, 1/4e5) times: in-degrees have mean 125.
  EXPECT_NEAR(q.synapse_count().sum(0).to(at::kDouble).mean().item<double>(), 125.0, 1e-9);
}

TEST(Connect, PairwiseBernoulliWithinThreeSigma) {
  // 1e6 pairs at p = 0.1: the number of synapses is within 3 sigma of 1e5, and no pair repeats.
  Network net(options(0.1, "float32", 1, 13));
  auto& a = net.add(LIF(1000));
  ConnectSpec c = rule("pairwise_bernoulli");
  c.p = 0.1;
  auto& p = net.connect(a, a, c);
  const double n = static_cast<double>(p.num_synapses());
  EXPECT_NEAR(n, 1e5, 3 * std::sqrt(1e6 * 0.1 * 0.9));
  EXPECT_EQ(p.synapse_count().max().item<double>(), 1.0);
}

TEST(Connect, WeightDistributionsAndClipping) {
  Network net(options(0.1, "float64", 1, 14));
  auto& a = net.add(LIF(400));
  auto& b = net.add(LIF(500));
  ConnectSpec c = rule("all_to_all");
  c.weight = Init::normal(2.0, 0.5);
  const at::Tensor w = net.connect(a, b, c).weight();  // 2e5 draws
  EXPECT_NEAR(w.mean().item<double>(), 2.0, 4 * 0.5 / std::sqrt(2e5));
  EXPECT_NEAR(w.std().item<double>(), 0.5, 0.01);
  c.weight = Init::uniform(0.003, 0.303);  // Diehl & Cook: (U + 0.01) * 0.3
  const at::Tensor u = net.connect(a, b, c).weight();
  EXPECT_GE(u.min().item<double>(), 0.003);
  EXPECT_LT(u.max().item<double>(), 0.303);
  EXPECT_NEAR(u.mean().item<double>(), 0.153, 4 * 0.3 / std::sqrt(12 * 2e5));
  c.weight = Init::normal(0.0, 1.0).clip(-0.5, 1.0);
  const at::Tensor t = net.connect(a, b, c).weight();
  EXPECT_GE(t.min().item<double>(), -0.5);
  EXPECT_LE(t.max().item<double>(), 1.0);
  c.weight = Init::lognormal(0.0, 0.5);
  const at::Tensor l = net.connect(a, b, c).weight();
  EXPECT_NEAR(l.log().mean().item<double>(), 0.0, 4 * 0.5 / std::sqrt(2e5));
  c.weight = Init::exponential(2.0);  // mean = standard deviation = beta
  const at::Tensor e = net.connect(a, b, c).weight();
  EXPECT_GT(e.min().item<double>(), 0.0);
  EXPECT_NEAR(e.mean().item<double>(), 2.0, 4 * 2.0 / std::sqrt(2e5));
  EXPECT_NEAR(e.std().item<double>(), 2.0, 0.03);
}

TEST(Connect, DrawnDelaysAreRoundedToTheGridAndAtLeastOneStep) {
  Network net(options(0.1, "float64", 1, 15));
  auto& a = net.add(LIF(100));
  auto& b = net.add(LIF(100));
  ConnectSpec c = rule("all_to_all");
  c.delay = Init::uniform(0.1, 10.0);
  auto& p = net.connect(a, b, c);
  const at::Tensor d = p.delay();
  const at::Tensor steps = d / 0.1;
  EXPECT_TRUE(at::allclose(steps, steps.round(), 0.0, 1e-9));
  EXPECT_GE(d.min().item<double>(), 0.1 - 1e-12);
  EXPECT_LE(d.max().item<double>(), 10.0 + 1e-12);
  EXPECT_EQ(p.max_delay_steps(), static_cast<int64_t>(std::llround(d.max().item<double>() / 0.1)));
}

TEST(Connect, SameSeedSameConnectivityDifferentSeedDifferent) {
  auto build = [](uint64_t seed) {
    Network net(options(0.1, "float32", 1, seed));
    auto& a = net.add(LIF(200));
    ConnectSpec c = rule("fixed_indegree");
    c.indegree = 20;
    c.weight = Init::normal(0, 1);
    return net.connect(a, a, c).weight().clone();
  };
  EXPECT_TRUE(at::equal(build(3), build(3)));
  EXPECT_FALSE(at::equal(build(3), build(4)));
}

TEST(Connect, ListedNeuronsAreConnectedAsAPopulationOfTheirOwn) {
  // pre_neurons / post_neurons: fixed_indegree 4 from neurons 10..29 of a onto neurons 0..9 of a, no
  // autapses: every listed target gets exactly 4 sources from the listed ones, nobody else gets any.
  Network net(options(0.1, "float32", 1, 5));
  auto& a = net.add(LIF(40));
  ConnectSpec c = rule("fixed_indegree");
  c.indegree = 4;
  c.autapses = false;
  c.pre_neurons = std::vector<int64_t>{};
  c.post_neurons = std::vector<int64_t>{};
  for (int64_t i = 5; i < 30; ++i) c.pre_neurons->push_back(i);
  for (int64_t j = 0; j < 10; ++j) c.post_neurons->push_back(j);
  for (const char* storage : {"dense", "sparse"}) {
    c.storage = storage;
    auto& p = net.connect(a, a, c);
    const at::Tensor count = p.synapse_count().to(at::kDouble);
    EXPECT_EQ(p.num_synapses(), 40);
    EXPECT_TRUE(at::all(count.sum(0).slice(0, 0, 10) == 4).item<bool>()) << storage;
    EXPECT_EQ(count.slice(1, 10, 40).sum().item<double>(), 0.0) << storage;
    EXPECT_EQ(count.slice(0, 0, 5).sum().item<double>(), 0.0) << storage;
    EXPECT_EQ(count.diagonal().sum().item<double>(), 0.0) << storage;
  }
  c.post_neurons->push_back(3);  // a repeated target only makes sense for one_to_one
  EXPECT_THROW(net.connect(a, a, c), ValueError);
}
