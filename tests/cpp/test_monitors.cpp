// tests/cpp/test_monitors.cpp — exact recording, the full-buffer policies, state sampling.
#include "helpers.h"

using namespace snn;
using snn_test::options;

namespace {
// Neuron i fires at (i + 1) ms, (i + 1) + 10 ms, ...: 5 neurons x 10 spikes in 100 ms.
std::vector<std::vector<double>> regular_times() {
  std::vector<std::vector<double>> times(5);
  for (int i = 0; i < 5; ++i) {
    for (int k = 0; k < 10; ++k) times[i].push_back(i + 1.0 + 10.0 * k);
  }
  return times;
}
}  // namespace

TEST(SpikeMonitor, RecordsExactlyEverySpike) {
  Network net(options(0.5, "float32", 3));
  auto& g = net.add(SpikeGeneratorInput(5, regular_times()));
  SpikeMonitorOptions o;
  o.staging_steps = 7;  // several compactions, one partial block at the end
  auto& m = net.monitor_spikes(g, o);
  net.run(100.0);
  EXPECT_EQ(m.num_events(), 5 * 10 * 3);
  const SpikeEvents ev = m.events();
  ASSERT_EQ(ev.times.numel(), 150);
  // Ordered by (step, batch, neuron); the generator's spikes are stamped at their times.
  for (int64_t e = 0; e < 150; ++e) {
    const int64_t i = ev.senders[e].item<int64_t>();
    const double t = ev.times[e].item<double>();
    EXPECT_NEAR(std::fmod(t - (i + 1.0), 10.0), 0.0, 1e-9);
  }
  EXPECT_TRUE(at::all(ev.steps.slice(0, 1) >= ev.steps.slice(0, 0, -1)).item<bool>());
  const at::Tensor dense = m.dense();
  EXPECT_EQ(dense.sizes(), (at::IntArrayRef{200, 3, 5}));
  EXPECT_EQ(dense.sum().item<int64_t>(), 150);
  EXPECT_EQ(dense[1][0][0].item<int64_t>(), 1);  // step 1 ends at 1.0 ms
  EXPECT_TRUE(at::all(m.counts() == 10).item<bool>());
}

TEST(SpikeMonitor, CountsAboveOneAreSeveralEventsInStepBatchNeuronOrder) {
  // Poisson counts of mean 1.5 per step (many 2s and 3s) in 3 batch entries: the events equal the
  // spike tensors of every step, a count of c as c events, ordered by (step, batch, neuron).
  Network net(options(0.5, "float32", 3, 4));
  auto& x = net.add(PoissonInput(100, {{"rate", 3000.0}}));
  SpikeMonitorOptions o;
  o.staging_steps = 7;
  auto& m = net.monitor_spikes(x, o);
  std::vector<at::Tensor> steps;
  for (int k = 0; k < 40; ++k) {
    net.step();
    steps.push_back(x.spikes().to(at::kShort));
  }
  const at::Tensor expected = at::stack(steps);
  ASSERT_GT(expected.max().item<int64_t>(), 2);
  EXPECT_TRUE(at::equal(m.dense(), expected));
  EXPECT_EQ(m.num_events(), expected.sum().item<int64_t>());
  const SpikeEvents ev = m.events();
  const at::Tensor key = (ev.steps * 3 + ev.batch) * 100 + ev.senders;
  EXPECT_TRUE(at::all(key.slice(0, 1) >= key.slice(0, 0, -1)).item<bool>());
}

TEST(SpikeMonitor, AutomaticStagingKeepsEveryEventAcrossRuns) {
  // staging_steps = 0 (automatic): on CUDA the rows of each whole run, compacted when it ends (the rows
  // grow for a longer run); on the CPU every 64 steps. Runs of 30, 120 and 50 steps.
  Network net(options(0.5, "float32", 2));
  auto& g = net.add(SpikeGeneratorInput(5, regular_times()));
  auto& m = net.monitor_spikes(g);
  for (double t : {15.0, 60.0, 25.0}) {
    net.run(t);
    int64_t due = 0;  // spikes stamped by now, per batch entry
    for (const auto& times : regular_times()) {
      for (double s : times) due += s <= net.t() + 1e-9;
    }
    EXPECT_EQ(m.num_events(), 2 * due) << "after " << net.t() << " ms";
  }
  EXPECT_EQ(m.recorded_steps(), 200);
  EXPECT_TRUE(at::all(m.counts() == 10).item<bool>());
  const SpikeEvents ev = m.events();
  EXPECT_TRUE(at::all(ev.steps.slice(0, 1) >= ev.steps.slice(0, 0, -1)).item<bool>());
}

TEST(SpikeMonitor, GrowPolicyKeepsEverything) {
  Network net(options(0.5));
  auto& g = net.add(SpikeGeneratorInput(5, regular_times()));
  SpikeMonitorOptions o;
  o.capacity = 4;
  o.staging_steps = 3;
  auto& m = net.monitor_spikes(g, o);
  net.run(100.0);
  EXPECT_EQ(m.num_events(), 50);
  EXPECT_GE(m.capacity(), 50);
}

TEST(SpikeMonitor, ErrorPolicyStopsAtAStepBoundaryWithoutLosingAnything) {
  Network net(options(0.5));
  auto& g = net.add(SpikeGeneratorInput(5, regular_times()));
  SpikeMonitorOptions o;
  o.capacity = 12;
  o.on_full = OnFull::Error;
  o.staging_steps = 4;
  auto& m = net.monitor_spikes(g, o);
  int64_t total = 0, stops = 0;
  while (net.t() < 100.0 - 1e-9) {
    try {
      net.run(100.0 - net.t());
    } catch (const MonitorFullError& e) {
      ++stops;
      EXPECT_NE(std::string(e.what()).find("Nothing was lost"), std::string::npos);
    }
    total += m.num_events();
    m.clear();
  }
  EXPECT_GT(stops, 0);
  EXPECT_EQ(total, 50);
  EXPECT_EQ(net.step_count(), 200);
}

TEST(StateMonitor, SamplesAtIntervalMultiplesForChosenNeurons) {
  Network net(options(0.1));
  auto& n = net.add(LIF(10, {{"I_e", 300.0}}));
  StateMonitorOptions o;
  o.neurons = {2, 7};
  o.interval = 1.0;
  auto& vm = net.monitor_state(n, "V_m", o);
  net.run(25.0);
  net.run(5.0);
  ASSERT_EQ(vm.num_samples(), 30);
  const at::Tensor t = vm.times();
  for (int64_t k = 0; k < 30; ++k) EXPECT_NEAR(t[k].item<double>(), k + 1.0, 1e-9);
  const at::Tensor v = vm.values();
  EXPECT_EQ(v.sizes(), (at::IntArrayRef{30, 1, 2}));
  // All neurons are identical: both columns equal the analytic charging curve.
  for (int64_t k = 0; k < 30; ++k) {
    const double expect = -70.0 + 300.0 * 10.0 / 250.0 * (1.0 - std::exp(-(k + 1.0) / 10.0));
    EXPECT_NEAR(v[k][0][0].item<double>(), expect, 1e-9);
    EXPECT_EQ(v[k][0][0].item<double>(), v[k][0][1].item<double>());
  }
}

TEST(StateMonitor, FixedCapacityRefusesARunThatWouldOverflowBeforeRunning) {
  Network net(options(0.1));
  auto& n = net.add(LIF(1));
  StateMonitorOptions o;
  o.capacity = 15;
  o.on_full = OnFull::Error;
  auto& vm = net.monitor_state(n, "V_m", o);
  net.run(1.0);
  EXPECT_THROW(net.run(1.0), MonitorFullError);
  EXPECT_EQ(net.step_count(), 10);  // nothing ran
  EXPECT_EQ(vm.num_samples(), 10);
  net.run(0.5);
  EXPECT_EQ(vm.num_samples(), 15);
}

TEST(TransmissionMonitor, OneEventPerSynapseOfEverySpikingRowWithItsWeight) {
  // 5 generators x 10 spikes onto 4 targets, all_to_all with weight 10 i + j: 50 spikes x 4 synapses,
  // each event stamped at its spike's time with that synapse's weight; dense and sparse alike.
  for (const char* storage : {"dense", "sparse"}) {
    Network net(options(0.5, "float64"));
    auto& g = net.add(SpikeGeneratorInput(5, regular_times()));
    auto& post = net.add(LIF(4));
    ConnectSpec c;
    c.weight = Init::from(at::arange(20, at::kDouble).view({5, 4}) + at::arange(5, at::kDouble).view({5, 1}) * 6);
    c.storage = storage;
    auto& proj = net.connect(g, post, c);
    auto& m = net.monitor_transmissions(proj);
    net.run(100.0);
    ASSERT_EQ(m.num_events(), 200) << storage;
    const TransmissionEvents ev = m.events();
    for (int64_t e = 0; e < 200; ++e) {
      const int64_t i = ev.senders[e].item<int64_t>(), j = ev.targets[e].item<int64_t>();
      EXPECT_DOUBLE_EQ(ev.weights[e].item<double>(), 10.0 * i + j) << storage;
      EXPECT_NEAR(std::fmod(ev.times[e].item<double>() - (i + 1.0), 10.0), 0.0, 1e-9) << storage;
    }
    m.clear();
    EXPECT_EQ(m.num_events(), 0);
    EXPECT_EQ(m.events().times.numel(), 0);
  }
}

TEST(SpikeCounter, CountsEverySpikeSinceTheLastTake) {
  Network net(options(0.5, "float32", 3));
  auto& g = net.add(SpikeGeneratorInput(5, regular_times()));
  auto& counter = net.count_spikes(g);
  net.run(50.0);  // 5 spikes of each neuron in the first 50 ms
  const at::Tensor first = counter.take();
  EXPECT_EQ(first.sizes(), (at::IntArrayRef{3, 5}));
  EXPECT_TRUE(at::all(first == 5).item<bool>());
  net.run(50.0);
  EXPECT_TRUE(at::all(counter.take() == 5).item<bool>());
  EXPECT_EQ(counter.take().sum().item<double>(), 0.0);
}
