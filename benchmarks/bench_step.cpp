// benchmarks/bench_step.cpp — cost of one network step for each model and for delivery, by size.
// Google Benchmark; counters report neuron updates (or synapses) per second.
//
//   build/benchmarks/snn_bench [--benchmark_filter=Lif]
#include <benchmark/benchmark.h>

#include <snn/backend.h>
#include <snn/snn.h>

namespace {

snn::Network make_network() {
  snn::NetworkOptions o;
  o.dt = 0.1;
  o.seed = 1;
  return snn::Network(o);
}

void run_steps(benchmark::State& state, snn::Network& net, int64_t per_step_items) {
  for (auto _ : state) net.run_steps(100);
  state.SetItemsProcessed(state.iterations() * 100 * per_step_items);
}

void BM_NeuronStep(benchmark::State& state, const char* model) {
  snn::Network net = make_network();
  net.add(snn::ModelSpec{model, state.range(0), {{"I_e", 300.0}}, {}});
  run_steps(state, net, state.range(0));
}

void BM_PoissonStep(benchmark::State& state) {
  snn::Network net = make_network();
  net.add(snn::PoissonInput(state.range(0), {{"rate", 20.0}}));
  run_steps(state, net, state.range(0));
}

// n Poisson sources at 20 Hz, fixed in-degree 100 onto n LIF neurons; one delay (matrix product) or
// per-synapse delays (delivery kernel). Items: synapses.
void BM_Delivery(benchmark::State& state, bool per_synapse_delays) {
  snn::Network net = make_network();
  const int64_t n = state.range(0);
  auto& x = net.add(snn::PoissonInput(n, {{"rate", 20.0}}));
  auto& y = net.add(snn::LIF(n));
  snn::ConnectSpec c;
  c.rule = "fixed_indegree";
  c.indegree = 100;
  c.multapses = false;
  c.delay = per_synapse_delays ? snn::Init::uniform(0.1, 5.0) : snn::Init::constant(1.0);
  net.connect(x, y, c);
  run_steps(state, net, n * 100);
}

// The Diehl & Cook input: 784 Poisson sources at 20 Hz onto 400 LIF neurons, dense, every synapse with
// its own delay of 0.5-10 ms, dt 0.5 ms, batches of range(0) images. Items: expected synaptic events
// (784 x 20 Hz x dt x 400 x batch per step); the time includes the 784 + 400 neuron updates.
void BM_DenseDelayedDelivery(benchmark::State& state) {
  snn::NetworkOptions o;
  o.dt = 0.5;
  o.seed = 1;
  o.batch_size = state.range(0);
  snn::Network net(o);
  auto& x = net.add(snn::PoissonInput(784, {{"rate", 20.0}}));
  auto& y = net.add(snn::LIF(400));
  snn::ConnectSpec c;
  c.weight = snn::Init::uniform(0.0, 0.01);
  c.delay = snn::Init::uniform(0.5, 10.0);
  c.storage = "dense";
  net.connect(x, y, c);
  run_steps(state, net, static_cast<int64_t>(784 * 20.0 * 0.5e-3 * 400) * state.range(0));
}

// What sharing a kernel between the threads costs by itself: backend::for_each_cpu over two elements
// that do nothing, one per thread (the fork, the claims and the join of one parallel region). The CPU
// grains (snn/backend.h) must give each piece several times this in work.
void BM_ThreadRegion(benchmark::State& state) {
  struct Nothing {
    void operator()(int64_t) const {}
  };
  const int64_t threads = at::get_num_threads();
  for (auto _ : state) snn::backend::for_each_cpu(threads, Nothing{}, 1);
  state.counters["threads"] = static_cast<double>(threads);
}

// Learning: n_pre Poisson sources at 20 Hz onto n_post LIF neurons (all-to-all, dense), one rule.
// Items: synapses updated per second.
void BM_Learning(benchmark::State& state, snn::PlasticitySpec rule, int64_t n_pre, int64_t n_post) {
  snn::Network net = make_network();
  auto& x = net.add(snn::PoissonInput(n_pre, {{"rate", 20.0}}));
  auto& y = net.add(snn::LIF(n_post, {{"I_e", 370.0}}));
  if (rule.signal == "dopamine") net.neuromodulator("dopamine", x, 1.0);
  snn::ConnectSpec c;
  c.weight = snn::Init::uniform(0.0, 0.5);
  c.plasticity = rule;
  net.connect(x, y, c);
  run_steps(state, net, n_pre * n_post);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Learning, STDP_1000x1000, snn::STDP({{"w_min", 0.0}, {"w_max", 1.0}}), 1000, 1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Learning, DopamineSTDP_1000x100, snn::DopamineSTDP(), 1000, 100)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NeuronStep, LIF, "LIF")->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_NeuronStep, LIFExp, "LIFExp")->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_NeuronStep, LIFAlpha, "LIFAlpha")->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_NeuronStep, AdaptiveLIF, "AdaptiveLIF")->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_NeuronStep, Izhikevich, "Izhikevich")->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PoissonStep)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Delivery, one_delay, false)->Arg(1000)->Arg(4000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThreadRegion)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DenseDelayedDelivery)->Arg(1)->Arg(64)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Delivery, per_synapse_delays, true)->Arg(1000)->Arg(4000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
