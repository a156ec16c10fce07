// tests/cpp/test_network.cpp — the engine: delays, batches, determinism, dtypes, time and reset.
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "helpers.h"

using namespace snn;
using snn_test::conn;
using snn_test::options;
using snn_test::spike_times;

TEST(Delays, UniformDelayDeliversExactlyDStepsLater) {
  // A spike generator spike at 1.0 ms reaches a parrot with delay d; the parrot re-emits it in the
  // step it arrives, stamped 1.0 + d (NEST: generator -> parrot with delay d).
  for (double d : {0.1, 0.2, 1.0, 1.5, 7.3}) {
    Network net(options(0.1));
    auto& g = net.add(SpikeGeneratorInput(1, {{1.0, 2.0}}));
    auto& p = net.add(Parrot(1));
    net.connect(g, p, conn("one_to_one", 1.0, d));
    auto& sp = net.monitor_spikes(p);
    net.run(20.0);
    const auto t = spike_times(sp);
    ASSERT_EQ(t.size(), 2u) << "d = " << d;
    EXPECT_NEAR(t[0], 1.0 + d, 1e-9);
    EXPECT_NEAR(t[1], 2.0 + d, 1e-9);
  }
}

TEST(Delays, PerSynapseDelaysDeliverExactly) {
  // One source neuron, five parrots, delays 0.1 .. 2.5 ms given as a tensor: parrot j fires at
  // 1.0 + d_j. The same through an iaf_psc_delta target with a suprathreshold weight.
  Network net(options(0.1));
  auto& g = net.add(SpikeGeneratorInput(1, {{1.0}}));
  auto& p = net.add(Parrot(5));
  auto& n = net.add(LIF(5));
  const std::vector<double> delays = {0.1, 0.5, 1.2, 2.0, 2.5};
  ConnectSpec c;
  c.rule = "all_to_all";
  c.delay = Init::from(at::tensor(delays, at::kDouble).reshape({1, 5}));
  net.connect(g, p, c);
  c.weight = Init::constant(20.0);
  auto& proj = net.connect(g, n, c);
  EXPECT_EQ(proj.uniform_delay_steps(), -1);
  EXPECT_TRUE(at::allclose(proj.delay().cpu(), at::tensor(delays, at::kDouble).reshape({1, 5})));
  auto& sp = net.monitor_spikes(p);
  auto& sn = net.monitor_spikes(n);
  net.run(10.0);
  for (int64_t j = 0; j < 5; ++j) {
    const auto tp = spike_times(sp, j);
    const auto tn = spike_times(sn, j);
    ASSERT_EQ(tp.size(), 1u);
    ASSERT_EQ(tn.size(), 1u);
    EXPECT_NEAR(tp[0], 1.0 + delays[j], 1e-9);
    EXPECT_NEAR(tn[0], 1.0 + delays[j], 1e-9);
  }
}

TEST(Delays, RingGrowsWithoutLosingInputInFlight) {
  // A spike is in flight (delay 5 ms) when a projection with a longer delay is added: it still
  // arrives on time, and the new projection's spikes arrive on theirs.
  Network net(options(0.1));
  auto& g = net.add(SpikeGeneratorInput(1, {{1.0, 6.0}}));
  auto& p = net.add(Parrot(1));
  net.connect(g, p, conn("one_to_one", 1.0, 5.0));
  auto& sp = net.monitor_spikes(p);
  net.run(3.0);  // the spike of 1.0 ms is due at 6.0 ms
  net.connect(g, p, conn("one_to_one", 1.0, 9.0));
  net.run(20.0);
  const auto t = spike_times(sp);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_NEAR(t[0], 6.0, 1e-9);
  EXPECT_NEAR(t[1], 11.0, 1e-9);  // 6.0 + 5
  EXPECT_NEAR(t[2], 15.0, 1e-9);  // 6.0 + 9 (the 1.0 spike was emitted before this projection existed)
}

TEST(Delays, ParrotCountsSpikesAndIgnoresWeights) {
  // Two generator spikes in the same step onto one parrot through weights 0.3 and 5: the parrot emits
  // a spike of multiplicity 2 (NEST parrot_neuron), which a target receives as 2 x its weight.
  Network net(options(0.1));
  auto& g = net.add(SpikeGeneratorInput(2, {{1.0}, {1.0}}));
  auto& p = net.add(Parrot(1));
  auto& n = net.add(LIF(1, {{"V_th", 1e9}}));
  ConnectSpec c;
  c.weight = Init::from(at::tensor({0.3, 5.0}, at::kDouble).reshape({2, 1}));
  net.connect(g, p, c);
  net.connect(p, n, conn("all_to_all", 1.5));
  auto& sp = net.monitor_spikes(p);
  net.run(5.0);
  EXPECT_EQ(sp.num_events(), 2);
  EXPECT_EQ(sp.counts()[0][0].item<int64_t>(), 2);
  // The parrot fires at 1.1 ms (one-step delay); V jumps by 2 x 1.5 mV at 1.2 ms and decays.
  const double v = n.state("V_m")[0][0].item<double>();
  EXPECT_NEAR(v, -70.0 + 3.0 * std::exp(-(5.0 - 1.2) / 10.0), 1e-9);
}

TEST(Batch, EntriesAreIndependent) {
  // A recurrent network driven by different currents per batch entry: each entry of a B = 3 run
  // equals the B = 1 run with that entry's current, bitwise; with dense and with sparse storage (the
  // CPU delivery walks each entry's own spikes).
  for (const char* storage : {"dense", "sparse"}) {
    SCOPED_TRACE(storage);
    auto build = [storage](int64_t B, const at::Tensor& current, at::Tensor* spikes_out) {
      Network net(options(0.1, "float64", B, 5));
      auto& e = net.add(LIF(50));
      ConnectSpec c;
      c.storage = storage;
      c.rule = "fixed_indegree";
      c.indegree = 10;
      c.multapses = false;  // one delay per dense entry
      c.weight = Init::normal(0.5, 2.0);
      c.delay = Init::uniform(0.1, 3.0);
      net.connect(e, e, c);
      auto& sp = net.monitor_spikes(e);
      net.run(300.0, {{e.name(), snn_test::on_test_device(current)}});
      *spikes_out = sp.dense();
      return e.state("V_m").clone();
    };
    const at::Tensor currents = at::linspace(380.0, 600.0, 3 * 50, at::kDouble).reshape({3, 50});
    at::Tensor batched_spikes;
    const at::Tensor batched = build(3, currents, &batched_spikes);
    ASSERT_GT(batched_spikes.sum().item<int64_t>(), 100);
    for (int64_t b = 0; b < 3; ++b) {
      at::Tensor single_spikes;
      const at::Tensor single = build(1, currents.narrow(0, b, 1), &single_spikes);
      EXPECT_TRUE(at::equal(single[0], batched[b])) << "batch entry " << b;
      EXPECT_TRUE(at::equal(single_spikes.select(1, 0), batched_spikes.select(1, b))) << "batch entry " << b;
    }
  }
}

namespace {
// A small recurrent network with every kind of population, returning all spikes and final V_m.
std::pair<at::Tensor, at::Tensor> run_reference_network(uint64_t seed, const char* dtype = "float32", int64_t B = 2) {
  Network net(options(0.1, dtype, B, seed));
  auto& x = net.add(PoissonInput(300, {{"rate", 20.0}}));
  auto& e = net.add(LIFExp(400));
  auto& i = net.add(AdaptiveLIF(100, {{"E_L", -70.0}, {"V_reset", -70.0}, {"V_th", -55.0}, {"tau_m", 10.0}}));
  auto& z = net.add(Izhikevich(50));
  ConnectSpec c;
  c.rule = "fixed_indegree";
  c.indegree = 50;
  c.multapses = false;  // one delay per dense entry
  c.weight = Init::normal(250.0, 50.0);  // about 500 pA mean drive: V_inf near -50 mV
  c.delay = Init::uniform(0.5, 2.0);
  net.connect(x, e, c);
  c.weight = Init::normal(0.0, 200.0);
  net.connect(e, e, c);
  ConnectSpec total = conn("fixed_total_number", 2.0, 1.0);
  total.N = 2000;
  net.connect(e, i, total);
  c.weight = Init::constant(3.0);
  c.indegree = 20;
  net.connect(x, z, c);
  auto& se = net.monitor_spikes(e);
  net.run(200.0);
  return {se.dense(), e.state("V_m").clone()};
}
}  // namespace

TEST(Determinism, SameSeedGivesBitwiseTheSameRun) {
  const auto a = run_reference_network(42);
  const auto b = run_reference_network(42);
  ASSERT_GT(a.first.sum().item<int64_t>(), 0);
  EXPECT_TRUE(at::equal(a.first, b.first));
  EXPECT_TRUE(at::equal(a.second, b.second));
  const auto c = run_reference_network(43);
  EXPECT_FALSE(at::equal(a.first, c.first));
}

TEST(Backend, SubnormalsAreFlushedDuringRunsOnly) {
  // Inside a FlushSubnormals guard a subnormal operand counts as 0; after it, and after a run (which
  // holds one), arithmetic on subnormals is IEEE again: the caller's mode is restored.
  volatile float tiny = 1e-40f;  // subnormal in float32
  ASSERT_NE(tiny * 1.0f, 0.0f);
  {
    const backend::FlushSubnormals flush;
#if defined(SNN_HAS_MXCSR)
    EXPECT_EQ(tiny * 1.0f, 0.0f);
#endif
  }
  EXPECT_NE(tiny * 1.0f, 0.0f);
  Network net(options(0.1, "float32", 1, 3));
  auto& x = net.add(PoissonInput(10, {{"rate", 100.0}}));
  auto& y = net.add(LIFExp(10));
  net.connect(x, y, conn("all_to_all", 100.0, 1.0));
  net.run(5.0);
  EXPECT_NE(tiny * 1.0f, 0.0f);
}

TEST(Determinism, ThreadCountDoesNotChangeResults) {
  // B x N = 40000 elements: more than one CPU grain, so the loops split across threads; the
  // per-synapse-delay delivery kernel too (B x N_post elements).
  auto run = [](int threads) {
    at::set_num_threads(threads);
    Network net(options(0.1, "float32", 2, 9));
    auto& x = net.add(PoissonInput(20000, {{"rate", 30.0}}));
    auto& e = net.add(LIF(20000));
    auto& a = net.add(AdaptiveLIF(20000, {{"E_L", -70.0}, {"V_reset", -70.0}, {"V_th", -55.0}, {"tau_m", 10.0}}));
    auto& s = net.add(PoissonInput(50, {{"rate", 500.0}}));
    ConnectSpec c;
    c.rule = "all_to_all";
    c.weight = Init::uniform(0.0, 2.0);
    c.delay = Init::uniform(0.1, 3.0);
    net.connect(s, e, c);
    net.connect(s, a, c);
    auto& sx = net.monitor_spikes(x);
    auto& se = net.monitor_spikes(e);
    net.run(30.0, {{e.name(), snn_test::on_test_device(at::full({20000}, 300.0f))}});
    return std::vector<at::Tensor>{sx.dense(), se.dense(), e.state("V_m").clone(), a.state("theta").clone()};
  };
  const int before = at::get_num_threads();
  backend::set_load_adaptive(false);  // two threads even if the machine is busy
  const auto one = run(1);
  const auto two = run(2);
  // The kernels really ran on two threads.
  EXPECT_EQ(backend::cpu_threads_used(64), 2);
  backend::set_load_adaptive(true);
  at::set_num_threads(before);
  ASSERT_GT(one[1].sum().item<int64_t>(), 0);
  for (size_t k = 0; k < one.size(); ++k) EXPECT_TRUE(at::equal(one[k], two[k])) << k;
}

TEST(Threads, HelpersStayOffCoresThatOtherProgramsUse) {
#if defined(__linux__)
  // Other processes spinning on every core: the pool sees no core free for a helper (the load is the
  // CPU time of other programs, so busy threads of this process would not count).
  std::vector<pid_t> busy;
  for (unsigned k = 0; k < std::max(2u, std::thread::hardware_concurrency()); ++k) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (volatile uint64_t i = 0;; i = i + 1) {
      }
    }
    busy.push_back(pid);
  }
  backend::helpers_for_load(1);  // a sample now, so the next one covers the busy time only
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const int adaptive = backend::helpers_for_load(1);
  backend::set_load_adaptive(false);
  const int forced = backend::helpers_for_load(1);
  backend::set_load_adaptive(true);
  for (pid_t pid : busy) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  EXPECT_EQ(adaptive, 0);
  EXPECT_EQ(forced, 1);
#else
  GTEST_SKIP() << "the load is read from /proc/stat (Linux)";
#endif
}

TEST(Dtype, Float64AndFloat32AgreeToFloat32Precision) {
  const auto f64 = run_reference_network(7, "float64", 1);
  const auto f32 = run_reference_network(7, "float32", 1);
  EXPECT_EQ(f64.second.scalar_type(), at::kDouble);
  // Chaotic recurrent dynamics diverge eventually; over 200 ms the spike counts stay close.
  const double n64 = f64.first.sum().item<double>(), n32 = f32.first.sum().item<double>();
  EXPECT_GT(n64, 0);
  EXPECT_NEAR(n32, n64, 0.05 * n64);
}

TEST(Network, TimeStepsAndReset) {
  Network net(options(0.1));
  auto& n = net.add(LIF(3, {{"I_e", 500.0}}));
  EXPECT_EQ(net.step_count(), 0);
  net.run(1.0);
  EXPECT_EQ(net.step_count(), 10);
  EXPECT_NEAR(net.t(), 1.0, 1e-12);
  net.step();
  EXPECT_EQ(net.step_count(), 11);
  EXPECT_GT(n.state("V_m")[0][0].item<double>(), -70.0);
  net.reset_state();
  EXPECT_EQ(n.state("V_m")[0][0].item<double>(), -70.0);
  EXPECT_EQ(net.step_count(), 11);  // time keeps running
}
