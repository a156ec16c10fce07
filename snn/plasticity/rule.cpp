// snn/plasticity/rule.cpp — the rule base (snn/plasticity/rule.h): parameters, state, delays.
#include "snn/plasticity/rule.h"

#include <limits>

#include "snn/errors.h"
#include "snn/projection.h"
#include "snn/time_grid.h"

namespace snn {

const ParamSpec kEventDriven = {"event_driven", 1.0, "", Constraint::Bool,
                                "visit only synapses of neurons that spiked (same result, less work)"};

// ---- SpikeDelay -------------------------------------------------------------------------------

void SpikeDelay::init(int64_t delay_steps, const at::Tensor& like) {
  delay_ = delay_steps;
  ring_ = at::zeros({delay_steps + 1, like.size(0), like.size(1)}, like.options());
  rows_.clear();
  for (int64_t r = 0; r <= delay_steps; ++r) rows_.push_back(ring_.select(0, r));
}

const at::Tensor& SpikeDelay::push(const at::Tensor& spikes, int64_t step) {
  if (delay_ == 0) {
    current_ = &spikes;
    return spikes;
  }
  const int64_t slots = delay_ + 1;
  at::Tensor& row = rows_[step % slots];
  dispatch_floating(row.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    backend::for_each(row.device(), row.numel(), kernels::Copy<T>{row.data_ptr<T>(), spikes.data_ptr<T>()});
  });
  current_ = &rows_[(step + 1) % slots];  // written delay_ steps ago
  return *current_;
}

void SpikeDelay::reset() {
  if (ring_.defined()) ring_.zero_();
}

// ---- Plasticity -------------------------------------------------------------------------------

Plasticity::Plasticity(std::string rule, std::vector<ParamSpec> params, std::string signal)
    : params_(std::move(params)), rule_(std::move(rule)), signal_(std::move(signal)) {
  if (params_.has("event_driven")) event_driven_ = params_.id("event_driven");
}

Plasticity::~Plasticity() = default;

ParamTable Plasticity::with_params(const ParamMap& values) const {
  ParamTable candidate = params_;
  for (const auto& [name, value] : values) candidate.set(name, value, rule_);
  check_params(candidate);
  return candidate;
}

void Plasticity::set_params(const ParamMap& values) { params_ = with_params(values); }

void Plasticity::visit(StateVisitor& v) {
  visit_params_and_state(v, params_, state_.vars(), [this](const ParamMap& values) { return with_params(values); });
  visit_hidden(v);
}

Visit Plasticity::visit() const {
  return event_driven_.index >= 0 && params_.value(event_driven_) != 0.0 ? Visit::Events : Visit::All;
}

std::pair<double, double> Plasticity::weight_range() const {
  return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
}

void Plasticity::check_bounds(const ParamTable& p, const char* lo, const char* hi) const {
  if (!(p.get(lo) <= p.get(hi))) {
    throw_value_error(rule_, ": ", lo, " must be <= ", hi, ", got ", lo, " ", p.get(lo), " and ", hi, " ", p.get(hi));
  }
}

int64_t Plasticity::delay_steps(const Projection& proj, double dt) const {
  const double d = param("delay");
  if (d >= 0) return grid_steps(d, dt, rule_ + ": delay");
  if (proj.uniform_delay_steps() < 0) {
    throw_value_error(rule_, " on '", proj.name(),
                      "': the projection has per-synapse delays; the rule needs one delay: pass delay=<ms>");
  }
  return proj.uniform_delay_steps();
}

void Plasticity::attach(Projection& proj, double, int64_t) {
  const int64_t B = proj.post().batch_size(), n_pre = proj.pre().global_size(), n_post = proj.post().size();
  for (StateVar& v : state_.vars()) {
    std::vector<int64_t> shape;
    switch (v.shape) {
      case StateShape::Pre: shape = {B, n_pre}; break;
      case StateShape::Post: shape = {B, n_post}; break;
      case StateShape::Synapse:
        shape = proj.sparse() ? std::vector<int64_t>{B, proj.num_synapses()} : std::vector<int64_t>{B, n_pre, n_post};
        break;
      case StateShape::Batch: shape = {B}; break;
      case StateShape::Neuron: throw_value_error(rule_, ": state '", v.name, "' has a population's shape");
    }
    v.tensor = at::zeros(shape, proj.weight().options());
  }
}

void Plasticity::reset_state() {
  for (StateVar& v : state_.vars()) v.tensor.zero_();
}

// ---- RuleAccess -------------------------------------------------------------------------------

at::Tensor& RuleAccess::weights(Projection& p) { return p.weight_; }
void RuleAccess::weights_changed(Projection& p) { p.weights_changed(); }
const at::Tensor& RuleAccess::delay_steps(const Projection& p) { return p.delay_steps_; }
const at::Tensor& RuleAccess::row_ptr(const Projection& p) { return p.row_ptr_; }
const at::Tensor& RuleAccess::post_index(const Projection& p) { return p.post_index_; }
const at::Tensor& RuleAccess::counts(const Projection& p) { return p.count_; }

}  // namespace snn
