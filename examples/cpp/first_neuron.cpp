// examples/cpp/first_neuron.cpp — PyNEST introduction, part 1, in C++: one iaf_psc_delta neuron with
// I_e = 376 pA for 1000 ms; prints the spike times and writes the membrane trace as CSV.
//
//   build/examples/first_neuron [trace.csv]
#include <snn/snn.h>

#include <cstdio>

int main(int argc, char** argv) {
  snn::NetworkOptions options;
  options.dt = 0.1;
  options.dtype = "float64";
  snn::Network net(options);
  auto& neuron = net.add(snn::LIF(1, {{"I_e", 376.0}}), "neuron");
  auto& multimeter = net.monitor_state(neuron, "V_m");
  auto& spikes = net.monitor_spikes(neuron);
  net.run(1000.0);

  const snn::SpikeEvents ev = spikes.events();
  std::printf("%lld spikes:", static_cast<long long>(ev.times.numel()));
  for (int64_t i = 0; i < ev.times.numel(); ++i) std::printf(" %.1f", ev.times[i].item<double>());
  std::printf(" ms\n");

  const char* path = argc > 1 ? argv[1] : "first_neuron_trace.csv";
  if (FILE* f = std::fopen(path, "w")) {
    const at::Tensor t = multimeter.times(), v = multimeter.values().flatten();
    std::fprintf(f, "time_ms,V_m_mV\n");
    for (int64_t k = 0; k < t.numel(); ++k) std::fprintf(f, "%.1f,%.6f\n", t[k].item<double>(), v[k].item<double>());
    std::fclose(f);
    std::printf("wrote %s\n", path);
  }
  return 0;
}
