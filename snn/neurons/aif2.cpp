// snn/neurons/aif2.cpp — AIF2: parameters, constants, one step.
#include "snn/neurons/aif2.h"

#include <cmath>

#include "snn/backend.h"
#include "snn/errors.h"

namespace snn {
namespace neurons {

Aif2::Aif2(const ModelSpec& spec)
    : Population("AIF2", spec.n,
                 {
                     {"E_L", -70.0, "mV", Constraint::Finite, "resting potential"},
                     {"E_ex", 0.0, "mV", Constraint::Finite, "excitatory reversal potential"},
                     {"E_in", -80.0, "mV", Constraint::Finite, "inhibitory reversal potential (and V's floor)"},
                     {"V_th", -50.0, "mV", Constraint::Finite, "resting threshold"},
                     {"V_reset", -70.0, "mV", Constraint::Finite, "reset potential"},
                     {"delta_thr", 100.0, "mV", Constraint::NonNegative, "threshold jump at a spike"},
                     {"tau_thr", 5.0, "ms", Constraint::Positive, "decay of the threshold jump"},
                     {"tau_m", 20.0, "ms", Constraint::Positive, "membrane time constant"},
                     {"tau_ampa", 5.0, "ms", Constraint::Positive, "AMPA conductance"},
                     {"tau_nmda", 100.0, "ms", Constraint::Positive, "NMDA conductance (follows AMPA)"},
                     {"tau_gaba", 10.0, "ms", Constraint::Positive, "GABA conductance"},
                     {"ampa_nmda_ratio", 1.0, "", Constraint::Positive, "r: A_ampa = r/(1+r), A_nmda = 1/(1+r)"},
                     {"tau_a1", 100.0, "ms", Constraint::Positive, "first adaptation conductance"},
                     {"dg_a1", 0.1, "", Constraint::NonNegative, "its increment per spike"},
                     {"tau_a2", 20000.0, "ms", Constraint::Positive, "second adaptation conductance"},
                     {"dg_a2", 0.002, "", Constraint::NonNegative, "its increment per spike"},
                 }),
      E_L_(param_id("E_L")),
      E_ex_(param_id("E_ex")),
      E_in_(param_id("E_in")),
      V_th_(param_id("V_th")),
      V_reset_(param_id("V_reset")),
      delta_thr_(param_id("delta_thr")),
      tau_thr_(param_id("tau_thr")),
      tau_m_(param_id("tau_m")),
      tau_ampa_(param_id("tau_ampa")),
      tau_nmda_(param_id("tau_nmda")),
      tau_gaba_(param_id("tau_gaba")),
      ratio_(param_id("ampa_nmda_ratio")),
      tau_a1_(param_id("tau_a1")),
      dg_a1_(param_id("dg_a1")),
      tau_a2_(param_id("tau_a2")),
      dg_a2_(param_id("dg_a2")),
      V_m_(declare_state("V_m", "mV")),
      g_ampa_(declare_state("g_ampa", "")),
      g_nmda_(declare_state("g_nmda", "")),
      g_gaba_(declare_state("g_gaba", "")),
      g_a1_(declare_state("g_a1", "")),
      g_a2_(declare_state("g_a2", "")),
      theta_(declare_state("theta", "mV")) {}

void Aif2::check_params(const ParamTable& p) const {
  check_ordered(p, V_reset_, V_th_, owner());
  check_ordered(p, E_in_, V_reset_, owner(), /*or_equal=*/true);  // E_in is V's floor
}

void Aif2::reset_dynamic_state() {
  fill_state(V_m_, E_L_);
  for (StateRef s : {g_ampa_, g_nmda_, g_gaba_, g_a1_, g_a2_, theta_}) state(s).zero_();
}

void Aif2::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const kernels::PerNeuron<kernels::Aif2Params<T>> p = constants_.get<T>(*this, [this](auto& c, const ParamRow& r) {
      using U = std::remove_reference_t<decltype(c.E_L)>;
      const double h = dt();
      c.E_L = static_cast<U>(r[E_L_]);
      c.E_ex = static_cast<U>(r[E_ex_]);
      c.E_in = static_cast<U>(r[E_in_]);
      c.V_th = static_cast<U>(r[V_th_]);
      c.V_reset = static_cast<U>(r[V_reset_]);
      c.delta_thr = static_cast<U>(r[delta_thr_]);
      c.h_over_tau_m = static_cast<U>(h / r[tau_m_]);
      c.h_over_tau_nmda = static_cast<U>(h / r[tau_nmda_]);
      c.decay_ampa = static_cast<U>(std::exp(-h / r[tau_ampa_]));
      c.decay_gaba = static_cast<U>(std::exp(-h / r[tau_gaba_]));
      c.decay_a1 = static_cast<U>(std::exp(-h / r[tau_a1_]));
      c.decay_a2 = static_cast<U>(std::exp(-h / r[tau_a2_]));
      c.decay_thr = static_cast<U>(std::exp(-h / r[tau_thr_]));
      c.A_ampa = static_cast<U>(r[ratio_] / (r[ratio_] + 1.0));
      c.A_nmda = static_cast<U>(1.0 / (r[ratio_] + 1.0));
      c.dg_a1 = static_cast<U>(r[dg_a1_]);
      c.dg_a2 = static_cast<U>(r[dg_a2_]);
    });
    kernels::Aif2Step<T> f{state(V_m_).data_ptr<T>(),  state(g_ampa_).data_ptr<T>(), state(g_nmda_).data_ptr<T>(),
                           state(g_gaba_).data_ptr<T>(), state(g_a1_).data_ptr<T>(),  state(g_a2_).data_ptr<T>(),
                           state(theta_).data_ptr<T>(),  mutable_spikes().data_ptr<T>(), ring_view<T>(ctx.step),
                           p, batch_size() * size(), 1};
    backend::for_each_block(options().device(), f, 1024, 4 * 1024);
  });
}

}  // namespace neurons
}  // namespace snn
