// snn/plasticity/synaptic_sampling.h — reward-based synaptic sampling (SynapticSampling; SPORE alias
// synaptic_sampling_rewardgradient_connection), Kappel et al. (2018), eNeuro 5:e0301-17.
//
//   de/dt = -e/tau_e + w y bap,   dg/dt = -g/tau_g + dopa e,
//   dtheta = beta (c_p (mu - theta) + c_g g + c_e dopa e) dt + sqrt(2 T beta) dW,
//   w = w0 exp(theta - theta0) for theta >= 0, else 0 (retracted; it may come back)
// y: the presynaptic spikes filtered by the double-exponential PSP (psp_tau_rise, psp_tau_fall); bap:
// the postsynaptic neuron's spikes minus its spike probability (a PoissonDblExp target); dopa: the
// reward signal ("reward", a level per batch entry). e, g (and y) every step; theta and w every
// weight_update_interval (a multiple of dt), with gradient clipping (max_param_change), parameter
// clipping (min_param, max_param) and noise from the counter-based generator. Per-synapse math:
// snn/kernels/synaptic_sampling_math.h.
// Parameters (SPORE's names and defaults): learning_rate (beta), temperature (T), gradient_noise (T_g),
// episode_length (tau_e), integration_time (tau_g), psp_tau_rise, psp_tau_fall, psp_cutoff_amplitude,
// weight_update_interval [ms], max_param, min_param, max_param_change, direct_gradient_rate (c_e),
// gradient_scale (c_g), parameter_mapping_offset (theta0), weight_scale (w0), prior_mean (mu),
// prior_precision (c_p), simulate_retracted_synapses. State: synaptic_parameter (theta, learned: kept by
// reset_state), eligibility_trace, reward_gradient [per synapse], psp_facilitation, psp_depression
// [per pre neuron]. theta starts at theta0 + ln(w / w0) of each synapse's initial weight (> 0).
#pragma once

#include <limits>

#include "snn/kernels/synaptic_sampling_math.h"
#include "snn/plasticity/rule.h"

namespace snn {
namespace rules {

class SynapticSampling : public Plasticity {
 public:
  explicit SynapticSampling(std::string signal);
  SignalKind signal_kind() const override { return SignalKind::Level; }
  bool reads_target_state() const override { return true; }  // the target's 'bap' each step
  std::pair<double, double> weight_range() const override { return {0.0, std::numeric_limits<double>::infinity()}; }

 protected:
  void check_params(const ParamTable& p) const override;
  void attach(Projection& proj, double dt, int64_t step) override;
  void reset_state() override;
  void step(Projection& proj, const StepInfo& info) override;

 private:
  // Everything a step reads from the parameters, derived when they (or dt) change.
  struct Constants {
    double decay_e, decay_g, decay_f, decay_r, psp_scale, cutoff, direct;
    int64_t update_steps;
    bool retracted_too;                                     // simulate_retracted_synapses
    kernels::SynapticSamplingUpdateParams<double> update;  // the theta and w update
  };
  Derived<Constants> constants_;
  const StateRef theta_, e_, g_, f_, r_;
  const at::Tensor* bap_ = nullptr;  // the postsynaptic population's bap [B, N_post]
  at::Tensor y_;                     // [B, N_pre]: this step's scaled PSP trace
  double dt_ = 0.0;                  // once attached: update intervals are checked against it
};

}  // namespace rules
}  // namespace snn
