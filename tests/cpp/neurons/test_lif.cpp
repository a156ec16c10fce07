// tests/cpp/neurons/test_lif.cpp — LIF (iaf_psc_delta) and AdaptiveLIF against closed forms and the PyNEST
// introduction.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "helpers.h"

using namespace snn;
using snn_test::options;


// ---- iaf_psc_delta ----------------------------------------------------------------------------

TEST(Lif, ConstantCurrentFirstSpikeAtAnalyticTime) {
  // V(t) = E_L + I tau_m / C_m (1 - exp(-t/tau_m)) crosses V_th at
  // t* = -tau_m ln(1 - (V_th - E_L) C_m / (I tau_m)); the spike is stamped at ceil(t*/h) h.
  for (double I : {376.0, 400.0, 500.0, 1000.0, 2500.0}) {
    for (double h : {0.1, 0.05}) {
      Network net(options(h));
      auto& n = net.add(LIF(1, {{"I_e", I}}));
      auto& sp = net.monitor_spikes(n);
      net.run(200.0);
      const double t_star = -10.0 * std::log(1.0 - 15.0 * 250.0 / (I * 10.0));
      const auto times = snn_test::spike_times(sp);
      ASSERT_FALSE(times.empty()) << "I = " << I;
      EXPECT_NEAR(times[0], std::ceil(t_star / h - 1e-9) * h, 1e-9) << "I = " << I << " h = " << h;
      // Later spikes: refractory 2 ms (round(t_ref/h) steps clamped), then the same rise again.
      ASSERT_GE(times.size(), 2u);
      const double rise = std::ceil(t_star / h - 1e-9) * h;
      EXPECT_NEAR(times[1] - times[0], 2.0 + rise, 1e-9) << "I = " << I;
    }
  }
}

TEST(Lif, PyNestIntroductionNeuronSpikesEvery61_3ms) {
  // PyNEST introduction part 1: I_e = 376 pA. The membrane crosses -55 mV at t* = 59.296 ms: first
  // spike at 59.3 ms, then every 2 ms (refractory) + 59.3 ms.
  Network net(options(0.1));
  auto& n = net.add(LIF(1, {{"I_e", 376.0}}));
  auto& sp = net.monitor_spikes(n);
  net.run(1000.0);
  const auto times = snn_test::spike_times(sp);
  ASSERT_EQ(times.size(), 16u);
  for (size_t i = 0; i < times.size(); ++i) EXPECT_NEAR(times[i], 59.3 + 61.3 * static_cast<double>(i), 1e-9);
}

// ---- AdaptiveLIF ----------------------------------------------------------------------------------

TEST(AdaptiveLif, ThresholdKeptByResetUnlessAskedAndFrozenInEval) {
  Network net(options(0.5));
  auto& n = net.add(AdaptiveLIF(2, {{"I_e", 2000.0}, {"theta_plus", 1.0}}));
  net.run(100.0);
  const double theta = n.state("theta")[0][0].item<double>();
  EXPECT_GT(theta, 0.0);
  net.reset_state();
  EXPECT_EQ(n.state("theta")[0][0].item<double>(), theta);
  net.set_learning(false);
  net.run(100.0);
  // Frozen: neither growth at spikes nor decay (Diehl & Cook's test mode).
  EXPECT_EQ(n.state("theta")[0][0].item<double>(), theta);
  net.reset_state(/*include_learned=*/true);
  EXPECT_EQ(n.state("theta")[0][0].item<double>(), 0.0);
}

TEST(AdaptiveLif, OneSpikePerStepPicksTheNeuronFurthestAboveThreshold) {
  Network net(options(1.0, "float64", 2));
  auto& n = net.add(AdaptiveLIF(4, {{"one_spike", 1.0}}));
  auto& sp = net.monitor_spikes(n);
  // Batch 0: neurons 1 and 3 above threshold after the step (3 more); batch 1: all below.
  at::Tensor current = at::zeros({2, 4}, at::kDouble);
  n.set_state("V_m", snn_test::on_test_device(
      at::tensor({-40.0, -30.0, -60.0, -20.0, -60.0, -60.0, -60.0, -60.0}, at::kDouble).reshape({2, 4})));
  net.run_steps(1, {{n.name(), snn_test::on_test_device(current)}});
  const at::Tensor s = n.spikes();
  EXPECT_EQ(s.sum().item<double>(), 1.0);
  EXPECT_EQ(s[0][3].item<double>(), 1.0);
  // The others above threshold kept their potential (not reset) and can fire later.
  EXPECT_GT(n.state("V_m")[0][1].item<double>(), -52.0);
  EXPECT_EQ(sp.num_events(), 1);
}
