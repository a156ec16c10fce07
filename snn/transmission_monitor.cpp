// snn/transmission_monitor.cpp — TransmissionMonitor: the rows of the neurons that spiked, after learning.
#include "snn/transmission_monitor.h"

#include "snn/kernels/synapse_visits.h"
#include "snn/population.h"
#include "snn/projection.h"

namespace snn {

TransmissionMonitor::TransmissionMonitor(const MonitorContext& context, Projection& proj)
    : proj_(&proj), dt_(context.dt) {}

void TransmissionMonitor::record(const StepContext& ctx) {
  Projection& p = *proj_;
  at::Tensor fired;  // the pre neurons that spiked (in any batch entry)
  if (p.pre().spikes().is_cuda()) {
    fired = p.pre().spikes().ne(0).any(0).nonzero().flatten();
    if (fired.numel() == 0) return;
  } else {
    // The population's own list (ascending): a quiet step costs nothing.
    const kernels::ActiveSet set = p.pre().fired().view();
    if (*set.count == 0) return;
    fired = at::from_blob(const_cast<int32_t*>(set.list), {*set.count}, at::TensorOptions().dtype(at::kInt)).to(at::kLong);
  }
  at::Tensor pre, post, w;
  const at::Tensor& weight = p.weight_;  // stored values: no lazy rule is brought forward here
  if (p.sparse()) {
    const at::Tensor begin = p.row_ptr_.index_select(0, fired);
    const at::Tensor count = p.row_ptr_.index_select(0, fired + 1) - begin;
    const int64_t total = count.sum().item<int64_t>();
    if (total == 0) return;
    const at::Tensor first = count.cumsum(0) - count;  // where each row starts in the output
    const at::Tensor within = at::arange(total, count.options()) - at::repeat_interleave(first, count);
    const at::Tensor syn = at::repeat_interleave(begin, count) + within;
    pre = at::repeat_interleave(fired, count);
    post = p.post_index_.index_select(0, syn).to(at::kLong);
    w = weight.index_select(0, syn);
  } else {
    const at::Tensor rows = p.count_.index_select(0, fired).ne(0).nonzero();  // [k, 2]: (row in fired, post)
    if (rows.size(0) == 0) return;
    pre = fired.index_select(0, rows.select(1, 0));
    post = rows.select(1, 1).contiguous();
    w = weight.index({pre, post});
  }
  steps_.push_back(at::full({pre.numel()}, ctx.step, pre.options()));
  senders_.push_back(pre);
  targets_.push_back(post);
  weights_.push_back(w);
  events_ += pre.numel();
}

TransmissionEvents TransmissionMonitor::events() const {
  const auto cpu_long = at::TensorOptions().dtype(at::kLong);
  if (steps_.empty()) {
    return {at::zeros({0}, cpu_long.dtype(at::kDouble)), at::zeros({0}, cpu_long), at::zeros({0}, cpu_long),
            at::zeros({0}, proj_->weight_.options().device(at::kCPU))};
  }
  const at::Tensor steps = at::cat(steps_).cpu();
  return {(steps.to(at::kDouble) + 1.0) * dt_, at::cat(senders_).cpu(), at::cat(targets_).cpu(), at::cat(weights_).cpu()};
}

void TransmissionMonitor::clear() {
  steps_.clear();
  senders_.clear();
  targets_.clear();
  weights_.clear();
  events_ = 0;
}

}  // namespace snn
