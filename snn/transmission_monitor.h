// snn/transmission_monitor.h — TransmissionMonitor (NEST's weight_recorder): the weight of every synapse
// a spike passes through, when it passes.
//
// After each step (learning done), for each neuron of the projection's pre population that spiked in
// the step (in any batch entry), one event per synapse of its row: (time, pre, post, weight), time the
// spike's stamp (s + 1) dt. The weight is the synapse's stored value after this step's learning, which
// for the event-driven rules is the value NEST's weight_recorder reports for the spike (their pre-spike
// update runs in the step of the spike). Events accumulate in chunks until clear().
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "snn/monitor.h"

namespace snn {

class Projection;

struct TransmissionEvents {
  at::Tensor times;    // float64 [E], ms
  at::Tensor senders;  // int64 [E], pre neuron index
  at::Tensor targets;  // int64 [E], post neuron index
  at::Tensor weights;  // [E], the network's dtype
};

class TransmissionMonitor : public Monitor {
 public:
  TransmissionMonitor(const MonitorContext& context, Projection& proj);
  Projection& projection() const { return *proj_; }
  TransmissionEvents events() const;
  int64_t num_events() const { return events_; }
  void clear();
  void record(const StepContext& ctx) override;

 private:
  Projection* proj_;
  double dt_;
  std::vector<at::Tensor> steps_, senders_, targets_, weights_;  // chunks, on the projection's device
  int64_t events_ = 0;
};

}  // namespace snn
