// snn/plasticity/orchestrated.h — orchestrated plasticity (OrchestratedPlasticity): Zenke, Agnes &
// Gerstner (2015), Nat. Commun. 6:6922, the excitatory rule of their memory network (Auryn's
// P10Connection; with homeostatic = 1 its P11Connection).
//
//   pre spike:   w <- max(w_min, w - (A_minus z_post m - delta))          (LTD, transmitter-induced delta)
//   post spike:  w <- clip(w + A_plus z_slow z_pre - beta z_post^3 (w - w~), w_min, w_max)
//                (triplet LTP; heterosynaptic term pulling w toward the consolidated w~)
//   every consolidation_interval Delta:
//                w~ <- w~ + Delta/tau_consolidation [(w - w~) + P (w_a - w~)(w_b - w~)(w_c - w~)]
// Traces +1 per spike, taken before this step's spikes enter them: z_pre (tau_plus), z_post (tau_minus),
// z_slow (tau_slow). m = (rbar/kappa)^2 with rbar the post neuron's rate [Hz] averaged over tau_hom
// (homeostatic = 1; starts at 1 Hz, as Auryn's), else 1. w_b = (w_a + w_c)/2.
// Per-synapse math: snn/kernels/orchestrated_math.h. Event-driven at spikes; the consolidation is a
// sweep over every synapse every Delta (1.2 s: 1 in 12000 steps at dt 0.1 ms).
// Parameters (defaults: models.md, the paper's run scripts): A_plus, A_minus 1e-3, delta 2e-5,
// beta 0.05, tau_plus 20, tau_minus 20, tau_slow 100 [ms], w_min 0, w_max 5, consolidation_interval
// 1200 ms, tau_consolidation 1.2e6 ms, w_a 0, w_c 0.5, P 17.0667, homeostatic 0, kappa 10 Hz,
// tau_hom 6e5 ms, event_driven. State: z_pre [B, N_pre], z_post, z_slow, rate_estimate [B, N_post],
// consolidated_weight per synapse (learned).
#pragma once

#include "snn/plasticity/rule.h"

namespace snn {
namespace rules {

class Orchestrated : public Plasticity {
 public:
  Orchestrated();

 protected:
  void check_params(const ParamTable& p) const override;
  std::pair<double, double> weight_range() const override { return {param("w_min"), param("w_max")}; }
  void attach(Projection& proj, double dt, int64_t step) override;
  void reset_state() override;
  void step(Projection& proj, const StepInfo& info) override;

 private:
  struct Constants {
    double decay_pre, decay_post, decay_slow, decay_hom, hom_jump;
    double A_plus, A_minus, delta, beta, inv_kappa, w_min, w_max;
    int64_t consolidation_steps;
    double consolidation_rate, P, w_a, w_b, w_c;
    bool homeostatic;
    Visit visit;
  };
  Derived<Constants> constants_;
  double dt_ = 0.0;  // set when attached: the grid consolidation_interval must lie on
  const StateRef z_pre_, z_post_, z_slow_, rbar_, w_cons_;
};

}  // namespace rules
}  // namespace snn
