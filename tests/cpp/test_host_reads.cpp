// tests/cpp/test_host_reads.cpp — the host-read counter, and steps that make no read (on the test
// device: CUDA on a GPU machine, where a read would wait for the device).
#include "helpers.h"

using namespace snn;
using snn_test::conn;
using snn_test::options;

TEST(HostReads, CountsInsideAndOutsideSteps) {
  HostReadCounter counter;
  EXPECT_THROW(HostReadCounter second, ValueError);  // one at a time
  const at::Tensor x = at::arange(4.0);
  EXPECT_EQ(x.sum().item<double>(), 6.0);
  {
    const HostReadStepMark step(7, true);
    EXPECT_EQ(at::nonzero(x).size(0), 3);
    EXPECT_EQ(x.max().item<double>(), 3.0);  // nonzero and item: two reads in step 7
  }
  counter.stop();
  x.sum().item<double>();  // not counted any more
  const HostReadCounts c = counter.counts();
  EXPECT_EQ(c.steps, 1);
  EXPECT_EQ(c.runs, 1);
  EXPECT_EQ(c.outside_steps, 1);
  EXPECT_EQ(c.in_steps, 2);
  EXPECT_EQ(c.ops_in_steps.at("aten::nonzero"), 1);
  EXPECT_EQ(c.ops_in_steps.at("aten::_local_scalar_dense"), 1);
  EXPECT_EQ(c.steps_with_reads, std::vector<int64_t>{7});
}

// Poisson drive (fixed rates: per-run means), a two-receptor target fed by a matrix product (a batch of
// 16, dense activity) through STDP without a lower bound (both signed parts for the run) and by static
// inhibition, and every kind of monitor but transmissions.
TEST(HostReads, StepsOfADrivenLearningNetworkReadNothing) {
  Network net(options(1.0, "float32", 16));
  auto& x = net.add(PoissonInput(50, {{"rate", 400.0}}));
  auto& e = net.add(LIFExp(20, {{"I_e", 300.0}}));
  auto& i = net.add(LIFExp(5));
  ConnectSpec learned = conn("all_to_all", 5.0);
  learned.plasticity = STDP({{"nu_pre", 1e-3}, {"nu_post", 1e-3}});
  Projection& p = net.connect(x, e, learned);
  net.connect(e, i, conn("all_to_all", 50.0));
  net.connect(i, e, conn("all_to_all", -20.0));
  auto& spikes = net.monitor_spikes(e);
  net.monitor_state(e, "V_m");
  net.count_spikes(i);
  net.run(20.0);  // warm-up
  HostReadCounter counter;
  net.run(30.0);
  net.run(30.0);
  counter.stop();
  const HostReadCounts c = counter.counts();
  EXPECT_EQ(c.steps, 60);
  EXPECT_EQ(c.runs, 2);
  EXPECT_EQ(c.in_steps, 0) << (c.ops_in_steps.empty() ? "" : c.ops_in_steps.begin()->first);
  EXPECT_STREQ(p.last_delivery(), "matrix");
  EXPECT_GT(spikes.num_events(), 0);
}
