// snn/state_monitor.cpp — state recording (policy in snn/state_monitor.h).
#include "snn/state_monitor.h"

#include <algorithm>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/monitor_math.h"
#include "snn/time_grid.h"

namespace snn {

StateMonitor::StateMonitor(const MonitorContext& context, std::string label, std::string variable,
                           std::function<at::Tensor()> source, const StateMonitorOptions& options)
    : label_(std::move(label)),
      variable_(std::move(variable)),
      source_(std::move(source)),
      options_(options),
      dt_(context.dt),
      device_(context.device) {
  const at::Tensor state = source_();
  const int64_t columns = state.size(1);
  const double interval = options.interval == 0.0 ? context.dt : options.interval;
  if (!(interval > 0) || !on_grid(interval, context.dt) || nearest_steps(interval, context.dt) < 1) {
    throw_value_error("interval must be a positive multiple of dt = ", context.dt, " ms, got ", options.interval, " ms");
  }
  every_ = nearest_steps(interval, context.dt);
  std::vector<int64_t> idx = options.neurons;
  if (idx.empty()) {
    for (int64_t i = 0; i < columns; ++i) idx.push_back(i);
  }
  for (int64_t i : idx) {
    if (i < 0 || i >= columns) throw_value_error("neurons: index ", i, " is out of range for '", label_, "' of size ", columns);
  }
  neurons_ = at::tensor(idx, at::TensorOptions().dtype(at::kLong)).to(context.device);
  if (options.capacity == 0) throw_value_error("state monitor capacity must be > 0 samples or -1 (automatic), got 0");
  const int64_t cap = options.capacity < 0 ? 0 : options.capacity;
  buffer_ = at::empty({cap, state.size(0), static_cast<int64_t>(idx.size())}, state.options());
}

int64_t StateMonitor::samples_in(int64_t first_step, int64_t n_steps) const {
  // Samples are taken after steps s with (s + 1) % every == 0.
  return (first_step + n_steps) / every_ - first_step / every_;
}

void StateMonitor::reserve(int64_t first_step, int64_t n_steps) {
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

void StateMonitor::record(const StepContext& ctx) {
  const int64_t step = ctx.step;
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
  return ((steps.to(at::kDouble) + 1.0) * dt_).to(device_);
}

void StateMonitor::clear() {
  stored_ = 0;
  sample_steps_.clear();
}

}  // namespace snn
