// snn/neurons/lif_alpha.h — NEST iaf_psc_alpha (LIFAlpha): leaky integrate-and-fire with alpha-shaped
// currents (PyNEST's default neuron).
//
//   dV/dt = -(V - E_L)/tau_m + (I_ex + I_in + I_e + I_ext)/C_m
//   a spike of weight w [pA] makes the current w (t/tau_syn) e^(1 - t/tau_syn), peaking at w after
//   tau_syn; w > 0 excitatory, w < 0 inhibitory
// Exact integration (Rotter & Diesmann 1999); the step in snn/kernels/lif_alpha_math.h.
// Parameters (each one value or one per neuron): as LIFExp (snn/neurons/lif_exp.h).
// State: V_m [mV], I_syn_ex, I_syn_in [pA], refractory_steps, dI_syn_ex, dI_syn_in [pA/ms].
#pragma once

#include "snn/kernels/lif_alpha_math.h"
#include "snn/neurons/iaf.h"

namespace snn {
namespace neurons {

class LifAlpha : public IafWithCurrents {
 public:
  explicit LifAlpha(const ModelSpec& spec);

 protected:
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  const StateRef dI_ex_, dI_in_;
  NeuronConstants<kernels::LifAlphaParams> constants_;
};

}  // namespace neurons
}  // namespace snn
