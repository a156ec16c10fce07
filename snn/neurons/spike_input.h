// snn/neurons/spike_input.h — SpikeInput: emits the spike counts given to run(..., inputs={name: spikes})
// ([steps, B, N], one slice per step, or [B, N] every step; e.g. from snn::encoders), nothing without
// input. No parameters, no state.
#pragma once

#include "snn/population.h"

namespace snn {
namespace neurons {

class SpikeInput : public Population {
 public:
  explicit SpikeInput(const ModelSpec& spec) : Population("SpikeInput", spec.n, {}) {}
  InputKind input_kind() const override { return InputKind::Spikes; }
  bool receives_spikes() const override { return false; }

 protected:
  void reset_dynamic_state() override {}
  void integrate(const StepContext& ctx) override;
};

}  // namespace neurons
}  // namespace snn
