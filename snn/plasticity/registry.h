// snn/plasticity/registry.h — the table of learning rules: name, NEST alias, the signal it reads by
// default, factory. Network::connect() builds rules through it; the Python classes
// (python/snn/plasticity.py) and docs/plasticity.md are checked against it (tests/python/test_registry.py).
//
//  rule              NEST alias              signal     home (per-synapse math: snn/kernels/<rule>_math.h)
//  STDP              stdp_synapse            -          snn/plasticity/stdp.h
//  TripletSTDP       stdp_triplet_synapse    -          snn/plasticity/triplet_stdp.h
//  DopamineSTDP      stdp_dopamine_synapse   dopamine   snn/plasticity/dopamine_stdp.h
//  IzhikevichDASTDP  -                       dopamine   snn/plasticity/izhikevich_da_stdp.h
//  MSTDP, MSTDPET    -                       reward     snn/plasticity/reward_stdp.h
// Adding a rule: its math header, its home here (a .h/.cpp pair) and one line in rule_registry()
// (docs/engine.md, "Adding a learning rule").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "snn/plasticity/rule.h"

namespace snn {

struct RuleInfo {
  std::string name;       // snn's name ("STDP")
  std::string nest_name;  // NEST's synapse model ("stdp_synapse"), or ""
  std::string signal;     // the neuromodulator read by default ("" for two-factor rules)
  std::string summary;    // one line, for listings
  std::unique_ptr<Plasticity> (*make)(const std::string& signal);
};

const std::vector<RuleInfo>& rule_registry();
// The entry for a name or NEST alias; ValueError listing every rule for an unknown one.
const RuleInfo& find_rule(const std::string& name);
// Builds a rule from a spec (ValueError for an unknown rule, parameter or value).
std::unique_ptr<Plasticity> make_plasticity(const PlasticitySpec& spec);
// Rule names and NEST aliases.
std::vector<std::string> plasticity_rules();

// C++ helpers mirroring the Python classes.
inline PlasticitySpec STDP(ParamMap p = {}) { return {"STDP", std::move(p), ""}; }
inline PlasticitySpec TripletSTDP(ParamMap p = {}) { return {"TripletSTDP", std::move(p), ""}; }
inline PlasticitySpec DopamineSTDP(ParamMap p = {}, std::string signal = "dopamine") {
  return {"DopamineSTDP", std::move(p), std::move(signal)};
}
inline PlasticitySpec IzhikevichDASTDP(ParamMap p = {}, std::string signal = "dopamine") {
  return {"IzhikevichDASTDP", std::move(p), std::move(signal)};
}
inline PlasticitySpec MSTDP(ParamMap p = {}, std::string signal = "reward") { return {"MSTDP", std::move(p), std::move(signal)}; }
inline PlasticitySpec MSTDPET(ParamMap p = {}, std::string signal = "reward") {
  return {"MSTDPET", std::move(p), std::move(signal)};
}

}  // namespace snn
