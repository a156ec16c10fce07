// snn/neurons/spike_input.cpp — SpikeInput: one step (a copy of this step's input slice).
#include "snn/neurons/spike_input.h"

#include "snn/backend.h"

namespace snn {
namespace neurons {

void SpikeInput::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const int64_t n = batch_size() * size();
    const kernels::StepInput<T> in = run_input_view<T>();
    if (!in.base) {
      backend::for_each(options().device(), n, kernels::Fill<T>{mutable_spikes().data_ptr<T>(), T(0)});
    } else {
      backend::for_each(options().device(), n, kernels::Copy<T>{mutable_spikes().data_ptr<T>(), in.base + ctx.run_step * in.step_stride});
    }
  });
}

}  // namespace neurons
}  // namespace snn
