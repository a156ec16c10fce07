// snn/neurons/lif_exp.cpp — LIFExp (iaf_psc_exp): parameters, propagators, one step.
#include "snn/neurons/lif_exp.h"

#include "snn/backend.h"

namespace snn {
namespace neurons {

void LifExp::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::LifExpStep<T> f;
    f.V = state(V_m_).data_ptr<T>();
    f.I_ex = state(I_ex_).data_ptr<T>();
    f.I_in = state(I_in_).data_ptr<T>();
    f.refractory = state(refractory_).data_ptr<int32_t>();
    f.spikes = mutable_spikes().data_ptr<T>();
    f.ring = ring_view<T>(ctx.step);
    f.current = run_input_view<T>();
    f.run_step = ctx.run_step;
    f.params = constants_.get<T>(*this, [this](auto& c, const ParamRow& r) {
      using U = std::remove_reference_t<decltype(c.P22)>;
      const double h = dt();
      const double tau_m = r[membrane_.tau_m], C_m = r[membrane_.C_m];
      const kernels::LifExpPropagators ex = kernels::lif_exp_propagators(h, tau_m, r[tau_syn_ex_], C_m);
      const kernels::LifExpPropagators in = kernels::lif_exp_propagators(h, tau_m, r[tau_syn_in_], C_m);
      membrane_.fill<U>(c, r, h);
      c.P22 = static_cast<U>(ex.P22);
      c.P20 = static_cast<U>(ex.P20);
      c.P11_ex = static_cast<U>(ex.P11);
      c.P11_in = static_cast<U>(in.P11);
      c.P21_ex = static_cast<U>(ex.P21);
      c.P21_in = static_cast<U>(in.P21);
    });
    f.n = batch_size() * size();
    backend::for_each_block(options().device(), f, kNeuronBlock);
  });
}

}  // namespace neurons
}  // namespace snn
