// tests/sanitize/soak.cpp — a long run with spike, state and weight monitors, read and cleared every
// chunk (bounded monitors), printing resident memory as it goes.
//
//   snn_soak [steps = 1000000] [chunk = 10000] [leaks-only]
//
// Exits 1 when resident memory after the first tenth of the run grew by more than 8 MiB (the monitors'
// buffers are reused; nothing else should grow). The sanitizer build runs it under LeakSanitizer
// (ctest `soak_lsan`, 2e5 steps), where the quarantine makes resident memory meaningless and only the
// leak check counts; benchmarks/RESULTS.md records a 1e6-step run of the normal build.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "snn/snn.h"

namespace {

double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t steps = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const int64_t chunk = argc > 2 ? std::atoll(argv[2]) : 10000;
  const bool check_memory = argc <= 3;  // a third argument ("leaks-only"): under the sanitizers
  snn::Network net(snn::NetworkOptions{0.1, 1, "cpu", "float32", 5});
  auto& x = net.add(snn::PoissonInput(200, {{"rate", 20.0}}), "x");
  auto& y = net.add(snn::LIF(100, {{"I_e", 200.0}}), "y");
  snn::ConnectSpec spec;
  spec.rule = "fixed_indegree";
  spec.indegree = 40;
  spec.weight = snn::Init::uniform(5.0, 15.0);
  spec.delay = snn::Init::uniform(0.1, 2.0);
  spec.plasticity = snn::STDP({{"w_min", 0.0}, {"w_max", 30.0}});
  auto& proj = net.connect(x, y, spec);
  auto& spikes = net.monitor_spikes(y, {1 << 16, snn::OnFull::Error, 64});
  auto& vm = net.monitor_state(y, "V_m", {{0, 1, 2, 3, 4}, 1.0, -1, snn::OnFull::Grow});
  const auto [pre, post] = proj.indices();  // five synapses that exist
  std::vector<int64_t> synapses;
  for (int64_t k = 0; k < 5; ++k) synapses.push_back(pre[k].item<int64_t>() * y.size() + post[k].item<int64_t>());
  auto& w = net.monitor_projection(proj, "weight", {synapses, 10.0, -1, snn::OnFull::Grow});
  double first = 0.0, settled = 0.0, last = 0.0;
  int64_t events = 0;
  for (int64_t done = 0; done < steps; done += chunk) {
    net.run_steps(std::min(chunk, steps - done));
    events += spikes.num_events();
    (void)spikes.events();
    (void)vm.values();
    (void)w.values();
    spikes.clear();
    vm.clear();
    w.clear();
    last = resident_mib();
    if (done == 0) first = last;
    if (done < steps / 10) settled = last;
  }
  std::printf("steps %lld, spikes %lld, resident memory: after the first chunk %.1f MiB, after a tenth %.1f MiB, at the end %.1f MiB\n",
              static_cast<long long>(steps), static_cast<long long>(events), first, settled, last);
  if (check_memory && last - settled > 8.0) {
    std::printf("resident memory grew by %.1f MiB after the first tenth\n", last - settled);
    return 1;
  }
  return 0;
}
