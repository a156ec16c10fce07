// snn/distributed/spike_exchange.h — the spikes of a distributed network, gathered once per interval
// of steps (docs/distributed.md). Each process records the spikes of its neurons of every population
// that projections read, step by step; at the end of an interval one collective gives every process
// everybody's, and the steps are delivered in order, each with the spikes of all processes' neurons in
// the populations' outgoing_spikes(). Spikes of step s reach targets at s + d, d >= the interval's
// length (the minimum delay), so nothing is due before it is delivered.
//
// Message of one process: a header (first step, sources, steps), then per step and source population
// n, then n spikes (global index and count, in one word unless the count is 2^16 - 1 or more).
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <vector>

#include "snn/distributed/communicator.h"

namespace snn {

class Population;

namespace distributed {

class SpikeExchange {
 public:
  struct Source {
    Population* pop;
    bool read = true;  // projections or neuromodulators read its spikes: outgoing_spikes() is set
    // Every projection from it is one_to_one onto a population of the same size: each target sits in
    // the block of its source, so the spikes stay in this process and are not sent.
    bool local_only = false;
    // Rules read its own spikes (it is the target of a plastic projection): while a step is delivered,
    // spikes() holds that step's (and after the last, the last step's, as before).
    bool replayed = false;
  };
  SpikeExchange(const Communicator& comm, std::vector<Source> sources);

  // Appends this step's spikes of this process's neurons of every source.
  void record(int64_t step);
  int64_t pending_steps() const { return message_.empty() ? 0 : message_[2]; }
  // Gathers the pending steps from every process (a collective: every process calls it at the same
  // step), then for each step in order sets the sources' outgoing spikes and calls deliver(step).
  void exchange(const std::function<void(int64_t step)>& deliver);

  // Collectives so far, the 64-bit words sent and received, and the seconds spent in the collectives
  // (waiting for the other processes included): benchmarks/distributed.py reports them.
  int64_t exchanges() const { return exchanges_; }
  int64_t words_sent() const { return words_sent_; }
  int64_t words_received() const { return words_received_; }
  double seconds() const { return seconds_; }

 private:
  const Communicator& comm_;
  std::vector<Source> sources_;
  std::vector<int64_t> message_;  // this process's spikes of the pending steps, to send
  // Per source: its spikes() of each pending step (replayed and local-only sources).
  std::vector<std::vector<at::Tensor>> history_;
  std::vector<std::vector<int32_t>> listed_;  // per source: the neurons of its last delivered step's spikes
  int64_t words_sent_ = 0, words_received_ = 0, exchanges_ = 0;
  double seconds_ = 0.0;
};

}  // namespace distributed
}  // namespace snn
