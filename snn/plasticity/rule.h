// snn/plasticity/rule.h — the base of every learning rule, and what rules share: spike traces, delayed
// spikes, access to their projection's synapse arrays.
//
// A rule (class Plasticity) belongs to one projection. It declares its parameters (a ParamTable,
// validated, changeable between runs) and its state (snn/state.h) — per pre neuron [B, N_pre], per post
// neuron [B, N_post], per synapse [B, S] or [B, N_pre, N_post], per batch entry [B] — in its constructor,
// derives its constants once per change (Derived<C>, snn/params.h), and updates the projection's weights
// once per step, after the spikes of the step were pushed into the delay buffers (step order in
// snn/network.h). The per-synapse math is in snn/kernels/<rule>_math.h, applied to the synapses a step
// must visit by snn/plasticity/scheduler.h. Weights are shared by the batch: the changes of all batch
// entries are summed.
//
// Rules with per-synapse parameters or slower clocks (SPORE's synaptic sampling every 100 ms; Zenke et
// al.'s consolidation) fit the same shape: per-synapse state and a step that acts every k steps.
// Three-factor rules read a neuromodulator signal of the network (snn/signals.h).
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "snn/backend.h"
#include "snn/kernels/trace_math.h"
#include "snn/params.h"
#include "snn/population.h"
#include "snn/signals.h"
#include "snn/state.h"
#include "snn/state_visitor.h"

namespace snn {

class Projection;

// A rule and its parameters, before it is given to a projection (ConnectSpec::plasticity).
struct PlasticitySpec {
  std::string rule;    // a rule name or NEST alias ("STDP", "stdp_dopamine_synapse", ...)
  ParamMap params;     // overrides; unknown names are an error
  std::string signal;  // neuromodulator name for three-factor rules (default "dopamine" / "reward")
};

struct StepInfo {
  int64_t step;
  double dt;
  const at::Tensor* signal;  // [B] value of the rule's signal this step, or null
  uint64_t seed = 0;         // the network's seed and the projection's stream for a rule's own draws
  uint32_t stream = 0;
};

// Which synapses a rule visits in a step (parameter `event_driven`): every synapse (a full sweep), or
// only those of neurons that spiked (the others cannot change). Both give the same weights.
enum class Visit { All, Events };

// The `event_driven` parameter of the rules that can visit either way.
extern const ParamSpec kEventDriven;

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
  // The spikes in flight, for checkpoints.
  void visit(StateVisitor& v, const std::string& name) {
    if (ring_.defined()) v.tensor(name, ring_);
  }

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
  void set_param(const std::string& name, const ParamValue& value) { set_params({{name, value}}); }
  void set_params(const ParamMap& values);

  // Name of the neuromodulator the rule reads ("" for two-factor rules) and what kind it expects.
  const std::string& signal() const { return signal_; }
  virtual SignalKind signal_kind() const { return SignalKind::None; }
  // Whether step() reads its target population's state beyond its spikes. A distributed network
  // delivers the steps of an interval after they were integrated and puts back only the spikes of each,
  // so it refuses such a rule (docs/distributed.md).
  virtual bool reads_target_state() const { return false; }
  // The interval a step keeps the weights in: its weight bounds (unbounded unless a rule says so). The
  // delivery relies on it: weights that cannot change sign in a run keep one receptor's matrix.
  virtual std::pair<double, double> weight_range() const;

  std::vector<std::string> state_names() const { return state_.names(); }
  const at::Tensor& state(std::string_view name) const { return state_.get(name, rule_); }
  const std::vector<StateVar>& state_vars() const { return state_.vars(); }

 protected:
  Plasticity(std::string rule, std::vector<ParamSpec> params, std::string signal);
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
  // State a rule keeps outside its state table (spikes in flight, lazy clocks), for checkpoints.
  virtual void visit_hidden(StateVisitor&) {}
  // The `event_driven` parameter (rules without it visit every synapse).
  Visit visit() const;

  StateRef declare_state(const std::string& name, StateShape shape) { return state_.declare(name, "", shape); }
  at::Tensor& state(StateRef ref) { return state_[ref]; }
  const at::Tensor& state(StateRef ref) const { return state_[ref]; }
  // ValueError unless p[lo] <= p[hi] (weight bounds).
  void check_bounds(const ParamTable& p, const char* lo, const char* hi) const;
  // The dendritic (DopamineSTDP) or axonal (IzhikevichDASTDP) delay in steps: the `delay` parameter
  // when >= 0, else the projection's one delay (ValueError when it has per-synapse delays).
  int64_t delay_steps(const Projection& proj, double dt) const;

 private:
  friend class Network;
  friend class Projection;
  // Everything a checkpoint holds of the rule (snn/state_visitor.h).
  void visit(StateVisitor& v);
  ParamTable with_params(const ParamMap& values) const;
  ParamTable params_;
  StateTable state_;
  std::string rule_;
  std::string signal_;
  ParamId event_driven_;  // index -1: the rule has no such parameter
};

// Access for the rules to what Projection keeps private.
struct RuleAccess {
  static at::Tensor& weights(Projection& p);
  static void weights_changed(Projection& p);
  // int32 steps per synapse (dense: per entry), undefined when the projection has one delay.
  static const at::Tensor& delay_steps(const Projection& p);
  // Sparse: CSR row pointers and targets; dense: synapses per [pre, post] entry.
  static const at::Tensor& row_ptr(const Projection& p);
  static const at::Tensor& post_index(const Projection& p);
  static const at::Tensor& counts(const Projection& p);
};

// x <- x decay, then at this step's spikes x + amount s (or x <- amount with `set`), over every element
// of x ([B, N]); `spikes` null: decay only.
template <typename T>
void trace_update(at::Tensor& x, const at::Tensor* spikes, double decay, double amount, bool set) {
  kernels::TraceUpdate<T> f{x.data_ptr<T>(), spikes ? spikes->data_ptr<T>() : nullptr, static_cast<T>(decay),
                            static_cast<T>(amount), set, x.numel(), 1};
  backend::for_each_block(x.device(), f, 1024, backend::kCpuGrainLight);
}

// x <- amount where the population spiked this step (a nearest-neighbour trace's jump without decay:
// trace_update with decay 1 and `set`). On the CPU only the spiking elements are visited, through the
// population's spike lists; on CUDA a pass over x.
template <typename T>
void set_at_spikes(at::Tensor& x, Population& pop, double amount) {
  if (x.is_cuda()) {
    trace_update<T>(x, &pop.spikes(), 1.0, amount, true);
    return;
  }
  T* p = x.data_ptr<T>();
  const T value = static_cast<T>(amount);
  const int64_t n = pop.size();
  kernels::for_each_spiking(pop.fired().view(), pop.batch_size(), [&](int64_t b, int64_t i) { p[b * n + i] = value; });
}

}  // namespace snn
