// tests/cpp/neurons/test_poisson.cpp — PoissonInput (poisson_generator): counts against the Poisson law, fixed
// and per-step rates.
#include <ATen/Parallel.h>

#include <cmath>

#include "helpers.h"

using namespace snn;
using snn_test::conn;
using snn_test::options;
using snn_test::spike_times;

TEST(Poisson, RatesWithinThreeSigma) {
  // 200 generators at 50 Hz and 200 at 20 kHz (mean 2 spikes per 0.1 ms step, NEST's regime for
  // Brunel's external drive), 1 s: total counts within 3 standard deviations of rate x T x n.
  Network net(options(0.1, "float32", 2, 3));
  auto& x = net.add(PoissonInput(400));
  auto& sp = net.monitor_spikes(x);
  at::Tensor rates = at::empty({400}, at::kFloat);
  rates.narrow(0, 0, 200).fill_(50.0);
  rates.narrow(0, 200, 200).fill_(20000.0);
  net.run(1000.0, {{x.name(), snn_test::on_test_device(rates)}});
  const at::Tensor counts = sp.counts().to(at::kDouble);  // [2, 400]
  for (int64_t b = 0; b < 2; ++b) {
    const double low = counts[b].narrow(0, 0, 200).sum().item<double>();
    const double high = counts[b].narrow(0, 200, 200).sum().item<double>();
    const double m_low = 50.0 * 1.0 * 200, m_high = 20000.0 * 1.0 * 200;
    EXPECT_NEAR(low, m_low, 3 * std::sqrt(m_low)) << "batch " << b;
    EXPECT_NEAR(high, m_high, 3 * std::sqrt(m_high)) << "batch " << b;
  }
  // Counts per step are Poisson: at 20 kHz the dense record holds steps with 0..8 spikes, mean 2.
  const at::Tensor dense = sp.dense().narrow(2, 200, 200).to(at::kDouble);
  EXPECT_NEAR(dense.mean().item<double>(), 2.0, 3 * std::sqrt(2.0 / dense.numel()));
  EXPECT_NEAR(dense.var().item<double>(), 2.0, 0.05);
}

TEST(Poisson, LowMeansDrawnByTimeRescalingArePoissonCountsIndependentBetweenSteps) {
  // Means up to kBudgetMaxMean (0.1) per step come from the time-rescaling budgets, higher ones from
  // a draw per step. Half the neurons alternate step by step between 0.05 (budget) and 0.5 (direct),
  // half between 0 and 0.1 (budget, through silent steps); 2 x 2000 neurons x 2000 steps. Checked
  // within 3 standard errors: the mean count of each kind of step, the variance and the share of
  // steps with 2 or more spikes at 0.05 (Poisson: lambda and 1 - e^-lambda (1 + lambda)), and the
  // correlation between a neuron's counts two steps apart (0 for independent steps).
  const int64_t n = 2000, steps = 2000, B = 2;
  Network net(options(0.1, "float64", B, 17));
  auto& x = net.add(PoissonInput(n));
  auto& sp = net.monitor_spikes(x);
  at::Tensor rates = at::zeros({steps, B, n}, at::TensorOptions().dtype(at::kDouble));
  using at::indexing::Slice;
  rates.index_put_({Slice(0, steps, 2), Slice(), Slice(0, n / 2)}, 500.0);   // lambda 0.05
  rates.index_put_({Slice(1, steps, 2), Slice(), Slice(0, n / 2)}, 5000.0);  // lambda 0.5
  rates.index_put_({Slice(1, steps, 2), Slice(), Slice(n / 2, n)}, 1000.0);  // lambda 0.1; 0 in between
  net.run_steps(steps, {{x.name(), snn_test::on_test_device(rates)}});
  const at::Tensor d = sp.dense().to(at::kDouble);  // [steps, B, n]
  auto check_mean = [&](const at::Tensor& c, double lambda, const char* what) {
    const double m = static_cast<double>(c.numel());
    EXPECT_NEAR(c.mean().item<double>(), lambda, 3 * std::sqrt(lambda / m)) << what;
  };
  const at::Tensor low = d.index({Slice(0, steps, 2), Slice(), Slice(0, n / 2)});
  check_mean(low, 0.05, "lambda 0.05");
  check_mean(d.index({Slice(1, steps, 2), Slice(), Slice(0, n / 2)}), 0.5, "lambda 0.5");
  check_mean(d.index({Slice(1, steps, 2), Slice(), Slice(n / 2, n)}), 0.1, "lambda 0.1");
  EXPECT_EQ(d.index({Slice(0, steps, 2), Slice(), Slice(n / 2, n)}).sum().item<double>(), 0.0);
  const double m = static_cast<double>(low.numel()), lambda = 0.05;
  // Var of the sample variance of Poisson counts ~ (lambda + 2 lambda^2) / m.
  EXPECT_NEAR(low.var().item<double>(), lambda, 3 * std::sqrt((lambda + 2 * lambda * lambda) / m));
  const double p2 = 1 - std::exp(-lambda) * (1 + lambda);
  EXPECT_NEAR((low >= 2).to(at::kDouble).mean().item<double>(), p2, 3 * std::sqrt(p2 * (1 - p2) / m));
  const at::Tensor a = low.narrow(0, 0, low.size(0) - 1) - lambda, b = low.narrow(0, 1, low.size(0) - 1) - lambda;
  const double corr = (a * b).mean().item<double>() / lambda;
  EXPECT_NEAR(corr, 0.0, 3 / std::sqrt(static_cast<double>(a.numel())));
}

TEST(Poisson, DefaultRateParameterAndPerStepRates) {
  // Without inputs the `rate` parameter drives the source; [steps, B, N] rates switch per step.
  Network net(options(1.0, "float32", 1, 4));
  auto& x = net.add(PoissonInput(1000, {{"rate", 100.0}}));
  auto& sp = net.monitor_spikes(x);
  net.run(100.0);
  const double n1 = static_cast<double>(sp.num_events());
  EXPECT_NEAR(n1, 10000.0, 3 * std::sqrt(10000.0));
  sp.clear();
  at::Tensor per_step = at::zeros({100, 1, 1000}, at::kFloat);
  per_step.narrow(0, 50, 50).fill_(1000.0);  // silent for 50 ms, then 1 kHz
  net.run(100.0, {{x.name(), snn_test::on_test_device(per_step)}});
  const at::Tensor dense = sp.dense();
  EXPECT_EQ(dense.narrow(0, 0, 50).sum().item<int64_t>(), 0);
  const double late = static_cast<double>(dense.narrow(0, 50, 50).sum().item<int64_t>());
  const double mean_late = 1000.0 * 1000 * 0.05;
  EXPECT_NEAR(late, mean_late, 3 * std::sqrt(mean_late));
}

TEST(Poisson, FixedAndPerStepRatesDrawTheSameSpikes) {
  // Fixed [B, N] rates take their means from a table made once per run; per-step rates compute them
  // every step (and a run whose rates are all 0 skips the draws). Same rates both ways (a third silent, some at 20 kHz for counts above 1, over
  // several kernel blocks and a partial one): the spikes must be identical, step by step.
  const int64_t n = 1000, steps = 200;
  at::Tensor rates = at::rand({2, n}, at::TensorOptions().dtype(at::kDouble)) * 200.0;
  rates.masked_fill_(at::rand({2, n}, at::TensorOptions().dtype(at::kDouble)) < 0.33, 0.0);
  rates.select(1, 5).fill_(20000.0);
  rates.narrow(1, 600, 300).zero_();  // whole silent kernel blocks
  auto record = [&](const at::Tensor& input) {
    Network net(options(0.1, "float64", 2, 11));
    auto& x = net.add(PoissonInput(n));
    auto& sp = net.monitor_spikes(x);
    net.run_steps(steps, {{x.name(), snn_test::on_test_device(input)}});
    return sp.dense().cpu();
  };
  const at::Tensor fixed = record(rates);
  const at::Tensor per_step = record(rates.unsqueeze(0).expand({steps, 2, n}).contiguous());
  EXPECT_GT(fixed.sum().item<double>(), 1000.0);
  EXPECT_GT(fixed.max().item<double>(), 1.0);
  EXPECT_EQ(fixed.masked_select(rates.unsqueeze(0).expand_as(fixed) == 0).sum().item<double>(), 0.0);
  EXPECT_TRUE(at::equal(fixed, per_step));
}
