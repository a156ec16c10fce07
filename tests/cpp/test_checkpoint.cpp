// tests/cpp/test_checkpoint.cpp — the C++ checkpoint API: save/load resumes bitwise; the file parser
// refuses damaged input with ValueError (every case the fuzzer found stays here).
#include <cstdio>
#include <fstream>

#include "helpers.h"

using namespace snn;
using snn_test::options;

namespace {

std::unique_ptr<Network> build() {
  auto net = std::make_unique<Network>(options(0.5, "float32", 2, 7));
  auto& x = net->add(PoissonInput(40, {{"rate", 30.0}}), "x");
  auto& y = net->add(LIF(20, {{"I_e", 300.0}, {"V_th", -60.0}}), "y");
  auto& da = net->add(PoissonInput(1, {{"rate", 20.0}}), "da");
  ConnectSpec spec;
  spec.rule = "pairwise_bernoulli";
  spec.p = 0.4;
  spec.weight = Init::uniform(0.5, 3.0);
  spec.delay = Init::constant(1.5);
  spec.storage = "sparse";
  spec.plasticity = DopamineSTDP({{"A_plus", 0.1}, {"A_minus", 0.15}});
  net->connect(x, y, spec);
  net->neuromodulator("dopamine", da, 1.0);
  return net;
}

void expect_same_state(const Network& a, const Network& b) {
  const StateDict sa = state_dict(a), sb = state_dict(b);
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t k = 0; k < sa.size(); ++k) {
    EXPECT_EQ(sa[k].first, sb[k].first);
    const bool nan = sa[k].second.is_floating_point() && sa[k].second.isnan().all().item<bool>();
    EXPECT_TRUE(nan || at::equal(sa[k].second, sb[k].second)) << sa[k].first;
  }
}

std::string temp_path(const char* name) { return testing::TempDir() + name; }

}  // namespace

TEST(Checkpoint, SaveAndLoadContinueBitwise) {
  auto straight = build();
  straight->run(60.0);
  straight->run(60.0);

  auto first = build();
  first->run(60.0);
  const std::string path = temp_path("snn_checkpoint.snn");
  save(*first, path, {{"epoch", at::scalar_tensor(int64_t{4}, at::kLong)}});
  first.reset();
  StateDict metadata;
  auto resumed = load(path, "", &metadata);
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].first, "epoch");
  EXPECT_EQ(metadata[0].second.item<int64_t>(), 4);
  EXPECT_EQ(resumed->step_count(), 120);
  resumed->run(60.0);
  expect_same_state(*straight, *resumed);
  std::remove(path.c_str());
}

TEST(Checkpoint, LoadStateDictIsAllOrNothing) {
  auto net = build();
  net->run(10.0);
  StateDict state = state_dict(*net);
  net->run(10.0);
  const StateDict later = state_dict(*net);
  StateDict bad = state;
  for (auto& [name, t] : bad) {
    if (name == "projections.x->y.plasticity.params.tau_c") t = at::scalar_tensor(-1.0, at::kDouble);
  }
  EXPECT_THROW(load_state_dict(*net, bad), ValueError);
  auto unchanged = build();  // the same run() calls: lazy DopamineSTDP brings weights up to date at the end of each
  unchanged->run(10.0);
  unchanged->run(10.0);
  expect_same_state(*net, *unchanged);
  load_state_dict(*net, state);
  EXPECT_EQ(net->step_count(), 20);
  net->run(10.0);
  expect_same_state(*net, *unchanged);
}

TEST(Checkpoint, DamagedBytesAreRefusedWithValueError) {
  auto net = build();
  net->run(5.0);
  StateDict entries = state_dict(*net);
  const std::string good = encode_checkpoint(entries);
  EXPECT_EQ(decode_checkpoint(good.data(), good.size()).size(), entries.size());
  std::vector<std::string> bad = {
      "", "SNNCKPT", "SNNCKPT\n", good.substr(0, 30), good.substr(0, good.size() - 1), good + "x", "XNNCKPT\n" + good.substr(8),
  };
  std::string flipped = good;
  flipped[100] ^= 1;
  bad.push_back(flipped);
  std::string future = good;
  future[8] = 2;
  bad.push_back(future);
  for (const std::string& b : bad) EXPECT_THROW(decode_checkpoint(b.data(), b.size()), ValueError) << b.size();
  // a payload that lies about its entries, with a valid checksum
  for (const std::string& payload : {std::string(8, '\xff'), std::string("\x01\0\0\0\0\0\0\0\xff\xff\xff\xff", 12)}) {
    const std::string file = encode_checkpoint({});
    std::string lie = file.substr(0, 16);
    const uint64_t n = payload.size();
    lie.append(reinterpret_cast<const char*>(&n), 8);
    lie += payload;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : payload) h = (h ^ c) * 0x100000001b3ULL;
    lie.append(reinterpret_cast<const char*>(&h), 8);
    EXPECT_THROW(decode_checkpoint(lie.data(), lie.size()), ValueError);
  }
}

TEST(Checkpoint, RestoreRefusesAStructureItsStateContradicts) {
  auto net = build();
  const std::string path = temp_path("snn_structure.snn");
  save(*net, path);
  std::ifstream is(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  StateDict entries = decode_checkpoint(bytes.data(), bytes.size());
  for (auto& [name, t] : entries) {
    if (name == "structure.populations.1.n") t = at::scalar_tensor(int64_t{5000000}, at::kLong);
  }
  EXPECT_THROW(restore(entries), ValueError);
  std::remove(path.c_str());
}
