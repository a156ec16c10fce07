// snn/neurons/cond_lif.h — conductance-based leaky integrate-and-fire with an adaptive threshold
// (ConductanceLIF): the excitatory and inhibitory neurons of Diehl & Cook (2015).
//
//   tau_m dV/dt = (E_L - V) + g_ex (E_ex - V) + g_in (E_in - V),   dg_x/dt = -g_x/tau_syn_x
//   w > 0 adds w to g_ex, w < 0 adds |w| to g_in; threshold V_th + theta, theta += theta_plus per spike
// Exponential Euler with each conductance's mean over the step (snn/kernels/cond_lif_math.h).
// Parameters (each one value or one per neuron; defaults: their excitatory neuron): tau_m [ms], E_L,
// E_ex, E_in, V_th, V_reset [mV], tau_syn_ex, tau_syn_in, t_ref, t_lock [ms], theta_plus [mV],
// tau_theta [ms], and the switch one_spike. State: V_m [mV], g_ex, g_in, refractory_steps, theta [mV]
// (learned).
#pragma once

#include "snn/kernels/cond_lif_math.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class ConductanceLif : public Population {
 public:
  explicit ConductanceLif(const ModelSpec& spec);
  int num_receptors() const override { return 2; }
  InputKind input_kind() const override { return InputKind::None; }

 protected:
  void check_params(const ParamTable& p) const override;
  void reset_dynamic_state() override;
  void reset_learned_state() override { state(theta_).zero_(); }
  void integrate(const StepContext& ctx) override;

 private:
  const ParamId tau_m_, E_L_, E_ex_, E_in_, tau_syn_ex_, tau_syn_in_, V_th_, V_reset_, t_ref_, t_lock_, theta_plus_,
      tau_theta_, one_spike_;
  const StateRef V_m_, g_ex_, g_in_, refractory_, theta_;
  NeuronConstants<kernels::CondLifParams> constants_;
};

}  // namespace neurons
}  // namespace snn
