// tests/cpp/test_cuda_parity.cpp — every model of the registry on CUDA against the CPU, bitwise on spikes,
// with shared and per-neuron parameters. Skipped, with the reason, when this build has no CUDA or the
// machine no GPU.
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
  std::vector<double> per_neuron(100);
  for (size_t i = 0; i < per_neuron.size(); ++i) per_neuron[i] = static_cast<double>(i) / 100.0;
  auto plus = [&](double base, double span) {
    std::vector<double> v(per_neuron);
    for (double& x : v) x = base + span * x;
    return v;
  };
  auto& x = net.add(PoissonInput(200, {{"rate", 40.0}}));
  auto& g = net.add(SpikeGeneratorInput(3, {{1.0, 5.0}, {2.0}, {3.0, 3.1}}));
  auto& p = net.add(Parrot(3));
  auto& s = net.add(SpikeInput(7));
  auto& lif = net.add(LIF(100, {{"tau_m", plus(5.0, 20.0)}}));
  auto& exp = net.add(LIFExp(100));
  auto& alpha = net.add(LIFAlpha(100, {{"I_e", plus(0.0, 300.0)}}));
  auto& ada = net.add(AdaptiveLIF(100, {{"one_spike", 1.0}}));
  auto& izh = net.add(Izhikevich(100, {{"a", plus(0.02, 0.08)}, {"d", plus(2.0, 6.0)}, {"I_e", 10.0}, {"I_noise", 5.0}}));
  auto& cond = net.add(ConductanceLIF(100, {{"V_th", plus(-58.0, 6.0)}}));
  auto& cond1 = net.add(ConductanceLIF(100, {{"one_spike", 1.0}}));
  auto& rates = net.add(PoissonInput(100, {{"rate", plus(0.0, 20000.0)}}));
  auto& pde = net.add(PoissonDblExp(100, {{"I_e", plus(0.0, 12.0)}, {"target_adaptation_speed", 0.1}}));
  auto& aif = net.add(AIF2(100, {{"dg_a1", plus(0.0, 0.2)}}));
  auto& adex = net.add(AdEx(100, {{"I_e", plus(0.0, 700.0)}}));
  ConnectSpec c;
  c.rule = "fixed_indegree";
  c.indegree = 40;
  c.weight = Init::normal(3.0, 2.0);
  net.connect(x, lif, c);
  c.weight = Init::normal(60.0, 80.0);  // mixed signs: excitatory and inhibitory currents
  c.delay = Init::uniform(0.1, 2.0);
  net.connect(x, exp, c);
  net.connect(x, alpha, c);
  c.weight = Init::normal(6.0, 2.0);
  c.delay.reset();
  net.connect(x, ada, c);
  net.connect(x, izh, c);
  c.weight = Init::normal(0.2, 0.3);  // conductances: both signs
  net.connect(x, cond, c);
  net.connect(x, cond1, c);
  net.connect(x, aif, c);
  c.weight = Init::normal(5.0, 8.0);  // nS, both signs
  net.connect(x, adex, c);
  c.weight = Init::normal(0.5, 2.0);  // both PSP kinds
  net.connect(x, pde, c);
  c.weight = Init::constant(3.0);
  net.connect(s, lif, c);
  ConnectSpec one;
  one.rule = "one_to_one";
  net.connect(g, p, one);
  const std::vector<Population*> pops = {&x, &g, &p, &s, &rates, &lif, &exp, &alpha, &ada, &izh, &cond, &cond1, &pde, &aif, &adex};
  std::vector<SpikeMonitor*> mons;
  for (Population* pop : pops) mons.push_back(&net.monitor_spikes(*pop));
  const at::Tensor spikes_in = (at::rand({1000, 2, 7}, at::TensorOptions().dtype(at::kDouble)) < 0.05).to(at::kDouble);
  net.run(100.0, {{s.name(), spikes_in.to(at::Device(device))}});
  std::vector<at::Tensor> out;
  for (auto* m : mons) out.push_back(m->dense().cpu());
  for (Population* pop : {&lif, &exp, &alpha, &ada, &izh, &cond, &cond1, &pde}) out.push_back(pop->state("V_m").cpu());
  return out;
}

}  // namespace

TEST(CudaParity, EveryModelMatchesTheCpu) {
  const std::string reason = why_no_cuda();
  if (!reason.empty()) GTEST_SKIP() << reason;
  at::manual_seed(5);
  const auto cpu = run_all_models("cpu");
  at::manual_seed(5);
  const auto gpu = run_all_models("cuda");
  ASSERT_EQ(cpu.size(), gpu.size());
  const size_t populations = 13;
  for (size_t k = 0; k < populations; ++k) EXPECT_TRUE(at::equal(cpu[k], gpu[k])) << "spikes of population " << k;
  // States: same math in double (nvcc without fused multiply-add: CMakeLists.txt); allclose for safety.
  for (size_t k = populations; k < cpu.size(); ++k) EXPECT_TRUE(at::allclose(cpu[k], gpu[k], 1e-9, 1e-9)) << "V_m " << k;
  // Every model of the registry is in the network.
  EXPECT_EQ(model_registry().size(), 11u) << "a new model: add it to run_all_models";
}

TEST(CudaParity, TheNetworkIsValidAndEveryPopulationSpikesOnTheCpu) {
  // So that the comparison above, which only a GPU machine runs, compares activity and not silence.
  at::manual_seed(5);
  const auto cpu = run_all_models("cpu");
  for (size_t k = 0; k < 13; ++k) EXPECT_GT(cpu[k].sum().item<int64_t>(), 0) << "population " << k << " never spiked";
}
