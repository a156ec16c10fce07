// examples/cpp/poisson_population.cpp — 1000 Poisson sources (0-40 Hz) drive 200 LIF neurons through
// fixed in-degree 100 connections, with sparse recurrent inhibition; prints the rates and a coarse
// text raster (neurons 0-39, 10 ms per column), and writes all spikes as CSV.
//
//   build/examples/poisson_population [spikes.csv]
#include <snn/snn.h>

#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  snn::NetworkOptions options;
  options.dt = 0.1;
  options.seed = 1;
  snn::Network net(options);
  auto& inputs = net.add(snn::PoissonInput(1000), "inputs");
  auto& neurons = net.add(snn::LIF(200), "neurons");

  snn::ConnectSpec feed;
  feed.rule = "fixed_indegree";
  feed.indegree = 100;
  feed.weight = snn::Init::uniform(0.5, 1.5);  // mV
  feed.delay = snn::Init::constant(1.5);       // ms
  net.connect(inputs, neurons, feed);
  snn::ConnectSpec inhibition;
  inhibition.rule = "pairwise_bernoulli";
  inhibition.p = 0.1;
  inhibition.autapses = false;
  inhibition.weight = snn::Init::constant(-2.0);
  inhibition.delay = snn::Init::constant(1.0);
  net.connect(neurons, neurons, inhibition);

  auto& spikes = net.monitor_spikes(neurons);
  net.run(1000.0, {{"inputs", at::linspace(0.0, 40.0, 1000)}});

  const snn::SpikeEvents ev = spikes.events();
  const at::Tensor rates = spikes.counts()[0].to(at::kDouble);
  std::printf("%lld spikes; mean rate %.2f Hz (min %.1f, max %.1f)\n", static_cast<long long>(ev.times.numel()),
              rates.mean().item<double>(), rates.min().item<double>(), rates.max().item<double>());

  std::vector<std::string> rows(40, std::string(100, '.'));
  for (int64_t e = 0; e < ev.times.numel(); ++e) {
    const int64_t i = ev.senders[e].item<int64_t>();
    const int64_t col = static_cast<int64_t>(ev.times[e].item<double>() / 10.0);
    if (i < 40 && col < 100) rows[i][col] = '|';
  }
  for (int i = 39; i >= 0; --i) std::printf("%3d %s\n", i, rows[i].c_str());
  std::printf("    0 ms %*s 1000 ms\n", 88, "");

  const char* path = argc > 1 ? argv[1] : "poisson_population_spikes.csv";
  if (FILE* f = std::fopen(path, "w")) {
    std::fprintf(f, "time_ms,neuron\n");
    for (int64_t e = 0; e < ev.times.numel(); ++e) {
      std::fprintf(f, "%.1f,%lld\n", ev.times[e].item<double>(), static_cast<long long>(ev.senders[e].item<int64_t>()));
    }
    std::fclose(f);
    std::printf("wrote %s\n", path);
  }
  return 0;
}
