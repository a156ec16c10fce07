// tests/cpp/neurons/test_lif_exp.cpp — LIFExp (iaf_psc_exp): propagators against NEST, responses against
// closed forms.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "helpers.h"
#include "snn/kernels/lif_exp_math.h"

using namespace snn;
using snn_test::options;


// ---- iaf_psc_exp ------------------------------------------------------------------------------

TEST(LifExpMath, PropagatorsMatchNestAtDefaults) {
  // NEST defaults, h = 0.1 ms. Two checks per value:
  //  - against the closed forms evaluated independently in long double: 1e-12 relative;
  //  - against NEST's printed values (models.md), which carry 12 significant digits, so they are
  //    exact only to half a unit in their last digit (about 1.3e-12 relative for P21).
  const kernels::LifExpPropagators P = kernels::lif_exp_propagators(0.1, 10.0, 2.0, 250.0);
  const long double h = 0.1L, tm = 10.0L, ts = 2.0L, C = 250.0L;
  const long double P11 = std::exp(-h / ts), P22 = std::exp(-h / tm), P20 = tm / C * (1.0L - P22);
  const long double P21 = ts * tm / (C * (tm - ts)) * (P22 - P11);
  EXPECT_NEAR(P.P11, static_cast<double>(P11), 1e-12 * static_cast<double>(P11));
  EXPECT_NEAR(P.P22, static_cast<double>(P22), 1e-12 * static_cast<double>(P22));
  EXPECT_NEAR(P.P20, static_cast<double>(P20), 1e-12 * static_cast<double>(P20));
  EXPECT_NEAR(P.P21, static_cast<double>(P21), 1e-12 * static_cast<double>(P21));
  EXPECT_NEAR(P.P11, 0.951229424501, 0.5e-12);
  EXPECT_NEAR(P.P22, 0.990049833749, 0.5e-12);
  EXPECT_NEAR(P.P20, 3.98006650033e-4, 0.5e-15);
  EXPECT_NEAR(P.P21, 3.88204092485e-4, 0.5e-15);
  // Singular case tau_syn == tau_m: the limit h/C_m exp(-h/tau_m).
  const kernels::LifExpPropagators S = kernels::lif_exp_propagators(0.1, 10.0, 10.0, 250.0);
  const double singular = static_cast<double>(h / C * std::exp(-h / tm));
  EXPECT_NEAR(S.P21, singular, 1e-12 * singular);
  EXPECT_NEAR(S.P21, 3.960199335e-4, 0.5e-13);
  // Approaching the singular case the formula stays continuous (no cancellation blow-up).
  const double near = kernels::lif_exp_propagators(0.1, 10.0, 10.0 + 1e-9, 250.0).P21;
  EXPECT_NEAR(near, S.P21, 1e-12 * S.P21);
}

TEST(LifExp, DcStepFollowsTheAnalyticCurve) {
  // I_e = 1000 pA switched on at t0 = 5 ms: V(t) = E_L + 40 (1 - exp(-(t - t0)/10)) mV. Exact
  // integration reproduces it at every grid point up to rounding: 1e-6 mV (float64).
  Network net(options(0.1));
  auto& n = net.add(LIFExp(1, {{"V_th", 1e9}}));  // no spikes: follow the whole curve
  auto& vm = net.monitor_state(n, "V_m");
  net.run(5.0);
  n.set_param("I_e", 1000.0);
  net.run(100.0);
  const at::Tensor v = vm.values().flatten();
  const at::Tensor t = vm.times();
  for (int64_t k = 0; k < v.numel(); ++k) {
    const double tk = t[k].item<double>();
    const double expect = tk <= 5.0 + 1e-9 ? -70.0 : -70.0 + 40.0 * (1.0 - std::exp(-(tk - 5.0) / 10.0));
    ASSERT_NEAR(v[k].item<double>(), expect, 1e-6) << "t = " << tk;
  }
}

TEST(LifExp, DcStepFirstSpikeAtAnalyticCrossing) {
  // Threshold -55 mV is crossed 4.700036 ms after onset: the spike is stamped at the end of the
  // step containing the crossing, 4.8 ms after onset at h = 0.1.
  Network net(options(0.1));
  auto& n = net.add(LIFExp(1));
  auto& sp = net.monitor_spikes(n);
  net.run(5.0);
  n.set_param("I_e", 1000.0);
  net.run(10.0);
  const auto times = snn_test::spike_times(sp);
  ASSERT_FALSE(times.empty());
  EXPECT_NEAR(times[0], 5.0 + 4.8, 1e-9);
  EXPECT_NEAR(-10.0 * std::log(1.0 - 15.0 / 40.0), 4.700036, 1e-6);
}

TEST(LifExp, PostsynapticPotentialIsTheAnalyticAlphaDifference) {
  // One spike of weight w [pA] arriving in step k: I_ex jumps by w at the end of step k, and
  // V(t) - E_L = w/C_m tau_m tau_s/(tau_m - tau_s) (exp(-t/tau_m) - exp(-t/tau_s)), t from the jump.
  Network net(options(0.1));
  auto& src = net.add(SpikeGeneratorInput(1, {{1.0}}));
  auto& n = net.add(LIFExp(1, {{"V_th", 1e9}, {"tau_syn_ex", 2.0}}));
  net.connect(src, n, snn_test::conn("one_to_one", 100.0, 1.0));
  auto& vm = net.monitor_state(n, "V_m");
  net.run(40.0);
  const at::Tensor v = vm.values().flatten();
  const at::Tensor t = vm.times();
  const double w = 100.0, C = 250.0, tm = 10.0, ts = 2.0, t_jump = 2.0;  // spike at 1.0 + delay 1.0
  for (int64_t k = 0; k < v.numel(); ++k) {
    const double s = t[k].item<double>() - t_jump;
    const double expect = s <= 1e-9 ? -70.0 : -70.0 + w / C * tm * ts / (tm - ts) * (std::exp(-s / tm) - std::exp(-s / ts));
    ASSERT_NEAR(v[k].item<double>(), expect, 1e-9) << "t = " << t[k].item<double>();
  }
}
