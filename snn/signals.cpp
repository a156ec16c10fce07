// snn/signals.cpp — neuromodulator signals (snn/signals.h).
#include "snn/signals.h"

#include "snn/backend.h"
#include "snn/kernels/signal_math.h"
#include "snn/population.h"

namespace snn {

Neuromodulator::Neuromodulator(std::string name, SignalKind kind, int64_t batch, const at::TensorOptions& options)
    : name_(std::move(name)), kind_(kind), batch_(batch) {
  value_ = at::zeros({batch}, options);
  pending_ = at::zeros({batch}, options);
  ring_ = at::zeros({1, batch}, options);
}

void Neuromodulator::add_source(Population& pop, int64_t delay_steps, int64_t current_step) {
  const int64_t D = ring_.size(0);
  if (delay_steps > D) {
    // Amounts due k steps from now sit in slot (step + k) % D; keep them due at the same step.
    at::Tensor grown = at::zeros({delay_steps, batch_}, ring_.options());
    for (int64_t k = 0; k < D; ++k) grown[(current_step + k) % delay_steps].copy_(ring_[(current_step + k) % D]);
    ring_ = grown;
  }
  sources_.push_back({&pop, delay_steps});
}

void Neuromodulator::set(const at::Tensor& value_b) {
  if (kind_ == SignalKind::Events) {
    pending_.add_(value_b);
  } else {
    pending_.copy_(value_b);
  }
}

void Neuromodulator::set(double value) {
  if (kind_ == SignalKind::Events) {
    pending_.add_(value);
  } else {
    pending_.fill_(value);
  }
}

void Neuromodulator::update(int64_t step) {
  const int64_t D = ring_.size(0);
  dispatch_floating(value_.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::SignalTake<T> take{value_.data_ptr<T>(), ring_.data_ptr<T>(), pending_.data_ptr<T>(), (step % D) * batch_,
                                kind_ == SignalKind::Level};
    backend::for_each(value_.device(), batch_, take);
    for (const Source& s : sources_) {
      const at::Tensor& spikes = s.pop->outgoing_spikes();  // every process's, in a distributed network
      kernels::SpikeCountInto<T> count{spikes.data_ptr<T>(), ring_.data_ptr<T>() + ((step + s.delay) % D) * batch_,
                                       s.pop->global_size()};
      backend::for_each(value_.device(), batch_, count);
    }
  });
}

void Neuromodulator::reset() {
  value_.zero_();
  ring_.zero_();
  if (kind_ == SignalKind::Events) pending_.zero_();
}

}  // namespace snn
