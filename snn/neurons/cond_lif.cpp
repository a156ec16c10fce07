// snn/neurons/cond_lif.cpp — ConductanceLIF: parameters, constants, one step.
#include "snn/neurons/cond_lif.h"

#include <algorithm>
#include <cmath>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/time_grid.h"

namespace snn {
namespace neurons {

ConductanceLif::ConductanceLif(const ModelSpec& spec)
    : Population("ConductanceLIF", spec.n,
                 {
                     {"tau_m", 100.0, "ms", Constraint::Positive, "membrane time constant"},
                     {"E_L", -65.0, "mV", Constraint::Finite, "resting potential"},
                     {"E_ex", 0.0, "mV", Constraint::Finite, "excitatory reversal potential"},
                     {"E_in", -100.0, "mV", Constraint::Finite, "inhibitory reversal potential"},
                     {"tau_syn_ex", 1.0, "ms", Constraint::Positive, "excitatory conductance time constant"},
                     {"tau_syn_in", 2.0, "ms", Constraint::Positive, "inhibitory conductance time constant"},
                     {"V_th", -52.0, "mV", Constraint::Finite, "threshold before adaptation"},
                     {"V_reset", -65.0, "mV", Constraint::Finite, "reset potential"},
                     {"t_ref", 5.0, "ms", Constraint::NonNegative, "refractory period (rounded to whole steps)"},
                     {"t_lock", 0.0, "ms", Constraint::NonNegative,
                      "threshold lockout after a spike (V integrates once t_ref is over; Diehl & Cook's code: 50)"},
                     {"theta_plus", 0.05, "mV", Constraint::NonNegative, "threshold increase per spike (0: fixed threshold)"},
                     {"tau_theta", 1e7, "ms", Constraint::PositiveOrInf, "threshold decay time constant"},
                     {"one_spike", 0.0, "", Constraint::Bool, "at most one spike per step and batch entry", Scope::Shared},
                 }),
      tau_m_(param_id("tau_m")),
      E_L_(param_id("E_L")),
      E_ex_(param_id("E_ex")),
      E_in_(param_id("E_in")),
      tau_syn_ex_(param_id("tau_syn_ex")),
      tau_syn_in_(param_id("tau_syn_in")),
      V_th_(param_id("V_th")),
      V_reset_(param_id("V_reset")),
      t_ref_(param_id("t_ref")),
      t_lock_(param_id("t_lock")),
      theta_plus_(param_id("theta_plus")),
      tau_theta_(param_id("tau_theta")),
      one_spike_(param_id("one_spike")),
      V_m_(declare_state("V_m", "mV")),
      g_ex_(declare_state("g_ex", "")),
      g_in_(declare_state("g_in", "")),
      refractory_(declare_state("refractory_steps", "steps", false, at::kInt)),
      theta_(declare_state("theta", "mV", /*learned=*/true)) {}

void ConductanceLif::check_params(const ParamTable& p) const {
  check_ordered(p, V_reset_, V_th_, owner());
  const bool one_spike = p.value(one_spike_) != 0.0;
  for (int64_t i = 0; i < p.distinct_rows(); ++i) {
    const ParamRow r = p.row(i);
    // one_spike picks the neuron furthest above threshold, refractory or not: only a held V keeps one out.
    if (one_spike && r[t_lock_] > r[t_ref_]) {
      throw_value_error(owner(), ": t_lock (", r[t_lock_], " ms) longer than t_ref (", r[t_ref_],
                        " ms) is not supported with one_spike", p.where(i));
    }
  }
}

void ConductanceLif::reset_dynamic_state() {
  fill_state(V_m_, E_L_);
  for (StateRef s : {g_ex_, g_in_, refractory_}) state(s).zero_();
}

void ConductanceLif::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const kernels::PerNeuron<kernels::CondLifParams<T>> p = constants_.get<T>(*this, [this](auto& c, const ParamRow& r) {
      using U = std::remove_reference_t<decltype(c.E_L)>;
      const double h = dt();
      c.E_L = static_cast<U>(r[E_L_]);
      c.E_ex = static_cast<U>(r[E_ex_]);
      c.E_in = static_cast<U>(r[E_in_]);
      c.V_th = static_cast<U>(r[V_th_]);
      c.V_reset = static_cast<U>(r[V_reset_]);
      c.h_over_tau_m = static_cast<U>(h / r[tau_m_]);
      c.decay_ex = static_cast<U>(std::exp(-h / r[tau_syn_ex_]));
      c.decay_in = static_cast<U>(std::exp(-h / r[tau_syn_in_]));
      // A conductance's mean over a step: (1 - exp(-x)) / x, x = h / tau_syn (expm1: 1 as tau_syn -> inf).
      const auto step_mean = [h](double tau) { return -std::expm1(-h / tau) / (h / tau); };
      c.mean_ex = static_cast<U>(step_mean(r[tau_syn_ex_]));
      c.mean_in = static_cast<U>(step_mean(r[tau_syn_in_]));
      // Learning off (eval): theta is frozen, neither growing nor decaying (Diehl & Cook's test mode).
      c.theta_decay = static_cast<U>(learning() ? std::exp(-h / r[tau_theta_]) : 1.0);
      c.theta_plus = static_cast<U>(learning() ? r[theta_plus_] : 0.0);
      c.refractory_steps = static_cast<int32_t>(nearest_steps(r[t_ref_], h));
      c.lockout_steps = std::max(c.refractory_steps, static_cast<int32_t>(nearest_steps(r[t_lock_], h)));
    });
    const bool one_spike = params().value(one_spike_) != 0.0;
    kernels::CondLifStep<T> f{state(V_m_).data_ptr<T>(), state(g_ex_).data_ptr<T>(),
                              state(g_in_).data_ptr<T>(), state(theta_).data_ptr<T>(),
                              state(refractory_).data_ptr<int32_t>(), mutable_spikes().data_ptr<T>(),
                              ring_view<T>(ctx.step), p, one_spike, batch_size() * size(), 1};
    // CPU: blocks of neurons (a vectorised loop each), tasks of 4 blocks; CUDA: one neuron per thread.
    backend::for_each_block(options().device(), f, 1024, 4 * 1024);
    if (one_spike) {
      kernels::OneSpikeSelect<T, kernels::CondLifParams<T>> select{f.V, f.refractory, f.theta, f.spikes, size(), p};
      backend::for_each(options().device(), batch_size(), select);
    }
  });
}

}  // namespace neurons
}  // namespace snn
