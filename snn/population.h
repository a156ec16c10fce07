// snn/population.h — a group of N identical neurons (or spike sources), simulated for B batch entries.
//
// State lives in tensors of shape [B, N] on the network's device (membrane potential, synaptic
// currents, refractory counters, adaptive thresholds, ...), this step's spikes in `spikes()` [B, N]
// (a count per neuron: 0 or 1 for neurons, possibly more for Poisson sources), and input that is
// still in flight in a ring buffer [R receptors, D slots, B, N] read at slot step % D.
// Parameters are scalars shared by the population (snn/params.h), with NEST's names and units where
// the model comes from NEST.
//
// Models (snn/models.h) implement three hooks: check_params (relations between parameters),
// reset_dynamic_state (initial values), integrate (one step, through an element functor, with
// derived constants such as propagators computed on the host from the current parameters).
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "snn/kernels/common.h"
#include "snn/kernels/synapses.h"
#include "snn/params.h"

namespace snn {

class Network;

// What a population accepts in Network::run(..., inputs={name: tensor}).
enum class InputKind {
  None,     // nothing (parrots, spike generators)
  Current,  // an external current [pA] (neurons)
  Rate,     // a firing rate [Hz] (Poisson sources)
  Spikes,   // spike counts to emit (SpikeInput)
};

// Everything an integrate() call needs to know about the step.
struct StepContext {
  int64_t step;      // global step count (0 for the first step of the network)
  int64_t run_step;  // step within the current run() call (indexes per-step inputs)
  double dt;         // [ms]
  uint64_t seed;
};

// A model and its parameters, before it is added to a network. The Python classes snn.LIF(...) etc.
// build one; C++ code uses the helpers in snn/models.h (snn::LIF(100, {{"tau_m", 20.0}})).
struct ModelSpec {
  std::string model;  // a model name or NEST alias ("LIF" or "iaf_psc_delta")
  int64_t n = 0;      // number of neurons
  ParamMap params;    // parameter overrides; unknown names are an error
  std::vector<std::vector<double>> spike_times;  // SpikeGeneratorInput only: times [ms] per neuron
};

// The neurons that spiked (in any batch entry) in a [B, N] spike tensor: a list (ascending on the CPU,
// in any order on CUDA), its length and a flag per neuron, in buffers allocated on first use.
class SpikeSet {
 public:
  void build(const at::Tensor& spikes);
  kernels::ActiveSet view() const;
  // The number of neurons in the set on the CPU; on CUDA the population size, an upper bound read
  // without synchronising with the device.
  int64_t bound() const { return bound_; }
  // Spiking (batch entry, neuron) pairs on the CPU (at most B x bound()); on CUDA B x N, unread.
  int64_t events() const { return events_; }

 private:
  at::Tensor list_, count_, flag_;  // int32 [N], int32 [1], uint8 [N]
  std::vector<uint8_t> block_flags_;  // CPU: blocks holding a spike, per entry (kept: no allocation per step)
  std::vector<int32_t> entry_first_, entry_size_, entries_;  // CPU, B > 1: ActiveSet::entries
  std::vector<int32_t> event_neuron_, entry_end_;            // CPU, B > 1: spikes in entry order
  bool has_entries_ = false;
  int64_t bound_ = 0;
  int64_t events_ = 0;
};

struct StateVar {
  std::string name;
  std::string unit;
  at::Tensor tensor;  // [B, N]
  bool learned;       // kept by Network::reset_state() (e.g. adaptive thresholds)
};

class Population {
 public:
  virtual ~Population();
  Population(const Population&) = delete;
  Population& operator=(const Population&) = delete;

  const std::string& name() const { return name_; }
  const std::string& model() const { return model_; }
  int64_t size() const { return n_; }
  int64_t batch_size() const { return batch_; }
  Network* network() const { return network_; }
  // dtype and device of the population's tensors.
  const at::TensorOptions& options() const { return options_; }

  // Parameters.
  const ParamTable& params() const { return params_; }
  double param(std::string_view name) const { return params_.get(name); }
  // Validate each value alone and all of them together (V_reset < V_th, ...), then commit.
  // On error nothing changes.
  void set_param(const std::string& name, double value);
  void set_params(const ParamMap& values);

  // State. state() returns the tensor itself (shared, no copy); set_state() checks shape, dtype and
  // device and copies the values in place, so tensors handed out earlier stay valid.
  std::vector<std::string> state_names() const;
  const at::Tensor& state(std::string_view name) const;
  void set_state(const std::string& name, const at::Tensor& value);
  const std::vector<StateVar>& state_vars() const { return state_; }
  const at::Tensor& spikes() const { return spikes_; }
  // The neurons that spiked in the last step (built once per step, on first request).
  const SpikeSet& fired();

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

 protected:
  Population(std::string model, int64_t n, ParamTable params);

  // Declare a state variable in the constructor; it is allocated [B, N] when the population joins a
  // network. Integer variables (refractory counters) use kInt.
  void declare_state(const std::string& name, const std::string& unit, bool learned = false,
                     at::ScalarType dtype = at::ScalarType::Undefined);
  at::Tensor& mutable_state(std::string_view name);

  virtual void check_params(const ParamTable&) const {}
  virtual void reset_dynamic_state() = 0;
  virtual void reset_learned_state() {}
  virtual void integrate(const StepContext& ctx) = 0;
  // Called when the population joins a network, after allocation (e.g. to move a schedule to the device).
  virtual void on_attach() {}

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
  double dt() const { return dt_; }
  uint32_t rng_stream() const { return rng_stream_; }
  const at::Tensor& run_input() const { return run_input_; }
  int64_t random_block() const;
  at::Tensor& mutable_spikes() { return spikes_; }
  const at::Tensor& ring() const { return ring_; }

  ParamTable params_;

 private:
  friend class Network;
  friend class Projection;

  void attach(Network* net, std::string name, uint32_t rng_stream, double dt, int64_t batch,
              const at::TensorOptions& options);
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

  std::string model_;
  int64_t n_;
  std::string name_;
  Network* network_ = nullptr;
  uint32_t rng_stream_ = 0;
  double dt_ = 0.0;
  int64_t batch_ = 0;
  at::TensorOptions options_;
  std::vector<StateVar> state_;
  at::Tensor spikes_;
  at::Tensor ring_;  // [R, D, B, N]
  int64_t ring_depth_ = 1;
  at::Tensor run_input_;  // [B, N] or [steps, B, N] for the current run, or undefined
  bool learning_ = true;
  SpikeSet fired_;
  bool fired_valid_ = false;
};

// Calls fn(float{}) or fn(double{}) for the network's floating dtype.
template <class Fn>
void dispatch_floating(at::ScalarType t, Fn&& fn) {
  if (t == at::kFloat) {
    fn(float{});
  } else if (t == at::kDouble) {
    fn(double{});
  } else {
    throw std::invalid_argument("snn supports float32 and float64 networks only");
  }
}

}  // namespace snn
