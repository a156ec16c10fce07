// snn/population.h — a group of N neurons (or spike sources) of one model, simulated for B batch entries:
// the model-independent part that every model in snn/neurons/ builds on.
//
// State lives in tensors of shape [B, N] on the network's device (membrane potential, synaptic
// currents, refractory counters, adaptive thresholds, ...), declared once by the model (snn/state.h);
// this step's spikes in `spikes()` [B, N] (a count per neuron: 0 or 1 for neurons, possibly more for
// Poisson sources); input still in flight in a ring buffer [R receptors, D slots, B, N] read at slot
// step % D. Parameters (snn/params.h) keep NEST's names and units where the model comes from NEST,
// each one value or one per neuron.
//
// A model (snn/neurons/<model>.h) declares its parameters and state in its constructor and implements
// reset_dynamic_state (initial values) and integrate (one step, through an element functor of
// snn/kernels/<model>_math.h whose parameter struct it derives once per change with NeuronConstants),
// plus check_params for relations between parameters.
#pragma once

#include <ATen/ATen.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "snn/kernels/common.h"
#include "snn/params.h"
#include "snn/spike_set.h"
#include "snn/state.h"
#include "snn/state_visitor.h"

namespace snn {

class Network;
namespace distributed {
class SpikeExchange;
}

// Neurons per element of the block functors (kernels::for_block_items) on the CPU: a loop long enough
// that the shared parameters stay in registers, short enough that work spreads over the threads in
// pieces of backend::kCpuGrain neurons. (CUDA: one neuron per thread.)
constexpr int64_t kNeuronBlock = 1024;

// What a population accepts in Network::run(..., inputs={name: tensor}).
enum class InputKind {
  None,     // nothing (parrots, spike generators)
  Current,  // an external current [pA] (neurons)
  Rate,     // a firing rate [Hz] (Poisson sources)
  Spikes,   // spike counts to emit (SpikeInput)
};
// "none", "current", "rate", "spikes".
const char* to_string(InputKind kind);

// Everything a step needs to know about time (populations, rules, monitors).
struct StepContext {
  int64_t step;      // global step count (0 for the first step of the network)
  int64_t run_step;  // step within the current run() call (indexes per-step inputs)
  double dt;         // [ms]
  uint64_t seed;
};

// What a population learns when it joins a network.
struct AttachContext {
  const Network* network;  // the owner (only compared: populations do not call into it)
  std::string name;
  uint32_t rng_stream;     // the population's stream of the counter-based generator
  double dt;               // [ms]
  int64_t batch;
  at::TensorOptions options;  // the network's dtype and device
  int64_t step;            // the network's step count when the population joins
  // A distributed network: this process holds neurons [first, first + n) of global_size (docs/distributed.md).
  int64_t first = 0;
  int64_t global_size = -1;  // -1: the population is whole here
};

// A model and its parameters, before it is added to a network. The Python classes snn.LIF(...) build
// one; C++ code uses the helpers in snn/neurons/registry.h (snn::LIF(100, {{"tau_m", 20.0}})).
struct ModelSpec {
  std::string model;  // a model name or NEST alias ("LIF" or "iaf_psc_delta")
  int64_t n = 0;      // number of neurons
  ParamMap params;    // overrides, one value or one per neuron; unknown names are an error
  std::vector<std::vector<double>> spike_times;  // SpikeGeneratorInput only: times [ms] per neuron
};

class Population {
 public:
  virtual ~Population();
  Population(const Population&) = delete;
  Population& operator=(const Population&) = delete;

  const std::string& name() const { return name_; }
  const std::string& model() const { return model_; }
  // Neurons held here. In a distributed network (docs/distributed.md) that is this process's block of
  // the population, neurons [first(), first() + size()) of global_size(); otherwise all of them.
  int64_t size() const { return n_; }
  int64_t global_size() const { return global_n_; }
  int64_t first() const { return first_; }
  bool partitioned() const { return partitioned_; }
  int64_t batch_size() const { return batch_; }
  const Network* network() const { return network_; }
  double dt() const { return dt_; }
  // dtype and device of the population's tensors.
  const at::TensorOptions& options() const { return options_; }

  // Parameters. param() is the one value of a parameter that is the same for every neuron (ValueError
  // when it differs); param_values() is every neuron's, float64 [N] on the CPU.
  const ParamTable& params() const { return params_; }
  bool param_uniform(std::string_view name) const { return params_.uniform(params_.id(name, owner())); }
  double param(std::string_view name) const { return params_.value(params_.id(name, owner())); }
  at::Tensor param_values(std::string_view name) const;
  // Validate each value alone and all of them together (V_reset < V_th at every neuron, ...), then
  // commit. On error nothing changes.
  void set_param(const std::string& name, const ParamValue& value) { set_params({{name, value}}); }
  void set_params(const ParamMap& values);

  // State. state() returns the tensor itself (shared, no copy); set_state() checks shape, dtype and
  // device and copies the values in place, so tensors handed out earlier stay valid.
  std::vector<std::string> state_names() const { return state_.names(); }
  const at::Tensor& state(std::string_view name) const { return state_.get(name, owner()); }
  void set_state(const std::string& name, const at::Tensor& value);
  const std::vector<StateVar>& state_vars() const { return state_.vars(); }
  const at::Tensor& spikes() const { return spikes_; }
  // The neurons that spiked in the last step (built once per step, on first request).
  const SpikeSet& fired();
  // What projections from this population deliver: this step's spikes; in a distributed network the
  // spikes of every process's neurons, [B, global_size()], of the step being delivered (set by the
  // exchange, snn/distributed/spike_exchange.h).
  const at::Tensor& outgoing_spikes() const { return partitioned_ ? outgoing_ : spikes_; }
  const SpikeSet& outgoing_fired();

  // What the population does with input.
  virtual InputKind input_kind() const { return InputKind::Current; }
  virtual int num_receptors() const { return 1; }
  // Parrots count incoming spikes and ignore weights.
  virtual bool counts_spikes() const { return false; }
  // Spike sources (Poisson, spike generators) take no synaptic input.
  virtual bool receives_spikes() const { return true; }

  // Learning switch for populations with plastic state (AdaptiveLIF's threshold).
  bool learning() const { return learning_; }
  void set_learning(bool on) { learning_ = on; }

  // "LIF 'exc'" (or the model alone before the population has a name), for messages.
  std::string owner() const { return name_.empty() ? model_ : model_ + " '" + name_ + "'"; }

 protected:
  Population(std::string model, int64_t n, std::vector<ParamSpec> params);

  ParamId param_id(std::string_view name) const { return params_.id(name, model_); }
  // Declare a state variable in the constructor; it is allocated [B, N] when the population joins a
  // network. Integer variables (refractory counters) pass at::kInt.
  StateRef declare_state(const std::string& name, const std::string& unit, bool learned = false,
                         at::ScalarType dtype = at::ScalarType::Undefined) {
    return state_.declare(name, unit, StateShape::Neuron, learned, dtype);
  }
  at::Tensor& state(StateRef ref) { return state_[ref]; }
  // The random key of element 0 (kernels::NeuronBlock): the global index of the first neuron held here.
  uint64_t random_key0() const { return static_cast<uint64_t>(first_); }
  // Sets every batch entry of a state variable to a parameter's value, neuron by neuron where it differs
  // (V_m = E_L at reset).
  void fill_state(StateRef ref, ParamId param, double scale = 1.0);

  virtual void check_params(const ParamTable&) const {}
  virtual void reset_dynamic_state() = 0;
  virtual void reset_learned_state() {}
  virtual void integrate(const StepContext& ctx) = 0;
  // Before the first step of each run, after its inputs are set: per-run preparation. The host may read
  // values here; integrate() should not (on CUDA a read waits for the device: snn/host_reads.h).
  virtual void begin_run() {}
  // Called when the population joins a network, after allocation (e.g. to move a schedule to the device).
  virtual void on_attach(const AttachContext&) {}
  // State a model keeps outside its state table (random-draw budgets, schedules), for checkpoints.
  virtual void visit_hidden(StateVisitor&) {}

  // Helpers for integrate().
  template <typename T>
  kernels::InputRing<T> ring_view(int64_t step) {
    kernels::InputRing<T> r;
    r.data = ring_.data_ptr<T>();
    r.slot_stride = batch_ * n_;
    r.receptor_stride = ring_depth_ * batch_ * n_;
    r.slot = step % ring_depth_;
    return r;
  }
  template <typename T>
  kernels::StepInput<T> run_input_view() const {
    kernels::StepInput<T> in;
    if (run_input_.defined()) {
      in.base = run_input_.data_ptr<T>();
      in.step_stride = run_input_.dim() == 3 ? batch_ * n_ : 0;
    }
    return in;
  }
  uint32_t rng_stream() const { return rng_stream_; }
  // Runs a step functor that draws one random word per element (a kernels::NeuronBlock per element):
  // sets its seed, stream, step and n (B N) and launches one element per random_block() neurons.
  // Defined in snn/neurons/random_step.h, which the models that draw include.
  template <class F>
  void run_random_step(F& f, const StepContext& ctx);
  const at::Tensor& run_input() const { return run_input_; }
  int64_t random_block() const;
  at::Tensor& mutable_spikes() { return spikes_; }
  const at::Tensor& ring() const { return ring_; }

 private:
  friend class Network;
  friend class Projection;
  friend class distributed::SpikeExchange;

  void attach(const AttachContext& context);
  // Everything a checkpoint holds of the population (snn/state_visitor.h).
  void visit(StateVisitor& v);
  // The parameter table with `values` set, validated (ValueError naming the owner); this one unchanged.
  ParamTable with_params(const ParamMap& values) const;
  // Make the ring at least `depth` slots deep, keeping inputs already in flight at their due step.
  void ensure_ring_depth(int64_t depth, int64_t current_step);
  void reset_state(bool include_learned);
  // One step: integrate, and forget the previous step's set of fired neurons.
  void advance(const StepContext& ctx) {
    integrate(ctx);
    fired_valid_ = false;
  }
  void set_run_input(const at::Tensor& input) { run_input_ = input; }
  int64_t ring_depth() const { return ring_depth_; }

  ParamTable params_;
  StateTable state_;
  std::string model_;
  int64_t n_;
  int64_t first_ = 0, global_n_;
  bool partitioned_ = false;
  at::Tensor outgoing_;  // distributed: [B, global_size()], the step being delivered
  SpikeSet outgoing_fired_;
  bool outgoing_valid_ = false;
  std::string name_;
  const Network* network_ = nullptr;
  uint32_t rng_stream_ = 0;
  double dt_ = 0.0;
  int64_t batch_ = 0;
  at::TensorOptions options_;
  at::Tensor spikes_;
  at::Tensor ring_;  // [R, D, B, N]
  int64_t ring_depth_ = 1;
  at::Tensor run_input_;  // [B, N] or [steps, B, N] for the current run, or undefined
  bool learning_ = true;
  SpikeSet fired_;
  bool fired_valid_ = false;
};

// A kernel's parameter struct P<T> (snn/kernels/<model>_math.h) for the neurons of a population,
// derived from the parameters by fill(P<T>& out, const ParamRow& neuron) once per change of the
// parameters, dt or the learning switch: one struct when every parameter is the same for all neurons,
// else one per neuron on the population's device (kernels::PerNeuron). The one idiom every model uses.
template <template <typename> class P>
class NeuronConstants {
 public:
  template <typename T, class Fill>
  kernels::PerNeuron<P<T>> get(const Population& pop, Fill fill) {
    const ParamTable& params = pop.params();
    const Cache& c = cache_.get(params, pop.dt(), pop.learning(), [&](Cache& c) {
      c.all_f = P<float>{};
      c.all_d = P<double>{};
      fill(c.all_f, params.row(0));
      fill(c.all_d, params.row(0));
      c.each = at::Tensor();
      if (!params.uniform()) {
        const int64_t n = params.elements();
        std::vector<P<T>> each(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) fill(each[static_cast<size_t>(i)], params.row(i));
        at::Tensor bytes = at::empty({n * static_cast<int64_t>(sizeof(P<T>))}, at::TensorOptions().dtype(at::kByte));
        std::memcpy(bytes.template data_ptr<uint8_t>(), each.data(), each.size() * sizeof(P<T>));
        c.each = bytes.to(pop.options().device());
      }
    });
    kernels::PerNeuron<P<T>> out;
    if constexpr (std::is_same<T, float>::value) {
      out.all = c.all_f;
    } else {
      out.all = c.all_d;
    }
    if (c.each.defined()) out.each = reinterpret_cast<const P<T>*>(c.each.template data_ptr<uint8_t>());
    out.n = pop.size();
    return out;
  }

 private:
  struct Cache {
    P<float> all_f;
    P<double> all_d;
    at::Tensor each;  // bytes of N structs P<T> of the population's dtype, or undefined
  };
  Derived<Cache> cache_;
};

}  // namespace snn
