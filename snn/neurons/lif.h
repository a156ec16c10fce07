// snn/neurons/lif.h — leaky integrate-and-fire with delta synapses: NEST iaf_psc_delta (LIF), and the
// adaptive-threshold neuron of Diehl & Cook (2015) on the same membrane (AdaptiveLIF).
//
//   dV/dt = -(V - E_L)/tau_m + (I_e + I_ext)/C_m,  a spike of weight w makes V jump by w [mV]
//   V >= V_th (+ theta): spike, V <- V_reset, refractory for round(t_ref/h) steps (input discarded)
//   AdaptiveLIF: theta += theta_plus at each spike while learning, theta decays with tau_theta
// Exact integration; the step in snn/kernels/lif_math.h.
// Parameters (each one value or one per neuron): C_m [pF], tau_m [ms], t_ref [ms], E_L, V_th, V_reset
// [mV], I_e [pA]; AdaptiveLIF adds theta_plus [mV], tau_theta [ms] and the switch one_spike.
// State: V_m [mV], refractory_steps; AdaptiveLIF adds theta [mV] (learned: kept by reset_state()).
#pragma once

#include "snn/kernels/lif_math.h"
#include "snn/neurons/iaf.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class Lif : public Population {
 public:
  explicit Lif(const ModelSpec& spec) : Lif(spec, "LIF", membrane_params()) {}

 protected:
  Lif(const ModelSpec& spec, std::string model, std::vector<ParamSpec> params);
  void check_params(const ParamTable& p) const override { membrane_.check_reset_below_threshold(p, owner()); }
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;
  // One neuron's LifParams (the membrane and its propagators).
  template <typename U>
  void fill(kernels::LifParams<U>& p, const ParamRow& r) const;

  const MembraneIds membrane_;
  const StateRef V_m_, refractory_;

 private:
  NeuronConstants<kernels::LifParams> constants_;
};

class AdaptiveLif : public Lif {
 public:
  explicit AdaptiveLif(const ModelSpec& spec);

 protected:
  void reset_learned_state() override { state(theta_).zero_(); }
  void integrate(const StepContext& ctx) override;

 private:
  const ParamId theta_plus_, tau_theta_, one_spike_;
  const StateRef theta_;
  NeuronConstants<kernels::AdaptiveLifParams> constants_;
};

}  // namespace neurons
}  // namespace snn
