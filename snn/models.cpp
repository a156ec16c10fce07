// snn/models.cpp — host side of the models in snn/models.h: parameters, derived constants, and the
// element functors (snn/kernels/*_math.h) each step runs through snn/backend.h.
#include "snn/models.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/cond_lif_math.h"
#include "snn/kernels/lif_alpha_math.h"
#include "snn/network.h"

namespace snn {
namespace models {

namespace {

int32_t steps_of(double t_ms, double dt) { return static_cast<int32_t>(std::llround(t_ms / dt)); }

// The parameters the NEST integrate-and-fire models' kernels share: E_L, V_th, V_reset, I_e, t_ref.
template <typename T, class Params>
void fill_iaf_params(Params& p, const Population& pop, double h) {
  p.E_L = static_cast<T>(pop.param("E_L"));
  p.V_th = static_cast<T>(pop.param("V_th"));
  p.V_reset = static_cast<T>(pop.param("V_reset"));
  p.I_e = static_cast<T>(pop.param("I_e"));
  p.refractory_steps = steps_of(pop.param("t_ref"), h);
}


}  // namespace

// ---- the leaky membrane shared by LIF, LIFExp and AdaptiveLIF ----------------------------------

struct MembraneDefaults {
  double tau_m, t_ref, E_L, V_th, V_reset;
};

// C_m, tau_m, t_ref, E_L, V_th, V_reset, I_e with the given defaults (NEST's by default).
static std::vector<ParamSpec> membrane_params(const MembraneDefaults& d = {10.0, 2.0, -70.0, -55.0, -70.0}) {
  return {
      {"C_m", 250.0, "pF", Constraint::Positive, "membrane capacitance"},
      {"tau_m", d.tau_m, "ms", Constraint::Positive, "membrane time constant"},
      {"t_ref", d.t_ref, "ms", Constraint::NonNegative, "refractory period (rounded to whole steps)"},
      {"E_L", d.E_L, "mV", Constraint::Finite, "resting potential"},
      {"V_th", d.V_th, "mV", Constraint::Finite, "spike threshold"},
      {"V_reset", d.V_reset, "mV", Constraint::Finite, "reset potential"},
      {"I_e", 0.0, "pA", Constraint::Finite, "constant input current"},
  };
}

static void check_reset_below_threshold(const std::string& model, const ParamTable& p) {
  if (!(p.get("V_reset") < p.get("V_th"))) {
    throw_value_error(model, ": V_reset must be < V_th, got V_reset ", p.get("V_reset"), " mV and V_th ", p.get("V_th"), " mV");
  }
}

// ---- LIF (iaf_psc_delta) ----------------------------------------------------------------------

Lif::Lif(int64_t n, const std::string& model) : Population(model, n, ParamTable(membrane_params())) {
  declare_state("V_m", "mV");
  declare_state("refractory_steps", "steps", false, at::kInt);
}

void Lif::check_params(const ParamTable& p) const { check_reset_below_threshold(model(), p); }

void Lif::reset_dynamic_state() {
  mutable_state("V_m").fill_(param("E_L"));
  mutable_state("refractory_steps").zero_();
}

template <typename T>
const kernels::LifParams<T>& Lif::kernel_params() {
  return kernel_params_.get<T>(params(), dt(), learning(), [this](auto& p) {
    using U = std::remove_reference_t<decltype(p.P33)>;
    const double h = dt(), tau = param("tau_m");
    fill_iaf_params<U>(p, *this, h);
    p.P33 = static_cast<U>(std::exp(-h / tau));
    p.P30 = static_cast<U>(-tau / param("C_m") * std::expm1(-h / tau));
  });
}

void Lif::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::LifDeltaStep<T> f;
    f.V = mutable_state("V_m").data_ptr<T>();
    f.refractory = mutable_state("refractory_steps").data_ptr<int32_t>();
    f.spikes = mutable_spikes().data_ptr<T>();
    f.ring = ring_view<T>(ctx.step);
    f.current = run_input_view<T>();
    f.run_step = ctx.run_step;
    f.p = kernel_params<T>();
    backend::for_each(options().device(), batch_size() * size(), f);
  });
}

// ---- AdaptiveLIF ------------------------------------------------------------------------------

static std::vector<ParamSpec> adaptive_params() {
  // BindsNET's DiehlAndCookNodes defaults (Diehl & Cook 2015, current-based variant).
  std::vector<ParamSpec> p = membrane_params({100.0, 5.0, -65.0, -52.0, -60.0});
  p.push_back({"theta_plus", 0.05, "mV", Constraint::NonNegative, "threshold increase per spike"});
  p.push_back({"tau_theta", 1e7, "ms", Constraint::PositiveOrInf, "threshold decay time constant"});
  p.push_back({"one_spike", 0.0, "", Constraint::Bool, "at most one spike per step and batch entry"});
  return p;
}

AdaptiveLif::AdaptiveLif(int64_t n) : Lif(n, "AdaptiveLIF") {
  params_ = ParamTable(adaptive_params());
  declare_state("theta", "mV", /*learned=*/true);
}

void AdaptiveLif::reset_learned_state() { mutable_state("theta").zero_(); }

void AdaptiveLif::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const kernels::AdaptiveParams<T>& a = adaptive_params_.get<T>(params(), dt(), learning(), [this](auto& c) {
      using U = std::remove_reference_t<decltype(c.theta_plus)>;
      // Learning off (eval): theta is frozen, neither growing nor decaying (Diehl & Cook's test mode).
      c.theta_decay = static_cast<U>(learning() ? std::exp(-dt() / param("tau_theta")) : 1.0);
      c.theta_plus = static_cast<U>(learning() ? param("theta_plus") : 0.0);
    });
    const bool one_spike = one_spike_.get(params(), dt(), learning(), [this](bool& b) { b = param("one_spike") != 0.0; });
    kernels::AdaptiveLifStep<T> f;
    f.V = mutable_state("V_m").data_ptr<T>();
    f.refractory = mutable_state("refractory_steps").data_ptr<int32_t>();
    f.theta = mutable_state("theta").data_ptr<T>();
    f.spikes = mutable_spikes().data_ptr<T>();
    f.ring = ring_view<T>(ctx.step);
    f.current = run_input_view<T>();
    f.run_step = ctx.run_step;
    f.p = kernel_params<T>();
    f.a = a;
    f.defer_threshold = one_spike;
    backend::for_each(options().device(), batch_size() * size(), f);
    if (one_spike) {
      kernels::OneSpikeSelect<T> s{f.V, f.refractory, f.theta, f.spikes, size(), f.p, a};
      backend::for_each(options().device(), batch_size(), s);
    }
  });
}

// ---- LIFExp (iaf_psc_exp) ---------------------------------------------------------------------

static std::vector<ParamSpec> lif_exp_params() {
  std::vector<ParamSpec> p = membrane_params();
  p.insert(p.begin() + 2, {"tau_syn_ex", 2.0, "ms", Constraint::Positive, "excitatory synaptic time constant"});
  p.insert(p.begin() + 3, {"tau_syn_in", 2.0, "ms", Constraint::Positive, "inhibitory synaptic time constant"});
  return p;
}

LifExp::LifExp(int64_t n) : Population("LIFExp", n, ParamTable(lif_exp_params())) {
  declare_state("V_m", "mV");
  declare_state("I_syn_ex", "pA");
  declare_state("I_syn_in", "pA");
  declare_state("refractory_steps", "steps", false, at::kInt);
}

void LifExp::check_params(const ParamTable& p) const { check_reset_below_threshold(model(), p); }

void LifExp::reset_dynamic_state() {
  mutable_state("V_m").fill_(param("E_L"));
  mutable_state("I_syn_ex").zero_();
  mutable_state("I_syn_in").zero_();
  mutable_state("refractory_steps").zero_();
}

void LifExp::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const kernels::LifExpParams<T>& p = kernel_params_.get<T>(params(), dt(), learning(), [this](auto& c) {
      using U = std::remove_reference_t<decltype(c.P22)>;
      const double h = dt();
      const kernels::LifExpPropagators ex = kernels::lif_exp_propagators(h, param("tau_m"), param("tau_syn_ex"), param("C_m"));
      const kernels::LifExpPropagators in = kernels::lif_exp_propagators(h, param("tau_m"), param("tau_syn_in"), param("C_m"));
      fill_iaf_params<U>(c, *this, h);
      c.P22 = static_cast<U>(ex.P22);
      c.P20 = static_cast<U>(ex.P20);
      c.P11_ex = static_cast<U>(ex.P11);
      c.P11_in = static_cast<U>(in.P11);
      c.P21_ex = static_cast<U>(ex.P21);
      c.P21_in = static_cast<U>(in.P21);
    });
    kernels::LifExpStep<T> f;
    f.V = mutable_state("V_m").data_ptr<T>();
    f.I_ex = mutable_state("I_syn_ex").data_ptr<T>();
    f.I_in = mutable_state("I_syn_in").data_ptr<T>();
    f.refractory = mutable_state("refractory_steps").data_ptr<int32_t>();
    f.spikes = mutable_spikes().data_ptr<T>();
    f.ring = ring_view<T>(ctx.step);
    f.current = run_input_view<T>();
    f.run_step = ctx.run_step;
    f.p = p;
    backend::for_each(options().device(), batch_size() * size(), f);
  });
}

// ---- LIFAlpha (iaf_psc_alpha) -----------------------------------------------------------------

LifAlpha::LifAlpha(int64_t n) : Population("LIFAlpha", n, ParamTable(lif_exp_params())) {
  declare_state("V_m", "mV");
  declare_state("I_syn_ex", "pA");
  declare_state("I_syn_in", "pA");
  declare_state("dI_syn_ex", "pA/ms");
  declare_state("dI_syn_in", "pA/ms");
  declare_state("refractory_steps", "steps", false, at::kInt);
}

void LifAlpha::check_params(const ParamTable& p) const { check_reset_below_threshold(model(), p); }

void LifAlpha::reset_dynamic_state() {
  mutable_state("V_m").fill_(param("E_L"));
  for (const char* s : {"I_syn_ex", "I_syn_in", "dI_syn_ex", "dI_syn_in", "refractory_steps"}) mutable_state(s).zero_();
}

void LifAlpha::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const kernels::LifAlphaParams<T>& p = kernel_params_.get<T>(params(), dt(), learning(), [this](auto& c) {
      using U = std::remove_reference_t<decltype(c.P33)>;
      const double h = dt(), e = std::exp(1.0);
      const kernels::LifAlphaPropagators ex = kernels::lif_alpha_propagators(h, param("tau_m"), param("tau_syn_ex"), param("C_m"));
      const kernels::LifAlphaPropagators in = kernels::lif_alpha_propagators(h, param("tau_m"), param("tau_syn_in"), param("C_m"));
      fill_iaf_params<U>(c, *this, h);
      c.P33 = static_cast<U>(ex.P33);
      c.P30 = static_cast<U>(ex.P30);
      c.P11_ex = static_cast<U>(ex.P11);
      c.P21_ex = static_cast<U>(ex.P21);
      c.P31_ex = static_cast<U>(ex.P31);
      c.P32_ex = static_cast<U>(ex.P32);
      c.psc_ex = static_cast<U>(e / param("tau_syn_ex"));
      c.P11_in = static_cast<U>(in.P11);
      c.P21_in = static_cast<U>(in.P21);
      c.P31_in = static_cast<U>(in.P31);
      c.P32_in = static_cast<U>(in.P32);
      c.psc_in = static_cast<U>(e / param("tau_syn_in"));
    });
    kernels::LifAlphaStep<T> f{mutable_state("V_m").data_ptr<T>(),      mutable_state("I_syn_ex").data_ptr<T>(),
                               mutable_state("I_syn_in").data_ptr<T>(), mutable_state("dI_syn_ex").data_ptr<T>(),
                               mutable_state("dI_syn_in").data_ptr<T>(), mutable_state("refractory_steps").data_ptr<int32_t>(),
                               mutable_spikes().data_ptr<T>(),          ring_view<T>(ctx.step),
                               run_input_view<T>(),                     ctx.run_step,
                               p};
    backend::for_each(options().device(), batch_size() * size(), f);
  });
}

// ---- Izhikevich -------------------------------------------------------------------------------

Izhikevich::Izhikevich(int64_t n)
    : Population("Izhikevich", n,
                 ParamTable({
                     {"a", 0.02, "", Constraint::Finite, "recovery time scale (regular spiking: 0.02)"},
                     {"b", 0.2, "", Constraint::Finite, "recovery sensitivity to V_m"},
                     {"c", -65.0, "mV", Constraint::Finite, "reset potential"},
                     {"d", 8.0, "", Constraint::Finite, "recovery increment per spike"},
                     {"V_th", 30.0, "mV", Constraint::Finite, "spike cut-off (V_peak)"},
                     {"I_noise", 0.0, "", Constraint::NonNegative, "uniform noise current I_noise (U - 1/2) per step (published: 13)"},
                     {"I_e", 0.0, "", Constraint::Finite, "constant input (the published model's units: v in mV, t in ms)"},
                 })) {
  declare_state("V_m", "mV");
  declare_state("U_m", "");
}

void Izhikevich::reset_dynamic_state() {
  // As the published code: v = -65, u = b v.
  mutable_state("V_m").fill_(-65.0);
  mutable_state("U_m").fill_(-65.0 * param("b"));
}

void Izhikevich::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::IzhikevichStep<T> f;
    f.v = mutable_state("V_m").data_ptr<T>();
    f.u = mutable_state("U_m").data_ptr<T>();
    f.spikes = mutable_spikes().data_ptr<T>();
    f.ring = ring_view<T>(ctx.step);
    f.current = run_input_view<T>();
    f.run_step = ctx.run_step;
    const Constants<T>& C = constants_.get<T>(params(), dt(), learning(), [this](auto& c) {
      using U = std::remove_reference_t<decltype(c.noise)>;
      c.p = {static_cast<U>(param("a")), static_cast<U>(param("b")), static_cast<U>(param("c")),
             static_cast<U>(param("d")), static_cast<U>(param("V_th")), static_cast<U>(param("I_e")),
             static_cast<U>(0.5 * dt()), static_cast<U>(dt())};
      c.noise = static_cast<U>(param("I_noise"));
    });
    f.p = C.p;
    f.noise = C.noise;
    f.seed = ctx.seed;
    f.stream = rng_stream();
    f.step = static_cast<uint64_t>(ctx.step);
    f.n = batch_size() * size();
    backend::for_each(options().device(), (f.n + random_block() - 1) / random_block(), f, std::max<int64_t>(1, backend::kCpuGrainDraws / kernels::kRandomBlock));
  });
}

// ---- ConductanceLIF ---------------------------------------------------------------------------

ConductanceLif::ConductanceLif(int64_t n)
    : Population("ConductanceLIF", n,
                 ParamTable({
                     {"tau_m", 100.0, "ms", Constraint::Positive, "membrane time constant"},
                     {"E_L", -65.0, "mV", Constraint::Finite, "resting potential"},
                     {"E_ex", 0.0, "mV", Constraint::Finite, "excitatory reversal potential"},
                     {"E_in", -100.0, "mV", Constraint::Finite, "inhibitory reversal potential"},
                     {"tau_syn_ex", 1.0, "ms", Constraint::Positive, "excitatory conductance time constant"},
                     {"tau_syn_in", 2.0, "ms", Constraint::Positive, "inhibitory conductance time constant"},
                     {"V_th", -52.0, "mV", Constraint::Finite, "threshold before adaptation"},
                     {"V_reset", -65.0, "mV", Constraint::Finite, "reset potential"},
                     {"t_ref", 5.0, "ms", Constraint::NonNegative, "refractory period (rounded to whole steps)"},
                     {"t_lock", 0.0, "ms", Constraint::NonNegative,
                      "threshold lockout after a spike (V integrates once t_ref is over; Diehl & Cook's code: 50)"},
                     {"theta_plus", 0.05, "mV", Constraint::NonNegative, "threshold increase per spike (0: fixed threshold)"},
                     {"tau_theta", 1e7, "ms", Constraint::PositiveOrInf, "threshold decay time constant"},
                     {"one_spike", 0.0, "", Constraint::Bool, "at most one spike per step and batch entry"},
                 })) {
  declare_state("V_m", "mV");
  declare_state("g_ex", "");
  declare_state("g_in", "");
  declare_state("refractory_steps", "steps", false, at::kInt);
  declare_state("theta", "mV", /*learned=*/true);
}

void ConductanceLif::check_params(const ParamTable& p) const {
  check_reset_below_threshold(model(), p);
  // one_spike picks the neuron furthest above threshold, refractory or not: only a held V keeps one out.
  if (p.get("one_spike") != 0.0 && p.get("t_lock") > p.get("t_ref")) {
    throw_value_error(model(), ": t_lock (", p.get("t_lock"), " ms) longer than t_ref (", p.get("t_ref"),
                      " ms) is not supported with one_spike");
  }
}

void ConductanceLif::reset_dynamic_state() {
  mutable_state("V_m").fill_(param("E_L"));
  mutable_state("g_ex").zero_();
  mutable_state("g_in").zero_();
  mutable_state("refractory_steps").zero_();
}

void ConductanceLif::reset_learned_state() { mutable_state("theta").zero_(); }

const ConductanceLif::Constants& ConductanceLif::constants() {
  return constants_.get(params(), dt(), learning(), [this](Constants& c) {
    const double h = dt();
    kernels::CondLifParams<double>& p = c.p;
    p.E_L = param("E_L");
    p.E_ex = param("E_ex");
    p.E_in = param("E_in");
    p.V_th = param("V_th");
    p.V_reset = param("V_reset");
    p.h_over_tau_m = h / param("tau_m");
    p.decay_ex = std::exp(-h / param("tau_syn_ex"));
    p.decay_in = std::exp(-h / param("tau_syn_in"));
    // A conductance's mean over a step: (1 - exp(-x)) / x, x = h / tau_syn (expm1: 1 as tau_syn -> inf).
    const auto step_mean = [h](double tau) { return -std::expm1(-h / tau) / (h / tau); };
    p.mean_ex = step_mean(param("tau_syn_ex"));
    p.mean_in = step_mean(param("tau_syn_in"));
    // Learning off (eval): theta is frozen, neither growing nor decaying (Diehl & Cook's test mode).
    p.theta_decay = learning() ? std::exp(-h / param("tau_theta")) : 1.0;
    p.theta_plus = learning() ? param("theta_plus") : 0.0;
    p.refractory_steps = steps_of(param("t_ref"), h);
    p.lockout_steps = std::max(p.refractory_steps, steps_of(param("t_lock"), h));
    c.one_spike = param("one_spike") != 0.0;
  });
}

void ConductanceLif::integrate(const StepContext& ctx) {
  const Constants& C = constants();
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const kernels::CondLifParams<T> p = C.p.as<T>();
    const bool one_spike = C.one_spike;
    kernels::CondLifStep<T> f{mutable_state("V_m").data_ptr<T>(), mutable_state("g_ex").data_ptr<T>(),
                              mutable_state("g_in").data_ptr<T>(), mutable_state("theta").data_ptr<T>(),
                              mutable_state("refractory_steps").data_ptr<int32_t>(), mutable_spikes().data_ptr<T>(),
                              ring_view<T>(ctx.step), p, one_spike, batch_size() * size(), 1};
    // CPU: blocks of neurons (a vectorised loop each), tasks of 4 blocks; CUDA: one neuron per thread.
    backend::for_each_block(options().device(), f, 1024, 4 * 1024);
    if (one_spike) {
      kernels::LifParams<T> lp{};
      lp.V_th = p.V_th;
      lp.V_reset = p.V_reset;
      lp.refractory_steps = p.refractory_steps;
      kernels::OneSpikeSelect<T> select{f.V, f.refractory, f.theta, f.spikes, size(), lp, {T(1), p.theta_plus}};
      backend::for_each(options().device(), batch_size(), select);
    }
  });
}

// ---- SpikeInput -------------------------------------------------------------------------------

SpikeInput::SpikeInput(int64_t n) : Population("SpikeInput", n, ParamTable()) {}

void SpikeInput::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    const int64_t n = batch_size() * size();
    const kernels::StepInput<T> in = run_input_view<T>();
    if (!in.base) {
      backend::for_each(options().device(), n, kernels::Fill<T>{mutable_spikes().data_ptr<T>(), T(0)});
    } else {
      backend::for_each(options().device(), n, kernels::Copy<T>{mutable_spikes().data_ptr<T>(), in.base + ctx.run_step * in.step_stride});
    }
  });
}

// ---- PoissonInput -----------------------------------------------------------------------------

PoissonSource::PoissonSource(int64_t n)
    : Population("PoissonInput", n,
                 ParamTable({{"rate", 0.0, "Hz", Constraint::NonNegative,
                              "rate used when run() gets no rates for this population"}})) {}

void PoissonSource::reset_dynamic_state() { budget_ = at::Tensor(); }  // drawn afresh at the next step

// The CDF and guide table of a Poisson law with mean lambda (kernels::PoissonTable), as one float64
// tensor on `device`: [cdf (length) | guide (size, as doubles)].
static at::Tensor poisson_table(double lambda, const c10::Device& device, int64_t* length, int64_t* size) {
  std::vector<double> cdf;
  double p = std::exp(-lambda), total = p;
  cdf.push_back(total);
  for (int64_t k = 1; k < kernels::kPoissonTerms && total < 1.0 - 1e-15; ++k) {
    p *= lambda / static_cast<double>(k);
    total += p;
    cdf.push_back(total);
  }
  cdf.back() = 1.0;
  const int64_t guides = 64;
  std::vector<double> table = cdf;
  int64_t k = 0;
  for (int64_t g = 0; g < guides; ++g) {
    while (k < static_cast<int64_t>(cdf.size()) - 1 && cdf[k] <= static_cast<double>(g) / guides) ++k;
    table.push_back(static_cast<double>(k));
  }
  *length = static_cast<int64_t>(cdf.size());
  *size = guides;
  return at::tensor(table, at::kDouble).to(device);
}

void PoissonSource::integrate(const StepContext& ctx) {
  // Rates fixed for the run (the `rate` parameter, or a [B, N] input): the means rate h once per run,
  // and, when every neuron has the same mean above kBudgetMaxMean, a guide table for the direct draws.
  const at::Tensor& input = run_input();
  const bool per_step = input.defined() && input.dim() == 3;
  const double h = dt() * 1e-3;
  if (!per_step && (ctx.run_step == 0 || !lambda_.defined())) {
    lambda_ = input.defined() ? (input.to(at::kDouble) * h).contiguous()
                              : at::full({batch_size(), size()}, param("rate") * h, options().dtype(at::kDouble));
    double lambda = -1.0;
    if (!input.defined()) {
      lambda = param("rate") * h;
    } else if (input.numel() > 0 && (input == input.flatten()[0]).all().item<bool>()) {
      lambda = input.flatten()[0].item<double>() * h;
    }
    table_ = (lambda > kernels::kBudgetMaxMean && lambda <= kernels::kPoissonChunk)
                 ? poisson_table(lambda, options().device(), &table_length_, &table_size_)
                 : at::Tensor();
    if (table_.defined()) guide_ = table_.narrow(0, table_length_, table_size_).to(at::kInt);
    silent_run_ = !(lambda_.numel() > 0 && lambda_.max().item<double>() > 0.0);
  }
  if (!inverse_.defined()) {
    inverse_ = at::arange(kernels::kPoissonTerms, at::kDouble).reciprocal().to(options().device());
  }
  const int64_t n = batch_size() * size();
  if (!budget_.defined()) {
    budget_ = at::empty({batch_size(), size()}, options().dtype(at::kDouble));
    backend::for_each(options().device(), n,
                      kernels::PoissonBudgetInit{budget_.data_ptr<double>(), ctx.seed, rng_stream(), static_cast<uint64_t>(ctx.step)});
  }
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    if (!per_step && silent_run_) {  // every rate 0 (e.g. the rest between images): no spikes, budgets kept
      backend::for_each(options().device(), n, kernels::Fill<T>{mutable_spikes().data_ptr<T>(), T(0)});
      return;
    }
    kernels::PoissonStep<T> f;
    f.spikes = mutable_spikes().data_ptr<T>();
    f.budget = budget_.data_ptr<double>();
    f.rate = run_input_view<T>();
    f.lambda = per_step ? nullptr : lambda_.data_ptr<double>();
    f.inverse = inverse_.data_ptr<double>();
    f.table = {};
    if (!per_step && table_.defined()) {
      f.table.cdf = table_.data_ptr<double>();
      f.table.length = table_length_;
      f.table.size = table_size_;
      f.table.guide = guide_.data_ptr<int32_t>();
    }
    f.h_seconds = h;
    f.seed = ctx.seed;
    f.stream = rng_stream();
    f.step = static_cast<uint64_t>(ctx.step);
    f.run_step = ctx.run_step;
    f.n = n;
    backend::for_each(options().device(), (n + random_block() - 1) / random_block(), f,
                      std::max<int64_t>(1, backend::kCpuGrainDraws / kernels::kRandomBlock));
  });
}

// ---- Parrot -----------------------------------------------------------------------------------

Parrot::Parrot(int64_t n) : Population("Parrot", n, ParamTable()) {}

void Parrot::reset_dynamic_state() {}

void Parrot::integrate(const StepContext& ctx) {
  dispatch_floating(options().dtype().toScalarType(), [&](auto tag) {
    using T = decltype(tag);
    kernels::ParrotStep<T> f{mutable_spikes().data_ptr<T>(), ring_view<T>(ctx.step)};
    backend::for_each(options().device(), batch_size() * size(), f);
  });
}

// ---- SpikeGeneratorInput ----------------------------------------------------------------------

SpikeGenerator::SpikeGenerator(int64_t n, std::vector<std::vector<double>> spike_times)
    : Population("SpikeGeneratorInput", n, ParamTable()), times_(std::move(spike_times)) {
  if (static_cast<int64_t>(times_.size()) != n) {
    throw_value_error("SpikeGeneratorInput: spike_times must hold one list per neuron (", n, "), got ", times_.size());
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

void SpikeGenerator::on_attach() {
  const double h = dt();
  const int64_t now = network()->step_count();
  std::map<int64_t, std::map<int64_t, int64_t>> schedule;  // step -> neuron -> count
  for (size_t i = 0; i < times_.size(); ++i) {
    for (double t : times_[i]) {
      const double on_grid = t / h;
      const int64_t m = std::llround(on_grid);
      if (std::abs(on_grid - static_cast<double>(m)) > 1e-9 * std::max(1.0, std::abs(on_grid))) {
        throw_value_error("SpikeGeneratorInput: spike_times[", i, "] has ", t, " ms, which is not on the dt = ", h,
                          " ms grid (nearest grid times: ", std::floor(on_grid) * h, " and ", std::ceil(on_grid) * h, " ms)");
      }
      const int64_t step = m - 1;  // the step that ends at t
      if (step < now) {
        throw_value_error("SpikeGeneratorInput: spike_times[", i, "] has ", t,
                          " ms, which is not after the network's current time ", now * h, " ms");
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

void SpikeGenerator::reset_dynamic_state() {}

void SpikeGenerator::integrate(const StepContext& ctx) {
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

}  // namespace models

// ---- factory ----------------------------------------------------------------------------------

namespace {

using Factory = std::unique_ptr<Population> (*)(const ModelSpec&);

const std::vector<std::pair<std::vector<std::string>, Factory>>& registry() {
  static const std::vector<std::pair<std::vector<std::string>, Factory>> r = {
      {{"LIF", "iaf_psc_delta"}, [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::Lif>(s.n); }},
      {{"LIFExp", "iaf_psc_exp"}, [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::LifExp>(s.n); }},
      {{"LIFAlpha", "iaf_psc_alpha"}, [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::LifAlpha>(s.n); }},
      {{"AdaptiveLIF"}, [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::AdaptiveLif>(s.n); }},
      {{"Izhikevich", "izhikevich"}, [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::Izhikevich>(s.n); }},
      {{"PoissonInput", "poisson_generator"}, [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::PoissonSource>(s.n); }},
      {{"Parrot", "parrot_neuron"}, [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::Parrot>(s.n); }},
      {{"ConductanceLIF"}, [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::ConductanceLif>(s.n); }},
      {{"SpikeInput"}, [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::SpikeInput>(s.n); }},
      {{"SpikeGeneratorInput", "spike_generator"},
       [](const ModelSpec& s) -> std::unique_ptr<Population> { return std::make_unique<models::SpikeGenerator>(s.n, s.spike_times); }},
  };
  return r;
}

}  // namespace

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const auto& [names, f] : registry()) out.insert(out.end(), names.begin(), names.end());
  return out;
}

std::unique_ptr<Population> make_population(const ModelSpec& spec) {
  for (const auto& [names, factory] : registry()) {
    if (std::find(names.begin(), names.end(), spec.model) == names.end()) continue;
    if (spec.n <= 0) throw_value_error(spec.model, ": the number of neurons n must be > 0, got ", spec.n);
    if (!spec.spike_times.empty() && names.front() != "SpikeGeneratorInput") {
      throw_value_error(spec.model, " takes no spike_times (only SpikeGeneratorInput does)");
    }
    std::unique_ptr<Population> pop = factory(spec);
    pop->set_params(spec.params);
    return pop;
  }
  std::string known;
  for (const auto& n : model_names()) known += (known.empty() ? "" : ", ") + n;
  throw_value_error("unknown model '", spec.model, "'; models: ", known);
}

}  // namespace snn
