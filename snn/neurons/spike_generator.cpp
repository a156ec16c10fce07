// snn/neurons/spike_generator.cpp — SpikeGeneratorInput (spike_generator): the schedule, one step.
#include "snn/neurons/spike_generator.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/time_grid.h"

namespace snn {
namespace neurons {

SpikeGenerator::SpikeGenerator(const ModelSpec& spec)
    : Population("SpikeGeneratorInput", spec.n,
                 {{"allow_offgrid_times", 0.0, "", Constraint::Bool,
                   "emit a time off the dt grid at the end of its step (else an error)", Scope::Shared}}),
      times_(spec.spike_times) {
  if (times_.empty()) times_.resize(static_cast<size_t>(spec.n));  // no spikes
  if (static_cast<int64_t>(times_.size()) != spec.n) {
    throw_value_error("SpikeGeneratorInput: spike_times must hold one list per neuron (", spec.n, "), got ", times_.size());
  }
  for (size_t i = 0; i < times_.size(); ++i) {
    for (double t : times_[i]) {
      if (!(t > 0) || !std::isfinite(t)) {
        throw_value_error("SpikeGeneratorInput: spike_times[", i, "] has ", t,
                          " ms; spike times must be > 0 ms (a spike at t is emitted in the step ending at t)");
      }
    }
  }
}

int64_t SpikeGenerator::step_of(double t, double h, size_t neuron) const {
  const std::string what = cat("SpikeGeneratorInput: spike_times[", neuron, "] =");
  if (params().value(param_id("allow_offgrid_times")) != 0.0 && !on_grid(t, h)) {
    if (!std::isfinite(t)) throw_value_error(what, " must be finite, got ", t, " ms");
    return static_cast<int64_t>(std::ceil(t / h)) - 1;
  }
  return grid_steps(t, h, what) - 1;  // the step that ends at t
}

void SpikeGenerator::on_attach(const AttachContext& context) {
  h_ = context.dt;
  now_ = context.step;
  build_schedule();
}

void SpikeGenerator::set_spike_times(const std::vector<int64_t>& neurons, const std::vector<std::vector<double>>& times) {
  if (partitioned()) {
    throw_value_error("SpikeGeneratorInput: set_spike_times is not supported in distributed networks yet; pass spike_times "
                      "when creating the population (docs/distributed.md)");
  }
  const bool all = neurons.empty();
  if (all ? static_cast<int64_t>(times.size()) != size() : times.size() != neurons.size()) {
    throw_value_error("SpikeGeneratorInput: spike_times must hold one list per neuron (",
                      all ? size() : static_cast<int64_t>(neurons.size()), "), got ", times.size());
  }
  std::vector<std::vector<double>> next = times_;
  for (size_t k = 0; k < times.size(); ++k) {
    const int64_t i = all ? static_cast<int64_t>(k) : neurons[k];
    if (i < 0 || i >= size()) throw_value_error("SpikeGeneratorInput: neuron ", i, " is out of range (", size(), " neurons)");
    for (double t : times[k]) {
      if (!(t > 0) || !std::isfinite(t)) {
        throw_value_error("SpikeGeneratorInput: spike_times[", i, "] has ", t,
                          " ms; spike times must be > 0 ms (a spike at t is emitted in the step ending at t)");
      }
    }
    next[static_cast<size_t>(i)] = times[k];
  }
  std::swap(times_, next);
  if (now_ < 0) return;  // checked against the grid when the population joins a network
  try {
    build_schedule();
  } catch (...) {
    std::swap(times_, next);
    build_schedule();
    throw;
  }
}

void SpikeGenerator::visit_hidden(StateVisitor& v) {
  std::vector<double> flat;
  std::vector<int64_t> per_neuron;
  for (const auto& t : times_) {
    flat.insert(flat.end(), t.begin(), t.end());
    per_neuron.push_back(static_cast<int64_t>(t.size()));
  }
  const at::Tensor* stored_times = v.peek("spike_times");
  const int64_t n_times = stored_times ? stored_times->numel() : static_cast<int64_t>(flat.size());
  v.vector<double>("spike_times", flat, -1, std::numeric_limits<double>::min(), std::numeric_limits<double>::max());
  v.vector<int64_t>("spike_counts", per_neuron, size(), 0, n_times);
  if (const at::Tensor* counts = v.peek("spike_counts")) {
    if (counts->sum().item<int64_t>() != n_times) throw_value_error(owner(), ": spike_counts do not add up to spike_times");
  }
  v.integer("next_step", now_);
  if (!v.applying()) return;
  size_t at = 0;
  for (size_t i = 0; i < per_neuron.size(); ++i) {
    const size_t k = static_cast<size_t>(per_neuron[i]);
    times_[i].assign(flat.begin() + static_cast<std::ptrdiff_t>(at), flat.begin() + static_cast<std::ptrdiff_t>(at + k));
    at += k;
  }
  build_schedule(false);
}

void SpikeGenerator::build_schedule(bool past_is_error) {
  const double h = h_;
  std::map<int64_t, std::map<int64_t, int64_t>> schedule;  // step -> neuron -> count
  for (size_t i = 0; i < times_.size(); ++i) {
    for (double t : times_[i]) {
      const int64_t step = step_of(t, h, i);
      if (step < now_) {
        if (!past_is_error) continue;
        throw_value_error("SpikeGeneratorInput: spike_times[", i, "] has ", t,
                          " ms, which is not after the network's current time ", static_cast<double>(now_) * h, " ms");
      }
      schedule[step][static_cast<int64_t>(i)] += 1;
    }
  }
  std::vector<int64_t> neuron;
  std::vector<double> count;
  steps_.clear();
  step_begin_.assign(1, 0);
  for (const auto& [step, events] : schedule) {
    steps_.push_back(step);
    for (const auto& [i, c] : events) {
      neuron.push_back(i);
      count.push_back(static_cast<double>(c));
    }
    step_begin_.push_back(static_cast<int64_t>(neuron.size()));
  }
  const auto cpu64 = at::TensorOptions().dtype(at::kLong);
  event_neuron_ = at::tensor(neuron.empty() ? std::vector<int64_t>{0} : neuron, cpu64).to(options().device());
  event_count_ = at::tensor(count.empty() ? std::vector<double>{0.0} : count, at::TensorOptions().dtype(at::kDouble))
                     .to(options().device(), options().dtype().toScalarType());
}

void SpikeGenerator::integrate(const StepContext& ctx) {
  now_ = ctx.step + 1;
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    backend::for_each(options().device(), batch_size() * size(), kernels::Fill<T>{mutable_spikes().data_ptr<T>(), T(0)});
  });
  const auto it = std::lower_bound(steps_.begin(), steps_.end(), ctx.step);
  if (it == steps_.end() || *it != ctx.step) return;
  const size_t idx = static_cast<size_t>(it - steps_.begin());
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::SpikeScheduleStep<T> f;
    f.spikes = mutable_spikes().data_ptr<T>();
    f.neuron = event_neuron_.data_ptr<int64_t>();
    f.count = event_count_.data_ptr<T>();
    f.lo = step_begin_[idx];
    f.m = step_begin_[idx + 1] - step_begin_[idx];
    f.n = size();
    backend::for_each(options().device(), batch_size() * f.m, f);
  });
}

}  // namespace neurons
}  // namespace snn
