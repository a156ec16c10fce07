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

namespace snn {
namespace neurons {

class LifExp : public IafWithCurrents {
 public:
  explicit LifExp(const ModelSpec& spec) : IafWithCurrents(spec, "LIFExp") {}

 protected:
  void integrate(const StepContext& ctx) override;

 private:
  NeuronConstants<kernels::LifExpParams> constants_;
};

}  // namespace neurons
}  // namespace snn
