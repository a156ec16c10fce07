// snn/state_monitor.h — StateMonitor (NEST multimeter and weight_recorder): a state variable over time.
//
// Records a variable — of a population ([B, N]), or of a projection: its weights ([N_pre, N_post],
// recorded as one row) or its rule's state — for all or chosen columns (neurons, or synapses
// i N_post + j), every `interval` ms, at the steps that end on a multiple of the interval
// (t = k interval). At the start of each run it knows exactly how many samples the run will take and
// reserves them; with a fixed capacity and on_full = Error it refuses the run before anything changes.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <string>
#include <vector>

#include "snn/monitor.h"

namespace snn {

struct StateMonitorOptions {
  std::vector<int64_t> neurons;  // columns to record (neurons, or synapses i * N_post + j); empty: all
  double interval = 0.0;         // [ms]; 0: every step (dt)
  int64_t capacity = -1;         // samples; -1: reserve what each run needs
  OnFull on_full = OnFull::Grow;
};

class StateMonitor : public Monitor {
 public:
  // `source` returns the recorded tensor as [rows, columns] (a view); `label` names it in messages.
  StateMonitor(const MonitorContext& context, std::string label, std::string variable,
               std::function<at::Tensor()> source, const StateMonitorOptions& options);
  const std::string& label() const { return label_; }
  const std::string& variable() const { return variable_; }

  // Samples [T, B, n] (a copy) and their times [T] in ms (float64).
  at::Tensor values() const;
  at::Tensor times() const;
  // Indices of the recorded neurons.
  const at::Tensor& neurons() const { return neurons_; }
  int64_t num_samples() const { return stored_; }
  int64_t capacity() const { return buffer_.size(0); }
  void clear();

  void reserve(int64_t first_step, int64_t n_steps) override;  // throws MonitorFullError
  void record(const StepContext& ctx) override;

 private:
  int64_t samples_in(int64_t first_step, int64_t n_steps) const;

  std::string label_;
  std::string variable_;
  std::function<at::Tensor()> source_;
  StateMonitorOptions options_;
  double dt_;
  c10::Device device_;
  int64_t every_;  // steps between samples
  at::Tensor neurons_;  // int64 on the device
  at::Tensor buffer_;   // [capacity, B, n]
  std::vector<int64_t> sample_steps_;
  int64_t stored_ = 0;
};

}  // namespace snn
