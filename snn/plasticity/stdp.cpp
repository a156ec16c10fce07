// snn/plasticity/stdp.cpp — STDP: parameters, constants, one step.
#include "snn/plasticity/stdp.h"

#include <cmath>
#include <limits>

#include "snn/errors.h"
#include "snn/kernels/stdp_math.h"
#include "snn/plasticity/scheduler.h"

namespace snn {
namespace rules {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

Stdp::Stdp()
    : Plasticity("STDP",
                 {
                     {"nu_pre", 1e-4, "", Constraint::NonNegative, "depression rate at pre spikes (BindsNET nu[0])"},
                     {"nu_post", 1e-2, "", Constraint::NonNegative, "potentiation rate at post spikes (BindsNET nu[1])"},
                     {"tau_pre", 20.0, "ms", Constraint::Positive, "presynaptic trace time constant"},
                     {"tau_post", 20.0, "ms", Constraint::Positive, "postsynaptic trace time constant (post1)"},
                     {"tau_post2", 40.0, "ms", Constraint::Positive, "second postsynaptic trace (Diehl & Cook variant)"},
                     {"w_min", -kInf, "", Constraint::NotNaN, "lower weight bound"},
                     {"w_max", kInf, "", Constraint::NotNaN, "upper weight bound"},
                     {"multiplicative", 0.0, "", Constraint::Bool, "weight-dependent: LTD x (w - w_min), LTP x (w_max - w)"},
                     {"nearest", 0.0, "", Constraint::Bool, "nearest-neighbour pairing (traces set to 1, not incremented)"},
                     {"diehl_cook", 0.0, "", Constraint::Bool, "Diehl & Cook (2015) variant with two post traces"},
                     kEventDriven,
                 },
                 ""),
      x_pre_(declare_state("x_pre", StateShape::Pre)),
      x_post_(declare_state("x_post", StateShape::Post)),
      x_post2_(declare_state("x_post2", StateShape::Post)) {}

void Stdp::check_params(const ParamTable& p) const {
  check_bounds(p, "w_min", "w_max");
  if (p.get("multiplicative") != 0.0 && !(std::isfinite(p.get("w_min")) && std::isfinite(p.get("w_max")))) {
    throw_value_error("STDP: the multiplicative form needs finite w_min and w_max, got ", p.get("w_min"), " and ",
                      p.get("w_max"));
  }
}

void Stdp::step(Projection& proj, const StepInfo& info) {
  at::Tensor& w = RuleAccess::weights(proj);
  const at::Tensor& pre = proj.pre().outgoing_spikes();
  const at::Tensor& post = proj.post().spikes();
  const Constants& c = constants_.get(params(), info.dt, true, [&](Constants& c) {
    c.d_pre = std::exp(-info.dt / param("tau_pre"));
    c.d_post = std::exp(-info.dt / param("tau_post"));
    c.d_post2 = std::exp(-info.dt / param("tau_post2"));
    c.nu_pre = param("nu_pre");
    c.nu_post = param("nu_post");
    c.w_min = param("w_min");
    c.w_max = param("w_max");
    c.dc = param("diehl_cook") != 0.0;
    c.nearest = c.dc || param("nearest") != 0.0;
    c.multiplicative = param("multiplicative") != 0.0;
    c.visit = visit();
  });
  const bool dc = c.dc, nearest = c.nearest;
  at::Tensor& x_pre = state(x_pre_);
  at::Tensor& x_post = state(x_post_);
  at::Tensor& x_post2 = state(x_post2_);
  dispatch_floating(w.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    // BindsNET order: this step's spikes enter the traces before the update. Diehl & Cook: the
    // pre trace does, the post traces only after (their "post2before").
    trace_update<T>(x_pre, &pre, c.d_pre, 1.0, nearest);
    trace_update<T>(x_post, dc ? nullptr : &post, c.d_post, 1.0, nearest);
    if (dc) trace_update<T>(x_post2, nullptr, c.d_post2, 1.0, true);
    kernels::PairStdpRule<T> r;
    r.w = w.data_ptr<T>();
    r.pre_spikes = pre.data_ptr<T>();
    r.post_spikes = post.data_ptr<T>();
    r.ltd_trace = x_post.data_ptr<T>();
    r.ltp_trace = x_pre.data_ptr<T>();
    r.ltp_factor = dc ? x_post2.data_ptr<T>() : nullptr;
    r.pre_fired = proj.pre().outgoing_fired().view();
    r.post_fired = proj.post().fired().view();
    r.nu_pre = static_cast<T>(c.nu_pre);
    r.nu_post = static_cast<T>(c.nu_post);
    r.w_min = static_cast<T>(c.w_min);
    r.w_max = static_cast<T>(c.w_max);
    r.multiplicative = c.multiplicative;
    set_rule_shape(r, proj);
    apply_rule(proj, r, c.visit, &proj.pre().outgoing_fired(), &proj.post().fired());
    if (dc) {
      set_at_spikes<T>(x_post, proj.post(), 1.0);
      set_at_spikes<T>(x_post2, proj.post(), 1.0);
    }
  });
}

}  // namespace rules
}  // namespace snn
