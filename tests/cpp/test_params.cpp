// tests/cpp/test_params.cpp — parameter tables (snn/params.h): one value or one per neuron, validation
// that names the neuron, uniform lists stored as one value, versions.
#include "helpers.h"

using namespace snn;

namespace {

ParamTable table(int64_t elements) {
  return ParamTable({{"tau_m", 10.0, "ms", Constraint::Positive, "membrane time constant"},
                     {"one_spike", 0.0, "", Constraint::Bool, "a switch", Scope::Shared}},
                    elements);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ValueError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ParamTable, HoldsOneValueOrOnePerElement) {
  ParamTable t = table(3);
  const ParamId tau = t.id("tau_m");
  EXPECT_TRUE(t.uniform());
  EXPECT_EQ(t.value(tau), 10.0);
  t.set("tau_m", std::vector<double>{5.0, 6.0, 7.0}, "LIF");
  EXPECT_FALSE(t.uniform(tau));
  EXPECT_FALSE(t.uniform());
  EXPECT_EQ(t.distinct_rows(), 3);
  EXPECT_EQ(t.at(tau, 2), 7.0);
  EXPECT_EQ(t.row(1)[tau], 6.0);
  EXPECT_EQ(t.values(tau), (std::vector<double>{5.0, 6.0, 7.0}));
  EXPECT_NE(message_of([&] { t.value(tau); }).find("tau_m differs between neurons"), std::string::npos);
  EXPECT_EQ(t.where(2), " at neuron 2");
  // Equal values are one value: the kernels' fast path, and a scalar when read.
  t.set("tau_m", std::vector<double>{8.0, 8.0, 8.0}, "LIF");
  EXPECT_TRUE(t.uniform());
  EXPECT_EQ(t.value(tau), 8.0);
  EXPECT_EQ(t.values(tau), (std::vector<double>{8.0, 8.0, 8.0}));
  EXPECT_EQ(t.where(2), "");
  // A 1-D tensor of any real dtype, and a 0-dim tensor as one number.
  t.set("tau_m", ParamValue(at::tensor({1, 2, 3}, at::kInt)), "LIF");
  EXPECT_EQ(t.at(tau, 1), 2.0);
  t.set("tau_m", ParamValue(at::scalar_tensor(4.5, at::kDouble)), "LIF");
  EXPECT_TRUE(t.uniform(tau));
  EXPECT_EQ(t.value(tau), 4.5);
}

TEST(ParamTable, ChecksEveryElementAndNamesTheOneThatFails) {
  ParamTable t = table(4);
  const uint64_t before = t.version();
  EXPECT_NE(message_of([&] { t.set("tau_m", std::vector<double>{1.0, 2.0, -3.0, 4.0}, "LIF 'n'"); })
                .find("LIF 'n': tau_m[2] must be > 0 ms, got -3"),
            std::string::npos);
  EXPECT_NE(message_of([&] { t.set("tau_m", std::vector<double>{1.0, 2.0}, "LIF"); })
                .find("tau_m takes one number or one per neuron (4), got 2 values"),
            std::string::npos);
  EXPECT_NE(message_of([&] { t.set("one_spike", std::vector<double>{0, 1, 0, 1}, "AdaptiveLIF"); })
                .find("one_spike is a switch of the whole population and takes one number"),
            std::string::npos);
  EXPECT_NE(message_of([&] { t.set("taum", 3.0, "LIF"); }).find("LIF has no parameter 'taum'; parameters: tau_m, one_spike"),
            std::string::npos);
  EXPECT_NE(message_of([&] { t.set("tau_m", ParamValue(at::zeros({2, 2})), "LIF"); }).find("1-D tensor"), std::string::npos);
  EXPECT_EQ(t.version(), before);  // nothing was stored
  EXPECT_TRUE(t.uniform());
  // A table of one value per parameter (a rule's) takes no lists.
  ParamTable rule = table(0);
  EXPECT_NE(message_of([&] { rule.set("tau_m", std::vector<double>{1.0, 2.0}, "STDP"); })
                .find("STDP: tau_m takes one number, got 2 values"),
            std::string::npos);
}
