// snn/neurons/poisson_dbl_exp.cpp — PoissonDblExp (SPORE poisson_dbl_exp_neuron): parameters, one step.
#include "snn/neurons/poisson_dbl_exp.h"

#include <algorithm>
#include <cmath>

#include "snn/backend.h"
#include "snn/neurons/random_step.h"
#include "snn/time_grid.h"

namespace snn {
namespace neurons {

PoissonDblExp::PoissonDblExp(const ModelSpec& spec)
    : Population("PoissonDblExp", spec.n,
                 {
                     {"dead_time", 1.0, "ms", Constraint::NonNegative, "dead time after a spike (rounded to steps; 0: Poisson counts)"},
                     {"with_reset", 1.0, "", Constraint::Bool, "a spike zeroes V_m and the PSP traces", Scope::Shared},
                     {"c_1", 0.0, "Hz", Constraint::Finite, "linear part of the rate: c_1 V'"},
                     {"c_2", 1.238, "Hz", Constraint::Finite, "exponential part of the rate: c_2 exp(c_3 V')"},
                     {"c_3", 0.25, "", Constraint::NonNegative, "slope of the exponential part"},
                     {"I_e", 0.0, "", Constraint::Finite, "constant input current"},
                     {"tau_rise_exc", 2.0, "ms", Constraint::Positive, "rise time of excitatory PSPs"},
                     {"tau_fall_exc", 20.0, "ms", Constraint::Positive, "decay time of excitatory PSPs"},
                     {"tau_rise_inh", 1.0, "ms", Constraint::Positive, "rise time of inhibitory PSPs"},
                     {"tau_fall_inh", 10.0, "ms", Constraint::Positive, "decay time of inhibitory PSPs"},
                     {"input_conductance", 1.0, "", Constraint::Finite, "V_m per unit of input current"},
                     {"target_rate", 10.0, "Hz", Constraint::NonNegative, "rate the adaptive threshold steers to"},
                     {"target_adaptation_speed", 0.0, "", Constraint::NonNegative,
                      "threshold step per spike (0: no homeostasis)"},
                 }),
      dead_time_(param_id("dead_time")),
      with_reset_(param_id("with_reset")),
      c_1_(param_id("c_1")),
      c_2_(param_id("c_2")),
      c_3_(param_id("c_3")),
      I_e_(param_id("I_e")),
      tau_rise_exc_(param_id("tau_rise_exc")),
      tau_fall_exc_(param_id("tau_fall_exc")),
      tau_rise_inh_(param_id("tau_rise_inh")),
      tau_fall_inh_(param_id("tau_fall_inh")),
      conductance_(param_id("input_conductance")),
      target_rate_(param_id("target_rate")),
      speed_(param_id("target_adaptation_speed")),
      V_m_(declare_state("V_m", "")),
      rise_exc_(declare_state("u_rise_exc", "")),
      fall_exc_(declare_state("u_fall_exc", "")),
      rise_inh_(declare_state("u_rise_inh", "")),
      fall_inh_(declare_state("u_fall_inh", "")),
      threshold_(declare_state("adaptive_threshold", "", true)),
      dead_(declare_state("dead_steps", "steps", false, at::kInt)),
      bap_(declare_state("bap", "")) {}

void PoissonDblExp::check_params(const ParamTable& p) const {
  for (int64_t i = 0; i < p.distinct_rows(); ++i) {
    const ParamRow r = p.row(i);
    for (auto [rise, fall, kind] : {std::make_tuple(tau_rise_exc_, tau_fall_exc_, "exc"),
                                    std::make_tuple(tau_rise_inh_, tau_fall_inh_, "inh")}) {
      if (r[rise] == r[fall]) {
        throw_value_error(owner(), ": tau_rise_", kind, " and tau_fall_", kind, " must differ (the PSP is normalised by ",
                          "tau_fall / (tau_fall - tau_rise)), both are ", r[rise], " ms", p.where(i));
      }
    }
  }
}

void PoissonDblExp::reset_dynamic_state() {
  for (StateRef s : {V_m_, rise_exc_, fall_exc_, rise_inh_, fall_inh_, dead_, bap_}) state(s).zero_();
}

void PoissonDblExp::reset_learned_state() { state(threshold_).zero_(); }

void PoissonDblExp::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::PoissonDblExpStep<T> f;
    f.rise_exc = state(rise_exc_).data_ptr<T>();
    f.fall_exc = state(fall_exc_).data_ptr<T>();
    f.rise_inh = state(rise_inh_).data_ptr<T>();
    f.fall_inh = state(fall_inh_).data_ptr<T>();
    f.V = state(V_m_).data_ptr<T>();
    f.threshold = state(threshold_).data_ptr<T>();
    f.bap = state(bap_).data_ptr<T>();
    f.dead = state(dead_).data_ptr<int32_t>();
    f.spikes = mutable_spikes().data_ptr<T>();
    f.ring = ring_view<T>(ctx.step);
    f.current = run_input_view<T>();
    f.run_step = ctx.run_step;
    f.params = constants_.get<T>(*this, [this](auto& p, const ParamRow& r) {
      using U = std::remove_reference_t<decltype(p.c1)>;
      const double h = dt();
      auto norm = [](double rise, double fall) { return fall / (fall - rise); };
      p.decay_rise_exc = static_cast<U>(std::exp(-h / r[tau_rise_exc_]));
      p.decay_fall_exc = static_cast<U>(std::exp(-h / r[tau_fall_exc_]));
      p.decay_rise_inh = static_cast<U>(std::exp(-h / r[tau_rise_inh_]));
      p.decay_fall_inh = static_cast<U>(std::exp(-h / r[tau_fall_inh_]));
      p.norm_exc = static_cast<U>(norm(r[tau_rise_exc_], r[tau_fall_exc_]));
      p.norm_inh = static_cast<U>(norm(r[tau_rise_inh_], r[tau_fall_inh_]));
      p.conductance = static_cast<U>(r[conductance_]);
      p.I_e = static_cast<U>(r[I_e_]);
      p.c1 = static_cast<U>(r[c_1_]);
      p.c2 = static_cast<U>(r[c_2_]);
      p.c3 = static_cast<U>(r[c_3_]);
      p.rate_to_mean = static_cast<U>(1e-3 * h);
      p.threshold_drift = static_cast<U>(1e-3 * h * r[target_rate_] * r[speed_]);
      p.threshold_jump = static_cast<U>(r[speed_]);
      // SPORE: a dead time shorter than a step lasts one step; a whole number of steps otherwise.
      const double dead = r[dead_time_];
      p.dead_steps = dead == 0.0 ? 0 : static_cast<int32_t>(std::max<int64_t>(1, nearest_steps(dead, h)));
      p.reset = r[with_reset_] != 0.0;
      p.poisson = dead == 0.0;
    });
    run_random_step(f, ctx);
  });
}

}  // namespace neurons
}  // namespace snn
