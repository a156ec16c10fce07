// snn/neurons/lif.cpp — LIF (iaf_psc_delta) and AdaptiveLIF: parameters, constants, one step.
#include "snn/neurons/lif.h"

#include <cmath>

#include "snn/backend.h"

namespace snn {
namespace neurons {

// ---- LIF ----------------------------------------------------------------------------------------

Lif::Lif(const ModelSpec& spec, std::string model, std::vector<ParamSpec> params)
    : Population(std::move(model), spec.n, std::move(params)),
      membrane_(this->params()),
      V_m_(declare_state("V_m", "mV")),
      refractory_(declare_state("refractory_steps", "steps", false, at::kInt)) {}

void Lif::reset_dynamic_state() {
  fill_state(V_m_, membrane_.E_L);
  state(refractory_).zero_();
}

template <typename U>
void Lif::fill(kernels::LifParams<U>& p, const ParamRow& r) const {
  const double h = dt(), tau = r[membrane_.tau_m];
  membrane_.fill<U>(p, r, h);
  p.P33 = static_cast<U>(std::exp(-h / tau));
  p.P30 = static_cast<U>(-tau / r[membrane_.C_m] * std::expm1(-h / tau));
}

void Lif::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::LifDeltaStep<T> f;
    f.V = state(V_m_).data_ptr<T>();
    f.refractory = state(refractory_).data_ptr<int32_t>();
    f.spikes = mutable_spikes().data_ptr<T>();
    f.ring = ring_view<T>(ctx.step);
    f.current = run_input_view<T>();
    f.run_step = ctx.run_step;
    f.params = constants_.get<T>(*this, [this](auto& p, const ParamRow& r) { fill(p, r); });
    f.n = batch_size() * size();
    backend::for_each_block(options().device(), f, kNeuronBlock);
  });
}

// ---- AdaptiveLIF --------------------------------------------------------------------------------

static std::vector<ParamSpec> adaptive_params() {
  // BindsNET's DiehlAndCookNodes defaults (Diehl & Cook 2015, current-based variant).
  std::vector<ParamSpec> p = membrane_params({100.0, 5.0, -65.0, -52.0, -60.0});
  p.push_back({"theta_plus", 0.05, "mV", Constraint::NonNegative, "threshold increase per spike"});
  p.push_back({"tau_theta", 1e7, "ms", Constraint::PositiveOrInf, "threshold decay time constant"});
  p.push_back({"one_spike", 0.0, "", Constraint::Bool, "at most one spike per step and batch entry", Scope::Shared});
  return p;
}

AdaptiveLif::AdaptiveLif(const ModelSpec& spec)
    : Lif(spec, "AdaptiveLIF", adaptive_params()),
      theta_plus_(param_id("theta_plus")),
      tau_theta_(param_id("tau_theta")),
      one_spike_(param_id("one_spike")),
      theta_(declare_state("theta", "mV", /*learned=*/true)) {}

void AdaptiveLif::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const bool one_spike = params().value(one_spike_) != 0.0;
    kernels::AdaptiveLifStep<T> f;
    f.V = state(V_m_).data_ptr<T>();
    f.refractory = state(refractory_).data_ptr<int32_t>();
    f.theta = state(theta_).data_ptr<T>();
    f.spikes = mutable_spikes().data_ptr<T>();
    f.ring = ring_view<T>(ctx.step);
    f.current = run_input_view<T>();
    f.run_step = ctx.run_step;
    f.params = constants_.get<T>(*this, [this](auto& p, const ParamRow& r) {
      using U = std::remove_reference_t<decltype(p.theta_plus)>;
      fill(p, r);
      // Learning off (eval): theta is frozen, neither growing nor decaying (Diehl & Cook's test mode).
      p.theta_decay = static_cast<U>(learning() ? std::exp(-dt() / r[tau_theta_]) : 1.0);
      p.theta_plus = static_cast<U>(learning() ? r[theta_plus_] : 0.0);
    });
    f.defer_threshold = one_spike;
    f.n = batch_size() * size();
    backend::for_each_block(options().device(), f, kNeuronBlock);
    if (one_spike) {
      kernels::OneSpikeSelect<T, kernels::AdaptiveLifParams<T>> s{f.V, f.refractory, f.theta, f.spikes, size(), f.params};
      backend::for_each(options().device(), batch_size(), s);
    }
  });
}

}  // namespace neurons
}  // namespace snn
