// snn/network.cpp — building a network, checking inputs, and the step loop.
#include "snn/network.h"

#include <cmath>

#include "snn/backend.h"
#include "snn/errors.h"

namespace snn {

namespace {

at::ScalarType parse_dtype(const std::string& s) {
  if (s == "float32" || s == "float") return at::kFloat;
  if (s == "float64" || s == "double") return at::kDouble;
  throw_value_error("dtype must be 'float32' or 'float64', got '", s, "'");
}

at::Device parse_device(const std::string& s) {
  try {
    return at::Device(s);
  } catch (const std::exception&) {
    throw_value_error("device must be 'cpu', 'cuda' or 'cuda:<index>', got '", s, "'");
  }
}

// Streams of the counter-based generator: populations 0..0x3FFF, projections 4 each from 0x4000.
constexpr uint32_t kMaxPopulations = 0x4000;
constexpr uint32_t kProjectionStreamBase = 0x4000;
constexpr uint32_t kMaxProjections = (0x10000 - kProjectionStreamBase) / 4;

}  // namespace

Network::Network(const NetworkOptions& o)
    : dt_(o.dt), batch_(o.batch_size), device_(parse_device(o.device)), dtype_(parse_dtype(o.dtype)), seed_(o.seed) {
  if (!(o.dt > 0) || !std::isfinite(o.dt)) throw_value_error("dt must be > 0 ms and finite, got ", o.dt);
  if (o.batch_size <= 0) throw_value_error("batch_size must be > 0, got ", o.batch_size);
  backend::check_device_usable(device_);
}

Network::~Network() = default;

void Network::check_owned(const Population& pop, const char* what) const {
  if (pop.network() != this) {
    throw_value_error(what, " population '", pop.name(), "' belongs to another network");
  }
}

Population& Network::add(const ModelSpec& spec, const std::string& name) {
  if (populations_.size() >= kMaxPopulations) throw_value_error("a network holds at most ", kMaxPopulations, " populations");
  const std::string chosen = name.empty() ? cat(spec.model, "_", populations_.size()) : name;
  for (const auto& p : populations_) {
    if (p->name() == chosen) throw_value_error("a population named '", chosen, "' already exists");
  }
  std::unique_ptr<Population> pop = make_population(spec);
  pop->attach(this, chosen, static_cast<uint32_t>(populations_.size()), dt_, batch_,
              at::TensorOptions().dtype(dtype_).device(device_));
  populations_.push_back(std::move(pop));
  return *populations_.back();
}

Population& Network::population(const std::string& name) const {
  for (const auto& p : populations_) {
    if (p->name() == name) return *p;
  }
  std::string known;
  for (const auto& p : populations_) known += (known.empty() ? "" : ", ") + p->name();
  throw_value_error("no population named '", name, "'; populations: ", known.empty() ? "(none)" : known);
}

Projection& Network::connect(Population& pre, Population& post, const ConnectSpec& spec) {
  check_owned(pre, "pre");
  check_owned(post, "post");
  if (projections_.size() >= kMaxProjections) throw_value_error("a network holds at most ", kMaxProjections, " projections");
  const uint32_t stream = kProjectionStreamBase + 4 * static_cast<uint32_t>(projections_.size());
  std::unique_ptr<Projection> proj = ProjectionBuilder::build(pre, post, spec, dt_, seed_, stream);
  proj->name_ = spec.name.empty() ? pre.name() + "->" + post.name() : spec.name;
  post.ensure_ring_depth(proj->max_delay_steps(), step_);
  projections_.push_back(std::move(proj));
  return *projections_.back();
}

Projection& Network::connect(const std::string& pre, const std::string& post, const ConnectSpec& spec) {
  return connect(population(pre), population(post), spec);
}

SpikeMonitor& Network::monitor_spikes(Population& pop, const SpikeMonitorOptions& options) {
  check_owned(pop, "monitored");
  spike_monitors_.push_back(std::make_unique<SpikeMonitor>(*this, pop, options));
  return *spike_monitors_.back();
}

StateMonitor& Network::monitor_state(Population& pop, const std::string& variable, const StateMonitorOptions& options) {
  check_owned(pop, "monitored");
  state_monitors_.push_back(std::make_unique<StateMonitor>(*this, pop, variable, options));
  return *state_monitors_.back();
}

int64_t Network::steps_in(double t_ms) const {
  if (!(t_ms >= 0) || !std::isfinite(t_ms)) throw_value_error("run time must be >= 0 ms and finite, got ", t_ms, " ms");
  const double steps = t_ms / dt_;
  const int64_t n = std::llround(steps);
  if (std::abs(steps - static_cast<double>(n)) > 1e-9 * std::max(1.0, steps)) {
    throw_value_error("run time ", t_ms, " ms is not a multiple of dt = ", dt_, " ms (it would be rounded to ",
                      static_cast<double>(n) * dt_, " ms)");
  }
  return n;
}

std::vector<std::pair<Population*, at::Tensor>> Network::prepare_inputs(const InputMap& inputs, int64_t n_steps) const {
  std::vector<std::pair<Population*, at::Tensor>> prepared;
  for (const auto& [name, tensor] : inputs) {
    Population& pop = population(name);
    const std::string what = cat("inputs['", name, "']");
    if (pop.input_kind() == InputKind::None) {
      throw_value_error(what, ": population '", name, "' (", pop.model(), ") takes no input");
    }
    if (!tensor.defined()) throw_value_error(what, ": got an undefined tensor");
    if (tensor.scalar_type() != dtype_) {
      throw_type_error(what, " has dtype ", tensor.scalar_type(), "; the network computes in ", dtype_,
                       ": convert it with .to(", dtype_ == at::kFloat ? "torch.float32" : "torch.float64", ")");
    }
    if (tensor.device() != device_) {
      throw_value_error(what, " is on ", tensor.device(), "; the network is on ", device_, ": move it with .to('", device_, "')");
    }
    const int64_t B = batch_, N = pop.size();
    at::Tensor t;
    if (tensor.dim() == 1 && tensor.size(0) == N) {
      t = tensor.unsqueeze(0).expand({B, N}).contiguous();
    } else if (tensor.dim() == 2 && tensor.size(0) == B && tensor.size(1) == N) {
      t = tensor.contiguous();
    } else if (tensor.dim() == 3 && tensor.size(0) == n_steps && tensor.size(1) == B && tensor.size(2) == N) {
      t = tensor.contiguous();
    } else {
      throw_value_error(what, " has shape ", tensor.sizes(), "; expected [", N, "], [", B, ", ", N, "] or [", n_steps,
                        ", ", B, ", ", N, "] (steps of this run, batch, neurons)");
    }
    if (t.numel() > 0) {
      if (!t.isfinite().all().item<bool>()) throw_value_error(what, " has values that are not finite");
      if (pop.input_kind() == InputKind::Rate) {
        const double lowest = t.min().item<double>();
        if (lowest < 0) throw_value_error(what, ": rates must be >= 0 Hz, got ", lowest, " Hz");
      }
    }
    prepared.emplace_back(&pop, t);
  }
  return prepared;
}

void Network::step(const InputMap& inputs) { run_steps(1, inputs); }

void Network::run(double t_ms, const InputMap& inputs) { run_steps(steps_in(t_ms), inputs); }

void Network::run_steps(int64_t n_steps, const InputMap& inputs) {
  if (n_steps < 0) throw_value_error("number of steps must be >= 0, got ", n_steps);
  // Everything that can refuse the run does so before anything changes.
  const auto prepared = prepare_inputs(inputs, n_steps);
  for (auto& m : state_monitors_) m->reserve_for_run(step_, n_steps);
  if (n_steps == 0) return;

  backend::DeviceScope on_device(device_);
  for (auto& [pop, tensor] : prepared) pop->set_run_input(tensor);
  for (auto& proj : projections_) proj->bind_ring_views();
  struct ClearInputs {
    const std::vector<std::unique_ptr<Population>>& pops;
    const std::vector<std::unique_ptr<SpikeMonitor>>& monitors;
    ~ClearInputs() {
      for (auto& p : pops) p->set_run_input(at::Tensor());
      for (auto& m : monitors) m->flush();
    }
  } finish{populations_, spike_monitors_};

  for (int64_t s = 0; s < n_steps; ++s) {
    for (auto& m : spike_monitors_) m->ensure_room_for_step();
    step_once(s);
  }
}

void Network::step_once(int64_t run_step) {
  const StepContext ctx{step_, run_step, dt_, seed_};
  for (auto& pop : populations_) pop->integrate(ctx);
  for (auto& proj : projections_) proj->propagate(step_);
  for (auto& m : spike_monitors_) m->record(step_);
  for (auto& m : state_monitors_) m->record(step_);
  ++step_;
}

void Network::reset_state(bool include_learned) {
  for (auto& pop : populations_) pop->reset_state(include_learned);
}

void Network::set_learning(bool on) {
  for (auto& pop : populations_) pop->set_learning(on);
}

}  // namespace snn
