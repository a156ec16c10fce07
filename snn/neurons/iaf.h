// snn/neurons/iaf.h — what NEST's integrate-and-fire models (LIF, AdaptiveLIF, LIFExp, LIFAlpha) share:
// the membrane parameters with NEST's names, units and defaults, and their reading into a kernel's
// parameter struct.
//   C_m [pF], tau_m [ms], t_ref [ms] (rounded to whole steps, as NEST), E_L [mV], V_th [mV],
//   V_reset [mV], I_e [pA]; with synaptic currents tau_syn_ex, tau_syn_in [ms]
#pragma once

#include <string>
#include <vector>

#include "snn/params.h"
#include "snn/population.h"
#include "snn/time_grid.h"

namespace snn {
namespace neurons {

struct MembraneDefaults {
  double tau_m, t_ref, E_L, V_th, V_reset;
};

// C_m, tau_m, t_ref, E_L, V_th, V_reset, I_e with the given defaults (NEST's iaf_psc_* by default).
std::vector<ParamSpec> membrane_params(const MembraneDefaults& d = {10.0, 2.0, -70.0, -55.0, -70.0});

// The same with the two synaptic time constants tau_syn_ex, tau_syn_in [ms] (iaf_psc_exp, iaf_psc_alpha).
std::vector<ParamSpec> membrane_and_synapse_params();

// The membrane parameters' places in a population's table.
struct MembraneIds {
  ParamId C_m, tau_m, t_ref, E_L, V_th, V_reset, I_e;
  explicit MembraneIds(const ParamTable& t);
  // E_L, V_th, V_reset, I_e and refractory_steps = round(t_ref / h) of one neuron into a kernel struct.
  template <typename U, class P>
  void fill(P& p, const ParamRow& r, double h) const {
    p.E_L = static_cast<U>(r[E_L]);
    p.V_th = static_cast<U>(r[V_th]);
    p.V_reset = static_cast<U>(r[V_reset]);
    p.I_e = static_cast<U>(r[I_e]);
    p.refractory_steps = static_cast<int32_t>(nearest_steps(r[t_ref], h));
  }
  // ValueError unless V_reset < V_th at every neuron.
  void check_reset_below_threshold(const ParamTable& p, const std::string& owner) const;
};

// NEST's integrate-and-fire models with synaptic currents (iaf_psc_exp, iaf_psc_alpha): the membrane
// and synapse parameters, the state V_m [mV], I_syn_ex, I_syn_in [pA], refractory_steps, and two
// receptors (w > 0 feeds the excitatory current, w < 0 the inhibitory one). The model adds its step.
class IafWithCurrents : public Population {
 public:
  int num_receptors() const override { return 2; }

 protected:
  IafWithCurrents(const ModelSpec& spec, std::string model);
  void check_params(const ParamTable& p) const override { membrane_.check_reset_below_threshold(p, owner()); }
  // V_m = E_L (per neuron), currents and refractoriness 0.
  void reset_dynamic_state() override;

  const MembraneIds membrane_;
  const ParamId tau_syn_ex_, tau_syn_in_;
  const StateRef V_m_, I_ex_, I_in_, refractory_;
};

}  // namespace neurons
}  // namespace snn
