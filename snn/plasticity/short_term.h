// snn/plasticity/short_term.h — short-term plasticity (ShortTermPlasticity; NEST tsodyks2_synapse): a
// property of a projection that scales what each presynaptic spike transmits by x u, and composes with
// any long-term rule (the rule changes w, the spike transmits w x u; rules see the spikes themselves).
//
//   at a spike (h since the neuron's last one):  x <- 1 + (x - x u - 1) e^(-h/tau_rec),
//                                                u <- U + u (1 - U) e^(-h/tau_fac);  transmits w x u
// Parameters (NEST's names and defaults): U 0.5, tau_rec 800 ms, tau_fac 0 ms (no facilitation),
// x 1 and u (default U): the values the first spike transmits (NEST 3.9 on).
// State per presynaptic neuron [B, N_pre]: x, u, last_spike_step (int64). Math:
// snn/kernels/short_term_math.h. Cost: one pass over the presynaptic neurons in a step where any spiked.
#pragma once

#include <ATen/ATen.h>

#include "snn/params.h"
#include "snn/state.h"
#include "snn/state_visitor.h"

namespace snn {

class Population;

// Short-term plasticity for a projection, before it is made (ConnectSpec::short_term).
struct ShortTermSpec {
  ParamMap params;  // overrides of U, tau_rec, tau_fac, x, u; unknown names are an error
};

class ShortTermPlasticity {
 public:
  explicit ShortTermPlasticity(const ParamMap& params);
  const ParamTable& params() const { return params_; }
  double param(std::string_view name) const { return params_.get(name); }
  // Validated together; nothing changes on error; takes effect from the next spike.
  void set_params(const ParamMap& values);
  std::vector<std::string> state_names() const { return state_.names(); }
  const at::Tensor& state(std::string_view name) const { return state_.get(name, "ShortTermPlasticity"); }
  const std::vector<StateVar>& state_vars() const { return state_.vars(); }

  // Allocates the state for `pre` (batch B) and sets it to its start (x, u, no spike yet).
  void attach(const Population& pre, int64_t batch, const at::TensorOptions& options, double dt);
  void reset_state();
  // The spikes of `pre` in `step` weighted by x u, after updating x and u of the neurons that spiked.
  const at::Tensor& transmit(const Population& pre, int64_t step);
  // Everything a checkpoint holds of it (snn/state_visitor.h).
  void visit(StateVisitor& v);

 private:
  static void check(const ParamTable& p);
  ParamTable with_params(const ParamMap& values) const;
  ParamTable params_;
  StateTable state_;
  StateRef x_, u_, last_;
  at::Tensor weighted_;  // [B, N_pre]
  double dt_ = 0.0;
  struct Constants {
    double U, tau_rec, tau_fac;
  };
  Derived<Constants> constants_;  // read once per parameter change, not by name every step
};

}  // namespace snn
