// snn/monitor.h — what every monitor is: something that records after each step, into memory reserved in
// advance, and says before a run or a step whether it can take it.
//
// Network keeps one list of monitors and calls, for a run of n steps:
//   reserve(first_step, n)   before anything changes: reserve what the run will record, or refuse the
//                            run (MonitorFullError) and leave the network as it was;
//   before_step(ctx)         before each step: make room, or stop the run at this step boundary
//                            (MonitorFullError) with everything recorded kept;
//   record(ctx)              after each step (populations, delivery, learning done);
//   flush()                  at the end of the run, also one stopped by an exception.
// A monitor learns what it needs about its network (dt, batch, device, the current step) from a
// MonitorContext when it is made and from the StepContext of each call: it never calls into Network.
// Monitors: SpikeMonitor (snn/spike_monitor.h, NEST's spike_recorder), StateMonitor
// (snn/state_monitor.h, NEST's multimeter; weights sampled in time), TransmissionMonitor
// (snn/transmission_monitor.h, NEST's weight_recorder: weights when spikes pass), SpikeCounter
// (snn/spike_counter.h: spikes per neuron since the last read).
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <string>

#include "snn/population.h"  // StepContext

namespace snn {

// What a monitor does when its reserved memory cannot take what it must record.
enum class OnFull {
  Grow,   // the memory grows (default)
  Error,  // the run stops (or is refused) with MonitorFullError, nothing recorded is lost
};
// "grow" or "error"; ValueError naming the argument for anything else.
OnFull parse_on_full(const std::string& on_full);

struct MonitorContext {
  double dt;            // [ms]
  int64_t batch;        // batch entries
  c10::Device device;   // where the recorded tensors live
  int64_t step;         // the network's step count when the monitor is made
};

class Monitor {
 public:
  virtual ~Monitor() = default;
  virtual void reserve(int64_t first_step, int64_t n_steps) {
    (void)first_step;
    (void)n_steps;
  }
  virtual void before_step(const StepContext& ctx) { (void)ctx; }
  virtual void record(const StepContext& ctx) = 0;
  virtual void flush() {}
};

}  // namespace snn
