// snn/monitor.h — recording spikes and state variables into buffers reserved in advance.
//
// SpikeMonitor (NEST spike_recorder): after each step it stages the step's spikes — on CUDA a copy of
// the spike counts into a block of `staging_steps` rows (no synchronisation), compacted into events
// later; on the CPU the events themselves, read from the population's spike lists — and every
// `staging_steps` steps, and at the end of each run, appends the staged events (step, batch, neuron)
// to an event store reserved up front (`capacity` events). A spike of count c is c events.
// When the store cannot take a compacted block:
//   on_full = Grow  (default): the store doubles (or grows to fit);
//   on_full = Error: the run stops at the step boundary before anything could be lost and throws
//                    MonitorFullError; everything recorded, including the staged block, stays
//                    readable through events(); clear() (or a larger capacity) lets the run go on.
// Event times follow NEST: a spike of step s is stamped at the end of the step, (s + 1) dt.
//
// StateMonitor (NEST multimeter and weight_recorder): records a state variable — of a population
// ([B, N]), or of a projection: its weights ([N_pre, N_post], recorded as one row) or its rule's state
// — for all or chosen columns (neurons, or synapses i N_post + j), every `interval` ms, at the steps
// that end on a multiple of the interval (t = k interval). At the start of each run it knows exactly
// how many samples the run will take and reserves them; with a fixed capacity and on_full = Error it
// refuses the run before anything changes.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <string>
#include <vector>

namespace snn {

class Network;
class Population;

enum class OnFull { Grow, Error };

struct SpikeMonitorOptions {
  int64_t capacity = 1 << 20;   // events reserved up front (16 bytes each)
  OnFull on_full = OnFull::Grow;
  int64_t staging_steps = 64;   // steps buffered between compactions
};

struct StateMonitorOptions {
  std::vector<int64_t> neurons;  // columns to record (neurons, or synapses i * N_post + j); empty: all
  double interval = 0.0;         // [ms]; 0: every step (dt)
  int64_t capacity = -1;         // samples; -1: reserve what each run needs
  OnFull on_full = OnFull::Grow;
};

struct SpikeEvents {
  at::Tensor times;    // float64 [E], ms
  at::Tensor batch;    // int64 [E]
  at::Tensor senders;  // int64 [E], neuron index within the population
  at::Tensor steps;    // int64 [E], the step each spike was emitted in
};

class SpikeMonitor {
 public:
  SpikeMonitor(Network& net, Population& pop, const SpikeMonitorOptions& options);
  Population& population() const { return *pop_; }

  // Every recorded spike, ordered by (step, batch, neuron).
  SpikeEvents events() const;
  // Spike counts [T, B, N] (int16) for the T steps recorded since the monitor was made or cleared.
  at::Tensor dense() const;
  // Total spike count per neuron [B, N] (int64) since the monitor was made or cleared.
  at::Tensor counts() const;
  int64_t num_events() const;
  int64_t recorded_steps() const { return recorded_steps_; }
  int64_t capacity() const { return capacity_; }
  void clear();

 private:
  friend class Network;
  void ensure_room_for_step() const;  // throws MonitorFullError
  void record(int64_t step);
  bool flush();  // staged block -> store; false when the store is full and on_full is Error
  at::Tensor compact_staged() const;  // [E, 3] (step, batch, neuron)

  Network* net_;
  Population* pop_;
  SpikeMonitorOptions options_;
  int64_t capacity_;
  at::Tensor store_;  // int64 [capacity, 3]
  int64_t stored_ = 0;
  at::Tensor staging_;  // CUDA: int16 [staging_steps, B, N]; CPU: undefined
  std::vector<at::Tensor> staging_rows_;
  std::vector<int64_t> staged_events_;  // CPU: (step, batch, neuron) of the staged steps
  int64_t staged_ = 0;
  int64_t staged_first_step_ = 0;
  int64_t first_step_ = 0;
  int64_t recorded_steps_ = 0;
};

class StateMonitor {
 public:
  // `source` returns the recorded tensor as [rows, columns] (a view); `label` names it in messages.
  StateMonitor(Network& net, std::string label, std::string variable, std::function<at::Tensor()> source,
               const StateMonitorOptions& options);
  const std::string& label() const { return label_; }
  const std::string& variable() const { return variable_; }

  // Samples [T, B, n] (a copy) and their times [T] in ms (float64).
  at::Tensor values() const;
  at::Tensor times() const;
  // Indices of the recorded neurons.
  const at::Tensor& neurons() const { return neurons_; }
  int64_t num_samples() const { return stored_; }
  int64_t capacity() const { return buffer_.size(0); }
  void clear();

 private:
  friend class Network;
  int64_t samples_in(int64_t first_step, int64_t n_steps) const;
  void reserve_for_run(int64_t first_step, int64_t n_steps);  // throws MonitorFullError
  void record(int64_t step);

  Network* net_;
  std::string label_;
  std::string variable_;
  std::function<at::Tensor()> source_;
  StateMonitorOptions options_;
  int64_t every_;  // steps between samples
  bool all_neurons_;
  at::Tensor neurons_;  // int64 on the device
  at::Tensor buffer_;   // [capacity, B, n]
  std::vector<int64_t> sample_steps_;
  int64_t stored_ = 0;
};

}  // namespace snn
