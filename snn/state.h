// snn/state.h — the state variables of a population or a learning rule, each declared once by its
// owner: name, unit, shape, dtype and whether learning writes it. Everything that reads state —
// steps, monitors, the Python attributes, resets, parity tests — goes through this table.
//
// An owner declares its variables in its constructor and keeps the returned StateRef; a step reads
// `state_[ref]` (an index, not a name). Tensors are allocated when the owner joins a network (their
// shape then depends on the network and, for rules, on the projection).
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <string_view>
#include <vector>

namespace snn {

// Where a state tensor lives (B: batch entries).
enum class StateShape {
  Neuron,   // [B, N] of a population
  Pre,      // [B, N_pre] of a rule's projection
  Post,     // [B, N_post]
  Synapse,  // [B, S] (sparse) or [B, N_pre, N_post] (dense)
  Batch,    // [B]
};

struct StateVar {
  std::string name;
  std::string unit;
  StateShape shape;
  at::ScalarType dtype;  // Undefined: the network's floating dtype
  bool learned;          // kept by Network::reset_state() (adaptive thresholds)
  at::Tensor tensor;     // allocated when the owner joins a network
};

// A variable's place in its table, fixed when it is declared.
struct StateRef {
  int index = -1;
};

class StateTable {
 public:
  StateRef declare(std::string name, std::string unit, StateShape shape, bool learned = false,
                   at::ScalarType dtype = at::ScalarType::Undefined);
  at::Tensor& operator[](StateRef ref) { return vars_[static_cast<size_t>(ref.index)].tensor; }
  const at::Tensor& operator[](StateRef ref) const { return vars_[static_cast<size_t>(ref.index)].tensor; }
  // By name, for the API: ValueError naming `owner` and listing the variables when unknown.
  const at::Tensor& get(std::string_view name, const std::string& owner) const { return (*this)[ref(name, owner)]; }
  StateRef ref(std::string_view name, const std::string& owner) const;
  bool has(std::string_view name) const;
  std::vector<std::string> names() const;
  const std::vector<StateVar>& vars() const { return vars_; }
  std::vector<StateVar>& vars() { return vars_; }

 private:
  std::vector<StateVar> vars_;
};

}  // namespace snn
