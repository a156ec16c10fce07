// snn/spike_counter.h — SpikeCounter: each neuron's spikes since the last take(), nothing else. What a
// closed loop's decoder reads every few steps: recording costs one add per spike (CPU) or one [B, N]
// add per step (CUDA), reading one copy, and memory stays [B, N] however long the run.
#pragma once

#include <ATen/ATen.h>

#include "snn/monitor.h"

namespace snn {

class SpikeCounter : public Monitor {
 public:
  SpikeCounter(const MonitorContext& context, Population& pop);
  Population& population() const { return *pop_; }
  // The counts [B, N] (float64, on the population's device) since the last take(), then zero.
  at::Tensor take();
  void record(const StepContext& ctx) override;

 private:
  Population* pop_;
  at::Tensor counts_;  // [B, N] float64
};

}  // namespace snn
