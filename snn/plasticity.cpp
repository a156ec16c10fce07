// snn/plasticity.cpp — the learning rules of snn/plasticity.h: parameters, state, and the kernels
// each step runs (math in snn/kernels/stdp_math.h and snn/kernels/neuromodulated_math.h).
#include "snn/plasticity.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/neuromodulated_math.h"
#include "snn/kernels/stdp_math.h"
#include "snn/population.h"
#include "snn/projection.h"

namespace snn {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Whole steps in t_ms (t_ms must lie on the grid).
int64_t grid_steps(double t_ms, double dt, std::string_view what) {
  const double steps = t_ms / dt;
  const int64_t n = std::llround(steps);
  if (std::abs(steps - static_cast<double>(n)) > 1e-9 * std::max(1.0, steps)) {
    throw_value_error(what, " ", t_ms, " ms is not a multiple of dt = ", dt, " ms");
  }
  return n;
}
}  // namespace

namespace {

// Launches a trace update over every element of `x`.
template <typename T>
void trace_update(at::Tensor& x, const at::Tensor* spikes, double decay, double amount, bool set) {
  kernels::TraceUpdate<T> f{x.data_ptr<T>(), spikes ? spikes->data_ptr<T>() : nullptr, static_cast<T>(decay),
                            static_cast<T>(amount), set, x.numel(), 1};
  backend::for_each_block(x.device(), f, 1024, backend::kCpuGrainLight);
}

// x <- amount where the population spiked this step (a nearest-neighbour trace's jump without decay:
// trace_update with decay 1 and `set`). On the CPU only the spiking elements are visited, through the
// population's spike lists; on CUDA a pass over x.
template <typename T>
void set_at_spikes(at::Tensor& x, Population& pop, double amount) {
  if (x.is_cuda()) {
    trace_update<T>(x, &pop.spikes(), 1.0, amount, true);
    return;
  }
  T* p = x.data_ptr<T>();
  const T value = static_cast<T>(amount);
  const int64_t n = pop.size();
  kernels::for_each_spiking(pop.fired().view(), pop.batch_size(), [&](int64_t b, int64_t i) { p[b * n + i] = value; });
}

}  // namespace

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

Plasticity::Plasticity(std::string rule, ParamTable params, std::string signal)
    : params_(std::move(params)), rule_(std::move(rule)), signal_(std::move(signal)) {}

Plasticity::~Plasticity() = default;

void Plasticity::set_params(const ParamMap& values) {
  ParamTable candidate = params_;
  for (const auto& [name, value] : values) candidate.set(name, value, rule_);
  check_params(candidate);
  params_ = std::move(candidate);
}

void Plasticity::check_bounds(const ParamTable& p, const char* lo, const char* hi, const std::string& rule) {
  if (!(p.get(lo) <= p.get(hi))) {
    throw_value_error(rule, ": ", lo, " must be <= ", hi, ", got ", lo, " ", p.get(lo), " and ", hi, " ", p.get(hi));
  }
}

void Plasticity::declare_state(const std::string& name, StateShape shape) {
  state_.push_back({name, "", at::Tensor(), false});
  shapes_.push_back(shape);
}

std::vector<std::string> Plasticity::state_names() const {
  std::vector<std::string> out;
  for (const auto& v : state_) out.push_back(v.name);
  return out;
}

const at::Tensor& Plasticity::state(std::string_view name) const {
  for (const auto& v : state_) {
    if (v.name == name) return v.tensor;
  }
  throw_value_error(rule_, " has no state '", name, "'; state: ", joined(state_names()));
}

at::Tensor& Plasticity::mutable_state(std::string_view name) { return const_cast<at::Tensor&>(state(name)); }

void Plasticity::attach(Projection& proj, double, int64_t) {
  const int64_t B = proj.post().batch_size(), n_pre = proj.pre().size(), n_post = proj.post().size();
  for (size_t s = 0; s < state_.size(); ++s) {
    std::vector<int64_t> shape;
    switch (shapes_[s]) {
      case StateShape::PerPre: shape = {B, n_pre}; break;
      case StateShape::PerPost: shape = {B, n_post}; break;
      case StateShape::PerSynapse:
        shape = proj.sparse() ? std::vector<int64_t>{B, proj.num_synapses()} : std::vector<int64_t>{B, n_pre, n_post};
        break;
      case StateShape::PerBatch: shape = {B}; break;
    }
    state_[s].tensor = at::zeros(shape, proj.weight().options());
  }
}

void Plasticity::reset_state() {
  for (auto& v : state_) v.tensor.zero_();
}


// Access for the rules to what Projection and Plasticity keep private.
struct RuleAccess {
  static at::Tensor& weights(Projection& p) { return p.weight_; }
  static void weights_changed(Projection& p) { p.weights_changed(); }
  // int32 steps per synapse (dense: per entry), undefined when the projection has one delay.
  static const at::Tensor& delay_steps(const Projection& p) { return p.delay_steps_; }
  // Sparse: CSR row pointers and targets; dense: synapses per [pre, post] entry.
  static const at::Tensor& row_ptr(const Projection& p) { return p.row_ptr_; }
  static const at::Tensor& post_index(const Projection& p) { return p.post_index_; }
  static const at::Tensor& counts(const Projection& p) { return p.count_; }
};

namespace {

// Elements per CPU task for row- or column-wise functors (each element walks `length` synapses).
int64_t grain_for(int64_t length) { return std::max<int64_t>(1, backend::kCpuGrain / std::max<int64_t>(1, length)); }
// Synapses a row (pre neuron) or column (post neuron) walk on average.
template <typename T>
int64_t row_length(const kernels::SynapseLayout<T>& L) {
  return L.sparse() ? std::max<int64_t>(1, L.n_syn / std::max<int64_t>(1, L.n_pre)) : L.n_post;
}
template <typename T>
int64_t col_length(const kernels::SynapseLayout<T>& L) {
  return L.sparse() ? std::max<int64_t>(1, L.n_syn / std::max<int64_t>(1, L.n_post)) : L.n_pre;
}

// Applies `rule` to the synapses of a step: all of them, or those in the rows of `rows` and the columns
// of `cols` (each synapse once). `cols` needs the transposed index on sparse projections.
template <class Rule>
void apply_rule(Projection& proj, const Rule& rule, Visit visit, SpikeSet* rows, SpikeSet* cols) {
  using T = typename Rule::value_type;
  const c10::Device device = RuleAccess::weights(proj).device();
  const kernels::SynapseLayout<T> L = proj.layout<T>(visit == Visit::Events && cols != nullptr);
  const bool synapse_wise = device.is_cuda() && !L.sparse();  // one GPU thread per synapse
  if (visit == Visit::All) {
    if (synapse_wise) {
      backend::for_each(device, L.n_pre * L.n_post, kernels::SynapseWise<Rule>{rule, L, nullptr, nullptr, false, nullptr});
    } else {
      backend::for_each(device, L.n_pre, kernels::EveryRow<Rule>{rule, L}, grain_for(row_length(L)));
    }
    return;
  }
  const kernels::ActiveSet r = rows ? rows->view() : kernels::ActiveSet{nullptr, nullptr, nullptr};
  const uint8_t* rows_done = rows ? r.flag : nullptr;  // the column pass skips these rows
  if (synapse_wise) {
    using Each = kernels::SynapseWise<Rule>;
    if (rows) backend::for_each(device, rows->bound() * L.n_post, Each{rule, L, r.list, r.count, false, nullptr});
    if (cols) {
      const kernels::ActiveSet c = cols->view();
      backend::for_each(device, cols->bound() * L.n_pre, Each{rule, L, c.list, c.count, true, rows_done});
    }
    return;
  }
  const int64_t row_len = row_length(L);
  // With a batch a row's update sums the entries' changes before applying them: several passes over
  // the row (counted as four), so fewer rows already pay for a thread.
  const int64_t row_work = proj.post().batch_size() > 1 ? 4 * row_len : row_len;
  if (rows) backend::for_each(device, rows->bound(), kernels::ActiveRows<Rule>{rule, L, r}, grain_for(row_work));
  if (cols) {
    backend::for_each(device, cols->bound(), kernels::ActiveCols<Rule>{rule, L, cols->view(), rows_done},
                      grain_for(col_length(L)));
  }
}

}  // namespace

namespace rules {

const ParamSpec kEventDriven = {"event_driven", 1.0, "", Constraint::Bool,
                                "visit only synapses of neurons that spiked (same result, less work)"};

template <typename T>
void fill_rule_shape(T& rule, const Projection& proj) {
  rule.n_pre = proj.pre().size();
  rule.n_post = proj.post().size();
  rule.batch = proj.post().batch_size();
}

// ---- STDP ---------------------------------------------------------------------------------------

class Stdp : public Plasticity {
 public:
  Stdp()
      : Plasticity("STDP",
                   ParamTable({
                       {"nu_pre", 1e-4, "", Constraint::NonNegative, "depression rate at pre spikes (BindsNET nu[0])"},
                       {"nu_post", 1e-2, "", Constraint::NonNegative, "potentiation rate at post spikes (BindsNET nu[1])"},
                       {"tau_pre", 20.0, "ms", Constraint::Positive, "presynaptic trace time constant"},
                       {"tau_post", 20.0, "ms", Constraint::Positive, "postsynaptic trace time constant (post1)"},
                       {"tau_post2", 40.0, "ms", Constraint::Positive, "second postsynaptic trace (Diehl & Cook variant)"},
                       {"w_min", -kInf, "", Constraint::NotNaN, "lower weight bound"},
                       {"w_max", kInf, "", Constraint::NotNaN, "upper weight bound"},
                       {"multiplicative", 0.0, "", Constraint::Bool, "weight-dependent: LTD x (w - w_min), LTP x (w_max - w)"},
                       {"nearest", 0.0, "", Constraint::Bool, "nearest-neighbour pairing (traces set to 1, not incremented)"},
                       {"diehl_cook", 0.0, "", Constraint::Bool, "Diehl & Cook (2015) variant with two post traces"},
                       kEventDriven,
                   }),
                   "") {
    declare_state("x_pre", StateShape::PerPre);
    declare_state("x_post", StateShape::PerPost);
    declare_state("x_post2", StateShape::PerPost);
  }

 protected:
  void check_params(const ParamTable& p) const override {
    check_bounds(p, "w_min", "w_max", rule());
    if (p.get("multiplicative") != 0.0 && !(std::isfinite(p.get("w_min")) && std::isfinite(p.get("w_max")))) {
      throw_value_error("STDP: the multiplicative form needs finite w_min and w_max, got ", p.get("w_min"), " and ",
                        p.get("w_max"));
    }
  }

  // Constants of a step, derived from the parameters when they (or dt) change.
  struct Constants {
    double d_pre, d_post, d_post2;  // trace decays per step
    double nu_pre, nu_post, w_min, w_max;
    bool dc, nearest, multiplicative;
    Visit visit;
  };
  const Constants& constants(double dt) {
    return constants_.get(params(), dt, true, [&](Constants& c) {
      c.d_pre = std::exp(-dt / param("tau_pre"));
      c.d_post = std::exp(-dt / param("tau_post"));
      c.d_post2 = std::exp(-dt / param("tau_post2"));
      c.nu_pre = param("nu_pre");
      c.nu_post = param("nu_post");
      c.w_min = param("w_min");
      c.w_max = param("w_max");
      c.dc = param("diehl_cook") != 0.0;
      c.nearest = c.dc || param("nearest") != 0.0;
      c.multiplicative = param("multiplicative") != 0.0;
      c.visit = visit();
    });
  }
  Derived<Constants> constants_;

  void step(Projection& proj, const StepInfo& info) override {
    at::Tensor& w = RuleAccess::weights(proj);
    const at::Tensor& pre = proj.pre().spikes();
    const at::Tensor& post = proj.post().spikes();
    const Constants& c = constants(info.dt);
    const double d_pre = c.d_pre, d_post = c.d_post;
    const bool dc = c.dc, nearest = c.nearest;
    at::Tensor& x_pre = mutable_state("x_pre");
    at::Tensor& x_post = mutable_state("x_post");
    at::Tensor& x_post2 = mutable_state("x_post2");
    dispatch_floating(w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      // BindsNET order: this step's spikes enter the traces before the update. Diehl & Cook: the
      // pre trace does, the post traces only after (their "post2before").
      trace_update<T>(x_pre, &pre, d_pre, 1.0, nearest);
      trace_update<T>(x_post, dc ? nullptr : &post, d_post, 1.0, nearest);
      if (dc) trace_update<T>(x_post2, nullptr, c.d_post2, 1.0, true);
      kernels::PairStdpRule<T> r;
      r.w = w.data_ptr<T>();
      r.pre_spikes = pre.data_ptr<T>();
      r.post_spikes = post.data_ptr<T>();
      r.ltd_trace = x_post.data_ptr<T>();
      r.ltp_trace = x_pre.data_ptr<T>();
      r.ltp_factor = dc ? x_post2.data_ptr<T>() : nullptr;
      r.pre_fired = proj.pre().fired().view();
      r.post_fired = proj.post().fired().view();
      r.nu_pre = static_cast<T>(c.nu_pre);
      r.nu_post = static_cast<T>(c.nu_post);
      r.w_min = static_cast<T>(c.w_min);
      r.w_max = static_cast<T>(c.w_max);
      r.multiplicative = c.multiplicative;
      fill_rule_shape(r, proj);
      apply_rule(proj, r, c.visit, const_cast<SpikeSet*>(&proj.pre().fired()), const_cast<SpikeSet*>(&proj.post().fired()));
      if (dc) {
        set_at_spikes<T>(x_post, proj.post(), 1.0);
        set_at_spikes<T>(x_post2, proj.post(), 1.0);
      }
    });
  }
};

// ---- TripletSTDP --------------------------------------------------------------------------------

class Triplet : public Plasticity {
 public:
  // Pfister & Gerstner (2006), Table 4: minimal all-to-all model (visual cortex data).
  Triplet()
      : Plasticity("TripletSTDP",
                   ParamTable({
                       {"tau_plus", 16.8, "ms", Constraint::Positive, "fast presynaptic trace r1"},
                       {"tau_x", 101.0, "ms", Constraint::Positive, "slow presynaptic trace r2"},
                       {"tau_minus", 33.7, "ms", Constraint::Positive, "fast postsynaptic trace o1"},
                       {"tau_y", 114.0, "ms", Constraint::Positive, "slow postsynaptic trace o2"},
                       {"A2_plus", 0.0, "", Constraint::NonNegative, "pair potentiation"},
                       {"A3_plus", 6.5e-3, "", Constraint::NonNegative, "triplet potentiation"},
                       {"A2_minus", 7.1e-3, "", Constraint::NonNegative, "pair depression"},
                       {"A3_minus", 0.0, "", Constraint::NonNegative, "triplet depression"},
                       {"w_min", 0.0, "", Constraint::NotNaN, "lower weight bound"},
                       {"w_max", kInf, "", Constraint::NotNaN, "upper weight bound"},
                       kEventDriven,
                   }),
                   "") {
    declare_state("r1", StateShape::PerPre);
    declare_state("r2", StateShape::PerPre);
    declare_state("o1", StateShape::PerPost);
    declare_state("o2", StateShape::PerPost);
  }

 protected:
  void check_params(const ParamTable& p) const override { check_bounds(p, "w_min", "w_max", rule()); }

  void step(Projection& proj, const StepInfo& info) override {
    at::Tensor& w = RuleAccess::weights(proj);
    const at::Tensor& pre = proj.pre().spikes();
    const at::Tensor& post = proj.post().spikes();
    dispatch_floating(w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      const char* names[] = {"r1", "r2", "o1", "o2"};
      const char* taus[] = {"tau_plus", "tau_x", "tau_minus", "tau_y"};
      for (int t = 0; t < 4; ++t) trace_update<T>(mutable_state(names[t]), nullptr, std::exp(-info.dt / param(taus[t])), 1.0, false);
      kernels::TripletStdpRule<T> r;
      r.w = w.data_ptr<T>();
      r.pre_spikes = pre.data_ptr<T>();
      r.post_spikes = post.data_ptr<T>();
      r.r1 = state("r1").data_ptr<T>();
      r.r2 = state("r2").data_ptr<T>();
      r.o1 = state("o1").data_ptr<T>();
      r.o2 = state("o2").data_ptr<T>();
      r.A2_plus = static_cast<T>(param("A2_plus"));
      r.A3_plus = static_cast<T>(param("A3_plus"));
      r.A2_minus = static_cast<T>(param("A2_minus"));
      r.A3_minus = static_cast<T>(param("A3_minus"));
      r.w_min = static_cast<T>(param("w_min"));
      r.w_max = static_cast<T>(param("w_max"));
      fill_rule_shape(r, proj);
      apply_rule(proj, r, visit(), const_cast<SpikeSet*>(&proj.pre().fired()), const_cast<SpikeSet*>(&proj.post().fired()));
      for (const char* n : {"r1", "r2"}) trace_update<T>(mutable_state(n), &pre, 1.0, 1.0, false);
      for (const char* n : {"o1", "o2"}) trace_update<T>(mutable_state(n), &post, 1.0, 1.0, false);
    });
  }
};

// The dendritic (DopamineSTDP) or axonal (IzhikevichDASTDP) delay of a rule in steps: its `delay`
// parameter when >= 0, else the projection's one delay.
int64_t rule_delay_steps(const Plasticity& rule, const Projection& proj, double dt) {
  const double d = rule.param("delay");
  if (d >= 0) return grid_steps(d, dt, rule.rule() + ": delay");
  if (proj.uniform_delay_steps() < 0) {
    throw_value_error(rule.rule(), " on '", proj.name(),
                      "': the projection has per-synapse delays; the rule needs one delay: pass delay=<ms>");
  }
  return proj.uniform_delay_steps();
}

// ---- DopamineSTDP -------------------------------------------------------------------------------

class Dopamine : public Plasticity {
 public:
  // Dopamine jumps kept between flushes (each flush brings every synapse up to date).
  static constexpr int64_t kHistory = 64;

  // NEST stdp_dopamine_synapse defaults; A_vt as in NESTML; tau_minus is the post neuron's K- time
  // constant in NEST (20 ms); delay: the dendritic delay (default: the projection's delay).
  explicit Dopamine(std::string signal)
      : Plasticity("DopamineSTDP",
                   ParamTable({
                       {"A_plus", 1.0, "", Constraint::Finite, "eligibility increase per pre-before-post pair"},
                       {"A_minus", 1.5, "", Constraint::Finite, "eligibility decrease per post-before-pre pair"},
                       {"tau_plus", 20.0, "ms", Constraint::Positive, "presynaptic trace K+"},
                       {"tau_minus", 20.0, "ms", Constraint::Positive, "postsynaptic trace K-"},
                       {"tau_c", 1000.0, "ms", Constraint::Positive, "eligibility time constant"},
                       {"tau_n", 200.0, "ms", Constraint::Positive, "dopamine time constant"},
                       {"b", 0.0, "", Constraint::Finite, "dopamine baseline"},
                       {"Wmin", 0.0, "", Constraint::NotNaN, "lower weight bound"},
                       {"Wmax", 200.0, "", Constraint::NotNaN, "upper weight bound"},
                       {"A_vt", 1.0, "", Constraint::Finite, "dopamine per neuromodulator spike (x 1/tau_n)"},
                       {"delay", -1.0, "ms", Constraint::Finite, "dendritic delay; < 0: the projection's delay"},
                       {"event_driven", 1.0, "", Constraint::Bool,
                        "update synapses lazily in closed form at spikes (NEST's algorithm) instead of every step"},
                   }),
                   std::move(signal)) {
    declare_state("c", StateShape::PerSynapse);
    declare_state("n", StateShape::PerBatch);
    declare_state("K_plus", StateShape::PerPre);
    declare_state("K_minus", StateShape::PerPost);
  }
  SignalKind signal_kind() const override { return SignalKind::Events; }

 protected:
  void check_params(const ParamTable& p) const override { check_bounds(p, "Wmin", "Wmax", rule()); }

  void attach(Projection& proj, double dt, int64_t step) override {
    post_seen_.init(rule_delay_steps(*this, proj, dt), proj.post().spikes());
    Plasticity::attach(proj, dt, step);
    const auto& opts = proj.weight().options();
    const int64_t B = proj.post().batch_size();
    t_last_ = at::full({proj.sparse() ? proj.num_synapses() : proj.pre().size() * proj.post().size()}, step,
                       opts.dtype(at::kLong));
    hist_time_ = at::zeros({kHistory}, opts.dtype(at::kLong));
    hist_n_ = at::zeros({kHistory, B}, opts);
    base_n_ = at::zeros({B}, opts);
    base_time_ = now_ = step;
    dt_ = dt;
    device_ = proj.weight().device();
  }

  void reset_state() override {
    Plasticity::reset_state();  // c, n and the traces to 0; weights kept (synchronized by the caller)
    post_seen_.reset();
    hist_len_ = 0;
    base_n_.zero_();
    base_time_ = now_;
    t_last_.fill_(now_);
  }

  void synchronize(Projection& proj) override {
    // (After per-step steps the weights are current and t_last is not: nothing to bring forward.)
    if (visit() == Visit::Events && clocks_valid_) flush(proj, now_);
  }

  // A pre neuron about to transmit: its synapses up to the start of this step (NEST updates the weight
  // before sending the spike).
  void before_delivery(Projection& proj, const StepInfo& info) override {
    if (constants(info.dt).visit != Visit::Events) return;
    resume(proj, info.step);
    lazy(proj, info.step, false, const_cast<SpikeSet*>(&proj.pre().fired()), nullptr);
  }

  // Constants of a step, derived from the parameters when they (or dt) change.
  struct Constants {
    double A_plus, A_minus, b, w_min, w_max, tau_c, tau_n, tau_s;
    double decay_plus, decay_minus;  // K+ and K- per step
    double jump;                     // n per unit of neuromodulator spike: A_vt / tau_n
    kernels::DopaminePropagators P;
    at::Tensor table;  // float64 [4 kTable] on the weights' device: propagators for 0 .. kTable - 1 steps
    Visit visit;
  };
  const Constants& constants(double dt) {
    return constants_.get(params(), dt, true, [&](Constants& c) {
      c.A_plus = param("A_plus");
      c.A_minus = param("A_minus");
      c.b = param("b");
      c.w_min = param("Wmin");
      c.w_max = param("Wmax");
      c.tau_c = param("tau_c");
      c.tau_n = param("tau_n");
      c.tau_s = 1.0 / c.tau_c + 1.0 / c.tau_n;
      c.decay_plus = std::exp(-dt / param("tau_plus"));
      c.decay_minus = std::exp(-dt / param("tau_minus"));
      c.jump = param("A_vt") / c.tau_n;
      c.P = kernels::dopamine_propagators(dt, c.tau_c, c.tau_n);
      c.table = propagator_table(dt, c.tau_c, c.tau_n, device_);
      c.visit = visit();
    });
  }
  Derived<Constants> constants_;

  void step(Projection& proj, const StepInfo& info) override {
    const Constants& C = constants(info.dt);
    const bool lazy_mode = C.visit == Visit::Events;
    if (lazy_mode) resume(proj, info.step);
    at::Tensor& w = RuleAccess::weights(proj);
    const at::Tensor& pre = proj.pre().spikes();
    const at::Tensor& seen = post_seen_.push(proj.post().spikes(), info.step);
    at::Tensor& k_plus = mutable_state("K_plus");
    at::Tensor& k_minus = mutable_state("K_minus");
    at::Tensor& n = mutable_state("n");
    const kernels::DopaminePropagators& P = C.P;
    dispatch_floating(w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      if (lazy_mode) {
        seen_set_.build(seen);
        lazy(proj, info.step + 1, true, const_cast<SpikeSet*>(&proj.pre().fired()), &seen_set_);
      } else {
        clocks_valid_ = false;  // the synapses move on every step; t_last stays behind
        kernels::DopamineStepRule<T> r = step_rule<T>(proj, seen);
        r.decay_c = static_cast<T>(P.decay_c);
        r.w_cn = static_cast<T>(P.w_cn);
        r.w_c = static_cast<T>(P.w_c);
        apply_rule(proj, r, Visit::All, nullptr, nullptr);
      }
      // K+ and K-: decay over this step, then this step's spikes (the pairings above decayed them
      // as they read them).
      trace_update<T>(k_plus, &pre, C.decay_plus, 1.0, false);
      trace_update<T>(k_minus, &seen, C.decay_minus, 1.0, false);
      // Dopamine spikes of this step: n jumps by A_vt m / tau_n at its end.
      trace_update<T>(n, info.signal, P.decay_n, C.jump, false);
      if (lazy_mode && dopamine_arrived(*info.signal)) {
        if (!w.is_cuda()) {
          // The CPU flushes at every jump (to the jump, with the dopamine before it; n after it becomes
          // the base): each synapse crosses each jump in one vectorised sweep instead of in an extra
          // piece at its next touch. The same pieces, so the same result, and faster at every dopamine
          // rate measured (docs/plasticity.md, benchmarks/RESULTS.md).
          flush(proj, info.step + 1);
        } else {
          // CUDA records every step (the signal is not read back) and flushes when the history is full.
          // Through kernels on the raw arrays: indexing a tensor would allocate a view at every event.
          const int64_t B = n.numel();
          backend::for_each(w.device(), 1, kernels::Fill<int64_t>{hist_time_.data_ptr<int64_t>() + hist_len_, info.step + 1});
          backend::for_each(w.device(), B, kernels::Copy<T>{hist_n_.data_ptr<T>() + hist_len_ * B, n.data_ptr<T>()});
          if (++hist_len_ == kHistory) flush(proj, info.step + 1);
        }
      }
    });
    now_ = info.step + 1;
  }

 private:
  template <typename T>
  kernels::DopamineStepRule<T> step_rule(Projection& proj, const at::Tensor& seen) {
    kernels::DopamineStepRule<T> r{};
    r.w = RuleAccess::weights(proj).data_ptr<T>();
    r.c = mutable_state("c").data_ptr<T>();
    r.n = state("n").data_ptr<T>();
    r.pre_spikes = proj.pre().spikes().data_ptr<T>();
    r.post_seen = seen.data_ptr<T>();
    r.k_plus = state("K_plus").data_ptr<T>();
    r.k_minus = state("K_minus").data_ptr<T>();
    const Constants& C = constants(dt_);
    r.decay_plus = static_cast<T>(C.decay_plus);
    r.decay_minus = static_cast<T>(C.decay_minus);
    r.b = static_cast<T>(C.b);
    r.A_plus = static_cast<T>(C.A_plus);
    r.A_minus = static_cast<T>(C.A_minus);
    r.w_min = static_cast<T>(C.w_min);
    r.w_max = static_cast<T>(C.w_max);
    fill_rule_shape(r, proj);
    r.n_syn = proj.sparse() ? proj.num_synapses() : r.n_pre * r.n_post;
    return r;
  }

  // Brings the synapses in the rows of `rows` and the columns of `cols` (all when both are null) to time
  // `target`, then applies this step's pairings when `events`.
  // On the CPU with one batch entry, no jump since the base time (the CPU flushes at every jump) and
  // fewer steps since it than the tables hold, every synapse is one piece read from the tables: the
  // vectorised loops of DopamineFlush, DopamineRows and DopamineCols (the same arithmetic).
  void lazy(Projection& proj, int64_t target, bool events, SpikeSet* rows, SpikeSet* cols) {
    // A step with no neuron to visit (bound() is the count on the CPU, an upper bound on CUDA).
    if ((rows || cols) && (!rows || rows->bound() == 0) && (!cols || cols->bound() == 0)) return;
    const at::Tensor& w = RuleAccess::weights(proj);
    const bool one_piece = !w.is_cuda() && proj.post().batch_size() == 1 && hist_len_ == 0 && target - base_time_ < kTable;
    dispatch_floating(w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      const kernels::DopamineLazyRule<T> r = lazy_rule<T>(proj, target, events);
      if (!one_piece) {
        apply_rule(proj, r, (rows || cols) ? Visit::Events : Visit::All, rows, cols);
        return;
      }
      // The CPU only (for_each_cpu: these functors have no CUDA launch).
      const kernels::SynapseLayout<T> L = proj.layout<T>(cols != nullptr);
      if (!rows && !cols) {
        constexpr int64_t kBlock = 1024;
        const kernels::DopamineFlush<T> f{kernels::OnePiece<T>(r), L.sparse() ? nullptr : L.count, L.n_syn, kBlock};
        backend::for_each_cpu((f.n + kBlock - 1) / kBlock, f, backend::kCpuGrain / kBlock);
        return;
      }
      // Columns first (every synapse onto a listed post neuron), then the rows, which skip the synapses
      // already at `target`: each synapse once, as with apply_rule()'s flags.
      if (cols && L.sparse()) {
        backend::for_each_cpu(cols->bound(), kernels::DopamineCols<T>{kernels::OnePiece<T>(r), L, cols->view()},
                              grain_for(col_length(L)));
      } else if (cols) {
        backend::for_each_cpu(cols->bound(), kernels::ActiveCols<kernels::DopamineLazyRule<T>>{r, L, cols->view(), nullptr},
                              grain_for(col_length(L)));
      }
      if (rows) {
        backend::for_each_cpu(rows->bound(), kernels::DopamineRows<T>{kernels::OnePiece<T>(r), L, rows->view()},
                              grain_for(row_length(L)));
      }
    });
  }
  template <typename T>
  kernels::DopamineLazyRule<T> lazy_rule(Projection& proj, int64_t target, bool events) {
    const Constants& C = constants(dt_);
    kernels::DopamineLazyRule<T> r;
    // The seen post spikes are read only with `events` (after this step's push).
    r.step = step_rule<T>(proj, events ? post_seen_.current() : proj.post().spikes());
    r.t_last = t_last_.data_ptr<int64_t>();
    r.history = {hist_time_.data_ptr<int64_t>(), hist_n_.data_ptr<T>(), hist_len_, base_time_,
                 base_n_.data_ptr<T>(), proj.post().batch_size(), dt_, C.tau_n, tables(C)};
    r.target = target;
    r.events = events;
    r.tau_c = C.tau_c;
    r.tau_s = C.tau_s;
    return r;
  }

  // Propagators for 0 .. kTable - 1 steps (part of the constants: rebuilt when tau_c, tau_n or dt change).
  static constexpr int64_t kTable = 4096;
  static at::Tensor propagator_table(double dt, double tau_c, double tau_n, const c10::Device& device) {
    std::vector<double> t(static_cast<size_t>(4 * kTable));
    const double tau_s = 1.0 / tau_c + 1.0 / tau_n;
    for (int64_t k = 0; k < kTable; ++k) {
      const double D = static_cast<double>(k) * dt;
      t[k] = std::exp(-D / tau_c);
      t[kTable + k] = std::exp(-D / tau_n);
      t[2 * kTable + k] = -std::expm1(-tau_s * D) / tau_s;
      t[3 * kTable + k] = -tau_c * std::expm1(-D / tau_c);
    }
    return at::tensor(t, at::kDouble).to(device);
  }
  static kernels::DopamineTables tables(const Constants& C) {
    const double* p = C.table.data_ptr<double>();
    return {p, p + kTable, p + 2 * kTable, p + 3 * kTable, kTable};
  }

  // Every synapse to `target`; the history restarts there. (On the CPU at every dopamine spike: the
  // base copied by a kernel, not an ATen operation.)
  void flush(Projection& proj, int64_t target) {
    lazy(proj, target, false, nullptr, nullptr);
    const at::Tensor& n = state("n");
    dispatch_floating(n.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      backend::for_each(n.device(), n.numel(), kernels::Copy<T>{base_n_.data_ptr<T>(), n.data_ptr<T>()});
    });
    base_time_ = target;
    hist_len_ = 0;
    RuleAccess::weights_changed(proj);
  }

  // Steps skipped while learning was off (the rule's state stays frozen), or integrated step by step
  // (event_driven off: t_last was not kept): restart the clocks at `step`.
  void resume(Projection& proj, int64_t step) {
    if (now_ == step && clocks_valid_) return;
    clocks_valid_ = true;
    t_last_.fill_(step);
    base_n_.copy_(state("n"));
    base_time_ = now_ = step;
    hist_len_ = 0;
    (void)proj;
  }

  // Whether a dopamine spike arrived this step. On CUDA the value is not read back (no synchronisation):
  // every step is recorded, and the history flushes every kHistory steps.
  bool dopamine_arrived(const at::Tensor& m) const {
    if (m.is_cuda()) return true;
    bool any = false;
    dispatch_floating(m.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      const T* v = m.data_ptr<T>();
      for (int64_t b = 0; b < m.numel(); ++b) any = any || v[b] != T(0);
    });
    return any;
  }

  SpikeDelay post_seen_;
  SpikeSet seen_set_;
  at::Tensor t_last_;               // int64 per synapse: time (steps) its state refers to
  at::Tensor hist_time_, hist_n_;   // dopamine jumps since the last flush: time, n after the jump [B]
  at::Tensor base_n_;               // n at base_time_
  int64_t hist_len_ = 0, base_time_ = 0, now_ = 0;
  bool clocks_valid_ = true;        // t_last_ and the history describe the synapses (false after per-step steps)
  double dt_ = 0.1;
  c10::Device device_ = c10::Device(c10::kCPU);  // the weights'
};

// ---- IzhikevichDASTDP ---------------------------------------------------------------------------

class IzhikevichDa : public Plasticity {
 public:
  explicit IzhikevichDa(std::string signal)
      : Plasticity("IzhikevichDASTDP",
                   ParamTable({
                       {"trace", 0.1, "", Constraint::Finite, "trace value set at a spike"},
                       {"trace_decay", 0.95, "", Constraint::Positive, "trace factor per ms"},
                       {"ltd_factor", 1.5, "", Constraint::NonNegative, "depression: sd -= ltd_factor x post trace"},
                       {"da_decay", 0.995, "", Constraint::Positive, "dopamine factor per ms"},
                       {"baseline", 0.002, "", Constraint::Finite, "added to dopamine when applying"},
                       {"interval", 10.0, "ms", Constraint::Positive, "how often the eligibility is applied"},
                       {"eligibility_decay", 0.99, "", Constraint::NonNegative, "sd factor per application"},
                       {"w_min", 0.0, "", Constraint::NotNaN, "lower weight bound"},
                       {"w_max", 4.0, "", Constraint::NotNaN, "upper weight bound"},
                       {"delay", -1.0, "ms", Constraint::Finite, "axonal delay of pre spikes; < 0: the projection's delay"},
                       kEventDriven,
                   }),
                   std::move(signal)) {
    declare_state("sd", StateShape::PerSynapse);
    declare_state("DA", StateShape::PerBatch);
    declare_state("x_pre", StateShape::PerPre);
    declare_state("x_post", StateShape::PerPost);
  }
  SignalKind signal_kind() const override { return SignalKind::Events; }

 protected:
  void check_params(const ParamTable& p) const override { check_bounds(p, "w_min", "w_max", rule()); }

  void attach(Projection& proj, double dt, int64_t step) override {
    grid_steps(param("interval"), dt, "IzhikevichDASTDP: interval");
    per_synapse_ = param("delay") < 0 && proj.uniform_delay_steps() < 0;
    if (per_synapse_) {
      // Each synapse sees the pre spikes (and the pre trace) of its own delay ago: keep the last
      // max-delay + 1 steps of both, and the spikes of the last max-delay steps summed (the rows
      // that can have an arrival this step).
      const at::Tensor& pre = proj.pre().spikes();
      const int64_t slots = proj.max_delay_steps() + 1;
      spike_history_ = at::zeros({slots, pre.size(0), pre.size(1)}, pre.options());
      trace_history_ = at::zeros_like(spike_history_);
      in_flight_ = at::zeros_like(pre);
      build_by_delay(proj);
      lists_ = !pre.is_cuda() && pre.size(0) == 1;
      slot_list_.assign(lists_ ? static_cast<size_t>(slots * pre.size(1)) : 0, 0);
      slot_count_.assign(lists_ ? static_cast<size_t>(slots) : 0, 0);
    } else {
      arrivals_.init(rule_delay_steps(*this, proj, dt), proj.pre().spikes());
    }
    Plasticity::attach(proj, dt, step);
  }

  void reset_state() override {
    Plasticity::reset_state();
    arrivals_.reset();
    for (at::Tensor* t : {&spike_history_, &trace_history_, &in_flight_}) {
      if (t->defined()) t->zero_();
    }
    std::fill(slot_count_.begin(), slot_count_.end(), 0);
  }

  // Constants of a step, derived from the parameters when they (or dt) change.
  struct Constants {
    int64_t every;                // steps between applications
    double decay, da_decay;       // trace and dopamine factors per step (the published ones are per ms)
    double trace, ltd_factor, baseline, eligibility_decay, w_min, w_max;
    Visit visit;
  };
  const Constants& constants(double dt) {
    return constants_.get(params(), dt, true, [&](Constants& c) {
      c.every = grid_steps(param("interval"), dt, "IzhikevichDASTDP: interval");
      c.decay = std::pow(param("trace_decay"), dt);
      c.da_decay = std::pow(param("da_decay"), dt);
      c.trace = param("trace");
      c.ltd_factor = param("ltd_factor");
      c.baseline = param("baseline");
      c.eligibility_decay = param("eligibility_decay");
      c.w_min = param("w_min");
      c.w_max = param("w_max");
      c.visit = visit();
    });
  }
  Derived<Constants> constants_;

  void step(Projection& proj, const StepInfo& info) override {
    at::Tensor& w = RuleAccess::weights(proj);
    const at::Tensor& post = proj.post().spikes();
    const Constants& C = constants(info.dt);
    const int64_t every = C.every;
    at::Tensor& x_pre = mutable_state("x_pre");
    at::Tensor& x_post = mutable_state("x_post");
    at::Tensor& da = mutable_state("DA");
    dispatch_floating(w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      // daspnet.m's pairing, for a pre spike arriving (current integrated) at step a and a post spike
      // at step m: LTP at m >= a adds trace 0.95^(m - a) (a pre spike arriving in the post's own step
      // counts in full), LTD at a > m subtracts 1.5 trace 0.95^(a - 1 - m) (the post trace as it was
      // at the end of the previous step). So x_pre takes this step's decay and arrivals before the
      // pairing, x_post only after it.
      const double decay = C.decay;
      kernels::IzhikevichEligibilityRule<T> e{};
      if (per_synapse_) {
        // x_pre is the trace of the pre spikes as emitted; synapse s reads it, and the spikes, from
        // the history slot of step - delay[s] (the same values the one-delay path sees at arrival).
        const int64_t slots = spike_history_.size(0), stride = x_pre.numel();
        const int64_t now = info.step % slots, before = (info.step + slots - 1) % slots;
        kernels::IzhikevichHistoryStep<T> h{proj.pre().spikes().data_ptr<T>(), spike_history_.data_ptr<T>() + before * stride,
                                            spike_history_.data_ptr<T>() + now * stride,
                                            trace_history_.data_ptr<T>() + now * stride, x_pre.data_ptr<T>(),
                                            in_flight_.data_ptr<T>(), static_cast<T>(decay),
                                            static_cast<T>(C.trace), stride, 1};
        backend::for_each_block(w.device(), h, 1024);
        e.arrivals = spike_history_.data_ptr<T>();
        e.x_pre = trace_history_.data_ptr<T>();
        e.delay = RuleAccess::delay_steps(proj).data_ptr<int32_t>();
        e.slots = slots;
        e.step_slot = now;
        e.history_stride = stride;
        if (lists_) {
          // This step's spikes become the list of the slot they were written to.
          const SpikeSet& fired = proj.pre().fired();
          const kernels::ActiveSet f = fired.view();
          slot_count_[static_cast<size_t>(now)] = static_cast<int32_t>(fired.bound());
          std::copy(f.list, f.list + fired.bound(), slot_list_.begin() + now * stride);
        }
        if (!(lists_ && C.visit == Visit::Events)) arrival_set_.build(in_flight_);
      } else {
        const at::Tensor& arriving = arrivals_.push(proj.pre().spikes(), info.step);
        trace_update<T>(x_pre, &arriving, decay, C.trace, true);  // decay, then set at arrivals
        e.arrivals = arriving.data_ptr<T>();
        e.x_pre = x_pre.data_ptr<T>();
        arrival_set_.build(arriving);
      }
      trace_update<T>(da, info.signal, C.da_decay, 1.0, false);
      const int64_t n_syn = proj.sparse() ? proj.num_synapses() : proj.pre().size() * proj.post().size();
      e.sd = mutable_state("sd").data_ptr<T>();
      e.post_spikes = post.data_ptr<T>();
      e.x_post = x_post.data_ptr<T>();
      e.ltd_factor = static_cast<T>(C.ltd_factor);
      fill_rule_shape(e, proj);
      e.n_syn = n_syn;
      if (per_synapse_ && e.batch == 1 && C.visit == Visit::Events) {
        // Only the synapses with an arrival this step (by-delay index) and those onto post neurons
        // that spiked; LTP first, then LTD, as update() orders them.
        SpikeSet& posts = const_cast<SpikeSet&>(proj.post().fired());
        const kernels::SynapseLayout<T> L = proj.layout<T>(true);
        kernels::IzhikevichDelayedLtp<T> ltp{e, L, posts.view()};
        backend::for_each(w.device(), posts.bound(), ltp, grain_for(col_length(L)));
        const int64_t max_delay = spike_history_.size(0) - 1;
        kernels::IzhikevichDelayedLtd<T> ltd{e, by_delay_ptr_.data_ptr<int64_t>(), by_delay_syn_.data_ptr<int32_t>(),
                                             by_delay_post_.data_ptr<int32_t>(), {}, max_delay};
        if (lists_) {  // (Visit::Events, one batch entry, CPU)
          // Element: a delay, visiting the spikes of that many steps ago and their synapses of that delay.
          int64_t arriving = 0;
          for (int32_t c : slot_count_) arriving += c;
          const int64_t work = arriving * std::max<int64_t>(1, row_length(L) / max_delay);
          backend::for_each_cpu(max_delay, kernels::IzhikevichDelayedLtdLists<T>{ltd, slot_list_.data(), slot_count_.data()},
                                work < backend::kCpuGrain ? max_delay : 1);
        } else {
          // An in-flight neuron looks at max-delay history slots and its synapses with a matching delay.
          ltd.in_flight = arrival_set_.view();
          backend::for_each(w.device(), arrival_set_.bound(), ltd, grain_for(max_delay + row_length(L)));
        }
      } else {
        apply_rule(proj, e, C.visit, &arrival_set_, const_cast<SpikeSet*>(&proj.post().fired()));
      }
      if ((info.step + 1) % every == 0) {
        // Every synapse, as one elementwise pass over the synapse arrays (vectorised).
        kernels::IzhikevichApply<T> a{w.data_ptr<T>(), e.sd, da.data_ptr<T>(),
                                      proj.sparse() ? nullptr : proj.layout<T>().count,
                                      static_cast<T>(C.baseline), static_cast<T>(C.eligibility_decay),
                                      static_cast<T>(C.w_min), static_cast<T>(C.w_max), e.batch, n_syn};
        const int64_t blocks = (n_syn + kernels::kApplyBlock - 1) / kernels::kApplyBlock;
        backend::for_each(w.device(), blocks, a, std::max<int64_t>(1, backend::kCpuGrain / kernels::kApplyBlock));
      }
      trace_update<T>(x_post, &post, decay, C.trace, true);  // decay, then set at post spikes
    });
  }

 private:
  SpikeDelay arrivals_;  // one delay: the pre spikes arriving this step
  SpikeSet arrival_set_;
  // Per-synapse delays (the projection's; the rule has no `delay` of its own):
  bool per_synapse_ = false;
  at::Tensor spike_history_, trace_history_;  // [max delay + 1, B, N_pre], slot = step % (max delay + 1)
  at::Tensor in_flight_;                      // [B, N_pre] spikes of the last max-delay steps
  // CPU, one batch entry: the neurons that spiked in each history slot's step (list [slots, N_pre],
  // count [slots]), so that LTD visits only arriving spikes.
  bool lists_ = false;
  std::vector<int32_t> slot_list_, slot_count_;
  // The synapses of pre neuron i with delay d (1 .. max delay): by_delay_syn_/post_[k] for k in
  // [by_delay_ptr_[i D + d - 1], by_delay_ptr_[i D + d]).
  at::Tensor by_delay_ptr_, by_delay_syn_, by_delay_post_;

  void build_by_delay(const Projection& proj) {
    const int64_t D = proj.max_delay_steps(), n_pre = proj.pre().size(), n_post = proj.post().size();
    const at::Tensor delay = RuleAccess::delay_steps(proj).cpu().contiguous();
    const int32_t* d = delay.data_ptr<int32_t>();
    std::vector<int64_t> ptr(static_cast<size_t>(n_pre * D + 1), 0);
    auto each = [&](auto&& fn) {  // fn(pre, synapse, target) over every synapse
      if (proj.sparse()) {
        const at::Tensor rp = RuleAccess::row_ptr(proj).cpu(), pj = RuleAccess::post_index(proj).cpu();
        const int64_t* r = rp.data_ptr<int64_t>();
        const int32_t* p = pj.data_ptr<int32_t>();
        for (int64_t i = 0; i < n_pre; ++i)
          for (int64_t s = r[i]; s < r[i + 1]; ++s) fn(i, s, p[s]);
      } else {
        const at::Tensor c = RuleAccess::counts(proj).cpu().to(at::kDouble).contiguous();
        const double* cp = c.data_ptr<double>();
        for (int64_t i = 0; i < n_pre; ++i)
          for (int64_t j = 0; j < n_post; ++j)
            if (cp[i * n_post + j] != 0.0) fn(i, i * n_post + j, j);
      }
    };
    each([&](int64_t i, int64_t s, int64_t) { ++ptr[static_cast<size_t>(i * D + d[s])]; });  // d >= 1
    for (size_t k = 1; k < ptr.size(); ++k) ptr[k] += ptr[k - 1];
    std::vector<int64_t> cursor(ptr.begin(), ptr.end() - 1);
    std::vector<int32_t> syn(static_cast<size_t>(ptr.back())), post(syn.size());
    each([&](int64_t i, int64_t s, int64_t j) {
      const int64_t k = cursor[static_cast<size_t>(i * D + d[s] - 1)]++;
      syn[static_cast<size_t>(k)] = static_cast<int32_t>(s);
      post[static_cast<size_t>(k)] = static_cast<int32_t>(j);
    });
    const c10::Device device = RuleAccess::delay_steps(proj).device();
    by_delay_ptr_ = at::tensor(ptr, at::kLong).to(device);
    by_delay_syn_ = at::tensor(syn, at::kInt).to(device);
    by_delay_post_ = at::tensor(post, at::kInt).to(device);
  }
};

// ---- MSTDP / MSTDPET ----------------------------------------------------------------------------

class RewardStdp : public Plasticity {
 public:
  RewardStdp(bool trace, std::string signal)
      : Plasticity(trace ? "MSTDPET" : "MSTDP", ParamTable(params(trace)), std::move(signal)), trace_(trace) {
    declare_state("p_plus", StateShape::PerPre);
    declare_state("p_minus", StateShape::PerPost);
    declare_state("prev_pre", StateShape::PerPre);
    declare_state("prev_post", StateShape::PerPost);
    if (trace) declare_state("z", StateShape::PerSynapse);
  }
  SignalKind signal_kind() const override { return SignalKind::Level; }

 protected:
  static std::vector<ParamSpec> params(bool trace) {
    std::vector<ParamSpec> p = {
        {"nu", 0.01, "", Constraint::Finite, "learning rate"},
        {"tau_plus", 20.0, "ms", Constraint::Positive, "presynaptic trace P+"},
        {"tau_minus", 20.0, "ms", Constraint::Positive, "postsynaptic trace P-"},
        {"a_plus", 1.0, "", Constraint::Finite, "P+ increment per pre spike"},
        {"a_minus", -1.0, "", Constraint::Finite, "P- increment per post spike"},
        {"w_min", -kInf, "", Constraint::NotNaN, "lower weight bound"},
        {"w_max", kInf, "", Constraint::NotNaN, "upper weight bound"},
    };
    // MSTDPET's eligibility trace decays on every synapse every step: it always sweeps.
    if (trace) {
      p.push_back({"tau_z", 25.0, "ms", Constraint::Positive, "eligibility trace time constant"});
    } else {
      p.push_back(kEventDriven);
    }
    return p;
  }

  void check_params(const ParamTable& p) const override { check_bounds(p, "w_min", "w_max", rule()); }

  void step(Projection& proj, const StepInfo& info) override {
    at::Tensor& w = RuleAccess::weights(proj);
    const at::Tensor& pre = proj.pre().spikes();
    const at::Tensor& post = proj.post().spikes();
    at::Tensor& p_plus = mutable_state("p_plus");
    at::Tensor& p_minus = mutable_state("p_minus");
    at::Tensor& prev_pre = mutable_state("prev_pre");
    at::Tensor& prev_post = mutable_state("prev_post");
    dispatch_floating(w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      kernels::RewardStdpRule<T> r;
      r.w = w.data_ptr<T>();
      r.z = trace_ ? mutable_state("z").data_ptr<T>() : nullptr;
      r.reward = info.signal->data_ptr<T>();
      r.prev_pre = prev_pre.data_ptr<T>();
      r.prev_post = prev_post.data_ptr<T>();
      r.prev_p_plus = p_plus.data_ptr<T>();
      r.prev_p_minus = p_minus.data_ptr<T>();
      r.rate = static_cast<T>(param("nu") * (trace_ ? info.dt : 1.0));
      r.decay_z = static_cast<T>(trace_ ? std::exp(-info.dt / param("tau_z")) : 1.0);
      r.inv_tau_z = static_cast<T>(trace_ ? 1.0 / param("tau_z") : 0.0);
      r.w_min = static_cast<T>(param("w_min"));
      r.w_max = static_cast<T>(param("w_max"));
      fill_rule_shape(r, proj);
      r.n_syn = proj.sparse() ? proj.num_synapses() : r.n_pre * r.n_post;
      if (trace_ || visit() == Visit::All) {
        apply_rule(proj, r, Visit::All, nullptr, nullptr);
      } else {
        // The point eligibility of the previous step is nonzero only in its spiking rows and columns.
        prev_pre_set_.build(prev_pre);
        prev_post_set_.build(prev_post);
        apply_rule(proj, r, Visit::Events, &prev_pre_set_, &prev_post_set_);
      }
      trace_update<T>(p_plus, &pre, std::exp(-info.dt / param("tau_plus")), param("a_plus"), false);
      trace_update<T>(p_minus, &post, std::exp(-info.dt / param("tau_minus")), param("a_minus"), false);
      backend::for_each(w.device(), pre.numel(), kernels::Copy<T>{prev_pre.data_ptr<T>(), pre.data_ptr<T>()});
      backend::for_each(w.device(), post.numel(), kernels::Copy<T>{prev_post.data_ptr<T>(), post.data_ptr<T>()});
    });
  }

 private:
  bool trace_;
  SpikeSet prev_pre_set_, prev_post_set_;
};

}  // namespace rules

// ---- factory ------------------------------------------------------------------------------------

std::vector<std::string> plasticity_rules() {
  return {"STDP", "TripletSTDP", "DopamineSTDP", "IzhikevichDASTDP", "MSTDP", "MSTDPET"};
}

std::unique_ptr<Plasticity> make_plasticity(const PlasticitySpec& spec) {
  std::unique_ptr<Plasticity> rule;
  const std::string& r = spec.rule;
  auto signal = [&](const char* fallback) { return spec.signal.empty() ? std::string(fallback) : spec.signal; };
  if (r == "STDP" || r == "stdp_synapse") {
    rule = std::make_unique<rules::Stdp>();
  } else if (r == "TripletSTDP" || r == "stdp_triplet_synapse") {
    rule = std::make_unique<rules::Triplet>();
  } else if (r == "DopamineSTDP" || r == "stdp_dopamine_synapse") {
    rule = std::make_unique<rules::Dopamine>(signal("dopamine"));
  } else if (r == "IzhikevichDASTDP") {
    rule = std::make_unique<rules::IzhikevichDa>(signal("dopamine"));
  } else if (r == "MSTDP") {
    rule = std::make_unique<rules::RewardStdp>(false, signal("reward"));
  } else if (r == "MSTDPET") {
    rule = std::make_unique<rules::RewardStdp>(true, signal("reward"));
  } else {
    throw_value_error("unknown plasticity rule '", r, "'; rules: ", joined(plasticity_rules()));
  }
  if (!spec.signal.empty() && rule->signal_kind() == SignalKind::None) {
    throw_value_error(r, " reads no neuromodulator; got signal '", spec.signal, "'");
  }
  rule->set_params(spec.params);
  return rule;
}

// ---- Neuromodulator -----------------------------------------------------------------------------

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

void Neuromodulator::update(int64_t step) {
  const int64_t D = ring_.size(0);
  dispatch_floating(value_.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::SignalTake<T> take{value_.data_ptr<T>(), ring_.data_ptr<T>(), pending_.data_ptr<T>(), (step % D) * batch_,
                                kind_ == SignalKind::Level};
    backend::for_each(value_.device(), batch_, take);
    for (const Source& s : sources_) {
      const at::Tensor& spikes = s.pop->spikes();
      kernels::SpikeCountInto<T> count{spikes.data_ptr<T>(), ring_.data_ptr<T>() + ((step + s.delay) % D) * batch_,
                                       s.pop->size()};
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
