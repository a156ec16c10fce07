// snn/neurons/spike_generator.h — NEST spike_generator (SpikeGeneratorInput): explicit spike times [ms]
// per neuron, on the dt grid, > 0, the same in every batch entry.
//
// A spike at t is emitted in the step that ends at t (NEST stamps spikes at the end of their step) and
// reaches a target with delay d in the step that ends at t + d. Times already past when the population
// joins a network are an error. No parameters, no state. The step: snn/kernels/spike_generator_math.h.
#pragma once

#include <vector>

#include "snn/kernels/spike_generator_math.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class SpikeGenerator : public Population {
 public:
  explicit SpikeGenerator(const ModelSpec& spec);
  InputKind input_kind() const override { return InputKind::None; }
  bool receives_spikes() const override { return false; }
  const std::vector<std::vector<double>>& spike_times() const { return times_; }

 protected:
  void on_attach(const AttachContext& context) override;
  void reset_dynamic_state() override {}
  void integrate(const StepContext& ctx) override;

 private:
  std::vector<std::vector<double>> times_;
  // Schedule sorted by step: events [step_begin_[i], step_begin_[i+1]) are due in step steps_[i].
  std::vector<int64_t> steps_;       // distinct steps with events, ascending
  std::vector<int64_t> step_begin_;  // offsets into the event arrays, size steps_.size() + 1
  at::Tensor event_neuron_;          // int64 [E] on the device
  at::Tensor event_count_;           // [E] on the device, network dtype
};

}  // namespace neurons
}  // namespace snn
