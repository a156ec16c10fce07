// snn/network.h — the network: populations, projections and monitors advanced in steps of dt.
//
// Order of one step (fixed):
//   1. every population takes the input due now from its ring buffer, integrates, emits spikes
//   2. every projection pushes the spikes into its target's ring buffer, due d steps later
//   3. neuromodulator signals take this step's value; every learning rule updates its projection
//      (the spikes of this step were transmitted with the weights from before this update)
//   4. monitors record
//   5. t += dt
// Because every delay is at least one step, the order of populations within step 1 does not matter.
//
// Time: step() and run() advance the step count; a spike of step s is stamped (s + 1) dt (NEST).
// reset_state() restores initial values (membrane potentials, currents, refractoriness, input in
// flight) but keeps time running, weights and learned state (adaptive thresholds): random draws are
// keyed by the step count, so each trial after a reset sees fresh noise.
//
// run(t_ms, inputs) is a C++ loop without Python calls that allocates no tensor memory per step
// (spike monitors compact every staging_steps steps); inputs are checked and prepared once at its
// start, and every monitor reserves what the run will record (snn/monitor.h). A call that throws a
// ValueError/TypeError leaves the network unchanged.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "snn/distributed/communicator.h"
#include "snn/distributed/spike_exchange.h"
#include "snn/monitor.h"
#include "snn/neurons/registry.h"
#include "snn/plasticity/registry.h"
#include "snn/population.h"
#include "snn/projection.h"
#include "snn/signals.h"
#include "snn/spike_counter.h"
#include "snn/spike_monitor.h"
#include "snn/state_monitor.h"
#include "snn/transmission_monitor.h"

namespace snn {

struct NetworkOptions {
  double dt = 0.1;                // step [ms]
  int64_t batch_size = 1;         // independent copies of the network state (B)
  std::string device = "cpu";     // "cpu", "cuda", "cuda:1", ...
  std::string dtype = "float32";  // "float32" or "float64"
  uint64_t seed = 0;              // seeds every random draw (connectivity, weights, Poisson input)
  // One network across the processes of `communicator` (docs/distributed.md): each holds a block of
  // every population and the synapses onto it; spikes are exchanged once per minimum delay. Without a
  // communicator, one process (the same engine and results, nothing exchanged).
  bool distributed = false;
  const distributed::Communicator* communicator = nullptr;
};

// Inputs of one run, by population name:
//   neurons: external current [pA]; Poisson sources: rates [Hz].
// Shape [N] or [B, N] (the same every step) or [steps, B, N] (one slice per step of the run).
using InputMap = std::map<std::string, at::Tensor>;

class Network {
 public:
  explicit Network(const NetworkOptions& options = {});
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  double dt() const { return dt_; }
  int64_t batch_size() const { return batch_; }
  const at::Device& device() const { return device_; }
  at::ScalarType dtype() const { return dtype_; }
  uint64_t seed() const { return seed_; }
  // The processes a distributed network runs on, or null.
  const distributed::Communicator* communicator() const { return comm_; }
  // Distributed: the steps between exchanges in the last run (the shortest delay), and the exchange's
  // counters (collectives, words, seconds) since the projections last changed; null before a run.
  int64_t exchange_interval() const { return interval_; }
  const distributed::SpikeExchange* exchange() const { return exchange_.get(); }
  int64_t step_count() const { return step_; }
  double t() const { return static_cast<double>(step_) * dt_; }

  // Adds a population (name: default "<model>_<index>"; must be unique).
  Population& add(const ModelSpec& spec, const std::string& name = "");
  Population& population(const std::string& name) const;
  const std::vector<std::unique_ptr<Population>>& populations() const { return populations_; }

  Projection& connect(Population& pre, Population& post, const ConnectSpec& spec = {});
  Projection& connect(const std::string& pre, const std::string& post, const ConnectSpec& spec = {});
  const std::vector<std::unique_ptr<Projection>>& projections() const { return projections_; }

  SpikeMonitor& monitor_spikes(Population& pop, const SpikeMonitorOptions& options = {});
  SpikeCounter& count_spikes(Population& pop);
  StateMonitor& monitor_state(Population& pop, const std::string& variable, const StateMonitorOptions& options = {});
  // Weights ("weight") or a learning rule's state of a projection; options.neurons lists synapses
  // as i * N_post + j (every listed one must exist) or neurons for per-neuron rule state.
  StateMonitor& monitor_projection(Projection& proj, const std::string& variable, const StateMonitorOptions& options = {});
  // Every spike's passage through the synapses of a projection, with the weight (NEST's weight_recorder).
  TransmissionMonitor& monitor_transmissions(Projection& proj);
  // Any monitor (snn/monitor.h): the network records it after every step. `make(context)` builds it.
  template <class M, class Make>
  M& add_monitor(Make&& make) {
    monitors_.push_back(make(monitor_context()));
    return static_cast<M&>(*monitors_.back());
  }
  const std::vector<std::unique_ptr<Monitor>>& monitors() const { return monitors_; }

  // Neuromodulators (snn/signals.h). neuromodulator() adds a population whose spikes feed an
  // events signal `name` (created if needed), seen `delay_ms` later (>= dt; NEST's volume transmitter
  // connection delay). set_signal(): events signals count `value` in the next step only; level
  // signals hold it from the next step on. value: a scalar ([] or [1]) or one value per batch entry.
  Neuromodulator& neuromodulator(const std::string& name, Population& source, double delay_ms);
  void set_signal(const std::string& name, const at::Tensor& value);
  void set_signal(const std::string& name, double value);  // every batch entry (a closed loop's reward)
  Neuromodulator& signal(const std::string& name) const;
  const std::vector<std::unique_ptr<Neuromodulator>>& signals() const { return signals_; }

  void step(const InputMap& inputs = {});
  // Runs round(t_ms / dt) steps; t_ms must be >= 0 and a multiple of dt.
  void run(double t_ms, const InputMap& inputs = {});
  void run_steps(int64_t n_steps, const InputMap& inputs = {});
  // Number of steps in t_ms (checks that t_ms is >= 0 and on the grid).
  int64_t steps_in(double t_ms) const;
  // Throws what run_steps(n_steps, inputs) would throw for these inputs; runs nothing.
  void check_inputs(const InputMap& inputs, int64_t n_steps) const { prepare_inputs(inputs, n_steps); }

  // Initial values for neurons, rule traces and eligibilities, signals and input in flight; weights,
  // time and (unless include_learned) learned neuron state are kept.
  void reset_state(bool include_learned = false);
  // Learning on/off for everything plastic in the network (train/eval): rules and adaptive thresholds.
  void set_learning(bool on);

 private:
  friend struct CheckpointAccess;  // snn/checkpoint.cpp
  void check_owned(const Population& pop, const char* what) const;
  // connect() with the projection made by `build(stream)` (the connection rules, or a checkpoint).
  Projection& connect_built(Population& pre, Population& post, const ConnectSpec& spec,
                            const std::function<std::unique_ptr<Projection>(uint32_t stream)>& build);
  // Everything a checkpoint holds of the network's state (snn/state_visitor.h), in a fixed order.
  void visit(StateVisitor& v);
  Neuromodulator* find_signal(const std::string& name) const;
  MonitorContext monitor_context() const { return {dt_, batch_, device_, step_}; }
  std::vector<std::pair<Population*, at::Tensor>> prepare_inputs(const InputMap& inputs, int64_t n_steps) const;
  void step_once(const StepContext& ctx);
  // Everything after the populations integrated step `step`: delivery, neuromodulators, learning.
  void deliver_step(int64_t step);
  // Distributed: a step without delivery, and delivery of the steps since the last exchange.
  void step_distributed(const StepContext& ctx);
  void deliver_pending();
  void prepare_exchange();
  // ValueError for what distributed networks do not support yet.
  void refuse_distributed(const char* what) const;

  double dt_;
  int64_t batch_;
  at::Device device_;
  at::ScalarType dtype_;
  uint64_t seed_;
  int64_t step_ = 0;
  const distributed::Communicator* comm_ = nullptr;
  std::unique_ptr<distributed::SpikeExchange> exchange_;
  size_t exchange_projections_ = 0, exchange_signals_ = 0;  // projections and signals when exchange_ was made
  int64_t interval_ = 0;
  std::vector<std::unique_ptr<Population>> populations_;
  std::vector<std::unique_ptr<Projection>> projections_;
  std::vector<std::unique_ptr<Monitor>> monitors_;
  std::vector<std::unique_ptr<Neuromodulator>> signals_;
};

}  // namespace snn
