// snn/network.cpp — building a network, checking inputs, and the step loop.
#include "snn/network.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/host_reads.h"
#include "snn/neurons/poisson.h"
#include "snn/time_grid.h"

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
    : dt_(o.dt),
      batch_(o.batch_size),
      device_(backend::usable_device(parse_device(o.device))),
      dtype_(parse_dtype(o.dtype)),
      seed_(o.seed) {
  if (!(o.dt > 0) || !std::isfinite(o.dt)) throw_value_error("dt must be > 0 ms and finite, got ", o.dt);
  if (o.batch_size <= 0) throw_value_error("batch_size must be > 0, got ", o.batch_size);
  if (o.distributed) {
    if (o.batch_size != 1) throw_value_error("a distributed network simulates one batch entry (batch_size=1), got batch_size=", o.batch_size);
    comm_ = o.communicator ? o.communicator : &distributed::Communicator::local();
  }
}

void Network::refuse_distributed(const char* what) const {
  if (comm_) throw_value_error(what, " not supported in distributed networks yet (docs/distributed.md)");
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
  std::unique_ptr<Population> pop = make_population(spec);  // every process checks the whole spec
  int64_t first = 0, global = -1;
  if (comm_) {
    // Placement: contiguous blocks, process r holds neurons [n r / R, n (r + 1) / R).
    const int64_t r = comm_->rank(), R = comm_->size();
    first = spec.n * r / R;
    global = spec.n;
    pop = make_population(block_of(spec, first, spec.n * (r + 1) / R - first), /*block=*/true);
  }
  pop->attach(AttachContext{this, chosen, static_cast<uint32_t>(populations_.size()), dt_, batch_,
                            at::TensorOptions().dtype(dtype_).device(device_), step_, first, global});
  populations_.push_back(std::move(pop));
  return *populations_.back();
}

Population& Network::population(const std::string& name) const {
  for (const auto& p : populations_) {
    if (p->name() == name) return *p;
  }
  std::vector<std::string> known;
  for (const auto& p : populations_) known.push_back(p->name());
  throw_value_error("no population named '", name, "'; populations: ", join(known, "(none)"));
}

Projection& Network::connect(Population& pre, Population& post, const ConnectSpec& spec) {
  return connect_built(pre, post, spec, [&](uint32_t stream) {
    return ProjectionBuilder::build(pre, post, spec, dt_, seed_, stream);
  });
}

Projection& Network::connect_built(Population& pre, Population& post, const ConnectSpec& spec,
                                   const std::function<std::unique_ptr<Projection>(uint32_t stream)>& build) {
  check_owned(pre, "pre");
  check_owned(post, "post");
  if (!post.receives_spikes()) {
    throw_value_error("post population '", post.name(), "' (", post.model(), ") is a spike source and takes no synaptic input");
  }
  if (projections_.size() >= kMaxProjections) throw_value_error("a network holds at most ", kMaxProjections, " projections");
  if (spec.short_term) refuse_distributed("short-term plasticity is");
  // Everything that can fail does so before the network changes.
  std::unique_ptr<Plasticity> rule = spec.plasticity ? make_plasticity(*spec.plasticity) : nullptr;
  if (rule && rule->reads_target_state()) {
    refuse_distributed(cat(rule->rule(), ", which reads its target's state each step, is").c_str());
  }
  std::unique_ptr<ShortTermPlasticity> short_term;
  if (spec.short_term) {
    if (post.counts_spikes()) {
      throw_value_error("short-term plasticity scales what a spike transmits; post population '", post.name(), "' (",
                        post.model(), ") counts spikes and ignores weights");
    }
    short_term = std::make_unique<ShortTermPlasticity>(spec.short_term->params);
  }
  const uint32_t stream = kProjectionStreamBase + 4 * static_cast<uint32_t>(projections_.size());
  std::unique_ptr<Projection> proj = build(stream);
  proj->name_ = spec.name.empty() ? pre.name() + "->" + post.name() : spec.name;
  proj->same_index_ = spec.rule == "one_to_one" && !spec.pre_neurons && !spec.post_neurons;
  proj->set_normalize_target(spec.normalize);
  Neuromodulator* signal = nullptr;
  if (rule) {
    if (rule->signal_kind() != SignalKind::None) {
      signal = find_signal(rule->signal());
      if (signal && signal->kind() != rule->signal_kind()) {
        throw_value_error(rule->rule(), " reads '", rule->signal(), "' as ",
                          rule->signal_kind() == SignalKind::Level ? "a level (reward)" : "events (neuromodulator spikes)",
                          ", but that signal is ", signal->kind() == SignalKind::Level ? "a level" : "an events signal");
      }
    }
    rule->attach(*proj, dt_, step_);
    if (rule->signal_kind() != SignalKind::None && !signal) {
      signals_.push_back(std::make_unique<Neuromodulator>(rule->signal(), rule->signal_kind(), batch_,
                                                          at::TensorOptions().dtype(dtype_).device(device_)));
      signal = signals_.back().get();
    }
    proj->plasticity_ = std::move(rule);
    proj->signal_ = signal;
  }
  if (short_term) {
    short_term->attach(pre, batch_, at::TensorOptions().dtype(dtype_).device(device_), dt_);
    proj->short_term_ = std::move(short_term);
  }
  post.ensure_ring_depth(proj->max_delay_steps(), step_);
  projections_.push_back(std::move(proj));
  return *projections_.back();
}

Neuromodulator* Network::find_signal(const std::string& name) const {
  for (const auto& s : signals_) {
    if (s->name() == name) return s.get();
  }
  return nullptr;
}

Neuromodulator& Network::signal(const std::string& name) const {
  if (Neuromodulator* s = find_signal(name)) return *s;
  std::vector<std::string> known;
  for (const auto& s : signals_) known.push_back(s->name());
  throw_value_error("no signal named '", name, "'; signals: ",
                    join(known, "(none: signals are made by neuromodulator() or by connecting a rule that reads one)"));
}

Neuromodulator& Network::neuromodulator(const std::string& name, Population& source, double delay_ms) {
  check_owned(source, "neuromodulator source");
  if (!(delay_ms > 0) || !std::isfinite(delay_ms) || !on_grid(delay_ms, dt_) || nearest_steps(delay_ms, dt_) < 1) {
    throw_value_error("neuromodulator delay must be a multiple of dt = ", dt_, " ms and at least one step, got ", delay_ms, " ms");
  }
  const int64_t d = nearest_steps(delay_ms, dt_);
  Neuromodulator* s = find_signal(name);
  if (s && s->kind() != SignalKind::Events) {
    throw_value_error("signal '", name, "' is a level (set with set_signal); spikes cannot feed it");
  }
  if (!s) {
    signals_.push_back(std::make_unique<Neuromodulator>(name, SignalKind::Events, batch_,
                                                        at::TensorOptions().dtype(dtype_).device(device_)));
    s = signals_.back().get();
  }
  s->add_source(source, d, step_);
  return *s;
}

void Network::set_signal(const std::string& name, const at::Tensor& value) {
  Neuromodulator& s = signal(name);
  if (!value.defined()) throw_value_error("set_signal('", name, "'): got an undefined tensor");
  if (!(value.numel() == 1 || (value.dim() == 1 && value.size(0) == batch_))) {
    throw_value_error("set_signal('", name, "'): value has shape ", value.sizes(), "; expected a scalar or [", batch_,
                      "] (one value per batch entry)");
  }
  at::Tensor v = value.to(device_, dtype_).reshape({-1}).expand({batch_});
  if (!v.isfinite().all().item<bool>()) throw_value_error("set_signal('", name, "'): values must be finite");
  s.set(v);
}

void Network::set_signal(const std::string& name, double value) {
  Neuromodulator& s = signal(name);
  if (!std::isfinite(value)) throw_value_error("set_signal('", name, "'): values must be finite, got ", value);
  s.set(value);
}

Projection& Network::connect(const std::string& pre, const std::string& post, const ConnectSpec& spec) {
  return connect(population(pre), population(post), spec);
}

SpikeMonitor& Network::monitor_spikes(Population& pop, const SpikeMonitorOptions& options) {
  check_owned(pop, "monitored");
  return add_monitor<SpikeMonitor>(
      [&](const MonitorContext& context) { return std::make_unique<SpikeMonitor>(context, pop, options); });
}

SpikeCounter& Network::count_spikes(Population& pop) {
  check_owned(pop, "counted");
  return add_monitor<SpikeCounter>([&](const MonitorContext& context) { return std::make_unique<SpikeCounter>(context, pop); });
}

StateMonitor& Network::monitor_state(Population& pop, const std::string& variable, const StateMonitorOptions& options) {
  check_owned(pop, "monitored");
  if (!options.neurons.empty()) refuse_distributed("state monitors of chosen neurons (neurons=...) are");
  // Resolved once: a state tensor is allocated when its owner joins the network and written in place after.
  const at::Tensor& tensor = pop.state(variable);  // throws for an unknown variable, listing the known ones
  return add_monitor<StateMonitor>([&](const MonitorContext& context) {
    return std::make_unique<StateMonitor>(context, pop.name(), variable, [&tensor] { return tensor; }, options);
  });
}

TransmissionMonitor& Network::monitor_transmissions(Projection& proj) {
  bool owned = false;
  for (const auto& p : projections_) owned |= p.get() == &proj;
  if (!owned) throw_value_error("projection '", proj.name(), "' belongs to another network");
  refuse_distributed("transmission monitors are");
  return add_monitor<TransmissionMonitor>(
      [&](const MonitorContext& context) { return std::make_unique<TransmissionMonitor>(context, proj); });
}

StateMonitor& Network::monitor_projection(Projection& proj, const std::string& variable, const StateMonitorOptions& options) {
  bool owned = false;
  for (const auto& p : projections_) owned |= p.get() == &proj;
  if (!owned) throw_value_error("projection '", proj.name(), "' belongs to another network");
  refuse_distributed("projection monitors are");
  Projection* p = &proj;
  std::function<at::Tensor()> source;
  bool per_synapse = variable == "weight";
  if (per_synapse) {
    source = [p] { return p->weight().view({1, -1}); };
  } else {
    if (!proj.plasticity()) {
      throw_value_error("projection '", proj.name(), "' can record 'weight' only (it has no learning rule); got '", variable, "'");
    }
    const at::Tensor& t = proj.plasticity()->state(variable);  // throws for an unknown name; resolved once
    per_synapse = t.dim() == 3;
    if (t.dim() == 1) {
      source = [&t] { return t.view({-1, 1}); };
    } else {
      source = [&t] { return t.view({t.size(0), -1}); };
    }
  }
  if (per_synapse) {
    const at::Tensor count = proj.synapse_count().flatten().cpu();
    for (int64_t k : options.neurons) {
      if (k >= 0 && k < count.numel() && count[k].item<double>() == 0) {
        throw_value_error("projection '", proj.name(), "' has no synapse from ", k / proj.post().size(), " to ",
                          k % proj.post().size());
      }
    }
  }
  return add_monitor<StateMonitor>([&](const MonitorContext& context) {
    return std::make_unique<StateMonitor>(context, proj.name(), variable, std::move(source), options);
  });
}

int64_t Network::steps_in(double t_ms) const {
  if (!(t_ms >= 0) || !std::isfinite(t_ms)) throw_value_error("run time must be >= 0 ms and finite, got ", t_ms, " ms");
  return grid_steps(t_ms, dt_, "run time");
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
    // A distributed network takes the whole population's input (checked whole, on every process) and keeps its block.
    const bool whole = pop.partitioned() && tensor.dim() >= 1 && tensor.size(-1) == pop.global_size();
    const int64_t B = batch_, N = whole ? pop.global_size() : pop.size();
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
      // One read from the device: whether every value is finite, and for rates and counts the range.
      const bool counts = pop.input_kind() == InputKind::Rate || pop.input_kind() == InputKind::Spikes;
      std::vector<at::Tensor> facts{t.isfinite().all().to(at::kDouble)};
      if (counts) facts.insert(facts.end(), {t.min().to(at::kDouble), t.max().to(at::kDouble)});
      const at::Tensor read = at::stack(facts).cpu();
      const double* f = read.data_ptr<double>();
      if (f[0] == 0.0) throw_value_error(what, " has values that are not finite");
      if (counts && f[1] < 0) {
        throw_value_error(what, pop.input_kind() == InputKind::Rate ? ": rates must be >= 0 Hz, got " : ": spike counts must be >= 0, got ",
                          f[1]);
      }
      if (pop.input_kind() == InputKind::Rate && f[2] > neurons::PoissonSource::kMaxRate) {
        throw_value_error(what, ": rates must be <= ", neurons::PoissonSource::kMaxRate, " Hz, got ", f[2]);
      }
    }
    prepared.emplace_back(&pop, whole ? t.narrow(-1, pop.first(), pop.size()).contiguous() : t);
  }
  return prepared;
}

void Network::step(const InputMap& inputs) { run_steps(1, inputs); }

void Network::run(double t_ms, const InputMap& inputs) { run_steps(steps_in(t_ms), inputs); }

void Network::run_steps(int64_t n_steps, const InputMap& inputs) {
  if (n_steps < 0) throw_value_error("number of steps must be >= 0, got ", n_steps);
  // Everything that can refuse the run does so before anything changes.
  const auto prepared = prepare_inputs(inputs, n_steps);
  for (auto& m : monitors_) m->reserve(step_, n_steps);
  if (n_steps == 0) return;

  backend::DeviceScope on_device(device_);
  const backend::FlushSubnormals flush;  // see snn/backend.h; ends after FinishRun below
  for (auto& proj : projections_) {
    if (proj->normalize_target()) proj->normalize(*proj->normalize_target());
  }
  for (auto& [pop, tensor] : prepared) pop->set_run_input(tensor);
  // Per-run decisions that read values are made here, so that no step waits for the device.
  for (auto& pop : populations_) pop->begin_run();
  for (auto& proj : projections_) {
    proj->bind_ring_views();
    proj->begin_run();
  }
  struct FinishRun {
    const std::vector<std::unique_ptr<Population>>& pops;
    const std::vector<std::unique_ptr<Projection>>& projs;
    const std::vector<std::unique_ptr<Monitor>>& monitors;
    ~FinishRun() {
      for (auto& p : pops) p->set_run_input(at::Tensor());
      for (auto& p : projs) {
        if (p->plasticity()) p->plasticity()->synchronize(*p);  // lazy rules: weights up to date
      }
      for (auto& m : monitors) m->flush();
    }
  } finish{populations_, projections_, monitors_};

  if (comm_) prepare_exchange();
  for (int64_t s = 0; s < n_steps; ++s) {
    const StepContext ctx{step_, s, dt_, seed_};
    const HostReadStepMark in_step(step_, s == 0);
    for (auto& m : monitors_) m->before_step(ctx);
    if (comm_) {
      step_distributed(ctx);
    } else {
      step_once(ctx);
    }
  }
  if (comm_) deliver_pending();  // a run ends with everything delivered
}

void Network::prepare_exchange() {
  for (auto& pop : populations_) {
    const std::vector<std::string> names = pop->params().names();
    if (std::find(names.begin(), names.end(), "one_spike") != names.end() && pop->param("one_spike") != 0) {
      throw_value_error("population '", pop->name(), "': one_spike picks one spike of the whole population each step, ",
                        "which a distributed network cannot do without an exchange every step; not supported in ",
                        "distributed networks (docs/distributed.md)");
    }
  }
  if (!exchange_ || exchange_projections_ != projections_.size() || exchange_signals_ != signals_.size()) {
    // The populations that projections or neuromodulators read, and those whose own spikes rules read
    // when the steps are delivered (the targets of plastic projections).
    std::vector<distributed::SpikeExchange::Source> sources;
    for (auto& pop : populations_) {
      bool read = false, local_only = true, replayed = false;
      for (auto& proj : projections_) {
        replayed |= &proj->post() == pop.get() && proj->plasticity();
        if (&proj->pre() != pop.get()) continue;
        read = true;
        local_only &= proj->same_index_ && proj->post().global_size() == pop->global_size();
      }
      for (auto& signal : signals_) {
        for (const auto& src : signal->sources_) {
          read |= src.pop == pop.get();
          local_only &= src.pop != pop.get();
        }
      }
      if (read || replayed) sources.push_back({pop.get(), read, read && local_only, replayed});
    }
    exchange_ = std::make_unique<distributed::SpikeExchange>(*comm_, std::move(sources));
    exchange_projections_ = projections_.size();
    exchange_signals_ = signals_.size();
  }
  // Every process exchanges at the same steps: every D steps, D the shortest delay of any process's
  // synapses. The same collective compares what the processes built (a mismatched script raises on all).
  int64_t shortest = std::numeric_limits<int64_t>::max();
  for (auto& proj : projections_) shortest = std::min(shortest, proj->min_delay_steps());
  uint64_t built = 1469598103934665603ull;  // FNV-1a of the populations, projections, dt, seed and step
  auto mix = [&built](const std::string& text) {
    for (unsigned char c : text) built = (built ^ c) * 1099511628211ull;
  };
  for (auto& pop : populations_) mix(cat(pop->name(), "/", pop->model(), "/", pop->global_size(), ";"));
  for (auto& proj : projections_) mix(cat(proj->pre().name(), ">", proj->post().name(), "/", proj->rule(), ";"));
  mix(cat(dt_, "/", seed_, "/", step_));
  const int64_t mine = static_cast<int64_t>(built >> 1);
  const std::vector<int64_t> all = comm_->allgather({shortest, mine});
  interval_ = shortest;
  for (size_t r = 0; r < all.size() / 2; ++r) {
    interval_ = std::min(interval_, all[2 * r]);
    if (all[2 * r + 1] != all[1]) {
      throw_value_error("the processes of a distributed network built different networks: process ", r,
                        " differs from process 0 in its populations, projections, dt, seed or step count (",
                        populations_.size(), " populations and ", projections_.size(),
                        " projections here; do all processes run the same script?)");
    }
  }
}

// A step of a distributed network: the populations advance and their spikes are recorded for the
// exchange; delivery, neuromodulators and learning wait for it. Every delay is at least interval_
// steps, so delivering the steps of an interval at its end, in order (deliver_step: each step with the
// weights it saw, the rules seeing the spikes of that step), gives what step_once gives.
void Network::step_distributed(const StepContext& ctx) {
  for (auto& pop : populations_) pop->advance(ctx);
  exchange_->record(step_);
  for (auto& m : monitors_) m->record(ctx);
  ++step_;
  if (exchange_->pending_steps() >= interval_) deliver_pending();
}

void Network::deliver_pending() {
  exchange_->exchange([this](int64_t step) { deliver_step(step); });
}

void Network::step_once(const StepContext& ctx) {
  for (auto& pop : populations_) pop->advance(ctx);
  deliver_step(step_);
  for (auto& m : monitors_) m->record(ctx);
  ++step_;
}

void Network::deliver_step(int64_t step) {
  for (auto& proj : projections_) {
    if (proj->plasticity() && proj->learning()) {
      proj->plasticity()->before_delivery(*proj, StepInfo{step, dt_, nullptr, seed_, proj->rule_stream()});
    }
  }
  for (auto& proj : projections_) proj->propagate(step);
  for (auto& s : signals_) s->update(step);
  for (auto& proj : projections_) {
    Plasticity* rule = proj->plasticity();
    if (!rule || !proj->learning()) continue;
    rule->step(*proj, StepInfo{step, dt_, proj->signal_ ? &proj->signal_->value() : nullptr, seed_, proj->rule_stream()});
    proj->weights_changed();
  }
}

void Network::visit(StateVisitor& v) {
  v.integer("network.step", step_);
  for (auto& pop : populations_) {
    StateVisitor::Scope scope(v, "populations." + pop->name());
    pop->visit(v);
  }
  std::map<std::string, int> seen;  // projection names may repeat: the second "a->b" is "a->b#1"
  for (auto& proj : projections_) {
    const int k = seen[proj->name()]++;
    StateVisitor::Scope scope(v, "projections." + proj->name() + (k ? cat("#", k) : std::string()));
    proj->visit(v);
  }
  for (auto& s : signals_) {
    StateVisitor::Scope scope(v, "signals." + s->name());
    s->visit(v);
  }
}

void Network::reset_state(bool include_learned) {
  for (auto& pop : populations_) pop->reset_state(include_learned);
  for (auto& proj : projections_) {
    if (proj->short_term()) proj->short_term()->reset_state();
    if (!proj->plasticity()) continue;
    proj->plasticity()->synchronize(*proj);
    proj->plasticity()->reset_state();
  }
  for (auto& s : signals_) s->reset();
}

void Network::set_learning(bool on) {
  for (auto& pop : populations_) pop->set_learning(on);
  for (auto& proj : projections_) proj->set_learning(on);
}

}  // namespace snn
