// snn/monitor.cpp — spike and state recording (policy in snn/monitor.h).
#include "snn/monitor.h"

#include <cmath>
#include <vector>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/monitor_math.h"
#include "snn/network.h"
#include "snn/population.h"

namespace snn {

// ---- SpikeMonitor -----------------------------------------------------------------------------

SpikeMonitor::SpikeMonitor(Network& net, Population& pop, const SpikeMonitorOptions& options)
    : net_(&net), pop_(&pop), options_(options), capacity_(options.capacity) {
  if (options.capacity <= 0) throw_value_error("spike monitor capacity must be > 0 events, got ", options.capacity);
  if (options.staging_steps <= 0) throw_value_error("spike monitor staging_steps must be > 0, got ", options.staging_steps);
  const auto dev = at::TensorOptions().device(net.device());
  store_ = at::empty({capacity_, 3}, dev.dtype(at::kLong));
  if (net.device().is_cuda()) {
    staging_ = at::zeros({options.staging_steps, net.batch_size(), pop.size()}, dev.dtype(at::kShort));
    for (int64_t r = 0; r < options.staging_steps; ++r) staging_rows_.push_back(staging_.select(0, r));
  }
  first_step_ = staged_first_step_ = net.step_count();
}

at::Tensor SpikeMonitor::compact_staged() const {
  if (staged_ == 0) return at::empty({0, 3}, store_.options());
  if (!staging_.defined()) {  // CPU: the events were noted as they came
    return at::tensor(staged_events_, store_.options()).reshape({-1, 3});
  }
  const at::Tensor block = staging_.narrow(0, 0, staged_);
  at::Tensor idx = at::nonzero(block);  // [E, 3]: row, batch, neuron, in row-major order
  const at::Tensor counts = block.index({idx.select(1, 0), idx.select(1, 1), idx.select(1, 2)}).to(at::kLong);
  if (counts.numel() > 0 && counts.max().item<int64_t>() > 1) idx = at::repeat_interleave(idx, counts, 0);
  idx.select(1, 0).add_(staged_first_step_);
  return idx;
}

bool SpikeMonitor::flush() {
  if (staged_ == 0) return true;
  const at::Tensor events = compact_staged();
  const int64_t e = events.size(0);
  if (stored_ + e > capacity_) {
    if (options_.on_full == OnFull::Error) return false;
    const int64_t grown = std::max(2 * capacity_, stored_ + e);
    at::Tensor bigger = at::empty({grown, 3}, store_.options());
    bigger.narrow(0, 0, stored_).copy_(store_.narrow(0, 0, stored_));
    store_ = bigger;
    capacity_ = grown;
  }
  store_.narrow(0, stored_, e).copy_(events);
  stored_ += e;
  staged_ = 0;
  staged_events_.clear();
  return true;
}

void SpikeMonitor::ensure_room_for_step() const {
  if (staged_ < options_.staging_steps) return;
  if (const_cast<SpikeMonitor*>(this)->flush()) return;
  throw MonitorFullError(cat("spike monitor of '", pop_->name(), "' is full (capacity ", capacity_, " events; ",
                             options_.staging_steps, " more steps staged): the run stopped at t = ", net_->t(),
                             " ms before step ", net_->step_count(),
                             ". Nothing was lost: read events() and call clear() to continue, or create the monitor "
                             "with a larger capacity or on_full='grow'"));
}

void SpikeMonitor::record(int64_t step) {
  if (staged_ == 0) staged_first_step_ = step;
  const at::Tensor& spikes = pop_->spikes();
  dispatch_floating(spikes.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if (staging_.defined()) {  // CUDA: a copy into the staging block, compacted at the flush
      backend::for_each_block(spikes.device(),
                              kernels::SpikeRecord<T>{spikes.data_ptr<T>(), staging_rows_[staged_].data_ptr<int16_t>(), spikes.numel(), 1},
                              4096);
      return;
    }
    // CPU: the events straight from the population's spike lists (built for delivery and learning
    // anyway), in (batch, neuron) order, a count of c giving c events: work in spikes only.
    const T* s = spikes.data_ptr<T>();
    const int64_t n = pop_->size();
    kernels::for_each_spiking(pop_->fired().view(), pop_->batch_size(), [&](int64_t b, int64_t i) {
      for (int64_t c = 0, count = static_cast<int64_t>(s[b * n + i]); c < count; ++c) {
        staged_events_.insert(staged_events_.end(), {step, b, i});
      }
    });
  });
  ++staged_;
  ++recorded_steps_;
  if (staged_ == options_.staging_steps) flush();
}

SpikeEvents SpikeMonitor::events() const {
  const at::Tensor all = at::cat({store_.narrow(0, 0, stored_), compact_staged()}, 0);
  SpikeEvents ev;
  ev.steps = all.select(1, 0).clone();
  ev.batch = all.select(1, 1).clone();
  ev.senders = all.select(1, 2).clone();
  ev.times = (ev.steps.to(at::kDouble) + 1.0) * net_->dt();
  return ev;
}

int64_t SpikeMonitor::num_events() const {
  if (staged_ == 0) return stored_;
  if (!staging_.defined()) return stored_ + static_cast<int64_t>(staged_events_.size() / 3);
  return stored_ + staging_.narrow(0, 0, staged_).to(at::kLong).sum().item<int64_t>();
}

at::Tensor SpikeMonitor::dense() const {
  at::Tensor out = at::zeros({recorded_steps_, net_->batch_size(), pop_->size()}, store_.options().dtype(at::kShort));
  const SpikeEvents ev = events();
  if (ev.steps.numel() > 0) {
    out.index_put_({ev.steps - first_step_, ev.batch, ev.senders}, at::ones({ev.steps.numel()}, out.options()), true);
  }
  return out;
}

at::Tensor SpikeMonitor::counts() const {
  at::Tensor out = at::zeros({net_->batch_size(), pop_->size()}, store_.options());
  const SpikeEvents ev = events();
  if (ev.steps.numel() > 0) out.index_put_({ev.batch, ev.senders}, at::ones({ev.steps.numel()}, out.options()), true);
  return out;
}

void SpikeMonitor::clear() {
  stored_ = 0;
  staged_ = 0;
  staged_events_.clear();
  recorded_steps_ = 0;
  first_step_ = staged_first_step_ = net_->step_count();
}

// ---- StateMonitor -----------------------------------------------------------------------------

StateMonitor::StateMonitor(Network& net, std::string label, std::string variable, std::function<at::Tensor()> source,
                           const StateMonitorOptions& options)
    : net_(&net), label_(std::move(label)), variable_(std::move(variable)), source_(std::move(source)), options_(options) {
  const at::Tensor state = source_();
  const int64_t columns = state.size(1);
  const double interval = options.interval == 0.0 ? net.dt() : options.interval;
  const double steps = interval / net.dt();
  every_ = std::llround(steps);
  if (!(interval > 0) || every_ < 1 || std::abs(steps - static_cast<double>(every_)) > 1e-9 * std::max(1.0, steps)) {
    throw_value_error("interval must be a positive multiple of dt = ", net.dt(), " ms, got ", options.interval, " ms");
  }
  all_neurons_ = options.neurons.empty();
  std::vector<int64_t> idx = options.neurons;
  if (all_neurons_) {
    for (int64_t i = 0; i < columns; ++i) idx.push_back(i);
  }
  for (int64_t i : idx) {
    if (i < 0 || i >= columns) throw_value_error("neurons: index ", i, " is out of range for '", label_, "' of size ", columns);
  }
  neurons_ = at::tensor(idx, at::TensorOptions().dtype(at::kLong)).to(net.device());
  const int64_t cap = options.capacity < 0 ? 0 : options.capacity;
  if (options.capacity == 0) throw_value_error("state monitor capacity must be > 0 samples or -1 (automatic), got 0");
  buffer_ = at::empty({cap, state.size(0), static_cast<int64_t>(idx.size())}, state.options());
}

int64_t StateMonitor::samples_in(int64_t first_step, int64_t n_steps) const {
  // Samples are taken after steps s with (s + 1) % every == 0.
  return (first_step + n_steps) / every_ - first_step / every_;
}

void StateMonitor::reserve_for_run(int64_t first_step, int64_t n_steps) {
  const int64_t need = stored_ + samples_in(first_step, n_steps);
  if (need <= buffer_.size(0)) return;
  if (options_.capacity > 0 && options_.on_full == OnFull::Error) {
    throw MonitorFullError(cat("state monitor of '", label_, ".", variable_, "' holds ", options_.capacity,
                               " samples and has ", stored_, "; this run would add ", need - stored_,
                               ". Nothing was run: read values() and call clear(), or raise the capacity"));
  }
  at::Tensor bigger = at::empty({std::max(need, 2 * buffer_.size(0)), buffer_.size(1), buffer_.size(2)}, buffer_.options());
  if (stored_ > 0) bigger.narrow(0, 0, stored_).copy_(buffer_.narrow(0, 0, stored_));
  buffer_ = bigger;
  sample_steps_.reserve(static_cast<size_t>(bigger.size(0)));
}

void StateMonitor::record(int64_t step) {
  if ((step + 1) % every_ != 0) return;
  const at::Tensor state = source_();
  if (at::isFloatingType(state.scalar_type()) && state.is_contiguous()) {
    dispatch_floating(state.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      const int64_t m = neurons_.numel();
      kernels::StateGather<T> f{state.data_ptr<T>(), buffer_.data_ptr<T>() + stored_ * state.size(0) * m,
                                neurons_.data_ptr<int64_t>(), state.size(1), m};
      backend::for_each(state.device(), state.size(0) * m, f);
    });
  } else {
    at::Tensor row = buffer_.select(0, stored_);
    at::index_select_out(row, state, 1, neurons_);
  }
  sample_steps_.push_back(step);
  ++stored_;
}

at::Tensor StateMonitor::values() const { return buffer_.narrow(0, 0, stored_).clone(); }

at::Tensor StateMonitor::times() const {
  at::Tensor steps = at::tensor(sample_steps_, at::TensorOptions().dtype(at::kLong));
  return ((steps.to(at::kDouble) + 1.0) * net_->dt()).to(net_->device());
}

void StateMonitor::clear() {
  stored_ = 0;
  sample_steps_.clear();
}

}  // namespace snn
