// snn/neurons/lif_exp.h — NEST iaf_psc_exp (LIFExp): leaky integrate-and-fire with exponential currents.
//
//   dV/dt = -(V - E_L)/tau_m + (I_ex + I_in + I_e + I_ext)/C_m,   dI_x/dt = -I_x/tau_syn_x
//   a spike of weight w adds w [pA] to I_ex (w > 0) or I_in (w < 0)
// Exact integration (Rotter & Diesmann 1999); the step in snn/kernels/lif_exp_math.h.
// Parameters (each one value or one per neuron): NEST's membrane set (snn/neurons/iaf.h) and
// tau_syn_ex, tau_syn_in [ms]. State: V_m [mV], I_syn_ex, I_syn_in [pA], refractory_steps.
#pragma once

#include "snn/kernels/lif_exp_math.h"
#include "snn/neurons/iaf.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class LifExp : public Population {
 public:
  explicit LifExp(const ModelSpec& spec);
  int num_receptors() const override { return 2; }

 protected:
  void check_params(const ParamTable& p) const override { membrane_.check_reset_below_threshold(p, owner()); }
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  const MembraneIds membrane_;
  const ParamId tau_syn_ex_, tau_syn_in_;
  const StateRef V_m_, I_ex_, I_in_, refractory_;
  NeuronConstants<kernels::LifExpParams> constants_;
};

}  // namespace neurons
}  // namespace snn
