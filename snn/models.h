// snn/models.h — the neuron models and spike sources of snn, and the factory that builds them by name.
//
//  model                NEST alias          equations in
//  LIF                  iaf_psc_delta       snn/kernels/lif_math.h
//  LIFExp               iaf_psc_exp         snn/kernels/lif_exp_math.h
//  LIFAlpha             iaf_psc_alpha       snn/kernels/lif_alpha_math.h
//  AdaptiveLIF          (Diehl & Cook 2015) snn/kernels/lif_math.h
//  Izhikevich           izhikevich          snn/kernels/izhikevich_math.h
//  PoissonInput         poisson_generator   snn/kernels/input_math.h
//  SpikeGeneratorInput  spike_generator     snn/kernels/input_math.h
//  Parrot               parrot_neuron       snn/kernels/input_math.h
//  ConductanceLIF       (Diehl & Cook 2015) snn/kernels/cond_lif_math.h
//  SpikeInput           -                   replays spike tensors (snn/encoders.h)
//
// Parameters keep NEST's names, units and defaults where the model comes from NEST:
//   C_m [pF], tau_m [ms], E_L [mV], V_th [mV], V_reset [mV], t_ref [ms], I_e [pA],
//   tau_syn_ex / tau_syn_in [ms]; membrane potential state V_m [mV].
// t_ref is rounded to whole steps (NEST does the same).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "snn/kernels/cond_lif_math.h"
#include "snn/kernels/izhikevich_math.h"
#include "snn/kernels/lif_alpha_math.h"
#include "snn/kernels/lif_exp_math.h"
#include "snn/kernels/lif_math.h"
#include "snn/params.h"
#include "snn/population.h"

namespace snn {

// Builds a population from a spec. Throws ValueError for an unknown model, an unknown parameter,
// or a value that fails its check (naming the parameter and the value).
std::unique_ptr<Population> make_population(const ModelSpec& spec);
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
inline ModelSpec SpikeGeneratorInput(int64_t n, std::vector<std::vector<double>> spike_times) {
  return {"SpikeGeneratorInput", n, {}, std::move(spike_times)};
}

namespace models {

// NEST iaf_psc_delta.
class Lif : public Population {
 public:
  explicit Lif(int64_t n, const std::string& model = "LIF");

 protected:
  void check_params(const ParamTable& p) const override;
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;
  template <typename T>
  const kernels::LifParams<T>& kernel_params();

 private:
  DerivedParams<kernels::LifParams> kernel_params_;
};

// Diehl & Cook (2015) adaptive threshold on an iaf_psc_delta membrane.
class AdaptiveLif : public Lif {
 public:
  explicit AdaptiveLif(int64_t n);

 protected:
  void reset_learned_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  DerivedParams<kernels::AdaptiveParams> adaptive_params_;
  Derived<bool> one_spike_;
};

// NEST iaf_psc_exp.
class LifExp : public Population {
 public:
  explicit LifExp(int64_t n);
  int num_receptors() const override { return 2; }

 protected:
  void check_params(const ParamTable& p) const override;
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  DerivedParams<kernels::LifExpParams> kernel_params_;
};

// NEST iaf_psc_alpha.
class LifAlpha : public Population {
 public:
  explicit LifAlpha(int64_t n);
  int num_receptors() const override { return 2; }

 protected:
  void check_params(const ParamTable& p) const override;
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  DerivedParams<kernels::LifAlphaParams> kernel_params_;
};

// Izhikevich (2003), integrated as in the published code.
class Izhikevich : public Population {
 public:
  explicit Izhikevich(int64_t n);

 protected:
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  template <typename T>
  struct Constants {
    kernels::IzhikevichParams<T> p;
    T noise;  // I_noise
  };
  DerivedParams<Constants> constants_;
};

// NEST poisson_generator, one independent generator per neuron and batch entry.
class PoissonSource : public Population {
 public:
  explicit PoissonSource(int64_t n);
  InputKind input_kind() const override { return InputKind::Rate; }
  bool receives_spikes() const override { return false; }

 protected:
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  at::Tensor lambda_;   // rate h [B, N] float64 for the current run (fixed rates)
  at::Tensor budget_;   // [B, N] float64 time-rescaling budgets (kernels::PoissonStep)
  bool silent_run_ = false;  // every fixed rate of this run is 0
  at::Tensor inverse_;  // 1/k, k < kernels::kPoissonTerms (1/0 = inf is never read)
  at::Tensor table_;    // CDF and guide table when all neurons share one mean (else undefined)
  at::Tensor guide_;    // the guide part as int32
  int64_t table_length_ = 0, table_size_ = 0;
};

// Conductance-based LIF with an adaptive threshold (Diehl & Cook 2015); defaults: their excitatory neuron.
class ConductanceLif : public Population {
 public:
  explicit ConductanceLif(int64_t n);
  int num_receptors() const override { return 2; }
  InputKind input_kind() const override { return InputKind::None; }

 protected:
  void check_params(const ParamTable& p) const override;
  void reset_dynamic_state() override;
  void reset_learned_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  struct Constants {
    kernels::CondLifParams<double> p;
    bool one_spike;
  };
  const Constants& constants();
  Derived<Constants> constants_;
};

// Emits the spike counts given to run(..., inputs={name: spikes}) ([steps, B, N] or [B, N] every step).
class SpikeInput : public Population {
 public:
  explicit SpikeInput(int64_t n);
  InputKind input_kind() const override { return InputKind::Spikes; }
  bool receives_spikes() const override { return false; }

 protected:
  void reset_dynamic_state() override {}
  void integrate(const StepContext& ctx) override;
};

// NEST parrot_neuron.
class Parrot : public Population {
 public:
  explicit Parrot(int64_t n);
  InputKind input_kind() const override { return InputKind::None; }
  bool counts_spikes() const override { return true; }

 protected:
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;
};

// NEST spike_generator: explicit spike times [ms] per neuron, on the dt grid, > 0. A spike at t is
// emitted in the step that ends at t (NEST stamps spikes at the end of their step) and reaches a
// target with delay d in the step that ends at t + d.
class SpikeGenerator : public Population {
 public:
  SpikeGenerator(int64_t n, std::vector<std::vector<double>> spike_times);
  InputKind input_kind() const override { return InputKind::None; }
  bool receives_spikes() const override { return false; }
  const std::vector<std::vector<double>>& spike_times() const { return times_; }

 protected:
  void on_attach() override;
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  std::vector<std::vector<double>> times_;
  // Schedule sorted by step: events [step_begin_[i], step_begin_[i+1]) are due in step steps_[i].
  std::vector<int64_t> steps_;       // distinct steps with events, ascending
  std::vector<int64_t> step_begin_;  // offsets into the event arrays, size steps_.size() + 1
  at::Tensor event_neuron_;          // int64 [E] on the device
  at::Tensor event_count_;           // [E] on the device, network dtype
};

}  // namespace models
}  // namespace snn
