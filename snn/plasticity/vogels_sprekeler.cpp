// snn/plasticity/vogels_sprekeler.cpp — VogelsSprekeler: parameters, constants, one step.
#include "snn/plasticity/vogels_sprekeler.h"

#include <cmath>

#include "snn/errors.h"
#include "snn/kernels/vogels_sprekeler_math.h"
#include "snn/plasticity/scheduler.h"

namespace snn {
namespace rules {

VogelsSprekeler::VogelsSprekeler()
    : Plasticity("VogelsSprekeler",
                 {
                     {"tau", 20.0, "ms", Constraint::Positive, "time constant of both traces"},
                     {"eta", 0.001, "", Constraint::NonNegative, "learning rate"},
                     {"alpha", 0.12, "", Constraint::NonNegative, "depression per pre spike, in units of eta"},
                     {"Wmax", 1.0, "", Constraint::Finite, "bound of |w|; its sign is the weights' (< 0: inhibitory)"},
                     kEventDriven,
                 },
                 ""),
      x_pre_(declare_state("x_pre", StateShape::Pre)),
      x_post_(declare_state("x_post", StateShape::Post)) {}

void VogelsSprekeler::attach(Projection& proj, double dt, int64_t step) {
  const at::Tensor& w = proj.weight();
  const double wmax = param("Wmax");
  const bool wrong_sign = wmax >= 0 ? at::any(w < 0).item<bool>() : at::any(w > 0).item<bool>();
  if (wrong_sign) {
    throw_value_error(rule(), " on '", proj.name(), "': the weights must have the sign of Wmax (", wmax,
                      "); got weights from ", w.min().item<double>(), " to ", w.max().item<double>());
  }
  Plasticity::attach(proj, dt, step);
}

void VogelsSprekeler::step(Projection& proj, const StepInfo& info) {
  const Constants& c = constants_.get(params(), info.dt, true, [&](Constants& k) {
    k.decay = std::exp(-info.dt / param("tau"));
    k.eta = param("eta");
    k.alpha = param("alpha");
    k.cap = std::abs(param("Wmax"));
    k.sign = param("Wmax") < 0 ? -1.0 : 1.0;
    k.visit = visit();
  });
  at::Tensor& w = RuleAccess::weights(proj);
  const at::Tensor& pre = proj.pre().outgoing_spikes();
  const at::Tensor& post = proj.post().spikes();
  dispatch_floating(w.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    trace_update<T>(state(x_pre_), nullptr, c.decay, 1.0, false);
    trace_update<T>(state(x_post_), nullptr, c.decay, 1.0, false);
    kernels::VogelsSprekelerRule<T> r;
    r.w = w.data_ptr<T>();
    r.pre_spikes = pre.data_ptr<T>();
    r.post_spikes = post.data_ptr<T>();
    r.x_pre = state(x_pre_).data_ptr<T>();
    r.x_post = state(x_post_).data_ptr<T>();
    r.eta = static_cast<T>(c.eta);
    r.alpha = static_cast<T>(c.alpha);
    r.cap = static_cast<T>(c.cap);
    r.sign = static_cast<T>(c.sign);
    set_rule_shape(r, proj);
    apply_rule(proj, r, c.visit, &proj.pre().outgoing_fired(), &proj.post().fired());
    trace_update<T>(state(x_pre_), &pre, 1.0, 1.0, false);
    trace_update<T>(state(x_post_), &post, 1.0, 1.0, false);
  });
}

}  // namespace rules
}  // namespace snn
