// snn/population.cpp — the model-independent part of a population: parameters, state, input ring buffer.
#include "snn/population.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/philox_math.h"

namespace snn {

const char* to_string(InputKind kind) {
  switch (kind) {
    case InputKind::None: return "none";
    case InputKind::Current: return "current";
    case InputKind::Rate: return "rate";
    case InputKind::Spikes: return "spikes";
  }
  return "none";
}

// Neurons per element of the random-drawing kernels on this population's device (see
// kernels::kRandomBlock: 256 in host code, one Philox block per CUDA thread).
int64_t Population::random_block() const { return options_.device().is_cuda() ? 4 : kernels::kRandomBlock; }

const SpikeSet& Population::fired() {
  if (!fired_valid_) {
    fired_.build(spikes_);
    fired_valid_ = true;
  }
  return fired_;
}

const SpikeSet& Population::outgoing_fired() {
  if (!partitioned_) return fired();
  if (!outgoing_valid_) {
    outgoing_fired_.build(outgoing_);
    outgoing_valid_ = true;
  }
  return outgoing_fired_;
}

// n = 0 only for a distributed network's empty block of a population (make_population checks n > 0).
Population::Population(std::string model, int64_t n, std::vector<ParamSpec> params)
    : params_(std::move(params), n), model_(std::move(model)), n_(n), global_n_(n) {
  if (n < 0) throw_value_error(model_, ": the number of neurons n must be > 0, got ", n);
}

Population::~Population() = default;

at::Tensor Population::param_values(std::string_view name) const {
  return at::tensor(params_.values(params_.id(name, owner())), at::TensorOptions().dtype(at::kDouble));
}

void Population::fill_state(StateRef ref, ParamId param, double scale) {
  at::Tensor& t = state_[ref];
  if (params_.uniform(param)) {
    t.fill_(params_.value(param) * scale);
    return;
  }
  const at::Tensor values = at::tensor(params_.values(param), at::TensorOptions().dtype(at::kDouble)) * scale;
  t.copy_(values.to(t.options()).unsqueeze(0).expand_as(t));
}

void Population::set_state(const std::string& name, const at::Tensor& value) {
  at::Tensor& dst = state_[state_.ref(name, owner())];
  if (!value.defined()) throw_value_error("state '", name, "': got an undefined tensor");
  if (value.device() != dst.device()) {
    throw_value_error("state '", name, "' lives on ", dst.device(), "; got a tensor on ", value.device());
  }
  if (partitioned_ && value.dim() >= 1 && value.size(-1) == global_n_ && global_n_ != n_) {
    set_state(name, value.narrow(-1, first_, n_));  // distributed: the whole population's values, this block's part
    return;
  }
  if (value.dim() > 2 || (value.dim() >= 1 && value.size(-1) != n_) || (value.dim() == 2 && value.size(0) != batch_)) {
    throw_value_error("state '", name, "' has shape [", batch_, ", ", n_, "]; got ", value.sizes(),
                      " (a scalar, [N] or [B, N] is accepted)",
                      partitioned_ ? cat("; this process holds neurons ", first_, "..", first_ + n_ - 1, " of ", global_n_) : "");
  }
  if (at::isFloatingType(dst.scalar_type()) && !at::isFloatingType(value.scalar_type())) {
    throw_type_error("state '", name, "' is ", dst.scalar_type(), "; got a tensor of ", value.scalar_type());
  }
  if (at::isFloatingType(value.scalar_type()) && !value.isfinite().all().item<bool>()) {
    throw_value_error("state '", name, "': values must be finite");
  }
  dst.copy_(value.expand_as(dst));
}

namespace {

// A potential, current, conductance or factor beyond float32's range would turn into inf in a float32
// network's state. (Times are only used through propagators and step counts computed in double:
// a time constant of 1e300 ms, "held", is fine.)
void check_fits(const ParamTable& table, at::ScalarType dtype, const std::string& owner) {
  if (dtype != at::kFloat) return;
  constexpr double kLimit = std::numeric_limits<float>::max();
  for (const ParamSpec& spec : table.specs()) {
    if (spec.unit == "ms") continue;
    const std::vector<double> values = table.values(table.id(spec.name));
    for (size_t i = 0; i < values.size(); ++i) {
      // +-DBL_MAX is NEST's "no bound" (izhikevich's V_min): as float32 it becomes +-inf, which means the same.
      const bool unbounded = std::fabs(values[i]) == std::numeric_limits<double>::max();
      if (std::isfinite(values[i]) && std::fabs(values[i]) > kLimit && !unbounded) {
        throw_value_error(owner, ": ", spec.name, " = ", values[i], " is beyond the range of float32 (+-3.4e38), the network's dtype",
                          table.uniform(table.id(spec.name)) ? std::string() : cat(" (neuron ", i, ")"));
      }
    }
  }
}

}  // namespace

ParamTable Population::with_params(const ParamMap& values) const {
  ParamTable candidate = params_;
  for (const auto& [name, value] : values) candidate.set(name, value, owner());
  check_params(candidate);
  if (network_) check_fits(candidate, options_.dtype().toScalarType(), owner());
  return candidate;
}

void Population::set_params(const ParamMap& values) {
  if (!partitioned_) {
    params_ = with_params(values);
    return;
  }
  // Distributed: one value per neuron of the whole population sets this block's part.
  ParamMap local = values;
  for (auto& [name, value] : local) {
    if (static_cast<int64_t>(value.values().size()) == global_n_) value = value.part(first_, n_);
  }
  params_ = with_params(local);
}

void Population::visit(StateVisitor& v) {
  visit_params_and_state(v, params_, state_.vars(), [this](const ParamMap& values) { return with_params(values); });
  v.tensor("spikes", spikes_);
  v.tensor("input_ring", ring_);
  v.flag("learning", learning_);
  visit_hidden(v);
  if (v.applying()) fired_valid_ = false;
}

void Population::attach(const AttachContext& context) {
  check_fits(params_, context.options.dtype().toScalarType(), context.name.empty() ? model_ : model_ + " '" + context.name + "'");
  network_ = context.network;
  name_ = context.name;
  rng_stream_ = context.rng_stream;
  dt_ = context.dt;
  batch_ = context.batch;
  options_ = context.options;
  first_ = context.first;
  global_n_ = context.global_size < 0 ? n_ : context.global_size;
  partitioned_ = context.global_size >= 0;
  if (partitioned_) outgoing_ = at::zeros({batch_, global_n_}, options_);
  for (StateVar& v : state_.vars()) {
    const at::ScalarType t = v.dtype != at::ScalarType::Undefined ? v.dtype : options_.dtype().toScalarType();
    v.tensor = at::zeros({batch_, n_}, options_.dtype(t));
  }
  spikes_ = at::zeros({batch_, n_}, options_);
  ring_depth_ = 1;
  ring_ = at::zeros({num_receptors(), ring_depth_, batch_, n_}, options_);
  reset_dynamic_state();
  reset_learned_state();
  on_attach(context);
}

void Population::ensure_ring_depth(int64_t depth, int64_t current_step) {
  if (depth <= ring_depth_) return;
  at::Tensor grown = at::zeros({num_receptors(), depth, batch_, n_}, options_);
  // Input due k steps from now sits in slot (step + k) % D; keep it due at the same step.
  for (int64_t k = 0; k < ring_depth_; ++k) {
    grown.select(1, (current_step + k) % depth).copy_(ring_.select(1, (current_step + k) % ring_depth_));
  }
  ring_ = grown;
  ring_depth_ = depth;
}

void Population::reset_state(bool include_learned) {
  reset_dynamic_state();
  if (include_learned) reset_learned_state();
  spikes_.zero_();
  ring_.zero_();
  fired_valid_ = false;
}

}  // namespace snn
