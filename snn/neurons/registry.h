// snn/neurons/registry.h — the table of neuron models and spike sources: name, NEST alias, summary,
// factory. Network::add() builds populations through it; the Python classes (python/snn/neurons.py)
// and docs/models.md are derived from it or checked against it (tests/python/test_registry.py).
//
//  model                NEST alias          home (equations: snn/kernels/<model>_math.h)
//  LIF                  iaf_psc_delta       snn/neurons/lif.h
//  AdaptiveLIF          -                   snn/neurons/lif.h
//  LIFExp               iaf_psc_exp         snn/neurons/lif_exp.h
//  LIFAlpha             iaf_psc_alpha       snn/neurons/lif_alpha.h
//  Izhikevich           izhikevich          snn/neurons/izhikevich.h
//  ConductanceLIF       -                   snn/neurons/cond_lif.h
//  PoissonInput         poisson_generator   snn/neurons/poisson.h
//  SpikeGeneratorInput  spike_generator     snn/neurons/spike_generator.h
//  Parrot               parrot_neuron       snn/neurons/parrot.h
//  SpikeInput           -                   snn/neurons/spike_input.h
// Adding a model: its math header, its home here (a .h/.cpp pair to copy from the closest model) and
// one line in model_registry() (docs/engine.md, "Adding a neuron model").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "snn/population.h"

namespace snn {

struct ModelInfo {
  std::string name;       // snn's name ("LIF")
  std::string nest_name;  // NEST's model name ("iaf_psc_delta"), or "" when NEST has none
  std::string summary;    // one line, for listings
  std::unique_ptr<Population> (*make)(const ModelSpec&);
};

const std::vector<ModelInfo>& model_registry();
// The entry for a name or NEST alias; ValueError listing every name for an unknown one.
const ModelInfo& find_model(const std::string& name);
// Builds a population from a spec. Throws ValueError for an unknown model, an unknown parameter,
// or a value that fails its check (naming the parameter, the neuron and the value). `block`: the spec
// is a distributed network's block of a population (block_of), which may hold no neuron.
std::unique_ptr<Population> make_population(const ModelSpec& spec, bool block = false);
// Neurons [first, first + count) of a checked spec (a distributed network's block): per-neuron
// parameters and spike times sliced.
ModelSpec block_of(const ModelSpec& spec, int64_t first, int64_t count);
// Model names and NEST aliases, for error messages and documentation.
std::vector<std::string> model_names();

// C++ helpers that mirror the Python classes: snn::LIF(100, {{"tau_m", 20.0}}).
inline ModelSpec LIF(int64_t n, ParamMap p = {}) { return {"LIF", n, std::move(p), {}}; }
inline ModelSpec LIFExp(int64_t n, ParamMap p = {}) { return {"LIFExp", n, std::move(p), {}}; }
inline ModelSpec LIFAlpha(int64_t n, ParamMap p = {}) { return {"LIFAlpha", n, std::move(p), {}}; }
inline ModelSpec AdaptiveLIF(int64_t n, ParamMap p = {}) { return {"AdaptiveLIF", n, std::move(p), {}}; }
inline ModelSpec Izhikevich(int64_t n, ParamMap p = {}) { return {"Izhikevich", n, std::move(p), {}}; }
inline ModelSpec PoissonInput(int64_t n, ParamMap p = {}) { return {"PoissonInput", n, std::move(p), {}}; }
inline ModelSpec Parrot(int64_t n) { return {"Parrot", n, {}, {}}; }
inline ModelSpec ConductanceLIF(int64_t n, ParamMap p = {}) { return {"ConductanceLIF", n, std::move(p), {}}; }
inline ModelSpec SpikeInput(int64_t n) { return {"SpikeInput", n, {}, {}}; }
inline ModelSpec PoissonDblExp(int64_t n, ParamMap p = {}) { return {"PoissonDblExp", n, std::move(p), {}}; }
inline ModelSpec AIF2(int64_t n, ParamMap p = {}) { return {"AIF2", n, std::move(p), {}}; }
inline ModelSpec AdEx(int64_t n, ParamMap p = {}) { return {"AdEx", n, std::move(p), {}}; }
inline ModelSpec SpikeGeneratorInput(int64_t n, std::vector<std::vector<double>> spike_times) {
  return {"SpikeGeneratorInput", n, {}, std::move(spike_times)};
}

}  // namespace snn
