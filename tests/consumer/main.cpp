// A program built against an installed snn: one iaf_psc_delta neuron with I_e = 376 pA must spike
// first at 59.3 ms (PyNEST introduction). Exits non-zero otherwise.
#include <snn/snn.h>

#include <cmath>
#include <cstdio>

int main() {
  snn::NetworkOptions o;
  o.dt = 0.1;
  snn::Network net(o);
  auto& n = net.add(snn::LIF(1, {{"I_e", 376.0}}));
  auto& spikes = net.monitor_spikes(n);
  net.run(100.0);
  const snn::SpikeEvents ev = spikes.events();
  if (ev.times.numel() != 1 || std::abs(ev.times[0].item<double>() - 59.3) > 1e-6) {
    std::printf("unexpected spikes: %lld\n", static_cast<long long>(ev.times.numel()));
    return 1;
  }
  std::printf("consumer ok: first spike at %.1f ms\n", ev.times[0].item<double>());
  return 0;
}
