// tests/cpp/test_cuda_parity.cpp — every model on CUDA against the CPU, bitwise on spikes.
// Skipped, with the reason, when this build has no CUDA or the machine no GPU.
#include "helpers.h"

using namespace snn;

namespace {

std::string why_no_cuda() {
  if (!backend::cuda_built()) return "snn was built without CUDA (needs nvcc and a LibTorch with CUDA)";
  if (!at::hasCUDA()) return "no CUDA device present";
  return "";
}

// Runs a network holding every model on `device` (float64) and returns spikes and final states.
std::vector<at::Tensor> run_all_models(const std::string& device) {
  NetworkOptions o;
  o.dt = 0.1;
  o.dtype = "float64";
  o.batch_size = 2;
  o.seed = 21;
  o.device = device;
  Network net(o);
  auto& x = net.add(PoissonInput(200, {{"rate", 40.0}}));
  auto& g = net.add(SpikeGeneratorInput(3, {{1.0, 5.0}, {2.0}, {3.0, 3.1}}));
  auto& p = net.add(Parrot(3));
  auto& lif = net.add(LIF(100));
  auto& exp = net.add(LIFExp(100));
  auto& ada = net.add(AdaptiveLIF(100, {{"one_spike", 1.0}}));
  auto& izh = net.add(Izhikevich(100));
  ConnectSpec c;
  c.rule = "fixed_indegree";
  c.indegree = 40;
  c.weight = Init::normal(3.0, 2.0);
  net.connect(x, lif, c);
  c.weight = Init::normal(60.0, 80.0);  // mixed signs: excitatory and inhibitory currents
  c.delay = Init::uniform(0.1, 2.0);
  net.connect(x, exp, c);
  c.weight = Init::normal(6.0, 2.0);
  net.connect(x, ada, c);
  net.connect(x, izh, c);
  ConnectSpec one;
  one.rule = "one_to_one";
  net.connect(g, p, one);
  std::vector<SpikeMonitor*> mons;
  for (Population* pop : {&x, &g, &p, &lif, &exp, &ada, &izh}) mons.push_back(&net.monitor_spikes(*pop));
  net.run(100.0);
  std::vector<at::Tensor> out;
  for (auto* m : mons) out.push_back(m->dense().cpu());
  for (Population* pop : {&lif, &exp, &ada, &izh}) out.push_back(pop->state("V_m").cpu());
  return out;
}

}  // namespace

TEST(CudaParity, EveryModelMatchesTheCpu) {
  const std::string reason = why_no_cuda();
  if (!reason.empty()) GTEST_SKIP() << reason;
  const auto cpu = run_all_models("cpu");
  const auto gpu = run_all_models("cuda");
  ASSERT_EQ(cpu.size(), gpu.size());
  for (size_t k = 0; k < 7; ++k) EXPECT_TRUE(at::equal(cpu[k], gpu[k])) << "spikes of population " << k;
  // States: same math in double; fused multiply-add on the GPU may differ in the last bits.
  for (size_t k = 7; k < cpu.size(); ++k) EXPECT_TRUE(at::allclose(cpu[k], gpu[k], 1e-9, 1e-9)) << "V_m " << k;
}
