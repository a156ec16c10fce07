// snn/plasticity/vogels_sprekeler.h — inhibitory STDP (VogelsSprekeler; NEST alias
// vogels_sprekeler_synapse): Vogels et al. (2011), the rule Zenke et al. (2015) use on
// inhibitory-to-excitatory synapses. It drives each target toward the rate alpha / (2 tau).
//
//   post spike:  |w| += eta x_pre;   pre spike:  |w| += eta x_post, then |w| -= alpha eta
// with |w| kept in [0, |Wmax|] and w carrying Wmax's sign (inhibitory: Wmax < 0; a negative weight
// feeds the inhibitory receptor). Traces +1 per spike, taken before this step's spikes enter them.
// Per-synapse update: snn/kernels/vogels_sprekeler_math.h. Parameters (NEST's names and defaults):
// tau 20 ms, eta 0.001, alpha 0.12, Wmax 1 (use -1 or another negative bound for inhibition),
// event_driven. State: x_pre [B, N_pre], x_post [B, N_post]. Post spikes are seen as they happen: NEST
// delays them by the connection's (dendritic) delay.
#pragma once

#include "snn/plasticity/rule.h"

namespace snn {
namespace rules {

class VogelsSprekeler : public Plasticity {
 public:
  VogelsSprekeler();
  std::pair<double, double> weight_range() const override {  // [0, Wmax], or [Wmax, 0] for inhibition
    const double wmax = param("Wmax");
    return wmax >= 0 ? std::pair<double, double>{0.0, wmax} : std::pair<double, double>{wmax, 0.0};
  }

 protected:
  void attach(Projection& proj, double dt, int64_t step) override;
  void step(Projection& proj, const StepInfo& info) override;

 private:
  struct Constants {
    double decay, eta, alpha, cap, sign;
    Visit visit;
  };
  Derived<Constants> constants_;
  const StateRef x_pre_, x_post_;
};

}  // namespace rules
}  // namespace snn
