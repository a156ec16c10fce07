// tests/cpp/test_kernels.cpp — the per-element math against closed forms, published numbers and
// independent implementations.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "helpers.h"
#include "snn/kernels/izhikevich_math.h"
#include "snn/kernels/lif_alpha_math.h"
#include "snn/kernels/lif_exp_math.h"
#include "snn/kernels/neuromodulated_math.h"
#include "snn/kernels/philox_math.h"

using namespace snn;
using snn_test::options;

// ---- exp_poly ----------------------------------------------------------------------------------

// Distance in units in the last place between two finite values of the same sign.
template <typename T, typename Bits>
int64_t ulp_distance(T a, T b) {
  Bits ia, ib;
  std::memcpy(&ia, &a, sizeof(T));
  std::memcpy(&ib, &b, sizeof(T));
  return std::abs(static_cast<int64_t>(ia) - static_cast<int64_t>(ib));
}

TEST(ExpPoly, WithinTwoUlpOfStdExpOverTheNormalRange) {
  // 200001 points over the whole clamped range, plus the small arguments (|x| < 1e-3) where the
  // relative accuracy of the series matters most.
  int64_t worst_f = 0, worst_d = 0;
  for (int q = 0; q <= 200000; ++q) {
    const double x = -87.0 + 175.0 * q / 200000.0;
    worst_f = std::max(worst_f, ulp_distance<float, int32_t>(kernels::exp_poly(static_cast<float>(x)),
                                                              std::exp(static_cast<float>(x))));
    const double xd = -708.0 + 1417.0 * q / 200000.0, xs = 1e-3 * (q - 100000) / 100000.0;
    worst_d = std::max(worst_d, ulp_distance<double, int64_t>(kernels::exp_poly(xd), std::exp(xd)));
    worst_d = std::max(worst_d, ulp_distance<double, int64_t>(kernels::exp_poly(xs), std::exp(xs)));
    worst_f = std::max(worst_f, ulp_distance<float, int32_t>(kernels::exp_poly(static_cast<float>(xs)),
                                                              std::exp(static_cast<float>(xs))));
  }
  EXPECT_LE(worst_f, 2);
  EXPECT_LE(worst_d, 2);
  EXPECT_EQ(kernels::exp_poly(0.0), 1.0);
  EXPECT_EQ(kernels::exp_poly(0.0f), 1.0f);
  // Clamped outside the normal range: finite, tiny, never NaN.
  EXPECT_GT(kernels::exp_poly(-1e4f), 0.0f);
  EXPECT_LT(kernels::exp_poly(-1e4f), 1e-37f);
  EXPECT_TRUE(std::isfinite(kernels::exp_poly(1e4)));
}

// ---- random numbers ---------------------------------------------------------------------------

TEST(Philox, MatchesRandom123KnownAnswers) {
  // Random123 tests/kat_vectors, "philox4x32 10" lines: counter, key -> result.
  struct Kat {
    uint32_t ctr[4], key[2], out[4];
  } kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}, {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Kat& k : kats) {
    kernels::Philox4 c{{k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3]}};
    const kernels::Philox4 r = kernels::philox4x32_10(c, k.key[0], k.key[1]);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(r.v[i], k.out[i]);
  }
}

TEST(Philox, PoissonCountsHaveMeanAndVarianceLambda) {
  // 200k draws per lambda: the sample mean is within 4 standard errors of lambda, and the variance
  // within 5 % of lambda (both hold with overwhelming probability for a correct sampler).
  for (double lambda : {0.005, 0.3, 2.0, 17.0, 80.0}) {
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const double c = static_cast<double>(kernels::poisson_count(lambda, 7, 3, 11, i));
      sum += c;
      sum2 += c * c;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    EXPECT_NEAR(mean, lambda, 4 * std::sqrt(lambda / n)) << "lambda " << lambda;
    EXPECT_NEAR(var, lambda, 0.05 * lambda) << "lambda " << lambda;
  }
}

TEST(Philox, UniformIsInOpenUnitIntervalAndNormalHasUnitVariance) {
  double s = 0, s2 = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const kernels::Philox4 w = kernels::random_words(1, 2, 3, i);
    const kernels::Uniform2 u = kernels::uniform2(w);
    ASSERT_GT(u.u0, 0.0);
    ASSERT_LT(u.u0, 1.0);
    const double z = kernels::normal_from(w);
    s += z;
    s2 += z * z;
  }
  EXPECT_NEAR(s / n, 0.0, 4 / std::sqrt(n));
  EXPECT_NEAR(s2 / n, 1.0, 0.02);
}

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

// ---- Izhikevich -------------------------------------------------------------------------------

TEST(Izhikevich, RegularSpikingMatchesThePublishedLoop) {
  // Reference: Izhikevich's published MATLAB loop written out independently (spike test at the
  // start of each 1 ms step, then two half steps for v and one for u). The engine resets at the end
  // of the crossing step instead; the spike times (end of the crossing step = start of the next)
  // and the trajectories are the same.
  const double a = 0.02, b = 0.2, c = -65.0, d = 8.0, I = 10.0;
  std::vector<double> ref_times, ref_v;
  double v = -65.0, u = b * v;
  for (int t = 0; t < 1000; ++t) {
    if (v >= 30.0) {
      ref_times.push_back(t);
      v = c;
      u += d;
    }
    ref_v.push_back(v);  // state at the start of step t = state after engine step t - 1
    v += 0.5 * ((0.04 * v + 5.0) * v + 140.0 - u + I);
    v += 0.5 * ((0.04 * v + 5.0) * v + 140.0 - u + I);
    u += a * (b * v - u);
  }
  Network net(options(1.0));
  auto& n = net.add(Izhikevich(1, {{"a", a}, {"b", b}, {"c", c}, {"d", d}, {"I_e", I}}));
  auto& sp = net.monitor_spikes(n);
  auto& vm = net.monitor_state(n, "V_m");
  net.run(999.0);
  const auto times = snn_test::spike_times(sp);
  ASSERT_GT(ref_times.size(), 5u);
  ASSERT_EQ(times.size(), ref_times.size());
  for (size_t i = 0; i < times.size(); ++i) EXPECT_DOUBLE_EQ(times[i], ref_times[i]);
  const at::Tensor trace = vm.values().flatten();
  for (int64_t k = 0; k < trace.numel(); ++k) EXPECT_NEAR(trace[k].item<double>(), ref_v[k + 1], 1e-9) << k;
}

// ---- dopamine-modulated STDP --------------------------------------------------------------------

TEST(DopamineMath, ClosedFormMatchesBruteForceIntegration) {
  // dw/dt = c(t) (n(t) - b), c = c0 exp(-t/tau_c), n = n0 exp(-t/tau_n), integrated with classical
  // Runge-Kutta in 20000 sub-steps (global error ~ (D/20000)^4: far below 1e-10 relative).
  const double tau_c = 1000.0, tau_n = 200.0;
  for (double c0 : {0.78, -0.4, 2.5}) {
    for (double n0 : {0.005, 0.05}) {
      for (double b : {0.0, 0.003}) {
        for (double D : {0.1, 7.5, 300.0, 5000.0}) {
          auto f = [&](double t) { return c0 * std::exp(-t / tau_c) * (n0 * std::exp(-t / tau_n) - b); };
          const int sub = 20000;
          const double h = D / sub;
          double w = 0.0;
          for (int k = 0; k < sub; ++k) {
            const double t = k * h;
            w += h / 6.0 * (f(t) + 4.0 * f(t + h / 2) + f(t + h));  // RK4 for a time-only right-hand side
          }
          const double closed = kernels::dopamine_weight_change(c0, n0, D, tau_c, tau_n, b);
          EXPECT_NEAR(closed, w, 1e-10 * std::abs(w)) << "c0 " << c0 << " n0 " << n0 << " b " << b << " D " << D;
        }
      }
    }
  }
}

TEST(DopamineMath, PerStepPropagatorsComposeToTheClosedForm) {
  // The engine integrates step by step; k steps of h must equal one interval of k h.
  const double tau_c = 1000.0, tau_n = 200.0, h = 0.1, b = 0.002, c0 = 0.7, n0 = 0.01;
  const kernels::DopaminePropagators P = kernels::dopamine_propagators(h, tau_c, tau_n);
  double w = 0.0, c = c0, n = n0;
  for (int k = 1; k <= 50000; ++k) {
    w += c * (n * P.w_cn - b * P.w_c);
    c *= P.decay_c;
    n *= P.decay_n;
    if (k % 10000 == 0) {
      const double closed = kernels::dopamine_weight_change(c0, n0, k * h, tau_c, tau_n, b);
      EXPECT_NEAR(w, closed, 1e-10 * std::abs(closed)) << k << " steps";
    }
  }
}

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
