// snn/plasticity/reward_stdp.h — reward-modulated STDP of Florian (2007), Neural Comput. 19:1468, in
// BindsNET's formulation: MSTDP and MSTDPET (with an eligibility trace).
//
//   P+ <- P+ exp(-h/tau_plus) + a_plus s_pre,  P- <- P- exp(-h/tau_minus) + a_minus s_post
//   zeta_ij = P+_i s_post_j + s_pre_i P-_j                  (the point eligibility)
//   MSTDP:   w += nu r(t) zeta(t - h)
//   MSTDPET: z <- z exp(-h/tau_z) + zeta(t - h)/tau_z,  w += nu h r(t) z
// r is the reward of each batch entry (signal "reward", a level); w clipped to [w_min, w_max].
// Per-synapse update: snn/kernels/reward_stdp_math.h.
// Parameters: nu, tau_plus, tau_minus [ms], a_plus, a_minus, w_min, w_max; MSTDP: event_driven;
// MSTDPET: tau_z [ms]. State: p_plus, prev_pre [B, N_pre], p_minus, prev_post [B, N_post]; MSTDPET: z
// [per synapse].
#pragma once

#include "snn/plasticity/rule.h"
#include "snn/spike_set.h"

namespace snn {
namespace rules {

class RewardStdp : public Plasticity {
 public:
  // trace: MSTDPET (with the eligibility trace z), else MSTDP.
  RewardStdp(bool trace, std::string signal);
  SignalKind signal_kind() const override { return SignalKind::Level; }

 protected:
  void check_params(const ParamTable& p) const override { check_bounds(p, "w_min", "w_max"); }
  std::pair<double, double> weight_range() const override { return {param("w_min"), param("w_max")}; }
  void step(Projection& proj, const StepInfo& info) override;

 private:
  struct Constants {
    double rate;                       // nu (MSTDP) or nu h (MSTDPET)
    double decay_z, inv_tau_z;         // MSTDPET: exp(-h/tau_z), 1/tau_z
    double decay_plus, decay_minus;    // P+ and P- per step
    double a_plus, a_minus, w_min, w_max;
    Visit visit;
  };
  Derived<Constants> constants_;
  const bool trace_;
  const StateRef p_plus_, p_minus_, prev_pre_, prev_post_, z_;
  SpikeSet prev_pre_set_, prev_post_set_;
};

}  // namespace rules
}  // namespace snn
