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
int64_t grid_steps(double t_ms, double dt, const std::string& what) {
  const double steps = t_ms / dt;
  const int64_t n = std::llround(steps);
  if (std::abs(steps - static_cast<double>(n)) > 1e-9 * std::max(1.0, steps)) {
    throw_value_error(what, " ", t_ms, " ms is not a multiple of dt = ", dt, " ms");
  }
  return n;
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
  if (delay_ == 0) return spikes;
  const int64_t slots = delay_ + 1;
  rows_[step % slots].copy_(spikes);
  return rows_[(step + 1) % slots];  // written delay_ steps ago
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

const at::Tensor& Plasticity::state(const std::string& name) const {
  for (const auto& v : state_) {
    if (v.name == name) return v.tensor;
  }
  throw_value_error(rule_, " has no state '", name, "'; state: ", joined(state_names()));
}

at::Tensor& Plasticity::mutable_state(const std::string& name) { return const_cast<at::Tensor&>(state(name)); }

void Plasticity::attach(Projection& proj, double) {
  const int64_t B = proj.post().batch_size(), n_pre = proj.pre().size(), n_post = proj.post().size();
  for (size_t s = 0; s < state_.size(); ++s) {
    std::vector<int64_t> shape;
    switch (shapes_[s]) {
      case StateShape::PerPre: shape = {B, n_pre}; break;
      case StateShape::PerPost: shape = {B, n_post}; break;
      case StateShape::PerSynapse: shape = {B, n_pre, n_post}; break;
      case StateShape::PerBatch: shape = {B}; break;
    }
    state_[s].tensor = at::zeros(shape, proj.weight().options());
  }
}

void Plasticity::reset_state() {
  for (auto& v : state_) v.tensor.zero_();
}

namespace {

// Launches a trace update over every element of `x`.
template <typename T>
void trace_update(at::Tensor& x, const at::Tensor* spikes, double decay, double amount, bool set) {
  kernels::TraceUpdate<T> f{x.data_ptr<T>(), spikes ? spikes->data_ptr<T>() : nullptr, static_cast<T>(decay),
                            static_cast<T>(amount), set};
  backend::for_each(x.device(), x.numel(), f);
}

// The projection's weights, viewed by a rule (Plasticity is a friend of Projection).
struct Synapses {
  at::Tensor& w;
  const at::Tensor& count;
  kernels::DenseShape shape;
};

}  // namespace

// Accessors for the rules (Projection befriends Plasticity, not its subclasses).
struct RuleAccess {
  static Synapses synapses(Projection& p) {
    return {p.weight_, p.count_, {p.pre().size(), p.post().size(), p.post().batch_size()}};
  }
  static void weights_changed(Projection& p) { p.weights_changed(); }
};

namespace rules {

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

  void step(Projection& proj, const StepInfo& info) override {
    Synapses syn = RuleAccess::synapses(proj);
    const at::Tensor& pre = proj.pre().spikes();
    const at::Tensor& post = proj.post().spikes();
    const double d_pre = std::exp(-info.dt / param("tau_pre")), d_post = std::exp(-info.dt / param("tau_post"));
    const bool dc = param("diehl_cook") != 0.0, nearest = dc || param("nearest") != 0.0;
    at::Tensor& x_pre = mutable_state("x_pre");
    at::Tensor& x_post = mutable_state("x_post");
    at::Tensor& x_post2 = mutable_state("x_post2");
    dispatch_floating(syn.w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      // BindsNET order: this step's spikes enter the traces before the update. Diehl & Cook: the
      // pre trace does, the post traces only after (their "post2before").
      trace_update<T>(x_pre, &pre, d_pre, 1.0, nearest);
      trace_update<T>(x_post, dc ? nullptr : &post, d_post, 1.0, nearest);
      if (dc) trace_update<T>(x_post2, nullptr, std::exp(-info.dt / param("tau_post2")), 1.0, true);
      kernels::PairStdpStep<T> f;
      f.w = syn.w.data_ptr<T>();
      f.count = syn.count.data_ptr<T>();
      f.pre_spikes = pre.data_ptr<T>();
      f.post_spikes = post.data_ptr<T>();
      f.ltd_trace = x_post.data_ptr<T>();
      f.ltp_trace = x_pre.data_ptr<T>();
      f.ltp_factor = dc ? x_post2.data_ptr<T>() : nullptr;
      f.nu_pre = static_cast<T>(param("nu_pre"));
      f.nu_post = static_cast<T>(param("nu_post"));
      f.w_min = static_cast<T>(param("w_min"));
      f.w_max = static_cast<T>(param("w_max"));
      f.multiplicative = param("multiplicative") != 0.0;
      f.shape = syn.shape;
      backend::for_each(syn.w.device(), syn.shape.cells(), f);
      if (dc) {
        trace_update<T>(x_post, &post, 1.0, 1.0, true);
        trace_update<T>(x_post2, &post, 1.0, 1.0, true);
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
    Synapses syn = RuleAccess::synapses(proj);
    const at::Tensor& pre = proj.pre().spikes();
    const at::Tensor& post = proj.post().spikes();
    dispatch_floating(syn.w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      const char* names[] = {"r1", "r2", "o1", "o2"};
      const char* taus[] = {"tau_plus", "tau_x", "tau_minus", "tau_y"};
      for (int t = 0; t < 4; ++t) trace_update<T>(mutable_state(names[t]), nullptr, std::exp(-info.dt / param(taus[t])), 1.0, false);
      kernels::TripletStdpStep<T> f;
      f.w = syn.w.data_ptr<T>();
      f.count = syn.count.data_ptr<T>();
      f.pre_spikes = pre.data_ptr<T>();
      f.post_spikes = post.data_ptr<T>();
      f.r1 = state("r1").data_ptr<T>();
      f.r2 = state("r2").data_ptr<T>();
      f.o1 = state("o1").data_ptr<T>();
      f.o2 = state("o2").data_ptr<T>();
      f.A2_plus = static_cast<T>(param("A2_plus"));
      f.A3_plus = static_cast<T>(param("A3_plus"));
      f.A2_minus = static_cast<T>(param("A2_minus"));
      f.A3_minus = static_cast<T>(param("A3_minus"));
      f.w_min = static_cast<T>(param("w_min"));
      f.w_max = static_cast<T>(param("w_max"));
      f.shape = syn.shape;
      backend::for_each(syn.w.device(), syn.shape.cells(), f);
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

  void attach(Projection& proj, double dt) override {
    post_seen_.init(rule_delay_steps(*this, proj, dt), proj.post().spikes());
    Plasticity::attach(proj, dt);
  }

  void reset_state() override {
    Plasticity::reset_state();
    post_seen_.reset();
  }

  void step(Projection& proj, const StepInfo& info) override {
    Synapses syn = RuleAccess::synapses(proj);
    const at::Tensor& pre = proj.pre().spikes();
    const at::Tensor& seen = post_seen_.push(proj.post().spikes(), info.step);
    const kernels::DopaminePropagators P = kernels::dopamine_propagators(info.dt, param("tau_c"), param("tau_n"));
    at::Tensor& k_plus = mutable_state("K_plus");
    at::Tensor& k_minus = mutable_state("K_minus");
    at::Tensor& n = mutable_state("n");
    dispatch_floating(syn.w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      trace_update<T>(k_plus, nullptr, std::exp(-info.dt / param("tau_plus")), 1.0, false);
      trace_update<T>(k_minus, nullptr, std::exp(-info.dt / param("tau_minus")), 1.0, false);
      kernels::DopamineStdpStep<T> f;
      f.w = syn.w.data_ptr<T>();
      f.count = syn.count.data_ptr<T>();
      f.c = mutable_state("c").data_ptr<T>();
      f.n = n.data_ptr<T>();
      f.pre_spikes = pre.data_ptr<T>();
      f.post_seen = seen.data_ptr<T>();
      f.k_plus = k_plus.data_ptr<T>();
      f.k_minus = k_minus.data_ptr<T>();
      f.decay_c = static_cast<T>(P.decay_c);
      f.w_cn = static_cast<T>(P.w_cn);
      f.w_c = static_cast<T>(P.w_c);
      f.b = static_cast<T>(param("b"));
      f.A_plus = static_cast<T>(param("A_plus"));
      f.A_minus = static_cast<T>(param("A_minus"));
      f.w_min = static_cast<T>(param("Wmin"));
      f.w_max = static_cast<T>(param("Wmax"));
      f.shape = syn.shape;
      backend::for_each(syn.w.device(), syn.shape.cells(), f);
      trace_update<T>(k_plus, &pre, 1.0, 1.0, false);
      trace_update<T>(k_minus, &seen, 1.0, 1.0, false);
      // Dopamine spikes of this step: n jumps by A_vt m / tau_n at its end.
      trace_update<T>(n, info.signal, P.decay_n, param("A_vt") / param("tau_n"), false);
    });
  }

 private:
  SpikeDelay post_seen_;
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

  void attach(Projection& proj, double dt) override {
    grid_steps(param("interval"), dt, "IzhikevichDASTDP: interval");
    arrivals_.init(rule_delay_steps(*this, proj, dt), proj.pre().spikes());
    Plasticity::attach(proj, dt);
  }

  void reset_state() override {
    Plasticity::reset_state();
    arrivals_.reset();
  }

  void step(Projection& proj, const StepInfo& info) override {
    Synapses syn = RuleAccess::synapses(proj);
    const at::Tensor& post = proj.post().spikes();
    const at::Tensor& arriving = arrivals_.push(proj.pre().spikes(), info.step);
    const int64_t every = grid_steps(param("interval"), info.dt, "IzhikevichDASTDP: interval");
    const double per_step = info.dt;  // the published factors are per ms
    at::Tensor& x_pre = mutable_state("x_pre");
    at::Tensor& x_post = mutable_state("x_post");
    at::Tensor& da = mutable_state("DA");
    dispatch_floating(syn.w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      const double decay = std::pow(param("trace_decay"), per_step);
      trace_update<T>(x_pre, nullptr, decay, 0.0, false);
      trace_update<T>(x_post, nullptr, decay, 0.0, false);
      trace_update<T>(da, info.signal, std::pow(param("da_decay"), per_step), 1.0, false);
      kernels::IzhikevichDaStep<T> f;
      f.w = syn.w.data_ptr<T>();
      f.count = syn.count.data_ptr<T>();
      f.sd = mutable_state("sd").data_ptr<T>();
      f.arrivals = arriving.data_ptr<T>();
      f.post_spikes = post.data_ptr<T>();
      f.x_pre = x_pre.data_ptr<T>();
      f.x_post = x_post.data_ptr<T>();
      f.da = da.data_ptr<T>();
      f.ltd_factor = static_cast<T>(param("ltd_factor"));
      f.baseline = static_cast<T>(param("baseline"));
      f.eligibility_decay = static_cast<T>(param("eligibility_decay"));
      f.w_min = static_cast<T>(param("w_min"));
      f.w_max = static_cast<T>(param("w_max"));
      f.apply = (info.step + 1) % every == 0;
      f.shape = syn.shape;
      backend::for_each(syn.w.device(), syn.shape.cells(), f);
      trace_update<T>(x_pre, &arriving, 1.0, param("trace"), true);
      trace_update<T>(x_post, &post, 1.0, param("trace"), true);
    });
  }

 private:
  SpikeDelay arrivals_;
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
    if (trace) p.push_back({"tau_z", 25.0, "ms", Constraint::Positive, "eligibility trace time constant"});
    return p;
  }

  void check_params(const ParamTable& p) const override { check_bounds(p, "w_min", "w_max", rule()); }

  void step(Projection& proj, const StepInfo& info) override {
    Synapses syn = RuleAccess::synapses(proj);
    const at::Tensor& pre = proj.pre().spikes();
    const at::Tensor& post = proj.post().spikes();
    at::Tensor& p_plus = mutable_state("p_plus");
    at::Tensor& p_minus = mutable_state("p_minus");
    dispatch_floating(syn.w.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      kernels::RewardStdpStep<T> f;
      f.w = syn.w.data_ptr<T>();
      f.count = syn.count.data_ptr<T>();
      f.z = trace_ ? mutable_state("z").data_ptr<T>() : nullptr;
      f.reward = info.signal->data_ptr<T>();
      f.prev_pre = state("prev_pre").data_ptr<T>();
      f.prev_post = state("prev_post").data_ptr<T>();
      f.prev_p_plus = p_plus.data_ptr<T>();
      f.prev_p_minus = p_minus.data_ptr<T>();
      f.rate = static_cast<T>(param("nu") * (trace_ ? info.dt : 1.0));
      f.decay_z = static_cast<T>(trace_ ? std::exp(-info.dt / param("tau_z")) : 1.0);
      f.inv_tau_z = static_cast<T>(trace_ ? 1.0 / param("tau_z") : 0.0);
      f.w_min = static_cast<T>(param("w_min"));
      f.w_max = static_cast<T>(param("w_max"));
      f.shape = syn.shape;
      backend::for_each(syn.w.device(), syn.shape.cells(), f);
      trace_update<T>(p_plus, &pre, std::exp(-info.dt / param("tau_plus")), param("a_plus"), false);
      trace_update<T>(p_minus, &post, std::exp(-info.dt / param("tau_minus")), param("a_minus"), false);
    });
    mutable_state("prev_pre").copy_(pre);
    mutable_state("prev_post").copy_(post);
  }

 private:
  bool trace_;
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
