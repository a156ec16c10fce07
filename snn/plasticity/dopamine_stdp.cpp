// snn/plasticity/dopamine_stdp.cpp — DopamineSTDP: parameters, constants, lazy (event-driven) and
// per-step updates.
#include "snn/plasticity/dopamine_stdp.h"

#include <cmath>
#include <vector>

#include "snn/plasticity/scheduler.h"

namespace snn {
namespace rules {

namespace {

// Propagators for 0 .. kTable - 1 steps (part of the constants: rebuilt when tau_c, tau_n or dt change).
at::Tensor propagator_table(double dt, double tau_c, double tau_n, const c10::Device& device) {
  constexpr int64_t kTable = DopamineStdp::kTable;
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

kernels::DopamineTables tables(const at::Tensor& table) {
  constexpr int64_t kTable = DopamineStdp::kTable;
  const double* p = table.data_ptr<double>();
  return {p, p + kTable, p + 2 * kTable, p + 3 * kTable, kTable};
}

}  // namespace

// NEST stdp_dopamine_synapse defaults; A_vt as in NESTML; tau_minus is the post neuron's K- time
// constant in NEST (20 ms); delay: the dendritic delay (default: the projection's delay).
DopamineStdp::DopamineStdp(std::string signal)
    : Plasticity("DopamineSTDP",
                 {
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
                 },
                 std::move(signal)),
      c_(declare_state("c", StateShape::Synapse)),
      n_(declare_state("n", StateShape::Batch)),
      k_plus_(declare_state("K_plus", StateShape::Pre)),
      k_minus_(declare_state("K_minus", StateShape::Post)) {}

void DopamineStdp::attach(Projection& proj, double dt, int64_t step) {
  proj_ = &proj;
  post_seen_.init(delay_steps(proj, dt), proj.post().spikes());
  Plasticity::attach(proj, dt, step);
  const auto& opts = proj.weight().options();
  const int64_t B = proj.post().batch_size();
  t_last_ = at::full({proj.sparse() ? proj.num_synapses() : proj.pre().global_size() * proj.post().size()}, step,
                     opts.dtype(at::kLong));
  hist_time_ = at::zeros({kHistory}, opts.dtype(at::kLong));
  hist_n_ = at::zeros({kHistory, B}, opts);
  base_n_ = at::zeros({B}, opts);
  base_time_ = now_ = step;
  dt_ = dt;
  device_ = proj.weight().device();
}

void DopamineStdp::reset_state() {
  Plasticity::reset_state();  // c, n and the traces to 0; weights kept (synchronized by the caller)
  post_seen_.reset();
  hist_len_ = 0;
  base_n_.zero_();
  base_time_ = now_;
  t_last_.fill_(now_);
}

void DopamineStdp::synchronize(Projection& proj) {
  // (After per-step steps the weights are current and t_last is not: nothing to bring forward.)
  if (visit() == Visit::Events && clocks_valid_) flush(proj, now_);
}

// A pre neuron about to transmit: its synapses up to the start of this step (NEST updates the weight
// before sending the spike).
void DopamineStdp::before_delivery(Projection& proj, const StepInfo& info) {
  if (constants().visit != Visit::Events) return;
  resume(info.step);
  lazy(proj, info.step, false, &proj.pre().outgoing_fired(), nullptr);
}

const DopamineStdp::Constants& DopamineStdp::constants() {
  return constants_.get(params(), dt_, true, [&](Constants& c) {
    c.A_plus = param("A_plus");
    c.A_minus = param("A_minus");
    c.b = param("b");
    c.w_min = param("Wmin");
    c.w_max = param("Wmax");
    c.tau_c = param("tau_c");
    c.tau_n = param("tau_n");
    c.tau_s = 1.0 / c.tau_c + 1.0 / c.tau_n;
    c.decay_plus = std::exp(-dt_ / param("tau_plus"));
    c.decay_minus = std::exp(-dt_ / param("tau_minus"));
    c.jump = param("A_vt") / c.tau_n;
    c.P = kernels::dopamine_propagators(dt_, c.tau_c, c.tau_n);
    c.table = propagator_table(dt_, c.tau_c, c.tau_n, device_);
    c.visit = visit();
  });
}

void DopamineStdp::step(Projection& proj, const StepInfo& info) {
  const Constants& C = constants();
  const bool lazy_mode = C.visit == Visit::Events;
  if (lazy_mode) resume(info.step);
  at::Tensor& w = RuleAccess::weights(proj);
  const at::Tensor& pre = proj.pre().outgoing_spikes();
  const at::Tensor& seen = post_seen_.push(proj.post().spikes(), info.step);
  at::Tensor& k_plus = state(k_plus_);
  at::Tensor& k_minus = state(k_minus_);
  at::Tensor& n = state(n_);
  const kernels::DopaminePropagators& P = C.P;
  dispatch_floating(w.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if (lazy_mode) {
      seen_set_.build(seen);
      lazy(proj, info.step + 1, true, &proj.pre().outgoing_fired(), &seen_set_);
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

template <typename T>
kernels::DopamineStepRule<T> DopamineStdp::step_rule(Projection& proj, const at::Tensor& seen) {
  kernels::DopamineStepRule<T> r{};
  r.w = RuleAccess::weights(proj).data_ptr<T>();
  r.c = state(c_).data_ptr<T>();
  r.n = state(n_).data_ptr<T>();
  r.pre_spikes = proj.pre().outgoing_spikes().data_ptr<T>();
  r.post_seen = seen.data_ptr<T>();
  r.k_plus = state(k_plus_).data_ptr<T>();
  r.k_minus = state(k_minus_).data_ptr<T>();
  const Constants& C = constants();
  r.decay_plus = static_cast<T>(C.decay_plus);
  r.decay_minus = static_cast<T>(C.decay_minus);
  r.b = static_cast<T>(C.b);
  r.A_plus = static_cast<T>(C.A_plus);
  r.A_minus = static_cast<T>(C.A_minus);
  r.w_min = static_cast<T>(C.w_min);
  r.w_max = static_cast<T>(C.w_max);
  set_rule_shape(r, proj);
  r.n_syn = proj.sparse() ? proj.num_synapses() : r.n_pre * r.n_post;
  return r;
}

// On the CPU with one batch entry, no jump since the base time (the CPU flushes at every jump) and
// fewer steps since it than the tables hold, every synapse is one piece read from the tables: the
// vectorised loops of DopamineFlush, DopamineRows and DopamineCols (the same arithmetic).
void DopamineStdp::lazy(Projection& proj, int64_t target, bool events, const SpikeSet* rows, const SpikeSet* cols) {
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
kernels::DopamineLazyRule<T> DopamineStdp::lazy_rule(Projection& proj, int64_t target, bool events) {
  const Constants& C = constants();
  kernels::DopamineLazyRule<T> r;
  // The seen post spikes are read only with `events` (after this step's push).
  r.step = step_rule<T>(proj, events ? post_seen_.current() : proj.post().spikes());
  r.t_last = t_last_.data_ptr<int64_t>();
  r.history = {hist_time_.data_ptr<int64_t>(), hist_n_.data_ptr<T>(), hist_len_, base_time_,
               base_n_.data_ptr<T>(), proj.post().batch_size(), dt_, C.tau_n, tables(C.table)};
  r.target = target;
  r.events = events;
  r.tau_c = C.tau_c;
  r.tau_s = C.tau_s;
  return r;
}

// (On the CPU at every dopamine spike: the base copied by a kernel, not an ATen operation.)
void DopamineStdp::flush(Projection& proj, int64_t target) {
  lazy(proj, target, false, nullptr, nullptr);
  const at::Tensor& n = state(n_);
  dispatch_floating(n.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    backend::for_each(n.device(), n.numel(), kernels::Copy<T>{base_n_.data_ptr<T>(), n.data_ptr<T>()});
  });
  base_time_ = target;
  hist_len_ = 0;
  RuleAccess::weights_changed(proj);
}

void DopamineStdp::resume(int64_t step) {
  if (now_ == step && clocks_valid_) return;
  clocks_valid_ = true;
  t_last_.fill_(step);
  base_n_.copy_(state(n_));
  base_time_ = now_ = step;
  hist_len_ = 0;
}

bool DopamineStdp::dopamine_arrived(const at::Tensor& m) const {
  if (m.is_cuda()) return true;
  bool any = false;
  dispatch_floating(m.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const T* v = m.data_ptr<T>();
    for (int64_t b = 0; b < m.numel(); ++b) any = any || v[b] != T(0);
  });
  return any;
}

void DopamineStdp::check_clocks(const StateVisitor& v) const {
  const at::Tensor* t_last = v.peek("t_last");
  const at::Tensor* hist_time = v.peek("history_time");
  const at::Tensor* len = v.peek("history_length");
  const at::Tensor* base = v.peek("base_time");
  const at::Tensor* now = v.peek("now");
  const at::Tensor* step = v.peek_root("network.step");
  if (!t_last || !hist_time || !len || !base || !now || !step) return;  // saving, or reported missing by the visit
  auto scalar = [](const at::Tensor* t) { return t->numel() == 1 ? t->to(at::kLong).item<int64_t>() : int64_t{-1}; };
  const int64_t n = scalar(len), b = scalar(base), t = scalar(now), network = scalar(step);
  bool ok = n >= 0 && n <= kHistory && b >= 0 && b <= t && t <= network && t_last->scalar_type() == at::kLong &&
            hist_time->scalar_type() == at::kLong && hist_time->numel() == kHistory;
  if (ok && t_last->numel()) {
    // Dense entries without a synapse are never visited: their clocks may stay at 0.
    const at::Tensor& count = proj_ ? RuleAccess::counts(*proj_) : at::Tensor();
    const at::Tensor clocks = count.defined() && count.numel() == t_last->numel()
                                  ? t_last->masked_select(count.flatten().cpu() > 0)
                                  : *t_last;
    ok = t_last->min().item<int64_t>() >= 0 && t_last->max().item<int64_t>() <= t &&
         (clocks.numel() == 0 || clocks.min().item<int64_t>() >= b);
  }
  if (ok && n > 0) {
    const at::Tensor times = hist_time->narrow(0, 0, n);
    ok = times.min().item<int64_t>() >= b && times.max().item<int64_t>() <= t &&
         (n == 1 || (times.narrow(0, 1, n - 1) >= times.narrow(0, 0, n - 1)).all().item<bool>());
  }
  if (!ok) throw ValueError("DopamineSTDP: the checkpoint's lazy clocks (t_last, history, base_time, now) are inconsistent");
}

}  // namespace rules
}  // namespace snn
