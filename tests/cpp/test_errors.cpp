// tests/cpp/test_errors.cpp — bad input: a clear error naming the argument and the value, and the
// network left as it was.
#include "helpers.h"

using namespace snn;
using snn_test::on_test_device;
using snn_test::options;

// Expects `stmt` to throw `type` with every fragment in its message.
#define EXPECT_ERROR(stmt, type, ...)                                                      \
  do {                                                                                     \
    try {                                                                                  \
      stmt;                                                                                \
      ADD_FAILURE() << "no exception from " #stmt;                                         \
    } catch (const type& e) {                                                              \
      for (const char* frag : {__VA_ARGS__}) {                                             \
        EXPECT_NE(std::string(e.what()).find(frag), std::string::npos)                     \
            << "message of " #stmt " lacks '" << frag << "': " << e.what();                \
      }                                                                                    \
    }                                                                                      \
  } while (0)

TEST(Errors, NetworkOptions) {
  EXPECT_ERROR(Network(options(0.0)), ValueError, "dt", "0");
  EXPECT_ERROR(Network(options(-0.1)), ValueError, "dt", "-0.1");
  EXPECT_ERROR(Network(options(std::nan(""))), ValueError, "dt", "nan");
  EXPECT_ERROR(Network(options(0.1, "float16")), ValueError, "dtype", "float16");
  EXPECT_ERROR(Network(options(0.1, "float32", 0)), ValueError, "batch_size", "0");
  NetworkOptions o;
  o.device = "tpu";
  EXPECT_ERROR(Network{o}, ValueError, "device", "tpu");
  o.device = "cuda";
  if (!backend::cuda_built()) EXPECT_ERROR(Network{o}, ValueError, "cuda", "without CUDA");
}

TEST(Errors, ModelsAndParameters) {
  Network net(options(0.1));
  EXPECT_ERROR(net.add(LIF(0)), ValueError, "n", "0");
  EXPECT_ERROR(net.add(LIF(-5)), ValueError, "n", "-5");
  EXPECT_ERROR(net.add(LIF(10, {{"tau_m", -3.0}})), ValueError, "tau_m", "> 0", "-3");
  EXPECT_ERROR(net.add(LIF(10, {{"C_m", 0.0}})), ValueError, "C_m", "> 0", "0");
  EXPECT_ERROR(net.add(LIFExp(10, {{"tau_syn_ex", -1.0}})), ValueError, "tau_syn_ex", "-1");
  EXPECT_ERROR(net.add(LIF(10, {{"tau", 3.0}})), ValueError, "tau", "tau_m");
  EXPECT_ERROR(net.add(LIF(10, {{"V_reset", -50.0}})), ValueError, "V_reset", "V_th", "-50");
  EXPECT_ERROR(net.add(ModelSpec{"hh_psc_alpha", 3, {}, {}}), ValueError, "hh_psc_alpha", "iaf_psc_delta");
  EXPECT_ERROR(net.add(SpikeGeneratorInput(1, {{0.0}})), ValueError, "spike_times", "0");
  EXPECT_ERROR(net.add(SpikeGeneratorInput(1, {{1.05}})), ValueError, "spike_times[0]", "1.05", "multiple of dt", "1.1");
  EXPECT_ERROR(net.add(SpikeGeneratorInput(2, {{1.0}})), ValueError, "one list per neuron");
  EXPECT_EQ(net.populations().size(), 0u);  // nothing was added
  auto& n = net.add(LIF(10), "n");
  EXPECT_ERROR(net.add(LIF(10), "n"), ValueError, "n", "already exists");
  // A failed set leaves the parameter as it was; values are checked together.
  EXPECT_ERROR(n.set_param("tau_m", 0.0), ValueError, "tau_m", "0");
  EXPECT_EQ(n.param("tau_m"), 10.0);
  EXPECT_ERROR(n.set_params({{"V_th", -80.0}, {"tau_m", 5.0}}), ValueError, "V_reset", "V_th");
  EXPECT_EQ(n.param("V_th"), -55.0);
  EXPECT_EQ(n.param("tau_m"), 10.0);
  n.set_params({{"V_th", -80.0}, {"V_reset", -90.0}});  // valid together
  EXPECT_EQ(n.param("V_th"), -80.0);
  EXPECT_ERROR(n.set_state("V_m", on_test_device(at::zeros({3, 10}, at::kDouble))), ValueError, "V_m", "[1, 10]");
  EXPECT_ERROR(n.state("W"), ValueError, "W", "V_m");
  EXPECT_EQ(net.populations().size(), 1u);
}

TEST(Errors, Connections) {
  Network net(options(0.1));
  auto& a = net.add(LIF(10));
  auto& b = net.add(LIF(20));
  ConnectSpec c;
  c.delay = Init::constant(0.0);
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "delay", "0 ms", "one step");
  c.delay = Init::constant(0.05);
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "delay", "0.05", "multiple of dt");
  c.delay = Init::uniform(0.1, 3.0);
  c.rule = "fixed_indegree";
  c.indegree = 15;  // multapses with different delays cannot share a dense entry
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "multapses", "different delays", "multapses=False");
  c.rule = "all_to_all";
  c.indegree = -1;
  c.delay = Init::constant(0.25);
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "delay", "0.25", "multiple of dt", "0.3");
  c.delay = Init::constant(1.0);
  c.weight = Init::from(at::ones({20, 10}));
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "weight", "[20, 10]", "[10, 20]");
  c.weight = Init::uniform(1.0, 0.5);
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "uniform", "low");
  c.weight = Init::constant(1.0);
  c.rule = "one_to_one";
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "one_to_one", "10", "20");
  c.rule = "fixed_indegree";
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "indegree", "-1");
  c.indegree = 11;
  c.multapses = false;
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "indegree", "11", "10");
  c.rule = "pairwise_bernoulli";
  c.p = 1.5;
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "p", "1.5");
  c.rule = "random";
  EXPECT_ERROR(net.connect(a, b, c), ValueError, "random", "fixed_indegree");
  Network other(options(0.1));
  auto& x = other.add(LIF(10));
  EXPECT_ERROR(net.connect(a, x), ValueError, "another network");
  EXPECT_EQ(net.projections().size(), 0u);
}

TEST(Errors, RunsAndInputs) {
  Network net(options(0.1, "float32", 2));
  auto& x = net.add(PoissonInput(5), "x");
  auto& n = net.add(LIF(5), "n");
  net.add(Parrot(5), "p");
  net.run(1.0);
  const at::Tensor v_before = n.state("V_m").clone();
  EXPECT_ERROR(net.run(-1.0), ValueError, "run time", "-1");
  EXPECT_ERROR(net.run(0.25), ValueError, "0.25", "multiple of dt");
  EXPECT_ERROR(net.run(1.0, {{"y", on_test_device(at::ones({2, 5}))}}), ValueError, "y", "x, n, p");
  EXPECT_ERROR(net.run(1.0, {{"x", on_test_device(at::ones({3, 5}))}}), ValueError, "inputs['x']", "[3, 5]", "[2, 5]");
  EXPECT_ERROR(net.run(1.0, {{"x", on_test_device(at::ones({2, 5}, at::kDouble))}}), TypeError, "inputs['x']", "Double", "Float");
  EXPECT_ERROR(net.run(1.0, {{"x", on_test_device(-at::ones({2, 5}))}}), ValueError, "rates", ">= 0", "-1");
  EXPECT_ERROR(net.run(1.0, {{"n", on_test_device(at::full({2, 5}, NAN))}}), ValueError, "inputs['n']", "finite");
  EXPECT_ERROR(net.run(1.0, {{"p", on_test_device(at::ones({2, 5}))}}), ValueError, "p", "takes no input");
  EXPECT_ERROR(net.run(1.0, {{"x", on_test_device(at::ones({7, 2, 5}))}}), ValueError, "[7, 2, 5]", "[10, 2, 5]");
  EXPECT_ERROR(net.monitor_state(n, "I_syn_ex"), ValueError, "I_syn_ex", "V_m");
  StateMonitorOptions o;
  o.interval = 0.15;
  EXPECT_ERROR(net.monitor_state(n, "V_m", o), ValueError, "interval", "0.15");
  o.interval = 0.1;
  o.neurons = {5};
  EXPECT_ERROR(net.monitor_state(n, "V_m", o), ValueError, "index 5", "size 5");
  // Nothing ran.
  EXPECT_EQ(net.step_count(), 10);
  EXPECT_TRUE(at::equal(v_before, n.state("V_m")));
}
