// snn/neurons/parrot.h — NEST parrot_neuron (Parrot): re-emits, in the step they arrive, as many spikes
// as it received; the weights of connections into it are ignored (its projections deliver synapse
// counts). No parameters, no state. The step: snn/kernels/parrot_math.h.
#pragma once

#include "snn/kernels/parrot_math.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class Parrot : public Population {
 public:
  explicit Parrot(const ModelSpec& spec) : Population("Parrot", spec.n, {}) {}
  InputKind input_kind() const override { return InputKind::None; }
  bool counts_spikes() const override { return true; }

 protected:
  void reset_dynamic_state() override {}
  void integrate(const StepContext& ctx) override;
};

}  // namespace neurons
}  // namespace snn
