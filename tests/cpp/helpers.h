// tests/cpp/helpers.h — small helpers shared by the C++ tests.
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "snn/snn.h"

namespace snn_test {

// Where the networks built by options() run: $SNN_TEST_DEVICE ("cuda" on a GPU machine), else "cpu".
inline std::string test_device() {
  const char* device = std::getenv("SNN_TEST_DEVICE");
  return device && *device ? device : "cpu";
}

// A tensor made on the CPU, moved to where options()' networks run (inputs, states).
inline at::Tensor on_test_device(const at::Tensor& t) { return t.to(at::Device(test_device())); }

inline snn::NetworkOptions options(double dt, const char* dtype = "float64", int64_t batch = 1, uint64_t seed = 1) {
  snn::NetworkOptions o;
  o.dt = dt;
  o.dtype = dtype;
  o.batch_size = batch;
  o.seed = seed;
  o.device = test_device();
  return o;
}

// Spike times [ms] of one neuron (batch entry 0) from a spike monitor.
inline std::vector<double> spike_times(const snn::SpikeMonitor& m, int64_t neuron = 0, int64_t batch = 0) {
  const snn::SpikeEvents ev = m.events();
  std::vector<double> out;
  for (int64_t e = 0; e < ev.times.numel(); ++e) {
    if (ev.senders[e].item<int64_t>() == neuron && ev.batch[e].item<int64_t>() == batch) {
      out.push_back(ev.times[e].item<double>());
    }
  }
  return out;
}

inline snn::ConnectSpec conn(const std::string& rule, double weight, double delay_ms = -1.0) {
  snn::ConnectSpec c;
  c.rule = rule;
  c.weight = snn::Init::constant(weight);
  if (delay_ms > 0) c.delay = snn::Init::constant(delay_ms);
  return c;
}

}  // namespace snn_test
