// tests/fuzz/fuzz_inputs.cpp — what Python's arguments become in C++: a model with parameters (one
// value or one per neuron, any double: NaN, inf, huge, negative), spike times, per-step inputs and a
// change of spike times after the network ran. A ValueError/TypeError or a run, never a crash.
//
// Input bytes: [model][n][records...], each record [kind][name index][payload]; doubles are 8 raw bytes.
#include <cstring>
#include <string>
#include <vector>

#include "snn/errors.h"
#include "snn/network.h"
#include "snn/neurons/spike_generator.h"

namespace {

struct Bytes {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t byte() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  double real() {
    double d = 0;
    if (n >= 8) {
      std::memcpy(&d, p, 8);
      p += 8;
      n -= 8;
    } else {
      n = 0;
    }
    return d;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes in{data, size};
  const auto& models = snn::model_registry();
  const snn::ModelInfo& info = models[in.byte() % models.size()];
  const int64_t n = 1 + in.byte() % 8;
  snn::ModelSpec spec{info.name, n, {}, {}};
  snn::Network net(snn::NetworkOptions{0.5, 1 + in.byte() % 2, "cpu", "float64", 1});
  std::vector<std::string> names;
  try {
    names = snn::make_population(snn::ModelSpec{info.name, 1, {}, {}})->params().names();
    std::vector<std::vector<double>> later;  // spike times set after a first run
    at::Tensor input;
    while (!in.empty()) {
      const uint8_t kind = in.byte() % 5;
      const std::string name = names.empty() ? "x" : names[in.byte() % names.size()];
      if (kind == 0) {
        spec.params.insert_or_assign(name, snn::ParamValue(in.real()));
      } else if (kind == 1) {
        std::vector<double> each(static_cast<size_t>(n));
        for (double& v : each) v = in.real();
        spec.params.insert_or_assign(name, snn::ParamValue(each));
      } else if (kind == 2) {
        spec.spike_times.emplace_back();
        for (int k = in.byte() % 4; k > 0; --k) spec.spike_times.back().push_back(in.real());
      } else if (kind == 3) {
        later.emplace_back();
        for (int k = in.byte() % 4; k > 0; --k) later.back().push_back(in.real());
      } else {
        input = at::full({net.batch_size(), n}, in.real(), at::kDouble);
      }
    }
    snn::Population& pop = net.add(spec, "p");
    snn::InputMap inputs;
    if (input.defined()) inputs["p"] = input;
    net.run_steps(4, inputs);
    if (auto* gen = dynamic_cast<snn::neurons::SpikeGenerator*>(&pop); gen && !later.empty()) {
      later.resize(static_cast<size_t>(n));
      gen->set_spike_times({}, later);
      net.run_steps(4);
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
