// snn/plasticity/stdp.h — pair-based STDP (STDP; NEST alias stdp_synapse): BindsNET's PostPre and
// WeightDependentPostPre, with nearest-neighbour pairing and Diehl & Cook's (2015) variant as options.
//
//   pre spike of i:   w_ij -= nu_pre  x_post_j  [(w_ij - w_min) if multiplicative]
//   post spike of j:  w_ij += nu_post x_pre_i   [(w_max - w_ij) if multiplicative],  w clipped
// Equations and the per-synapse update: snn/kernels/stdp_math.h.
// Parameters: nu_pre, nu_post, tau_pre, tau_post, tau_post2 [ms], w_min, w_max, and the switches
// multiplicative, nearest, diehl_cook, event_driven. State: x_pre [B, N_pre], x_post, x_post2 [B, N_post].
#pragma once

#include "snn/plasticity/rule.h"

namespace snn {
namespace rules {

class Stdp : public Plasticity {
 public:
  Stdp();

 protected:
  void check_params(const ParamTable& p) const override;
  std::pair<double, double> weight_range() const override { return {param("w_min"), param("w_max")}; }
  void step(Projection& proj, const StepInfo& info) override;

 private:
  struct Constants {
    double d_pre, d_post, d_post2;  // trace decays per step
    double nu_pre, nu_post, w_min, w_max;
    bool dc, nearest, multiplicative;
    Visit visit;
  };
  Derived<Constants> constants_;
  const StateRef x_pre_, x_post_, x_post2_;
};

}  // namespace rules
}  // namespace snn
