// snn/neurons/izhikevich.cpp — Izhikevich (2003): parameters, constants, one step.
#include "snn/neurons/izhikevich.h"

#include <algorithm>
#include <limits>

#include "snn/backend.h"
#include "snn/neurons/random_step.h"

namespace snn {
namespace neurons {

Izhikevich::Izhikevich(const ModelSpec& spec)
    : Population("Izhikevich", spec.n,
                 {
                     {"a", 0.02, "", Constraint::Finite, "recovery time scale (regular spiking: 0.02)"},
                     {"b", 0.2, "", Constraint::Finite, "recovery sensitivity to V_m"},
                     {"c", -65.0, "mV", Constraint::Finite, "reset potential"},
                     {"d", 8.0, "", Constraint::Finite, "recovery increment per spike"},
                     {"V_th", 30.0, "mV", Constraint::Finite, "spike cut-off (V_peak)"},
                     {"I_noise", 0.0, "", Constraint::NonNegative, "uniform noise current I_noise (U - 1/2) per step (published: 13)"},
                     {"I_e", 0.0, "", Constraint::Finite, "constant input (the published model's units: v in mV, t in ms)"},
                     {"V_min", -std::numeric_limits<double>::max(), "mV", Constraint::Finite,
                      "lower bound of V_m (NEST's; default: none)"},
                     {"consistent_integration", 0.0, "", Constraint::Bool,
                      "NEST's forward Euler (weights jump V_m) instead of the published half steps", Scope::Shared},
                 }),
      a_(param_id("a")),
      b_(param_id("b")),
      c_(param_id("c")),
      d_(param_id("d")),
      V_th_(param_id("V_th")),
      I_noise_(param_id("I_noise")),
      I_e_(param_id("I_e")),
      V_min_(param_id("V_min")),
      consistent_(param_id("consistent_integration")),
      V_m_(declare_state("V_m", "mV")),
      U_m_(declare_state("U_m", "")) {}

void Izhikevich::reset_dynamic_state() {
  // As the published code: v = -65, u = b v.
  state(V_m_).fill_(-65.0);
  fill_state(U_m_, b_, -65.0);
}

void Izhikevich::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::IzhikevichStep<T> f;
    f.v = state(V_m_).data_ptr<T>();
    f.u = state(U_m_).data_ptr<T>();
    f.spikes = mutable_spikes().data_ptr<T>();
    f.ring = ring_view<T>(ctx.step);
    f.current = run_input_view<T>();
    f.run_step = ctx.run_step;
    f.params = constants_.get<T>(*this, [this](auto& p, const ParamRow& r) {
      using U = std::remove_reference_t<decltype(p.noise)>;
      p = {static_cast<U>(r[a_]),    static_cast<U>(r[b_]),    static_cast<U>(r[c_]),
           static_cast<U>(r[d_]),    static_cast<U>(r[V_th_]), static_cast<U>(r[I_e_]),
           static_cast<U>(0.5 * dt()), static_cast<U>(dt()),   static_cast<U>(r[I_noise_]),
           static_cast<U>(r[V_min_])};
    });
    const ParamTable& t = params();
    f.consistent = t.value(consistent_) != 0.0;
    f.noise = t.uniform(I_noise_) ? t.value(I_noise_) != 0.0 : true;  // per-neuron values differ: some are not 0
    run_random_step(f, ctx);
  });
}

}  // namespace neurons
}  // namespace snn
