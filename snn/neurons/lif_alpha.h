// snn/neurons/lif_alpha.h — NEST iaf_psc_alpha (LIFAlpha): leaky integrate-and-fire with alpha-shaped
// currents (PyNEST's default neuron).
//
//   dV/dt = -(V - E_L)/tau_m + (I_ex + I_in + I_e + I_ext)/C_m
//   a spike of weight w [pA] makes the current w (t/tau_syn) e^(1 - t/tau_syn), peaking at w after
//   tau_syn; w > 0 excitatory, w < 0 inhibitory
// Exact integration (Rotter & Diesmann 1999); the step in snn/kernels/lif_alpha_math.h.
// Parameters (each one value or one per neuron): as LIFExp (snn/neurons/lif_exp.h).
// State: V_m [mV], I_syn_ex, I_syn_in [pA], dI_syn_ex, dI_syn_in [pA/ms], refractory_steps.
#pragma once

#include "snn/kernels/lif_alpha_math.h"
#include "snn/neurons/iaf.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class LifAlpha : public Population {
 public:
  explicit LifAlpha(const ModelSpec& spec);
  int num_receptors() const override { return 2; }

 protected:
  void check_params(const ParamTable& p) const override { membrane_.check_reset_below_threshold(p, owner()); }
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  const MembraneIds membrane_;
  const ParamId tau_syn_ex_, tau_syn_in_;
  const StateRef V_m_, I_ex_, I_in_, dI_ex_, dI_in_, refractory_;
  NeuronConstants<kernels::LifAlphaParams> constants_;
};

}  // namespace neurons
}  // namespace snn
