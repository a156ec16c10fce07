// snn/spike_monitor.cpp — spike recording (policy in snn/spike_monitor.h).
#include "snn/spike_monitor.h"

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/monitor_math.h"

namespace snn {

OnFull parse_on_full(const std::string& on_full) {
  if (on_full == "grow") return OnFull::Grow;
  if (on_full == "error") return OnFull::Error;
  throw_value_error("on_full must be 'grow' or 'error', got '", on_full, "'");
}

SpikeMonitor::SpikeMonitor(const MonitorContext& context, Population& pop, const SpikeMonitorOptions& options)
    : pop_(&pop), options_(options), dt_(context.dt), batch_(context.batch), capacity_(options.capacity) {
  if (options.capacity <= 0) throw_value_error("spike monitor capacity must be > 0 events, got ", options.capacity);
  if (options.staging_steps < 0) {
    throw_value_error("spike monitor staging_steps must be > 0, or 0 (automatic), got ", options.staging_steps);
  }
  const auto dev = at::TensorOptions().device(context.device);
  store_ = at::empty({capacity_, 3}, dev.dtype(at::kLong));
  staging_steps_ = options.staging_steps > 0 ? options.staging_steps : kAutoStagingSteps;
  if (context.device.is_cuda()) {
    staging_ = at::zeros({staging_steps_, batch_, pop.size()}, dev.dtype(at::kShort));
    for (int64_t r = 0; r < staging_steps_; ++r) staging_rows_.push_back(staging_.select(0, r));
  }
  first_step_ = staged_first_step_ = next_step_ = context.step;
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

bool SpikeMonitor::store_staged() {
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

void SpikeMonitor::reserve(int64_t first_step, int64_t n_steps) {
  next_step_ = first_step;
  if (!staging_.defined() || options_.staging_steps > 0) return;
  // CUDA, automatic: rows for the steps already staged and the whole run, within the byte budget
  // (grown at least twofold: runs of one step each with rows left staged must not copy every time).
  const int64_t row_bytes = std::max<int64_t>(1, 2 * batch_ * pop_->size());
  const int64_t budget = std::max(kAutoStagingSteps, kAutoStagingBytes / row_bytes);
  if (staged_ + n_steps <= staging_steps_ || staging_steps_ >= budget) return;
  const int64_t rows = std::min(budget, std::max(staged_ + n_steps, 2 * staging_steps_));
  at::Tensor bigger = at::zeros({rows, batch_, pop_->size()}, staging_.options());
  if (staged_ > 0) bigger.narrow(0, 0, staged_).copy_(staging_.narrow(0, 0, staged_));
  staging_ = bigger;
  staging_rows_.clear();
  for (int64_t r = 0; r < rows; ++r) staging_rows_.push_back(staging_.select(0, r));
  staging_steps_ = rows;
}

void SpikeMonitor::before_step(const StepContext& ctx) {
  if (staged_ < staging_steps_) return;
  if (store_staged()) return;
  throw MonitorFullError(cat("spike monitor of '", pop_->name(), "' is full (capacity ", capacity_, " events; ",
                             staged_, " more steps staged): the run stopped at t = ",
                             static_cast<double>(ctx.step) * ctx.dt, " ms before step ", ctx.step,
                             ". Nothing was lost: read events() and call clear() to continue, or create the monitor "
                             "with a larger capacity or on_full='grow'"));
}

void SpikeMonitor::record(const StepContext& ctx) {
  const int64_t step = ctx.step;
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
    kernels::for_each_spiking(pop_->fired().view(), batch_, [&](int64_t b, int64_t i) {
      for (int64_t c = 0, count = static_cast<int64_t>(s[b * n + i]); c < count; ++c) {
        staged_events_.insert(staged_events_.end(), {step, b, i});
      }
    });
  });
  ++staged_;
  ++recorded_steps_;
  next_step_ = step + 1;  // a full block is stored before the next step, or at the end of the run
}

SpikeEvents SpikeMonitor::events() const {
  const at::Tensor all = at::cat({store_.narrow(0, 0, stored_), compact_staged()}, 0);
  SpikeEvents ev;
  ev.steps = all.select(1, 0).clone();
  ev.batch = all.select(1, 1).clone();
  ev.senders = all.select(1, 2) + pop_->first();  // global indices in a distributed network
  ev.times = (ev.steps.to(at::kDouble) + 1.0) * dt_;
  return ev;
}

int64_t SpikeMonitor::num_events() const {
  if (staged_ == 0) return stored_;
  if (!staging_.defined()) return stored_ + static_cast<int64_t>(staged_events_.size() / 3);
  return stored_ + staging_.narrow(0, 0, staged_).to(at::kLong).sum().item<int64_t>();
}

at::Tensor SpikeMonitor::dense() const {
  at::Tensor out = at::zeros({recorded_steps_, batch_, pop_->size()}, store_.options().dtype(at::kShort));
  const SpikeEvents ev = events();
  if (ev.steps.numel() > 0) {
    out.index_put_({ev.steps - first_step_, ev.batch, ev.senders - pop_->first()}, at::ones({ev.steps.numel()}, out.options()), true);
  }
  return out;
}

at::Tensor SpikeMonitor::counts() const {
  at::Tensor out = at::zeros({batch_, pop_->size()}, store_.options());
  const SpikeEvents ev = events();
  if (ev.steps.numel() > 0) out.index_put_({ev.batch, ev.senders - pop_->first()}, at::ones({ev.steps.numel()}, out.options()), true);
  return out;
}

void SpikeMonitor::clear() {
  stored_ = 0;
  staged_ = 0;
  staged_events_.clear();
  recorded_steps_ = 0;
  first_step_ = staged_first_step_ = next_step_;
}

}  // namespace snn
