// snn/spike_set.h — the neurons that spiked in a step, listed once and read by delivery, learning rules
// and spike monitors (Population::fired()).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "snn/kernels/synapse_visits.h"

namespace snn {

// The neurons that spiked (in any batch entry) in a [B, N] spike tensor: a list (ascending on the CPU,
// in any order on CUDA), its length and a flag per neuron, in buffers allocated on first use.
class SpikeSet {
 public:
  void build(const at::Tensor& spikes);
  // CPU, one batch entry of n neurons: the set of the given neurons (ascending), without a scan of n
  // (a distributed network's spikes of every process arrive as such a list).
  void build_from_list(const std::vector<int32_t>& neurons, int64_t n);
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

}  // namespace snn
