// snn/neurons/izhikevich.h — the Izhikevich (2003) neuron (Izhikevich; NEST alias izhikevich), integrated
// as in Izhikevich's published code, or as NEST's izhikevich (consistent_integration).
//
//   dv/dt = 0.04 v^2 + 5 v + 140 - u + I,   du/dt = a (b v - u),   v >= V_th (V_peak): v <- c, u <- u + d
// with I = I_e + I_ext + synaptic input + I_noise (U - 1/2) [v in mV, t in ms]; the step (two half
// steps of v, then u; or NEST's forward Euler step) in snn/kernels/izhikevich_math.h.
// Parameters (each one value or one per neuron, as in Izhikevich 2003's spnet): a, b, c [mV], d,
// V_th [mV], I_noise, I_e, V_min [mV]; consistent_integration (0: published, the default here; NEST's
// default is 1, which snn.nest uses). State: V_m [mV] (v), U_m (u); both reset to v = -65, u = b v.
#pragma once

#include "snn/kernels/izhikevich_math.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class Izhikevich : public Population {
 public:
  explicit Izhikevich(const ModelSpec& spec);

 protected:
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  const ParamId a_, b_, c_, d_, V_th_, I_noise_, I_e_, V_min_, consistent_;
  const StateRef V_m_, U_m_;
  NeuronConstants<kernels::IzhikevichParams> constants_;
};

}  // namespace neurons
}  // namespace snn
