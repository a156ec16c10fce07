// snn/neurons/poisson_dbl_exp.h — SPORE's stochastic neuron (PoissonDblExp; alias poisson_dbl_exp_neuron).
//
//   V = sum of double-exponential PSPs (excitatory tau_rise_exc / tau_fall_exc, inhibitory tau_rise_inh /
//       tau_fall_inh, each normalised by tau_fall / (tau_fall - tau_rise)) + input_conductance (I_ext + I_e)
//   rate = c1 (V - theta) + c2 exp(c3 (V - theta)) [Hz]; spike with probability 1 - exp(-rate h / 1000)
//   (a Poisson count without dead time); dead_time [ms] after a spike; with_reset zeroes V and the PSPs.
//   theta: adaptive threshold, -1e-3 h target_rate speed per step, + speed per spike (speed =
//   target_adaptation_speed; 0, SPORE's default, keeps theta fixed).
// The step: snn/kernels/poisson_dbl_exp_math.h. Weights > 0 feed the excitatory PSPs, < 0 the inhibitory
// ones (SPORE routes by receptor port; its inhibitory inputs carry negative weights). Parameters (SPORE's
// names and defaults, each one value or one per neuron): dead_time, with_reset (one value), c_1, c_2,
// c_3, I_e, tau_rise_exc, tau_fall_exc, tau_rise_inh, tau_fall_inh, input_conductance, target_rate,
// target_adaptation_speed. State: V_m, the four PSP traces, adaptive_threshold (learned: kept by
// reset_state), dead_steps, bap (spikes minus spike probability of the last step, for SynapticSampling).
#pragma once

#include "snn/kernels/poisson_dbl_exp_math.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class PoissonDblExp : public Population {
 public:
  explicit PoissonDblExp(const ModelSpec& spec);
  int num_receptors() const override { return 2; }

 protected:
  void check_params(const ParamTable& p) const override;
  void reset_dynamic_state() override;
  void reset_learned_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  const ParamId dead_time_, with_reset_, c_1_, c_2_, c_3_, I_e_, tau_rise_exc_, tau_fall_exc_, tau_rise_inh_,
      tau_fall_inh_, conductance_, target_rate_, speed_;
  const StateRef V_m_, rise_exc_, fall_exc_, rise_inh_, fall_inh_, threshold_, dead_, bap_;
  NeuronConstants<kernels::PoissonDblExpParams> constants_;
};

}  // namespace neurons
}  // namespace snn
