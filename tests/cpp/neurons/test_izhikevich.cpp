// tests/cpp/neurons/test_izhikevich.cpp — Izhikevich (2003) against the published integration loop.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "helpers.h"
#include "snn/kernels/izhikevich_math.h"
#include "snn/kernels/philox_math.h"

using namespace snn;
using snn_test::options;


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
