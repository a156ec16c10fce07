// snn/neurons/adex.h — adaptive exponential integrate-and-fire with exponential conductances (AdEx;
// NEST alias aeif_cond_exp): Brette & Gerstner (2005).
//
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th)/Delta_T) - g_ex (V - E_ex) - g_in (V - E_in) - w + I_e
//   tau_w dw/dt = a (V - E_L) - w;  spike at V >= V_peak: V <- V_reset, w += b, refractory t_ref
// Adaptive RKF45 with NEST's error tolerance (gsl_error_tol) and spike handling inside the step:
// snn/kernels/adex_math.h. Parameters (NEST's names, units and defaults): C_m 281 pF, g_L 30 nS,
// E_L -70.6, V_th -50.4, Delta_T 2, V_peak 0, V_reset -60.0, E_ex 0, E_in -85 [mV], tau_w 144,
// t_ref 0, tau_syn_ex 0.2, tau_syn_in 2 [ms], a 4 nS, b 80.5 pA, I_e 0 pA, gsl_error_tol 1e-6.
// State: V_m [mV], w [pA], g_ex, g_in [nS], refractory_steps, integration_step [ms] (the RKF45 step
// size carried to the next step).
#pragma once

#include "snn/kernels/adex_math.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class Adex : public Population {
 public:
  explicit Adex(const ModelSpec& spec);
  int num_receptors() const override { return 2; }
  InputKind input_kind() const override { return InputKind::None; }
  static constexpr int32_t kMaxSubsteps = 100000;

 protected:
  void check_params(const ParamTable& p) const override;
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  const ParamId C_m_, g_L_, E_L_, V_th_, Delta_T_, tau_w_, a_, b_, V_peak_, V_reset_, t_ref_, E_ex_, E_in_, tau_syn_ex_,
      tau_syn_in_, I_e_, tol_;
  const StateRef V_m_, w_, g_ex_, g_in_, refractory_, hint_;
  NeuronConstants<kernels::AdexParams> constants_;
};

}  // namespace neurons
}  // namespace snn
