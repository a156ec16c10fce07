// snn/signals.h — neuromodulator signals: named values per batch entry that three-factor learning
// rules read (snn/plasticity/).
//
//   events (dopamine): the number of neuromodulator spikes in this step — spikes of source populations
//     (NEST's volume transmitter, each source with a delay) plus amounts injected with set(), which
//     count in the next step only;
//   level (reward): a value set with set() that holds until changed.
// A step's value is computed after the populations integrated and before the rules update
// (snn/network.h); the per-element math is in snn/kernels/signal_math.h.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "snn/state_visitor.h"

namespace snn {

class Population;

enum class SignalKind { None, Events, Level };

class Neuromodulator {
 public:
  Neuromodulator(std::string name, SignalKind kind, int64_t batch, const at::TensorOptions& options);
  const std::string& name() const { return name_; }
  SignalKind kind() const { return kind_; }
  // The value seen by the rules in the current step: [B].
  const at::Tensor& value() const { return value_; }

 private:
  friend class Network;
  friend struct CheckpointAccess;
  void add_source(Population& pop, int64_t delay_steps, int64_t current_step);
  // Events: amounts counted in the next step. Level: the value from the next step on.
  void set(const at::Tensor& value_b);
  void set(double value);  // the same for every batch entry
  void update(int64_t step);  // computes value() for this step (after the populations integrated)
  void reset();
  // Everything a checkpoint holds of it (snn/state_visitor.h); its sources are structure.
  void visit(StateVisitor& v) {
    v.tensor("value", value_);
    v.tensor("pending", pending_);
    v.tensor("in_flight", ring_);
  }

  std::string name_;
  SignalKind kind_;
  int64_t batch_;
  at::Tensor value_;    // [B]
  at::Tensor pending_;  // [B] injected amounts (events) or the level
  at::Tensor ring_;     // [D, B] source spikes in flight (events)
  struct Source {
    Population* pop;
    int64_t delay;
  };
  std::vector<Source> sources_;
};

}  // namespace snn
