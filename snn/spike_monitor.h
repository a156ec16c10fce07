// snn/spike_monitor.h — SpikeMonitor (NEST spike_recorder): every spike of a population, as events.
//
// After each step it stages the step's spikes — on CUDA a copy of the spike counts into a block of
// staging rows (no synchronisation), compacted into events later; on the CPU the events themselves,
// read from the population's spike lists — and when `staging_steps` steps are staged, and at the end of
// each run, appends the staged events (step, batch, neuron) to an event store reserved up front
// (`capacity` events). A spike of count c is c events. staging_steps = 0 (automatic): 64 on the CPU;
// on CUDA the whole run, up to kAutoStagingBytes of rows, so that a run is compacted once, at its end
// (compacting reads the event count back, which waits for the device: snn/host_reads.h). When the
// store cannot take a compacted block:
//   on_full = Grow  (default): the store doubles (or grows to fit);
//   on_full = Error: the run stops at the step boundary before anything could be lost and throws
//                    MonitorFullError; everything recorded, including the staged block, stays
//                    readable through events(); clear() (or a larger capacity) lets the run go on.
// Event times follow NEST: a spike of step s is stamped at the end of the step, (s + 1) dt.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "snn/monitor.h"

namespace snn {

struct SpikeMonitorOptions {
  int64_t capacity = 1 << 20;   // events reserved up front (24 bytes each)
  OnFull on_full = OnFull::Grow;
  int64_t staging_steps = 0;    // steps buffered between compactions; 0: automatic (above)
};

struct SpikeEvents {
  at::Tensor times;    // float64 [E], ms
  at::Tensor batch;    // int64 [E]
  at::Tensor senders;  // int64 [E], neuron index within the population (the whole population's, when distributed)
  at::Tensor steps;    // int64 [E], the step each spike was emitted in
};

class SpikeMonitor : public Monitor {
 public:
  SpikeMonitor(const MonitorContext& context, Population& pop, const SpikeMonitorOptions& options);
  Population& population() const { return *pop_; }

  // Every recorded spike, ordered by (step, batch, neuron).
  SpikeEvents events() const;
  // Spike counts [T, B, N] (int16; N: the neurons held here) for the T steps recorded since the monitor was made or cleared.
  at::Tensor dense() const;
  // Total spike count per neuron [B, N] (int64) since the monitor was made or cleared.
  at::Tensor counts() const;
  int64_t num_events() const;
  int64_t recorded_steps() const { return recorded_steps_; }
  int64_t capacity() const { return capacity_; }
  void clear();

  void reserve(int64_t first_step, int64_t n_steps) override;
  void before_step(const StepContext& ctx) override;  // throws MonitorFullError
  void record(const StepContext& ctx) override;
  void flush() override { store_staged(); }

  // Automatic staging: kAutoStagingSteps on the CPU; on CUDA at least that many rows and at most
  // kAutoStagingBytes of them (2 B N bytes per step).
  static constexpr int64_t kAutoStagingSteps = 64;
  static constexpr int64_t kAutoStagingBytes = int64_t{256} << 20;

 private:
  bool store_staged();  // staged block -> store; false when the store is full and on_full is Error
  at::Tensor compact_staged() const;  // [E, 3] (step, batch, neuron)

  Population* pop_;
  SpikeMonitorOptions options_;
  double dt_;
  int64_t batch_;
  int64_t capacity_;
  at::Tensor store_;  // int64 [capacity, 3]
  int64_t stored_ = 0;
  at::Tensor staging_;  // CUDA: int16 [rows, B, N]; CPU: undefined
  std::vector<at::Tensor> staging_rows_;
  int64_t staging_steps_;  // steps staged before a compaction (CUDA: the rows of staging_)
  std::vector<int64_t> staged_events_;  // CPU: (step, batch, neuron) of the staged steps
  int64_t staged_ = 0;
  int64_t staged_first_step_ = 0;
  int64_t first_step_ = 0;  // the step dense() calls 0
  int64_t next_step_ = 0;   // the step the network takes next (as far as this monitor has seen)
  int64_t recorded_steps_ = 0;
};

}  // namespace snn
