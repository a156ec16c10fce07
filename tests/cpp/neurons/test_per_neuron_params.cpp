// tests/cpp/neurons/test_per_neuron_params.cpp — parameters that differ between the neurons of a
// population: each neuron behaves, bitwise, as a one-neuron population with its own values (every model,
// both dtypes, batches), derived constants are per neuron, and Izhikevich (2003)'s spnet neurons
// (per-neuron a, b, c, d) follow the published loop.
#include <cmath>
#include <random>

#include "helpers.h"

using namespace snn;
using snn_test::on_test_device;
using snn_test::options;

namespace {

// Spike counts [T, B, n] and the V_m trace [T, B, n] of one run.
struct Trace {
  at::Tensor spikes, V_m;
};

// `model` with `n` neurons and the parameters `params`, driven for 100 ms by a per-neuron current ramp
// (neurons with a current input) and a spike source onto every neuron (weight w), then reset and run again.
Trace run(const std::string& model, int64_t n, const ParamMap& params, const char* dtype, int64_t batch, double w,
          const at::Tensor& current) {
  Network net(options(0.1, dtype, batch, 3));
  auto& pop = net.add(ModelSpec{model, n, params, {}}, "pop");
  auto& gen = net.add(SpikeGeneratorInput(1, {{5.0, 5.1, 20.0, 40.0, 40.3, 61.0}}));
  ConnectSpec c;
  c.weight = Init::constant(w);
  net.connect(gen, pop, c);
  auto& sp = net.monitor_spikes(pop);
  auto& vm = net.monitor_state(pop, "V_m");
  InputMap inputs;
  if (pop.input_kind() == InputKind::Current) {
    inputs[pop.name()] = on_test_device(current.to(dtype == std::string("float64") ? at::kDouble : at::kFloat));
  }
  net.run(70.0, inputs);
  net.reset_state();
  net.run(30.0);
  return {sp.dense().cpu(), vm.values().cpu()};
}

struct Case {
  const char* model;
  const char* varied;  // the parameter that differs between the neurons
  std::vector<double> values;
  double w;            // weight of the spike source
  ParamMap fixed;
};

std::vector<Case> cases() {
  std::vector<double> I = {376.0, 400.0, 450.0, 500.0, 600.0, 700.0, 800.0, 1000.0, 1500.0, 2500.0};
  return {
      {"LIF", "I_e", I, 2.0, {}},
      {"LIF", "tau_m", {5.0, 7.0, 10.0, 12.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0}, 2.0, {{"I_e", 500.0}}},
      {"LIF", "t_ref", {0.0, 0.1, 0.5, 1.0, 2.0, 2.5, 3.0, 4.0, 5.0, 8.0}, 2.0, {{"I_e", 800.0}}},
      {"LIFExp", "I_e", I, 300.0, {}},
      {"LIFExp", "tau_syn_ex", {0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 10.0, 12.0, 15.0, 20.0}, 300.0, {{"I_e", 350.0}}},
      {"LIFAlpha", "I_e", I, 300.0, {}},
      {"LIFAlpha", "C_m", {100.0, 150.0, 200.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0, 600.0}, 300.0, {{"I_e", 400.0}}},
      {"AdaptiveLIF", "I_e", I, 3.0, {{"theta_plus", 0.5}, {"tau_theta", 30.0}}},
      {"AdaptiveLIF", "theta_plus", {0.0, 0.1, 0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0}, 3.0, {{"I_e", 1500.0}}},
      {"Izhikevich", "I_e", {3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 12.0, 15.0}, 5.0, {}},
      {"ConductanceLIF", "V_th", {-64.0, -62.0, -60.0, -58.0, -56.0, -55.0, -54.0, -53.0, -52.0, -50.0}, 8.0,
       {{"theta_plus", 0.3}}},
      {"ConductanceLIF", "tau_syn_ex", {0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}, 4.0, {{"t_lock", 8.0}}},
  };
}

}  // namespace

TEST(PerNeuronParams, EachNeuronIsBitwiseTheOneNeuronRunWithItsValues) {
  const int64_t n = 10, B = 2;
  for (const Case& c : cases()) {
    for (const char* dtype : {"float32", "float64"}) {
      SCOPED_TRACE(std::string(c.model) + " " + c.varied + " " + dtype);
      // A different external current per batch entry and neuron: entries and neurons are independent.
      const at::Tensor current = at::linspace(0.0, 60.0, B * n, at::kDouble).reshape({B, n});
      ParamMap params = c.fixed;
      params.insert_or_assign(c.varied, ParamValue(c.values));
      const Trace all = run(c.model, n, params, dtype, B, c.w, current);
      ASSERT_GT(all.spikes.sum().item<int64_t>(), 10);
      for (int64_t i = 0; i < n; ++i) {
        ParamMap one = c.fixed;
        one.insert_or_assign(c.varied, ParamValue(c.values[static_cast<size_t>(i)]));
        const Trace single = run(c.model, 1, one, dtype, B, c.w, current.narrow(1, i, 1).contiguous());
        EXPECT_TRUE(at::equal(all.spikes.narrow(2, i, 1), single.spikes)) << "spikes of neuron " << i;
        EXPECT_TRUE(at::equal(all.V_m.narrow(2, i, 1), single.V_m)) << "V_m of neuron " << i;
      }
    }
  }
}

TEST(PerNeuronParams, TenCurrentsGiveTenRatesOfTheClosedForm) {
  // iaf_psc_delta under a constant current: a spike every t_ref + t* with
  // t* = -tau_m ln(1 - (V_th - E_L) C_m / (I tau_m)), stamped on the grid (ceil(t*/h) h).
  std::vector<double> I;
  for (int k = 0; k < 10; ++k) I.push_back(380.0 + 150.0 * k);
  const double h = 0.1, T = 1000.0;
  Network net(options(h));
  auto& pop = net.add(LIF(10, {{"I_e", I}}));
  auto& sp = net.monitor_spikes(pop);
  net.run(T);
  const at::Tensor counts = sp.counts().cpu()[0];
  for (int64_t i = 0; i < 10; ++i) {
    const double t_star = -10.0 * std::log(1.0 - 15.0 * 250.0 / (I[static_cast<size_t>(i)] * 10.0));
    const double rise = std::ceil(t_star / h - 1e-9) * h, period = 2.0 + rise;  // first spike, then every period
    EXPECT_EQ(counts[i].item<int64_t>(), static_cast<int64_t>(std::floor((T - rise) / period + 1e-9)) + 1)
        << "neuron " << i << " (I_e " << I[static_cast<size_t>(i)] << " pA)";
    if (i > 0) EXPECT_GT(counts[i].item<int64_t>(), counts[i - 1].item<int64_t>());
  }
}

TEST(PerNeuronParams, ReadBackResetAndChangeBetweenRuns) {
  Network net(options(0.1, "float64", 2));
  auto& pop = net.add(LIF(4, {{"E_L", std::vector<double>{-70.0, -65.0, -60.0, -75.0}}, {"V_reset", -80.0}}));
  EXPECT_FALSE(pop.param_uniform("E_L"));
  EXPECT_TRUE(pop.param_uniform("tau_m"));
  EXPECT_TRUE(at::equal(pop.param_values("E_L"), at::tensor({-70.0, -65.0, -60.0, -75.0}, at::kDouble)));
  EXPECT_EQ(pop.param_values("tau_m").sizes(), (std::vector<int64_t>{4}));
  // The initial V_m is each neuron's E_L, in every batch entry, at creation and after a reset.
  const at::Tensor expected = at::tensor({-70.0, -65.0, -60.0, -75.0}, at::kDouble).expand({2, 4});
  EXPECT_TRUE(at::equal(pop.state("V_m").cpu(), expected));
  net.run(5.0);
  net.reset_state();
  EXPECT_TRUE(at::equal(pop.state("V_m").cpu(), expected));
  // A relation that fails at one neuron changes nothing and names it.
  try {
    pop.set_param("V_th", std::vector<double>{-55.0, -55.0, -85.0, -55.0});
    ADD_FAILURE() << "no exception";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("V_reset must be < V_th, got V_reset -80 mV and V_th -85 mV at neuron 2"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(pop.param_uniform("V_th"));
  EXPECT_EQ(pop.param("V_th"), -55.0);
  // Back to one value for every neuron.
  pop.set_param("E_L", -70.0);
  EXPECT_TRUE(pop.param_uniform("E_L"));
  EXPECT_EQ(pop.param("E_L"), -70.0);
}

TEST(PerNeuronParams, PoissonRatesPerNeuronWithinThreeSigma) {
  // Four groups of 100 sources, 1 s at h = 0.1 ms: 10 Hz, 50 Hz, 200 Hz (time rescaling) and 20 kHz
  // (direct draws, mean 2 per step).
  std::vector<double> rates;
  for (double r : {10.0, 50.0, 200.0, 20000.0}) rates.insert(rates.end(), 100, r);
  Network net(options(0.1, "float32", 1, 9));
  auto& x = net.add(PoissonInput(400, {{"rate", rates}}));
  auto& sp = net.monitor_spikes(x);
  net.run(1000.0);
  const at::Tensor counts = sp.counts().cpu()[0].to(at::kDouble);
  for (int g = 0; g < 4; ++g) {
    const double expected = rates[static_cast<size_t>(100 * g)] * 1.0 * 100;  // rate x 1 s x 100 neurons
    const double got = counts.narrow(0, 100 * g, 100).sum().item<double>();
    EXPECT_NEAR(got, expected, 3.0 * std::sqrt(expected)) << "group " << g;
  }
}

TEST(Izhikevich, SpnetPerNeuronParametersFollowThePublishedLoop) {
  // Izhikevich (2003), spnet.m: 800 excitatory neurons with a = 0.02, b = 0.2, c = -65 + 15 r^2,
  // d = 8 - 6 r^2 and 200 inhibitory ones with a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2
  // (r uniform per neuron), driven by the thalamic input 5 N(0, 1) (excitatory) and 2 N(0, 1)
  // (inhibitory) drawn every ms. One population with per-neuron a, b, c, d against the published loop
  // (the engine's arithmetic, see RegularSpikingMatchesThePublishedLoop), synapses left out.
  const int64_t Ne = 800, Ni = 200, N = Ne + Ni, T = 1000;
  std::mt19937_64 rng(2003);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> a(N), b(N), c(N), d(N);
  for (int64_t i = 0; i < N; ++i) {
    const double r = uniform(rng);
    const bool exc = i < Ne;
    a[i] = exc ? 0.02 : 0.02 + 0.08 * r;
    b[i] = exc ? 0.2 : 0.25 - 0.05 * r;
    c[i] = exc ? -65.0 + 15.0 * r * r : -65.0;
    d[i] = exc ? 8.0 - 6.0 * r * r : 2.0;
  }
  const at::Tensor gain = at::cat({at::full({Ne}, 5.0, at::kDouble), at::full({Ni}, 2.0, at::kDouble)});
  const at::Tensor thalamic = at::randn({T, 1, N}, at::TensorOptions().dtype(at::kDouble)) * gain;
  const double* I = thalamic.data_ptr<double>();
  std::vector<double> v(N, -65.0), u(N);
  for (int64_t i = 0; i < N; ++i) u[i] = b[i] * v[i];
  std::vector<int64_t> ref_count(N, 0);
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t i = 0; i < N; ++i) {
      const double in = I[t * N + i];
      double vv = v[i] + 0.5 * ((0.04 * v[i] + 5.0) * v[i] + 140.0 - u[i] + in);
      vv += 0.5 * ((0.04 * vv + 5.0) * vv + 140.0 - u[i] + in);
      const double uu = u[i] + 1.0 * a[i] * (b[i] * vv - u[i]);
      const bool spike = vv >= 30.0;
      v[i] = spike ? c[i] : vv;
      u[i] = spike ? uu + d[i] : uu;
      ref_count[i] += spike;
    }
  }
  Network net(options(1.0, "float64"));
  auto& pop = net.add(Izhikevich(N, {{"a", a}, {"b", b}, {"c", c}, {"d", d}}));
  auto& sp = net.monitor_spikes(pop);
  net.run(static_cast<double>(T), {{pop.name(), on_test_device(thalamic)}});
  const at::Tensor counts = sp.counts().cpu()[0];
  int64_t total = 0;
  for (int64_t i = 0; i < N; ++i) {
    EXPECT_EQ(counts[i].item<int64_t>(), ref_count[i]) << "neuron " << i;
    total += ref_count[i];
  }
  EXPECT_GT(total, 1000);  // the neurons fire (chattering cells most)
  const at::Tensor V = pop.state("V_m").cpu()[0], U = pop.state("U_m").cpu()[0];
  for (int64_t i = 0; i < N; ++i) {
    EXPECT_EQ(V[i].item<double>(), v[i]) << "v of neuron " << i;
    EXPECT_EQ(U[i].item<double>(), u[i]) << "u of neuron " << i;
  }
}
