// snn/plasticity/triplet_stdp.h — triplet STDP (TripletSTDP; NEST alias stdp_triplet_synapse): Pfister &
// Gerstner (2006), minimal all-to-all model; defaults: their visual cortex fit (Table 4).
//
//   pre spike:   w -= o1 (A2_minus + A3_minus r2)      post spike:  w += r1 (A2_plus + A3_plus o2)
// with the traces taken just before this step's spikes enter them; w clipped to [w_min, w_max].
// Per-synapse update: snn/kernels/triplet_stdp_math.h.
// Parameters: tau_plus, tau_x, tau_minus, tau_y [ms], A2_plus, A3_plus, A2_minus, A3_minus, w_min, w_max,
// event_driven. State: r1, r2 [B, N_pre], o1, o2 [B, N_post].
#pragma once

#include "snn/plasticity/rule.h"

namespace snn {
namespace rules {

class TripletStdp : public Plasticity {
 public:
  TripletStdp();

 protected:
  void check_params(const ParamTable& p) const override { check_bounds(p, "w_min", "w_max"); }
  std::pair<double, double> weight_range() const override { return {param("w_min"), param("w_max")}; }
  void step(Projection& proj, const StepInfo& info) override;

 private:
  struct Constants {
    double decay[4];  // r1, r2, o1, o2 per step
    double A2_plus, A3_plus, A2_minus, A3_minus, w_min, w_max;
    Visit visit;
  };
  Derived<Constants> constants_;
  const StateRef r1_, r2_, o1_, o2_;
};

}  // namespace rules
}  // namespace snn
