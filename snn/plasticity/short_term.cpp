// snn/plasticity/short_term.cpp — ShortTermPlasticity (see the header).
#include "snn/plasticity/short_term.h"

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/short_term_math.h"
#include "snn/population.h"

namespace snn {

ShortTermPlasticity::ShortTermPlasticity(const ParamMap& values)
    : params_({
          {"U", 0.5, "", Constraint::NonNegative, "utilisation increment (and the resting u)", Scope::Shared},
          {"tau_rec", 800.0, "ms", Constraint::Positive, "recovery time constant of x", Scope::Shared},
          {"tau_fac", 0.0, "ms", Constraint::NonNegative, "facilitation time constant of u (0: none)", Scope::Shared},
          {"x", 1.0, "", Constraint::NonNegative, "x before the first spike", Scope::Shared},
          {"u", -1.0, "", Constraint::Finite, "u before the first spike (-1: U)", Scope::Shared},
      }),
      x_(state_.declare("x", "", StateShape::Pre)),
      u_(state_.declare("u", "", StateShape::Pre)),
      last_(state_.declare("last_spike_step", "", StateShape::Pre, false, at::kLong)) {
  set_params(values);
}

void ShortTermPlasticity::check(const ParamTable& p) {
  if (p.get("U") > 1.0) throw_value_error("ShortTermPlasticity: U must be in [0, 1], got ", p.get("U"));
  if (p.get("x") > 1.0) throw_value_error("ShortTermPlasticity: x must be in [0, 1], got ", p.get("x"));
  const double u = p.get("u");
  if (u != -1.0 && !(u >= 0.0 && u <= 1.0)) throw_value_error("ShortTermPlasticity: u must be in [0, 1] (or -1: U), got ", u);
}

ParamTable ShortTermPlasticity::with_params(const ParamMap& values) const {
  ParamTable candidate = params_;
  for (const auto& [name, value] : values) candidate.set(name, value, "ShortTermPlasticity");
  check(candidate);
  return candidate;
}

void ShortTermPlasticity::set_params(const ParamMap& values) { params_ = with_params(values); }

void ShortTermPlasticity::visit(StateVisitor& v) {
  visit_params_and_state(v, params_, state_.vars(), [this](const ParamMap& values) { return with_params(values); });
}

void ShortTermPlasticity::attach(const Population& pre, int64_t batch, const at::TensorOptions& options, double dt) {
  dt_ = dt;
  for (StateVar& v : state_.vars()) {
    v.tensor = at::empty({batch, pre.size()}, options.dtype(v.dtype == at::ScalarType::Undefined ? options.dtype().toScalarType() : v.dtype));
  }
  weighted_ = at::zeros({batch, pre.size()}, options);
  reset_state();
}

void ShortTermPlasticity::reset_state() {
  state_[x_].fill_(param("x"));
  state_[u_].fill_(param("u") == -1.0 ? param("U") : param("u"));
  state_[last_].fill_(-1);
}

const at::Tensor& ShortTermPlasticity::transmit(const Population& pre, int64_t step) {
  const at::Tensor& spikes = pre.spikes();
  const Constants& c = constants_.get(params_, dt_, true, [&](Constants& k) {
    k.U = param("U");
    k.tau_rec = param("tau_rec");
    k.tau_fac = param("tau_fac");
  });
  dispatch_floating(spikes.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::ShortTermTransmit<T> f{spikes.data_ptr<T>(),
                                    state_[x_].data_ptr<T>(),
                                    state_[u_].data_ptr<T>(),
                                    state_[last_].data_ptr<int64_t>(),
                                    weighted_.data_ptr<T>(),
                                    static_cast<T>(c.U),
                                    c.tau_rec,
                                    c.tau_fac,
                                    dt_,
                                    step};
    backend::for_each(spikes.device(), spikes.numel(), f, backend::kCpuGrainLight);
  });
  return weighted_;
}

}  // namespace snn
