// snn/neurons/lif_alpha.cpp — LIFAlpha (iaf_psc_alpha): parameters, propagators, one step.
#include "snn/neurons/lif_alpha.h"

#include <cmath>

#include "snn/backend.h"

namespace snn {
namespace neurons {

LifAlpha::LifAlpha(const ModelSpec& spec)
    : IafWithCurrents(spec, "LIFAlpha"), dI_ex_(declare_state("dI_syn_ex", "pA/ms")), dI_in_(declare_state("dI_syn_in", "pA/ms")) {}

void LifAlpha::reset_dynamic_state() {
  IafWithCurrents::reset_dynamic_state();
  for (StateRef s : {dI_ex_, dI_in_}) state(s).zero_();
}

void LifAlpha::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const kernels::PerNeuron<kernels::LifAlphaParams<T>> p = constants_.get<T>(*this, [this](auto& c, const ParamRow& r) {
      using U = std::remove_reference_t<decltype(c.P33)>;
      const double h = dt(), e = std::exp(1.0);
      const double tau_m = r[membrane_.tau_m], C_m = r[membrane_.C_m];
      const double tau_ex = r[tau_syn_ex_], tau_in = r[tau_syn_in_];
      const kernels::LifAlphaPropagators ex = kernels::lif_alpha_propagators(h, tau_m, tau_ex, C_m);
      const kernels::LifAlphaPropagators in = kernels::lif_alpha_propagators(h, tau_m, tau_in, C_m);
      membrane_.fill<U>(c, r, h);
      c.P33 = static_cast<U>(ex.P33);
      c.P30 = static_cast<U>(ex.P30);
      c.P11_ex = static_cast<U>(ex.P11);
      c.P21_ex = static_cast<U>(ex.P21);
      c.P31_ex = static_cast<U>(ex.P31);
      c.P32_ex = static_cast<U>(ex.P32);
      c.psc_ex = static_cast<U>(e / tau_ex);
      c.P11_in = static_cast<U>(in.P11);
      c.P21_in = static_cast<U>(in.P21);
      c.P31_in = static_cast<U>(in.P31);
      c.P32_in = static_cast<U>(in.P32);
      c.psc_in = static_cast<U>(e / tau_in);
    });
    kernels::LifAlphaStep<T> f{state(V_m_).data_ptr<T>(),  state(I_ex_).data_ptr<T>(),  state(I_in_).data_ptr<T>(),
                               state(dI_ex_).data_ptr<T>(), state(dI_in_).data_ptr<T>(), state(refractory_).data_ptr<int32_t>(),
                               mutable_spikes().data_ptr<T>(), ring_view<T>(ctx.step), run_input_view<T>(),
                               ctx.run_step, p, batch_size() * size(), 1};
    backend::for_each_block(options().device(), f, kNeuronBlock);
  });
}

}  // namespace neurons
}  // namespace snn
