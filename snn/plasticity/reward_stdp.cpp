// snn/plasticity/reward_stdp.cpp — MSTDP and MSTDPET: parameters, constants, one step.
#include "snn/plasticity/reward_stdp.h"

#include <cmath>
#include <limits>

#include "snn/kernels/reward_stdp_math.h"
#include "snn/plasticity/scheduler.h"

namespace snn {
namespace rules {

namespace {
std::vector<ParamSpec> reward_stdp_params(bool trace) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<ParamSpec> p = {
      {"nu", 0.01, "", Constraint::Finite, "learning rate"},
      {"tau_plus", 20.0, "ms", Constraint::Positive, "presynaptic trace P+"},
      {"tau_minus", 20.0, "ms", Constraint::Positive, "postsynaptic trace P-"},
      {"a_plus", 1.0, "", Constraint::Finite, "P+ increment per pre spike"},
      {"a_minus", -1.0, "", Constraint::Finite, "P- increment per post spike"},
      {"w_min", -inf, "", Constraint::NotNaN, "lower weight bound"},
      {"w_max", inf, "", Constraint::NotNaN, "upper weight bound"},
  };
  // MSTDPET's eligibility trace decays on every synapse every step: it always sweeps.
  if (trace) {
    p.push_back({"tau_z", 25.0, "ms", Constraint::Positive, "eligibility trace time constant"});
  } else {
    p.push_back(kEventDriven);
  }
  return p;
}
}  // namespace

RewardStdp::RewardStdp(bool trace, std::string signal)
    : Plasticity(trace ? "MSTDPET" : "MSTDP", reward_stdp_params(trace), std::move(signal)),
      trace_(trace),
      p_plus_(declare_state("p_plus", StateShape::Pre)),
      p_minus_(declare_state("p_minus", StateShape::Post)),
      prev_pre_(declare_state("prev_pre", StateShape::Pre)),
      prev_post_(declare_state("prev_post", StateShape::Post)),
      z_(trace ? declare_state("z", StateShape::Synapse) : StateRef{}) {}

void RewardStdp::step(Projection& proj, const StepInfo& info) {
  at::Tensor& w = RuleAccess::weights(proj);
  const at::Tensor& pre = proj.pre().outgoing_spikes();
  const at::Tensor& post = proj.post().spikes();
  at::Tensor& p_plus = state(p_plus_);
  at::Tensor& p_minus = state(p_minus_);
  at::Tensor& prev_pre = state(prev_pre_);
  at::Tensor& prev_post = state(prev_post_);
  const Constants& c = constants_.get(params(), info.dt, true, [&](Constants& c) {
    c.rate = param("nu") * (trace_ ? info.dt : 1.0);
    c.decay_z = trace_ ? std::exp(-info.dt / param("tau_z")) : 1.0;
    c.inv_tau_z = trace_ ? 1.0 / param("tau_z") : 0.0;
    c.decay_plus = std::exp(-info.dt / param("tau_plus"));
    c.decay_minus = std::exp(-info.dt / param("tau_minus"));
    c.a_plus = param("a_plus");
    c.a_minus = param("a_minus");
    c.w_min = param("w_min");
    c.w_max = param("w_max");
    c.visit = trace_ ? Visit::All : visit();
  });
  dispatch_floating(w.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::RewardStdpRule<T> r;
    r.w = w.data_ptr<T>();
    r.z = trace_ ? state(z_).data_ptr<T>() : nullptr;
    r.reward = info.signal->data_ptr<T>();
    r.prev_pre = prev_pre.data_ptr<T>();
    r.prev_post = prev_post.data_ptr<T>();
    r.prev_p_plus = p_plus.data_ptr<T>();
    r.prev_p_minus = p_minus.data_ptr<T>();
    r.rate = static_cast<T>(c.rate);
    r.decay_z = static_cast<T>(c.decay_z);
    r.inv_tau_z = static_cast<T>(c.inv_tau_z);
    r.w_min = static_cast<T>(c.w_min);
    r.w_max = static_cast<T>(c.w_max);
    set_rule_shape(r, proj);
    r.n_syn = proj.sparse() ? proj.num_synapses() : r.n_pre * r.n_post;
    if (c.visit == Visit::All) {
      apply_rule(proj, r, Visit::All, nullptr, nullptr);
    } else {
      // The point eligibility of the previous step is nonzero only in its spiking rows and columns.
      prev_pre_set_.build(prev_pre);
      prev_post_set_.build(prev_post);
      apply_rule(proj, r, Visit::Events, &prev_pre_set_, &prev_post_set_);
    }
    trace_update<T>(p_plus, &pre, c.decay_plus, c.a_plus, false);
    trace_update<T>(p_minus, &post, c.decay_minus, c.a_minus, false);
    backend::for_each(w.device(), pre.numel(), kernels::Copy<T>{prev_pre.data_ptr<T>(), pre.data_ptr<T>()});
    backend::for_each(w.device(), post.numel(), kernels::Copy<T>{prev_post.data_ptr<T>(), post.data_ptr<T>()});
  });
}

}  // namespace rules
}  // namespace snn
