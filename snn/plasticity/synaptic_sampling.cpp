// snn/plasticity/synaptic_sampling.cpp — SynapticSampling: parameters, the initial theta, one step.
#include "snn/plasticity/synaptic_sampling.h"

#include <cmath>

#include "snn/plasticity/scheduler.h"
#include "snn/time_grid.h"

namespace snn {
namespace rules {

SynapticSampling::SynapticSampling(std::string signal)
    : Plasticity("SynapticSampling",
                 {
                     {"learning_rate", 5e-8, "1/ms", Constraint::NonNegative, "beta"},
                     {"temperature", 0.1, "", Constraint::NonNegative, "T: amplitude of the parameter noise"},
                     {"gradient_noise", 0.0, "", Constraint::NonNegative, "T_g: amplitude of the gradient noise"},
                     {"episode_length", 1000.0, "ms", Constraint::Positive, "tau_e: eligibility trace"},
                     {"integration_time", 50000.0, "ms", Constraint::Positive, "tau_g: reward gradient"},
                     {"psp_tau_rise", 2.0, "ms", Constraint::Positive, "rise of the presynaptic PSP trace"},
                     {"psp_tau_fall", 20.0, "ms", Constraint::Positive, "decay of the presynaptic PSP trace"},
                     {"psp_cutoff_amplitude", 1e-4, "", Constraint::NonNegative, "the PSP trace is 0 below this"},
                     {"weight_update_interval", 100.0, "ms", Constraint::Positive, "Delta: theta and w updates"},
                     {"max_param", 5.0, "", Constraint::Finite, "upper bound of theta"},
                     {"min_param", -2.0, "", Constraint::Finite, "lower bound of theta"},
                     {"max_param_change", 40.0, "", Constraint::NonNegative, "clip of the gradient term"},
                     {"direct_gradient_rate", 0.0, "", Constraint::NonNegative, "c_e: dopa e applied to theta every step"},
                     {"gradient_scale", 1.0, "", Constraint::Finite, "c_g"},
                     {"parameter_mapping_offset", 3.0, "", Constraint::Finite, "theta0"},
                     {"weight_scale", 1.0, "", Constraint::Positive, "w0"},
                     {"prior_mean", 0.0, "", Constraint::Finite, "mu"},
                     {"prior_precision", 1.0, "", Constraint::NonNegative, "c_p = 1 / sigma^2 (0: flat prior)"},
                     {"simulate_retracted_synapses", 0.0, "", Constraint::Bool,
                      "keep integrating e and g of retracted synapses"},
                 },
                 std::move(signal)),
      theta_(declare_state("synaptic_parameter", StateShape::Synapse)),
      e_(declare_state("eligibility_trace", StateShape::Synapse)),
      g_(declare_state("reward_gradient", StateShape::Synapse)),
      f_(declare_state("psp_facilitation", StateShape::Pre)),
      r_(declare_state("psp_depression", StateShape::Pre)) {}

void SynapticSampling::check_params(const ParamTable& p) const {
  check_bounds(p, "min_param", "max_param");
  if (p.get("psp_tau_rise") == p.get("psp_tau_fall")) {
    throw_value_error(rule(), ": psp_tau_rise and psp_tau_fall must differ, both are ", p.get("psp_tau_rise"), " ms");
  }
  if (dt_ > 0) grid_steps(p.get("weight_update_interval"), dt_, rule() + ": weight_update_interval");
}

void SynapticSampling::attach(Projection& proj, double dt, int64_t step) {
  Population& post = proj.post();
  bool has_bap = false;
  for (const std::string& name : post.state_names()) has_bap |= name == "bap";
  if (!has_bap) {
    throw_value_error(rule(), " needs a target that reports its spike probability (a 'bap' state: PoissonDblExp); '",
                      post.name(), "' is a ", post.model());
  }
  grid_steps(param("weight_update_interval"), dt, rule() + ": weight_update_interval");
  const at::Tensor& w = proj.weight();
  const at::Tensor synapses = proj.sparse() ? at::ones_like(w, w.options().dtype(at::kBool)) : proj.synapse_count().ne(0);
  if (at::any(w.masked_select(synapses) <= 0).item<bool>()) {
    throw_value_error(rule(), " on '", proj.name(), "': initial weights must be > 0 (w = w0 exp(theta - theta0)); got ",
                      w.masked_select(synapses).min().item<double>());
  }
  Plasticity::attach(proj, dt, step);
  dt_ = dt;
  bap_ = &post.state("bap");
  y_ = at::zeros_like(state(f_));
  // theta from the initial weights (entries without a synapse: 0, never read).
  const at::Tensor theta0 = at::log(at::where(synapses, w, at::ones_like(w)) / param("weight_scale")) +
                            param("parameter_mapping_offset");
  state(theta_).copy_(at::where(synapses, theta0, at::zeros_like(theta0)).expand_as(state(theta_)));
}

void SynapticSampling::reset_state() {
  // theta is learned, like the weights it sets: kept.
  for (StateRef s : {e_, g_, f_, r_}) state(s).zero_();
}

void SynapticSampling::step(Projection& proj, const StepInfo& info) {
  const Constants& c = constants_.get(params(), info.dt, true, [&](Constants& k) {
    k.decay_e = std::exp(-info.dt / param("episode_length"));
    k.decay_g = std::exp(-info.dt / param("integration_time"));
    k.decay_f = std::exp(-info.dt / param("psp_tau_fall"));
    k.decay_r = std::exp(-info.dt / param("psp_tau_rise"));
    k.psp_scale = param("psp_tau_fall") / (param("psp_tau_fall") - param("psp_tau_rise"));
    k.cutoff = param("psp_cutoff_amplitude");
    k.direct = param("learning_rate") * param("direct_gradient_rate") / static_cast<double>(proj.post().batch_size());
    k.update_steps = grid_steps(param("weight_update_interval"), info.dt, rule() + ": weight_update_interval");
    k.retracted_too = param("simulate_retracted_synapses") != 0.0;
    const double lr = param("weight_update_interval") * param("learning_rate");
    k.update = {lr,
                param("prior_precision"),
                param("prior_mean"),
                param("gradient_scale"),
                param("max_param_change"),
                std::sqrt(2.0 * param("temperature") * lr),
                std::sqrt(2.0 * param("gradient_noise") * lr),
                param("min_param"),
                param("max_param"),
                param("weight_scale"),
                param("parameter_mapping_offset"),
                k.retracted_too};
  });
  at::Tensor& w = RuleAccess::weights(proj);
  at::Tensor& f = state(f_);
  at::Tensor& r = state(r_);
  dispatch_floating(w.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    backend::for_each(w.device(), f.numel(),
                      kernels::SynapticSamplingPsp<T>{f.data_ptr<T>(), r.data_ptr<T>(), y_.data_ptr<T>(),
                                                      static_cast<T>(c.decay_f), static_cast<T>(c.decay_r),
                                                      static_cast<T>(c.psp_scale), static_cast<T>(c.cutoff), f.numel()});
    kernels::SynapticSamplingStepRule<T> s;
    s.w = w.data_ptr<T>();
    s.theta = state(theta_).data_ptr<T>();
    s.e = state(e_).data_ptr<T>();
    s.g = state(g_).data_ptr<T>();
    s.y = y_.data_ptr<T>();
    s.bap = bap_->data_ptr<T>();
    s.dopa = info.signal->data_ptr<T>();
    s.decay_e = static_cast<T>(c.decay_e);
    s.decay_g = static_cast<T>(c.decay_g);
    s.direct = static_cast<T>(c.direct);
    s.simulate_retracted = c.retracted_too;
    set_rule_shape(s, proj);
    s.n_syn = proj.sparse() ? proj.num_synapses() : s.n_pre * s.n_post;
    apply_rule(proj, s, Visit::All, nullptr, nullptr);
    if ((info.step + 1) % c.update_steps == 0) {
      kernels::SynapticSamplingUpdateRule<T> u;
      u.w = w.data_ptr<T>();
      u.theta = s.theta;
      u.e = s.e;
      u.g = s.g;
      u.p = c.update.as<T>();
      u.seed = info.seed;
      u.stream = info.stream;
      u.number = static_cast<uint64_t>((info.step + 1) / c.update_steps);
      u.n_pre = s.n_pre;
      u.n_post = s.n_post;
      u.batch = s.batch;
      u.n_syn = s.n_syn;
      apply_rule(proj, u, Visit::All, nullptr, nullptr);
    }
    const at::Tensor& pre = proj.pre().outgoing_spikes();
    backend::for_each(w.device(), f.numel(),
                      kernels::SynapticSamplingPspSpikes<T>{f.data_ptr<T>(), r.data_ptr<T>(), pre.data_ptr<T>(), f.numel()});
  });
}

}  // namespace rules
}  // namespace snn
