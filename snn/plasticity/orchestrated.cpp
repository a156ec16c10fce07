// snn/plasticity/orchestrated.cpp — OrchestratedPlasticity: parameters, constants, one step.
#include "snn/plasticity/orchestrated.h"

#include <cmath>

#include "snn/errors.h"
#include "snn/kernels/orchestrated_math.h"
#include "snn/plasticity/scheduler.h"
#include "snn/time_grid.h"

namespace snn {
namespace rules {

Orchestrated::Orchestrated()
    : Plasticity("OrchestratedPlasticity",
                 {
                     {"A_plus", 1e-3, "", Constraint::NonNegative, "triplet LTP amplitude (Auryn: eta)"},
                     {"A_minus", 1e-3, "", Constraint::NonNegative, "LTD amplitude (Auryn: eta)"},
                     {"delta", 2e-5, "", Constraint::Finite, "transmitter-induced change per pre spike"},
                     {"beta", 0.05, "", Constraint::NonNegative, "heterosynaptic plasticity strength"},
                     {"tau_plus", 20.0, "ms", Constraint::Positive, "presynaptic trace z_pre"},
                     {"tau_minus", 20.0, "ms", Constraint::Positive, "postsynaptic trace z_post"},
                     {"tau_slow", 100.0, "ms", Constraint::Positive, "slow postsynaptic trace z_slow"},
                     {"w_min", 0.0, "", Constraint::NotNaN, "lower weight bound"},
                     {"w_max", 5.0, "", Constraint::NotNaN, "upper weight bound"},
                     {"consolidation", 1.0, "", Constraint::Bool, "1: consolidate w~ every interval; 0: w~ fixed"},
                     {"consolidation_interval", 1200.0, "ms", Constraint::Positive, "Delta between w~ updates"},
                     {"tau_consolidation", 1.2e6, "ms", Constraint::Positive, "time constant of w~"},
                     {"w_a", 0.0, "", Constraint::Finite, "lower stable fixed point of w~"},
                     {"w_c", 0.5, "", Constraint::Finite, "upper stable fixed point of w~"},
                     {"P", 17.0667, "", Constraint::NonNegative, "strength of the cubic (Auryn: pot_strength)"},
                     {"homeostatic", 0.0, "", Constraint::Bool, "1: LTD scaled by (rbar/kappa)^2 (P11)"},
                     {"kappa", 10.0, "Hz", Constraint::Positive, "target rate of the homeostatic LTD factor"},
                     {"tau_hom", 6e5, "ms", Constraint::Positive, "averaging time of rbar"},
                     kEventDriven,
                 },
                 ""),
      z_pre_(declare_state("z_pre", StateShape::Pre)),
      z_post_(declare_state("z_post", StateShape::Post)),
      z_slow_(declare_state("z_slow", StateShape::Post)),
      rbar_(declare_state("rate_estimate", StateShape::Post)),
      w_cons_(declare_state("consolidated_weight", StateShape::Synapse)) {}

void Orchestrated::check_params(const ParamTable& p) const {
  check_bounds(p, "w_min", "w_max");
  if (p.get("w_a") >= p.get("w_c")) {
    throw_value_error(rule(), ": w_a must be < w_c, got w_a = ", p.get("w_a"), " and w_c = ", p.get("w_c"));
  }
  if (dt_ > 0) grid_steps(p.get("consolidation_interval"), dt_, rule() + ": consolidation_interval");
}

void Orchestrated::attach(Projection& proj, double dt, int64_t step) {
  grid_steps(param("consolidation_interval"), dt, rule() + ": consolidation_interval");
  Plasticity::attach(proj, dt, step);
  dt_ = dt;
  state(w_cons_).fill_(param("w_a"));  // Auryn starts w~ at the lower fixed point
  state(rbar_).fill_(1.0);             // and the rate estimate at 1 Hz
}

void Orchestrated::reset_state() {
  // w~ is learned, like the weights: kept.
  for (StateRef s : {z_pre_, z_post_, z_slow_}) state(s).zero_();
  state(rbar_).fill_(1.0);
}

void Orchestrated::step(Projection& proj, const StepInfo& info) {
  const Constants& c = constants_.get(params(), info.dt, true, [&](Constants& k) {
    k.decay_pre = std::exp(-info.dt / param("tau_plus"));
    k.decay_post = std::exp(-info.dt / param("tau_minus"));
    k.decay_slow = std::exp(-info.dt / param("tau_slow"));
    k.decay_hom = std::exp(-info.dt / param("tau_hom"));
    k.hom_jump = 1000.0 / param("tau_hom");  // a spike adds 1/tau_hom [1/s]: rbar in Hz
    k.A_plus = param("A_plus");
    k.A_minus = param("A_minus");
    k.delta = param("delta");
    k.beta = param("beta");
    k.inv_kappa = 1.0 / param("kappa");
    k.w_min = param("w_min");
    k.w_max = param("w_max");
    k.consolidation_steps = param("consolidation") != 0.0
                                ? grid_steps(param("consolidation_interval"), info.dt, rule() + ": consolidation_interval")
                                : 0;
    k.consolidation_rate = param("consolidation_interval") / param("tau_consolidation");
    k.P = param("P");
    k.w_a = param("w_a");
    k.w_c = param("w_c");
    k.w_b = 0.5 * (k.w_a + k.w_c);
    k.homeostatic = param("homeostatic") != 0.0;
    k.visit = visit();
  });
  at::Tensor& w = RuleAccess::weights(proj);
  const at::Tensor& pre = proj.pre().outgoing_spikes();
  const at::Tensor& post = proj.post().spikes();
  const int64_t n_syn = proj.sparse() ? proj.num_synapses() : proj.pre().global_size() * proj.post().size();
  dispatch_floating(w.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    trace_update<T>(state(z_pre_), nullptr, c.decay_pre, 1.0, false);
    trace_update<T>(state(z_post_), nullptr, c.decay_post, 1.0, false);
    trace_update<T>(state(z_slow_), nullptr, c.decay_slow, 1.0, false);
    kernels::OrchestratedRule<T> r;
    r.w = w.data_ptr<T>();
    r.w_cons = state(w_cons_).data_ptr<T>();
    r.pre_spikes = pre.data_ptr<T>();
    r.post_spikes = post.data_ptr<T>();
    r.z_pre = state(z_pre_).data_ptr<T>();
    r.z_post = state(z_post_).data_ptr<T>();
    r.z_slow = state(z_slow_).data_ptr<T>();
    r.rbar = c.homeostatic ? state(rbar_).data_ptr<T>() : nullptr;
    r.A_plus = static_cast<T>(c.A_plus);
    r.A_minus = static_cast<T>(c.A_minus);
    r.delta = static_cast<T>(c.delta);
    r.beta = static_cast<T>(c.beta);
    r.inv_kappa = static_cast<T>(c.inv_kappa);
    r.w_min = static_cast<T>(c.w_min);
    r.w_max = static_cast<T>(c.w_max);
    set_rule_shape(r, proj);
    r.n_syn = n_syn;
    apply_rule(proj, r, c.visit, &proj.pre().outgoing_fired(), &proj.post().fired());
    trace_update<T>(state(z_pre_), &pre, 1.0, 1.0, false);
    trace_update<T>(state(z_post_), &post, 1.0, 1.0, false);
    trace_update<T>(state(z_slow_), &post, 1.0, 1.0, false);
    if (c.homeostatic) trace_update<T>(state(rbar_), &post, c.decay_hom, c.hom_jump, false);
    if (c.consolidation_steps > 0 && (info.step + 1) % c.consolidation_steps == 0) {
      kernels::ConsolidationRule<T> k;
      k.w = w.data_ptr<T>();
      k.w_cons = state(w_cons_).data_ptr<T>();
      k.rate = static_cast<T>(c.consolidation_rate);
      k.P = static_cast<T>(c.P);
      k.w_a = static_cast<T>(c.w_a);
      k.w_b = static_cast<T>(c.w_b);
      k.w_c = static_cast<T>(c.w_c);
      set_rule_shape(k, proj);
      k.n_syn = n_syn;
      apply_rule(proj, k, Visit::All, nullptr, nullptr);
    }
  });
}

}  // namespace rules
}  // namespace snn
