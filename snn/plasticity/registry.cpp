// snn/plasticity/registry.cpp — the rule table (snn/plasticity/registry.h).
#include "snn/plasticity/registry.h"

#include "snn/errors.h"
#include "snn/plasticity/dopamine_stdp.h"
#include "snn/plasticity/izhikevich_da_stdp.h"
#include "snn/plasticity/orchestrated.h"
#include "snn/plasticity/reward_stdp.h"
#include "snn/plasticity/stdp.h"
#include "snn/plasticity/synaptic_sampling.h"
#include "snn/plasticity/triplet_stdp.h"
#include "snn/plasticity/vogels_sprekeler.h"

namespace snn {

const std::vector<RuleInfo>& rule_registry() {
  using namespace rules;
  using Made = std::unique_ptr<Plasticity>;
  static const std::vector<RuleInfo> table = {
      {"STDP", "stdp_synapse", "", "pair-based STDP (BindsNET's PostPre; Diehl & Cook's variant)",
       [](const std::string&) -> Made { return std::make_unique<Stdp>(); }},
      {"TripletSTDP", "stdp_triplet_synapse", "", "triplet STDP (Pfister & Gerstner 2006)",
       [](const std::string&) -> Made { return std::make_unique<TripletStdp>(); }},
      {"DopamineSTDP", "stdp_dopamine_synapse", "dopamine", "dopamine-modulated STDP (NEST, NESTML)",
       [](const std::string& s) -> Made { return std::make_unique<DopamineStdp>(s); }},
      {"IzhikevichDASTDP", "", "dopamine", "dopamine-modulated STDP of Izhikevich (2007)",
       [](const std::string& s) -> Made { return std::make_unique<IzhikevichDaStdp>(s); }},
      {"MSTDP", "", "reward", "reward-modulated STDP (Florian 2007)",
       [](const std::string& s) -> Made { return std::make_unique<RewardStdp>(false, s); }},
      {"MSTDPET", "", "reward", "reward-modulated STDP with an eligibility trace (Florian 2007)",
       [](const std::string& s) -> Made { return std::make_unique<RewardStdp>(true, s); }},
      {"SynapticSampling", "synaptic_sampling_rewardgradient_connection", "reward",
       "reward-based synaptic sampling (SPORE; Kappel et al. 2018)",
       [](const std::string& s) -> Made { return std::make_unique<SynapticSampling>(s); }},
      {"OrchestratedPlasticity", "", "", "triplet, heterosynaptic and transmitter-induced plasticity with consolidation (Zenke et al. 2015)",
       [](const std::string&) -> Made { return std::make_unique<Orchestrated>(); }},
      {"VogelsSprekeler", "vogels_sprekeler_synapse", "", "inhibitory STDP toward a target rate (Vogels et al. 2011)",
       [](const std::string&) -> Made { return std::make_unique<VogelsSprekeler>(); }},
  };
  return table;
}

std::vector<std::string> plasticity_rules() {
  std::vector<std::string> out;
  for (const RuleInfo& r : rule_registry()) {
    out.push_back(r.name);
    if (!r.nest_name.empty()) out.push_back(r.nest_name);
  }
  return out;
}

const RuleInfo& find_rule(const std::string& name) {
  for (const RuleInfo& r : rule_registry()) {
    if (r.name == name || (!r.nest_name.empty() && r.nest_name == name)) return r;
  }
  throw_value_error("unknown plasticity rule '", name, "'; rules: ", join(plasticity_rules()));
}

std::unique_ptr<Plasticity> make_plasticity(const PlasticitySpec& spec) {
  const RuleInfo& info = find_rule(spec.rule);
  if (!spec.signal.empty() && info.signal.empty()) {
    throw_value_error(spec.rule, " reads no neuromodulator; got signal '", spec.signal, "'");
  }
  std::unique_ptr<Plasticity> rule = info.make(spec.signal.empty() ? info.signal : spec.signal);
  rule->set_params(spec.params);
  return rule;
}

}  // namespace snn
