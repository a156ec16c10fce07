// snn/neurons/parrot.cpp — Parrot (parrot_neuron): one step.
#include "snn/neurons/parrot.h"

#include "snn/backend.h"

namespace snn {
namespace neurons {

void Parrot::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::ParrotStep<T> f{mutable_spikes().data_ptr<T>(), ring_view<T>(ctx.step)};
    backend::for_each(options().device(), batch_size() * size(), f);
  });
}

}  // namespace neurons
}  // namespace snn
