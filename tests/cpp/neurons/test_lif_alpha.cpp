// tests/cpp/neurons/test_lif_alpha.cpp — LIFAlpha (iaf_psc_alpha): propagators against NEST, the alpha
// current and potential against closed forms.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "helpers.h"
#include "snn/kernels/lif_alpha_math.h"

using namespace snn;
using snn_test::options;


// ---- iaf_psc_alpha ------------------------------------------------------------------------------

TEST(LifAlphaMath, PropagatorsMatchNestAtDefaults) {
  // NEST's printed values (models.md, 12 digits) and the closed forms evaluated in long double.
  const kernels::LifAlphaPropagators P = kernels::lif_alpha_propagators(0.1, 10.0, 2.0, 250.0);
  const long double h = 0.1L, tm = 10.0L, ts = 2.0L, C = 250.0L;
  const long double beta = ts * tm / (tm - ts), gamma = beta / C;
  const long double P32 = gamma * std::exp(-h / ts) * std::expm1(h / beta);
  const long double P31 = gamma * std::exp(-h / ts) * (beta * std::expm1(h / beta) - h);
  EXPECT_NEAR(P.P32, static_cast<double>(P32), 1e-12 * static_cast<double>(P32));
  EXPECT_NEAR(P.P31, static_cast<double>(P31), 1e-12 * static_cast<double>(P31));
  EXPECT_NEAR(P.P21, 0.0951229424501, 0.5e-12);
  EXPECT_NEAR(P.P32, 3.88204092485e-4, 0.5e-15);
  EXPECT_NEAR(P.P31, 1.92808067106e-5, 0.5e-16);
  // Through tau_s = tau_m the propagators are continuous and reach the limits h/C e^(-h/tm), h^2/(2C) e^(-h/tm).
  const kernels::LifAlphaPropagators S = kernels::lif_alpha_propagators(0.1, 10.0, 10.0, 250.0);
  EXPECT_NEAR(S.P32, 0.1 / 250.0 * std::exp(-0.01), 1e-15);
  EXPECT_NEAR(S.P31, 0.01 / 500.0 * std::exp(-0.01), 1e-18);
  // Continuity: tau_syn 1e-8 (relative) away from tau_m moves the propagators by about that much, not
  // by the cancellation errors a direct evaluation of beta (~1e9 there) would make.
  const kernels::LifAlphaPropagators N = kernels::lif_alpha_propagators(0.1, 10.0, 10.0 + 1e-7, 250.0);
  EXPECT_NEAR(N.P31, S.P31, 1e-8 * S.P31);
  EXPECT_NEAR(N.P32, S.P32, 1e-8 * S.P32);
  // Both sides of the series switch (|x| = 1e-3) agree.
  const double ts_lo = 1.0 / (0.1 + 0.9999e-3 / 0.1), ts_hi = 1.0 / (0.1 + 1.0001e-3 / 0.1);
  EXPECT_NEAR(kernels::lif_alpha_propagators(0.1, 10.0, ts_lo, 250.0).P31,
              kernels::lif_alpha_propagators(0.1, 10.0, ts_hi, 250.0).P31, 1e-6 * S.P31);
}

TEST(LifAlpha, CurrentAndPotentialFollowTheAlphaFunction) {
  // One spike of weight w arriving at 2 ms: I(s) = w (s/tau) e^(1 - s/tau) with s from the arrival
  // (peak w at s = tau); V - E_L is that current filtered by the membrane.
  Network net(options(0.1));
  auto& src = net.add(SpikeGeneratorInput(1, {{1.0}}));
  auto& n = net.add(LIFAlpha(1, {{"V_th", 1e9}}));
  net.connect(src, n, snn_test::conn("one_to_one", 50.0, 1.0));
  auto& I = net.monitor_state(n, "I_syn_ex");
  auto& V = net.monitor_state(n, "V_m");
  net.run(30.0);
  const double w = 50.0, tau = 2.0, tau_m = 10.0, C = 250.0, t0 = 2.0;
  const at::Tensor i = I.values().flatten(), v = V.values().flatten(), t = I.times();
  // Reference V: the convolution V(s) - E_L = (1/C) int_0^s I(u) exp(-(s - u)/tau_m) du, by Simpson's
  // rule with 2000 intervals (error far below the 1e-9 mV tolerance).
  auto current = [&](double s) { return s <= 0 ? 0.0 : w * s / tau * std::exp(1.0 - s / tau); };
  for (int64_t k = 0; k < t.numel(); ++k) {
    const double s = t[k].item<double>() - t0;
    ASSERT_NEAR(i[k].item<double>(), current(s), 1e-9) << "t = " << t[k].item<double>();
    if (s <= 0) continue;
    const int m = 2000;
    double acc = 0.0;
    for (int q = 0; q <= m; ++q) {
      const double u = s * q / m;
      const double wgt = (q == 0 || q == m) ? 1.0 : (q % 2 ? 4.0 : 2.0);
      acc += wgt * current(u) * std::exp(-(s - u) / tau_m);
    }
    const double expect = -70.0 + acc * (s / m) / 3.0 / C;
    ASSERT_NEAR(v[k].item<double>(), expect, 1e-9) << "t = " << t[k].item<double>();
  }
  EXPECT_NEAR(i.max().item<double>(), w, 1e-9);  // the peak at s = tau lies on the grid
}
