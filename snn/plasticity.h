// snn/plasticity.h — learning rules on projections, and neuromodulator signals.
//
// A rule (class Plasticity) belongs to one projection. It owns its state as tensors — per pre neuron
// [B, N_pre], per post neuron [B, N_post], per synapse [B, N_pre, N_post], per batch entry [B] — and
// updates the projection's weights once per step, after the spikes of the step were pushed into the
// delay buffers (step order in snn/network.h). The per-element math is in snn/kernels/stdp_math.h
// and snn/kernels/neuromodulated_math.h; each step runs a few per-neuron trace kernels and one fused
// pass over the synapses, on the CPU or CUDA.
//
// Rules (Python name, equations in the kernel headers):
//   STDP             pair-based, all-to-all or nearest-neighbour, additive or multiplicative,
//                    BindsNET's PostPre semantics; Diehl & Cook's (2015) variant
//   TripletSTDP      Pfister & Gerstner (2006), minimal all-to-all model
//   DopamineSTDP     NEST stdp_dopamine_synapse / NESTML neuromodulated_stdp (signal "dopamine")
//   IzhikevichDASTDP Izhikevich (2007) distal reward (signal "dopamine")
//   MSTDP, MSTDPET   Florian (2007), reward per batch entry (signal "reward")
//
// Weights are shared by the batch; the changes of all batch entries are summed.
//
// Extending: a rule declares parameters (ParamTable, validated, changeable between runs) and state,
// checks in attach() that it can serve a projection, and implements step(). Rules with per-synapse
// parameters or slower clocks (SPORE's synaptic sampling every 100 ms; Zenke et al.'s consolidation)
// fit the same shape: per-synapse state tensors and a step that acts every k steps.
//
// Neuromodulator signals are named values per batch entry, read by three-factor rules:
//   events (dopamine): the number of neuromodulator spikes in this step — spikes of source
//     populations (NEST's volume transmitter, each source with a delay) plus amounts injected with
//     set_signal(), which count in the next step only;
//   level (reward): a value set with set_signal() that holds until changed.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "snn/params.h"
#include "snn/population.h"

namespace snn {

class Projection;
class Network;

enum class SignalKind { None, Events, Level };

struct PlasticitySpec {
  std::string rule;     // "STDP", "TripletSTDP", "DopamineSTDP", "IzhikevichDASTDP", "MSTDP", "MSTDPET"
  ParamMap params;      // overrides; unknown names are an error
  std::string signal;   // neuromodulator name for three-factor rules (default "dopamine" / "reward")
};

// C++ helpers mirroring the Python classes.
inline PlasticitySpec STDP(ParamMap p = {}) { return {"STDP", std::move(p), ""}; }
inline PlasticitySpec TripletSTDP(ParamMap p = {}) { return {"TripletSTDP", std::move(p), ""}; }
inline PlasticitySpec DopamineSTDP(ParamMap p = {}, std::string signal = "dopamine") { return {"DopamineSTDP", std::move(p), std::move(signal)}; }
inline PlasticitySpec IzhikevichDASTDP(ParamMap p = {}, std::string signal = "dopamine") { return {"IzhikevichDASTDP", std::move(p), std::move(signal)}; }
inline PlasticitySpec MSTDP(ParamMap p = {}, std::string signal = "reward") { return {"MSTDP", std::move(p), std::move(signal)}; }
inline PlasticitySpec MSTDPET(ParamMap p = {}, std::string signal = "reward") { return {"MSTDPET", std::move(p), std::move(signal)}; }

// Where a state tensor lives.
enum class StateShape { PerPre, PerPost, PerSynapse, PerBatch };

struct StepInfo {
  int64_t step;
  double dt;
  const at::Tensor* signal;  // [B] value of the rule's signal this step, or null
};

// Which synapses a rule visits in a step (parameter `event_driven`): every synapse (a full sweep), or
// only those of neurons that spiked (the others cannot change). Both give the same weights.
enum class Visit { All, Events };

// Spikes delayed by a whole number of steps (a post spike as the synapse sees it after the dendritic
// delay; a pre spike when it arrives).
class SpikeDelay {
 public:
  void init(int64_t delay_steps, const at::Tensor& like);
  // Stores this step's spikes and returns those of `delay_steps` steps ago (zeros at first).
  const at::Tensor& push(const at::Tensor& spikes, int64_t step);
  void reset();
  int64_t delay() const { return delay_; }
  // The spikes returned by the last push().
  const at::Tensor& current() const { return *current_; }

 private:
  int64_t delay_ = 0;
  at::Tensor ring_;  // [delay + 1, B, N]
  std::vector<at::Tensor> rows_;
  const at::Tensor* current_ = nullptr;
};

class Plasticity {
 public:
  virtual ~Plasticity();
  Plasticity(const Plasticity&) = delete;
  Plasticity& operator=(const Plasticity&) = delete;

  const std::string& rule() const { return rule_; }
  const ParamTable& params() const { return params_; }
  double param(std::string_view name) const { return params_.get(name); }
  // Validated alone and together; nothing changes on error. Takes effect from the next step.
  void set_param(const std::string& name, double value) { set_params({{name, value}}); }
  void set_params(const ParamMap& values);

  // Name of the neuromodulator the rule reads ("" for two-factor rules) and what kind it expects.
  const std::string& signal() const { return signal_; }
  virtual SignalKind signal_kind() const { return SignalKind::None; }

  std::vector<std::string> state_names() const;
  const at::Tensor& state(std::string_view name) const;
  const std::vector<StateVar>& state_vars() const { return state_; }

 protected:
  Plasticity(std::string rule, ParamTable params, std::string signal);
  virtual void check_params(const ParamTable&) const {}
  // Throws ValueError when the rule cannot serve `proj`; allocates state. `step`: the network's step
  // count when the rule joins. Called once.
  virtual void attach(Projection& proj, double dt, int64_t step);
  // After the populations integrated and before the spikes are delivered (lazy rules bring the rows
  // that are about to transmit up to date, as NEST updates a synapse before it sends).
  virtual void before_delivery(Projection&, const StepInfo&) {}
  virtual void step(Projection& proj, const StepInfo& info) = 0;
  virtual void reset_state();
  // Lazy rules: bring every synapse up to date (before weights are read, and at the end of a run).
  virtual void synchronize(Projection&) {}
  Visit visit() const { return params_.get("event_driven") != 0.0 ? Visit::Events : Visit::All; }

  void declare_state(const std::string& name, StateShape shape);
  at::Tensor& mutable_state(std::string_view name);
  // The common checks: time constants > 0 and bounds in order are ParamTable constraints and
  // check_bounds(); a rule with a delay line checks its delay here.
  static void check_bounds(const ParamTable& p, const char* lo, const char* hi, const std::string& rule);

  ParamTable params_;

 private:
  friend class Network;
  friend class Projection;
  friend struct RuleAccess;
  std::string rule_;
  std::string signal_;
  std::vector<StateVar> state_;
  std::vector<StateShape> shapes_;
};

// Builds a rule from a spec (ValueError for an unknown rule, parameter or value).
std::unique_ptr<Plasticity> make_plasticity(const PlasticitySpec& spec);
std::vector<std::string> plasticity_rules();

// A named neuromodulator signal of a network (see the top of this file).
class Neuromodulator {
 public:
  Neuromodulator(std::string name, SignalKind kind, int64_t batch, const at::TensorOptions& options);
  const std::string& name() const { return name_; }
  SignalKind kind() const { return kind_; }
  // The value seen by the rules in the current step: [B].
  const at::Tensor& value() const { return value_; }

 private:
  friend class Network;
  void add_source(Population& pop, int64_t delay_steps, int64_t current_step);
  // Events: amounts counted in the next step. Level: the value from the next step on.
  void set(const at::Tensor& value_b);
  void update(int64_t step);  // computes value() for this step (after the populations integrated)
  void reset();

  std::string name_;
  SignalKind kind_;
  int64_t batch_;
  at::Tensor value_;    // [B]
  at::Tensor pending_;  // [B] injected amounts (events) or the level
  at::Tensor ring_;     // [D, B] source spikes in flight (events)
  struct Source {
    Population* pop;
    int64_t delay;
  };
  std::vector<Source> sources_;
};

}  // namespace snn
