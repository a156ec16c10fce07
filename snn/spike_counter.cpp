// snn/spike_counter.cpp — SpikeCounter: counts += this step's spikes.
#include "snn/spike_counter.h"

#include "snn/backend.h"
#include "snn/kernels/synapse_visits.h"
#include "snn/population.h"

namespace snn {

SpikeCounter::SpikeCounter(const MonitorContext& context, Population& pop)
    : pop_(&pop),
      counts_(at::zeros({context.batch, pop.size()}, at::TensorOptions().dtype(at::kDouble).device(context.device))) {}

void SpikeCounter::record(const StepContext&) {
  const at::Tensor& spikes = pop_->spikes();
  if (counts_.is_cuda()) {
    counts_.add_(spikes);
    return;
  }
  double* c = counts_.data_ptr<double>();
  const int64_t n = pop_->size();
  dispatch_floating(spikes.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const T* s = spikes.data_ptr<T>();
    kernels::for_each_spiking(pop_->fired().view(), pop_->batch_size(),
                              [&](int64_t b, int64_t i) { c[b * n + i] += static_cast<double>(s[b * n + i]); });
  });
}

at::Tensor SpikeCounter::take() {
  at::Tensor out = counts_.clone();
  counts_.zero_();
  return out;
}

}  // namespace snn
