// snn/neurons/spike_generator.h — NEST spike_generator (SpikeGeneratorInput): explicit spike times [ms]
// per neuron, on the dt grid, > 0, the same in every batch entry.
//
// A spike at t is emitted in the step that ends at t (NEST stamps spikes at the end of their step) and
// reaches a target with delay d in the step that ends at t + d. Times already past when the population
// joins a network are an error. allow_offgrid_times (NEST's name, default false): a time off the grid
// is emitted at the end of the step that contains it (NEST rounds it up to the grid); otherwise it is
// an error. set_spike_times replaces the schedule of some neurons later on (PyNEST sets spike_times
// after Connect). No state. The step: snn/kernels/spike_generator_math.h.
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
  // Replaces the spike times of `neurons` (every neuron when empty; times[k] for neurons[k]). After the
  // population joined a network the times must lie after the current step (`now`). Checked first:
  // nothing changes on error.
  void set_spike_times(const std::vector<int64_t>& neurons, const std::vector<std::vector<double>>& times);

 protected:
  void on_attach(const AttachContext& context) override;
  void reset_dynamic_state() override {}
  void integrate(const StepContext& ctx) override;
  void visit_hidden(StateVisitor& v) override;

 private:
  // The step whose end a spike time falls on (or, allow_offgrid_times, the step that contains it).
  int64_t step_of(double t, double h, size_t neuron) const;
  // past_is_error false (a checkpoint's times): spikes already emitted are left out of the schedule.
  void build_schedule(bool past_is_error = true);

  std::vector<std::vector<double>> times_;
  double h_ = 0.0;           // dt, once attached
  int64_t now_ = -1;         // first step that may still emit (-1: not attached)
  // Schedule sorted by step: events [step_begin_[i], step_begin_[i+1]) are due in step steps_[i].
  std::vector<int64_t> steps_;       // distinct steps with events, ascending
  std::vector<int64_t> step_begin_;  // offsets into the event arrays, size steps_.size() + 1
  at::Tensor event_neuron_;          // int64 [E] on the device
  at::Tensor event_count_;           // [E] on the device, network dtype
};

}  // namespace neurons
}  // namespace snn
