// snn/neurons/iaf.cpp — the membrane parameters of NEST's integrate-and-fire models (snn/neurons/iaf.h).
#include "snn/neurons/iaf.h"

#include "snn/errors.h"

namespace snn {
namespace neurons {

std::vector<ParamSpec> membrane_params(const MembraneDefaults& d) {
  return {
      {"C_m", 250.0, "pF", Constraint::Positive, "membrane capacitance"},
      {"tau_m", d.tau_m, "ms", Constraint::Positive, "membrane time constant"},
      {"t_ref", d.t_ref, "ms", Constraint::NonNegative, "refractory period (rounded to whole steps)"},
      {"E_L", d.E_L, "mV", Constraint::Finite, "resting potential"},
      {"V_th", d.V_th, "mV", Constraint::Finite, "spike threshold"},
      {"V_reset", d.V_reset, "mV", Constraint::Finite, "reset potential"},
      {"I_e", 0.0, "pA", Constraint::Finite, "constant input current"},
  };
}

std::vector<ParamSpec> membrane_and_synapse_params() {
  std::vector<ParamSpec> p = membrane_params();
  p.insert(p.begin() + 2, {"tau_syn_ex", 2.0, "ms", Constraint::Positive, "excitatory synaptic time constant"});
  p.insert(p.begin() + 3, {"tau_syn_in", 2.0, "ms", Constraint::Positive, "inhibitory synaptic time constant"});
  return p;
}

MembraneIds::MembraneIds(const ParamTable& t)
    : C_m(t.id("C_m")),
      tau_m(t.id("tau_m")),
      t_ref(t.id("t_ref")),
      E_L(t.id("E_L")),
      V_th(t.id("V_th")),
      V_reset(t.id("V_reset")),
      I_e(t.id("I_e")) {}

void MembraneIds::check_reset_below_threshold(const ParamTable& p, const std::string& owner) const {
  check_ordered(p, V_reset, V_th, owner);
}

IafWithCurrents::IafWithCurrents(const ModelSpec& spec, std::string model)
    : Population(std::move(model), spec.n, membrane_and_synapse_params()),
      membrane_(params()),
      tau_syn_ex_(param_id("tau_syn_ex")),
      tau_syn_in_(param_id("tau_syn_in")),
      V_m_(declare_state("V_m", "mV")),
      I_ex_(declare_state("I_syn_ex", "pA")),
      I_in_(declare_state("I_syn_in", "pA")),
      refractory_(declare_state("refractory_steps", "steps", false, at::kInt)) {}

void IafWithCurrents::reset_dynamic_state() {
  fill_state(V_m_, membrane_.E_L);
  for (StateRef s : {I_ex_, I_in_, refractory_}) state(s).zero_();
}

}  // namespace neurons
}  // namespace snn
