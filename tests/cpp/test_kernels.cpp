// tests/cpp/test_kernels.cpp — the per-element math against closed forms, published numbers and
// independent implementations.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

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

// The CPU's vectorised one-piece visits (DopamineCols, then DopamineRows; DopamineFlush) against the
// per-synapse update of the generic schemes (ActiveRows, then ActiveCols skipping those rows; EveryRow),
// bitwise: w, c and t_last of every synapse, sparse and dense, with and without this step's pairings.
namespace {
struct DopamineCase {
  bool sparse;
  int64_t n_pre = 23, n_post = 37;
  std::vector<int64_t> row_ptr{0}, col_ptr;
  std::vector<int32_t> post, col_syn, col_pre;
  std::vector<float> count, w, c, pre_spikes, post_seen, k_plus, k_minus;
  std::vector<int64_t> t_last;
  std::vector<double> table;  // decay_c, decay_n, w_cn, w_c over 0 .. 63 steps
  std::vector<int32_t> rows, cols;
  std::vector<uint8_t> row_flag;
  int32_t n_rows = 0, n_cols = 0;
  float base_n = 0.04f;

  explicit DopamineCase(bool sparse_, uint64_t seed) : sparse(sparse_) {
    auto u = [&](uint64_t k) { return kernels::uniform_word(kernels::random_words(seed, 7, 0, k).v[0]); };
    uint64_t draw = 0;
    const int64_t n_dense = n_pre * n_post;
    count.assign(static_cast<size_t>(n_dense), 0.0f);
    for (int64_t i = 0; i < n_pre; ++i) {
      for (int64_t j = 0; j < n_post; ++j) {
        if (u(draw++) < 0.3) {
          count[i * n_post + j] = 1.0f;
          post.push_back(static_cast<int32_t>(j));
        }
      }
      row_ptr.push_back(static_cast<int64_t>(post.size()));
    }
    const int64_t n_syn = sparse ? static_cast<int64_t>(post.size()) : n_dense;
    for (int64_t j = 0; j <= n_post; ++j) col_ptr.push_back(0);
    for (int32_t j : post) ++col_ptr[j + 1];
    for (int64_t j = 0; j < n_post; ++j) col_ptr[j + 1] += col_ptr[j];
    std::vector<int64_t> fill(col_ptr.begin(), col_ptr.end() - 1);
    col_syn.resize(post.size());
    col_pre.resize(post.size());
    for (int64_t i = 0; i < n_pre; ++i) {
      for (int64_t s = row_ptr[i]; s < row_ptr[i + 1]; ++s) {
        col_syn[fill[post[s]]] = static_cast<int32_t>(s);
        col_pre[fill[post[s]]++] = static_cast<int32_t>(i);
      }
    }
    const int64_t base_time = 100, target = 140;
    for (int64_t s = 0; s < n_syn; ++s) {
      w.push_back(static_cast<float>(4.0 * u(draw++)));  // some clip at Wmin 0.5 or Wmax 3.5
      c.push_back(static_cast<float>(40.0 * (u(draw++) - 0.5)));
      t_last.push_back(base_time + static_cast<int64_t>(40.0 * u(draw++)));  // some already at target
    }
    for (int64_t i = 0; i < n_pre; ++i) {
      pre_spikes.push_back(u(draw++) < 0.3 ? 1.0f : 0.0f);
      k_plus.push_back(static_cast<float>(u(draw++)));
      row_flag.push_back(pre_spikes.back() != 0.0f);
      if (row_flag.back()) rows.push_back(static_cast<int32_t>(i));
    }
    for (int64_t j = 0; j < n_post; ++j) {
      post_seen.push_back(u(draw++) < 0.3 ? 2.0f : 0.0f);  // a multiplicity
      k_minus.push_back(static_cast<float>(u(draw++)));
      if (post_seen.back() != 0.0f) cols.push_back(static_cast<int32_t>(j));
    }
    n_rows = static_cast<int32_t>(rows.size());
    n_cols = static_cast<int32_t>(cols.size());
    const double h = 1.0, tau_c = 50.0, tau_n = 20.0, tau_s = 1.0 / tau_c + 1.0 / tau_n;
    table.resize(4 * 64);
    for (int k = 0; k < 64; ++k) {
      table[k] = std::exp(-k * h / tau_c);
      table[64 + k] = std::exp(-k * h / tau_n);
      table[128 + k] = -std::expm1(-tau_s * k * h) / tau_s;
      table[192 + k] = -tau_c * std::expm1(-k * h / tau_c);
    }
    this->base_time = base_time;
    this->target = target;
  }
  int64_t base_time = 0, target = 0;

  kernels::SynapseLayout<float> layout() const {
    kernels::SynapseLayout<float> L;
    L.n_pre = n_pre;
    L.n_post = n_post;
    L.batch = 1;
    L.n_syn = static_cast<int64_t>(w.size());
    if (sparse) {
      L.row_ptr = row_ptr.data();
      L.post = post.data();
      L.col_ptr = col_ptr.data();
      L.col_syn = col_syn.data();
      L.col_pre = col_pre.data();
    } else {
      L.count = count.data();
    }
    return L;
  }
  kernels::DopamineLazyRule<float> rule(bool events) {
    kernels::DopamineLazyRule<float> r{};
    kernels::DopamineStepRule<float>& p = r.step;
    p.w = w.data();
    p.c = c.data();
    p.pre_spikes = pre_spikes.data();
    p.post_seen = post_seen.data();
    p.k_plus = k_plus.data();
    p.k_minus = k_minus.data();
    p.decay_plus = 0.9f;
    p.decay_minus = 0.8f;
    p.b = 0.01f;
    p.A_plus = 1.0f;
    p.A_minus = 1.5f;
    p.w_min = 0.5f;
    p.w_max = 3.5f;
    p.n_pre = n_pre;
    p.n_post = n_post;
    p.batch = 1;
    p.n_syn = static_cast<int64_t>(w.size());
    r.t_last = t_last.data();
    r.history = {nullptr, nullptr, 0, base_time, &base_n, 1, 1.0, 20.0,
                 {table.data(), table.data() + 64, table.data() + 128, table.data() + 192, 64}};
    r.target = target;
    r.events = events;
    r.tau_c = 50.0;
    r.tau_s = 1.0 / 50.0 + 1.0 / 20.0;
    return r;
  }
  kernels::ActiveSet row_set() const { return {rows.data(), &n_rows, row_flag.data()}; }
  kernels::ActiveSet col_set() const { return {cols.data(), &n_cols, nullptr}; }
};

void expect_same_synapses(const DopamineCase& a, const DopamineCase& b, const char* what) {
  for (size_t s = 0; s < a.w.size(); ++s) {
    if (!a.sparse && a.count[s] == 0.0f) continue;  // an absent synapse's t_last is not kept
    ASSERT_EQ(a.w[s], b.w[s]) << what << " synapse " << s;
    ASSERT_EQ(a.c[s], b.c[s]) << what << " synapse " << s;
    ASSERT_EQ(a.t_last[s], b.t_last[s]) << what << " synapse " << s;
  }
}
}  // namespace

TEST(DopamineLazy, VectorisedOnePieceVisitsEqualThePerSynapseUpdate) {
  for (bool sparse : {true, false}) {
    for (bool events : {true, false}) {
      DopamineCase generic(sparse, 3), fast(sparse, 3);
      const kernels::SynapseLayout<float> L = generic.layout(), Lf = fast.layout();
      // Generic: rows, then columns skipping those rows (apply_rule()).
      const kernels::ActiveRows<kernels::DopamineLazyRule<float>> rows{generic.rule(events), L, generic.row_set()};
      const kernels::ActiveCols<kernels::DopamineLazyRule<float>> cols{generic.rule(events), L, generic.col_set(),
                                                                       generic.row_flag.data()};
      for (int64_t q = 0; q < generic.n_rows; ++q) rows(q);
      for (int64_t q = 0; q < generic.n_cols; ++q) cols(q);
      // Vectorised: columns (dense: the generic column update, no flags), then rows skipping them.
      if (sparse) {
        const kernels::DopamineCols<float> fast_cols{kernels::OnePiece<float>(fast.rule(events)), Lf, fast.col_set()};
        for (int64_t q = 0; q < fast.n_cols; ++q) fast_cols(q);
      } else {
        const kernels::ActiveCols<kernels::DopamineLazyRule<float>> fast_cols{fast.rule(events), Lf, fast.col_set(), nullptr};
        for (int64_t q = 0; q < fast.n_cols; ++q) fast_cols(q);
      }
      const kernels::DopamineRows<float> fast_rows{kernels::OnePiece<float>(fast.rule(events)), Lf, fast.row_set()};
      for (int64_t q = 0; q < fast.n_rows; ++q) fast_rows(q);
      ASSERT_GT(generic.n_rows, 2);
      ASSERT_GT(generic.n_cols, 2);
      expect_same_synapses(generic, fast, sparse ? (events ? "sparse, events" : "sparse") : (events ? "dense, events" : "dense"));
      DopamineCase untouched(sparse, 3);
      EXPECT_NE(generic.c, untouched.c);  // the visits changed something
    }
    // A flush: every synapse, no pairings.
    DopamineCase generic(sparse, 5), fast(sparse, 5);
    const kernels::EveryRow<kernels::DopamineLazyRule<float>> every{generic.rule(false), generic.layout()};
    for (int64_t i = 0; i < generic.n_pre; ++i) every(i);
    const kernels::DopamineFlush<float> flush{kernels::OnePiece<float>(fast.rule(false)), sparse ? nullptr : fast.count.data(),
                                              static_cast<int64_t>(fast.w.size()), 16};
    for (int64_t e = 0; e < (flush.n + 15) / 16; ++e) flush(e);
    expect_same_synapses(generic, fast, sparse ? "sparse flush" : "dense flush");
  }
}

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
