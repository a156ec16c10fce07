// snn/plasticity/triplet_stdp.cpp — TripletSTDP: parameters, constants, one step.
#include "snn/plasticity/triplet_stdp.h"

#include <cmath>
#include <limits>

#include "snn/kernels/triplet_stdp_math.h"
#include "snn/plasticity/scheduler.h"

namespace snn {
namespace rules {

TripletStdp::TripletStdp()
    : Plasticity("TripletSTDP",
                 {
                     {"tau_plus", 16.8, "ms", Constraint::Positive, "fast presynaptic trace r1"},
                     {"tau_x", 101.0, "ms", Constraint::Positive, "slow presynaptic trace r2"},
                     {"tau_minus", 33.7, "ms", Constraint::Positive, "fast postsynaptic trace o1"},
                     {"tau_y", 114.0, "ms", Constraint::Positive, "slow postsynaptic trace o2"},
                     {"A2_plus", 0.0, "", Constraint::NonNegative, "pair potentiation"},
                     {"A3_plus", 6.5e-3, "", Constraint::NonNegative, "triplet potentiation"},
                     {"A2_minus", 7.1e-3, "", Constraint::NonNegative, "pair depression"},
                     {"A3_minus", 0.0, "", Constraint::NonNegative, "triplet depression"},
                     {"w_min", 0.0, "", Constraint::NotNaN, "lower weight bound"},
                     {"w_max", std::numeric_limits<double>::infinity(), "", Constraint::NotNaN, "upper weight bound"},
                     kEventDriven,
                 },
                 ""),
      r1_(declare_state("r1", StateShape::Pre)),
      r2_(declare_state("r2", StateShape::Pre)),
      o1_(declare_state("o1", StateShape::Post)),
      o2_(declare_state("o2", StateShape::Post)) {}

void TripletStdp::step(Projection& proj, const StepInfo& info) {
  at::Tensor& w = RuleAccess::weights(proj);
  const at::Tensor& pre = proj.pre().outgoing_spikes();
  const at::Tensor& post = proj.post().spikes();
  const Constants& c = constants_.get(params(), info.dt, true, [&](Constants& c) {
    const char* taus[] = {"tau_plus", "tau_x", "tau_minus", "tau_y"};
    for (int t = 0; t < 4; ++t) c.decay[t] = std::exp(-info.dt / param(taus[t]));
    c.A2_plus = param("A2_plus");
    c.A3_plus = param("A3_plus");
    c.A2_minus = param("A2_minus");
    c.A3_minus = param("A3_minus");
    c.w_min = param("w_min");
    c.w_max = param("w_max");
    c.visit = visit();
  });
  const StateRef traces[] = {r1_, r2_, o1_, o2_};
  dispatch_floating(w.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    for (int t = 0; t < 4; ++t) trace_update<T>(state(traces[t]), nullptr, c.decay[t], 1.0, false);
    kernels::TripletStdpRule<T> r;
    r.w = w.data_ptr<T>();
    r.pre_spikes = pre.data_ptr<T>();
    r.post_spikes = post.data_ptr<T>();
    r.r1 = state(r1_).data_ptr<T>();
    r.r2 = state(r2_).data_ptr<T>();
    r.o1 = state(o1_).data_ptr<T>();
    r.o2 = state(o2_).data_ptr<T>();
    r.A2_plus = static_cast<T>(c.A2_plus);
    r.A3_plus = static_cast<T>(c.A3_plus);
    r.A2_minus = static_cast<T>(c.A2_minus);
    r.A3_minus = static_cast<T>(c.A3_minus);
    r.w_min = static_cast<T>(c.w_min);
    r.w_max = static_cast<T>(c.w_max);
    set_rule_shape(r, proj);
    apply_rule(proj, r, c.visit, &proj.pre().outgoing_fired(), &proj.post().fired());
    for (StateRef s : {r1_, r2_}) trace_update<T>(state(s), &pre, 1.0, 1.0, false);
    for (StateRef s : {o1_, o2_}) trace_update<T>(state(s), &post, 1.0, 1.0, false);
  });
}

}  // namespace rules
}  // namespace snn
