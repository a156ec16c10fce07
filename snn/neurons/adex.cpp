// snn/neurons/adex.cpp — AdEx (aeif_cond_exp): parameters, constants, one step.
#include "snn/neurons/adex.h"

#include <cmath>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/time_grid.h"

namespace snn {
namespace neurons {

Adex::Adex(const ModelSpec& spec)
    : Population("AdEx", spec.n,
                 {
                     {"C_m", 281.0, "pF", Constraint::Positive, "membrane capacitance"},
                     {"g_L", 30.0, "nS", Constraint::Positive, "leak conductance"},
                     {"E_L", -70.6, "mV", Constraint::Finite, "leak reversal potential"},
                     {"V_th", -50.4, "mV", Constraint::Finite, "spike initiation threshold"},
                     {"Delta_T", 2.0, "mV", Constraint::NonNegative, "slope factor (0: no exponential term)"},
                     {"tau_w", 144.0, "ms", Constraint::Positive, "adaptation time constant"},
                     {"a", 4.0, "nS", Constraint::Finite, "subthreshold adaptation"},
                     {"b", 80.5, "pA", Constraint::Finite, "spike-triggered adaptation"},
                     {"V_peak", 0.0, "mV", Constraint::Finite, "spike detection threshold"},
                     {"V_reset", -60.0, "mV", Constraint::Finite, "reset potential"},
                     {"t_ref", 0.0, "ms", Constraint::NonNegative, "refractory period (V clamped at V_reset)"},
                     {"E_ex", 0.0, "mV", Constraint::Finite, "excitatory reversal potential"},
                     {"E_in", -85.0, "mV", Constraint::Finite, "inhibitory reversal potential"},
                     {"tau_syn_ex", 0.2, "ms", Constraint::Positive, "excitatory conductance time constant"},
                     {"tau_syn_in", 2.0, "ms", Constraint::Positive, "inhibitory conductance time constant"},
                     {"I_e", 0.0, "pA", Constraint::Finite, "constant input current"},
                     {"gsl_error_tol", 1e-6, "", Constraint::Positive, "absolute error tolerance of each RKF45 substep"},
                 }),
      C_m_(param_id("C_m")),
      g_L_(param_id("g_L")),
      E_L_(param_id("E_L")),
      V_th_(param_id("V_th")),
      Delta_T_(param_id("Delta_T")),
      tau_w_(param_id("tau_w")),
      a_(param_id("a")),
      b_(param_id("b")),
      V_peak_(param_id("V_peak")),
      V_reset_(param_id("V_reset")),
      t_ref_(param_id("t_ref")),
      E_ex_(param_id("E_ex")),
      E_in_(param_id("E_in")),
      tau_syn_ex_(param_id("tau_syn_ex")),
      tau_syn_in_(param_id("tau_syn_in")),
      I_e_(param_id("I_e")),
      tol_(param_id("gsl_error_tol")),
      V_m_(declare_state("V_m", "mV")),
      w_(declare_state("w", "pA")),
      g_ex_(declare_state("g_ex", "nS")),
      g_in_(declare_state("g_in", "nS")),
      refractory_(declare_state("refractory_steps", "steps", false, at::kInt)),
      hint_(declare_state("integration_step", "ms")) {}

void Adex::check_params(const ParamTable& p) const {
  // NEST's checks (aeif_cond_exp::Parameters_::set).
  check_ordered(p, V_reset_, V_peak_, owner());
  for (int64_t i = 0; i < p.distinct_rows(); ++i) {
    const ParamRow r = p.row(i);
    if (r[Delta_T_] > 0.0 && !(r[V_peak_] > r[V_th_])) {
      throw_value_error(owner(), ": V_peak must be > V_th when Delta_T > 0, got V_peak ", r[V_peak_], " mV and V_th ",
                        r[V_th_], " mV", p.where(i));
    }
    // The exponential term at V_peak must stay finite (NEST: "overflow" check).
    if (r[Delta_T_] > 0.0 && (r[V_peak_] - r[V_th_]) / r[Delta_T_] >= std::log(std::numeric_limits<double>::max() / 1e20)) {
      throw_value_error(owner(), ": (V_peak - V_th) / Delta_T = ", (r[V_peak_] - r[V_th_]) / r[Delta_T_],
                        " makes the exponential term overflow", p.where(i));
    }
  }
}

void Adex::reset_dynamic_state() {
  fill_state(V_m_, E_L_);
  for (StateRef s : {w_, g_ex_, g_in_, refractory_, hint_}) state(s).zero_();
}

void Adex::integrate(const StepContext& ctx) {
  const double h = dt();
  const kernels::PerNeuron<kernels::AdexParams<double>> p =
      constants_.get<double>(*this, [this, h](auto& c, const ParamRow& r) {
        c.C_m = r[C_m_];
        c.g_L = r[g_L_];
        c.E_L = r[E_L_];
        c.V_th = r[V_th_];
        c.Delta_T = r[Delta_T_];
        c.tau_w = r[tau_w_];
        c.a = r[a_];
        c.b = r[b_];
        c.V_peak = r[V_peak_];
        c.V_reset = r[V_reset_];
        c.E_ex = r[E_ex_];
        c.E_in = r[E_in_];
        c.tau_syn_ex = r[tau_syn_ex_];
        c.tau_syn_in = r[tau_syn_in_];
        c.I_e = r[I_e_];
        c.tol = r[tol_];
        c.refractory_counts = static_cast<int32_t>(nearest_steps(r[t_ref_], h));
      });
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::AdexStep<T> f{state(V_m_).data_ptr<T>(), state(w_).data_ptr<T>(),  state(g_ex_).data_ptr<T>(),
                           state(g_in_).data_ptr<T>(), state(hint_).data_ptr<T>(), mutable_spikes().data_ptr<T>(),
                           state(refractory_).data_ptr<int32_t>(), ring_view<T>(ctx.step), p, h, kMaxSubsteps};
    backend::for_each(options().device(), batch_size() * size(), f, 64);
  });
}

}  // namespace neurons
}  // namespace snn
