// snn/neurons/registry.cpp — the model table (snn/neurons/registry.h).
#include "snn/neurons/registry.h"

#include "snn/errors.h"
#include "snn/neurons/adex.h"
#include "snn/neurons/aif2.h"
#include "snn/neurons/cond_lif.h"
#include "snn/neurons/izhikevich.h"
#include "snn/neurons/lif.h"
#include "snn/neurons/lif_alpha.h"
#include "snn/neurons/lif_exp.h"
#include "snn/neurons/parrot.h"
#include "snn/neurons/poisson.h"
#include "snn/neurons/poisson_dbl_exp.h"
#include "snn/neurons/spike_generator.h"
#include "snn/neurons/spike_input.h"

namespace snn {

namespace {
template <class Model>
std::unique_ptr<Population> make(const ModelSpec& spec) {
  return std::make_unique<Model>(spec);
}
}  // namespace

const std::vector<ModelInfo>& model_registry() {
  static const std::vector<ModelInfo> table = {
      {"LIF", "iaf_psc_delta", "leaky integrate-and-fire, delta synapses (voltage jumps)", &make<neurons::Lif>},
      {"LIFExp", "iaf_psc_exp", "leaky integrate-and-fire, exponential currents", &make<neurons::LifExp>},
      {"LIFAlpha", "iaf_psc_alpha", "leaky integrate-and-fire, alpha-shaped currents", &make<neurons::LifAlpha>},
      {"AdaptiveLIF", "", "LIF with an adaptive threshold (Diehl & Cook 2015, current-based)", &make<neurons::AdaptiveLif>},
      {"Izhikevich", "izhikevich", "Izhikevich (2003) neuron, the published integration", &make<neurons::Izhikevich>},
      {"PoissonInput", "poisson_generator", "Poisson spike sources", &make<neurons::PoissonSource>},
      {"Parrot", "parrot_neuron", "re-emits the spikes it receives", &make<neurons::Parrot>},
      {"AdEx", "aeif_cond_exp", "adaptive exponential integrate-and-fire, conductance-based (NEST aeif_cond_exp)",
       &make<neurons::Adex>},
      {"AIF2", "", "conductance LIF with NMDA, a dynamic threshold and adaptation (Auryn's AIF2Group; Zenke et al. 2015)",
       &make<neurons::Aif2>},
      {"ConductanceLIF", "", "conductance-based LIF with an adaptive threshold (Diehl & Cook 2015)", &make<neurons::ConductanceLif>},
      {"SpikeInput", "", "emits the spike counts given as run() input", &make<neurons::SpikeInput>},
      {"SpikeGeneratorInput", "spike_generator", "spikes at given times", &make<neurons::SpikeGenerator>},
      {"PoissonDblExp", "poisson_dbl_exp_neuron", "SPORE's stochastic neuron: double-exponential PSPs, exponential rate",
       &make<neurons::PoissonDblExp>},
  };
  return table;
}

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const ModelInfo& m : model_registry()) {
    out.push_back(m.name);
    if (!m.nest_name.empty()) out.push_back(m.nest_name);
  }
  return out;
}

const ModelInfo& find_model(const std::string& name) {
  for (const ModelInfo& m : model_registry()) {
    if (m.name == name || (!m.nest_name.empty() && m.nest_name == name)) return m;
  }
  throw_value_error("unknown model '", name, "'; models: ", join(model_names()));
}

std::unique_ptr<Population> make_population(const ModelSpec& spec, bool block) {
  const ModelInfo& info = find_model(spec.model);
  if (spec.n < 0 || (spec.n == 0 && !block)) throw_value_error(spec.model, ": the number of neurons n must be > 0, got ", spec.n);
  if (!spec.spike_times.empty() && info.name != "SpikeGeneratorInput") {
    throw_value_error(spec.model, " takes no spike_times (only SpikeGeneratorInput does)");
  }
  std::unique_ptr<Population> pop = info.make(spec);
  pop->set_params(spec.params);
  return pop;
}

ModelSpec block_of(const ModelSpec& spec, int64_t first, int64_t count) {
  ModelSpec part = spec;
  part.n = count;
  for (auto& [name, value] : part.params) value = value.part(first, count);  // (every process checked the whole spec)
  if (!spec.spike_times.empty()) {
    part.spike_times.assign(spec.spike_times.begin() + first, spec.spike_times.begin() + first + count);
  }
  return part;
}

}  // namespace snn
