// snn/plasticity/dopamine_stdp.h — dopamine-modulated STDP (DopamineSTDP; NEST alias
// stdp_dopamine_synapse): NEST's stdp_dopamine_synapse and NESTML's neuromodulated_stdp.
//
//   dc/dt = -c/tau_c + A_plus K+ (post seen) - A_minus K- (pre),   dn/dt = -n/tau_n + A_vt/tau_n (dopamine)
//   dw/dt = c (n - b), clipped to [Wmin, Wmax]
// Equations, the closed form and the per-synapse updates: snn/kernels/dopamine_stdp_math.h.
// event_driven (default): NEST's algorithm, each synapse brought forward in closed form when a spike
// touches it (exact, work in spikes); off: integrated every step (the same closed form composed).
// Parameters: A_plus, A_minus, tau_plus, tau_minus, tau_c, tau_n [ms], b, Wmin, Wmax, A_vt, delay [ms]
// (dendritic; < 0: the projection's), event_driven. State: c [per synapse], n [B], K_plus [B, N_pre],
// K_minus [B, N_post]. Signal: "dopamine" (events).
#pragma once

#include "snn/kernels/dopamine_stdp_math.h"
#include "snn/plasticity/rule.h"
#include "snn/spike_set.h"

namespace snn {
namespace rules {

class DopamineStdp : public Plasticity {
 public:
  // Dopamine jumps kept between flushes (each flush brings every synapse up to date).
  static constexpr int64_t kHistory = 64;
  // Propagators tabulated for 0 .. kTable - 1 steps (lazy updates then need no exp).
  static constexpr int64_t kTable = 4096;

  explicit DopamineStdp(std::string signal);
  SignalKind signal_kind() const override { return SignalKind::Events; }

 protected:
  void check_params(const ParamTable& p) const override { check_bounds(p, "Wmin", "Wmax"); }
  std::pair<double, double> weight_range() const override { return {param("Wmin"), param("Wmax")}; }
  void attach(Projection& proj, double dt, int64_t step) override;
  void reset_state() override;
  void synchronize(Projection& proj) override;
  void visit_hidden(StateVisitor& v) override {
    check_clocks(v);
    post_seen_.visit(v, "post_seen");
    v.tensor("t_last", t_last_);
    v.tensor("history_time", hist_time_);
    v.tensor("history_n", hist_n_);
    v.tensor("base_n", base_n_);
    v.integer("history_length", hist_len_);
    v.integer("base_time", base_time_);
    v.integer("now", now_);
    v.flag("clocks_valid", clocks_valid_);
  }
  void before_delivery(Projection& proj, const StepInfo& info) override;
  void step(Projection& proj, const StepInfo& info) override;

 private:
  // Constants of a step, derived from the parameters when they (or dt) change.
  struct Constants {
    double A_plus, A_minus, b, w_min, w_max, tau_c, tau_n, tau_s;
    double decay_plus, decay_minus;  // K+ and K- per step
    double jump;                     // n per unit of neuromodulator spike: A_vt / tau_n
    kernels::DopaminePropagators P;
    at::Tensor table;  // float64 [4 kTable] on the weights' device: propagators for 0 .. kTable - 1 steps
    Visit visit;
  };
  const Constants& constants();

  template <typename T>
  kernels::DopamineStepRule<T> step_rule(Projection& proj, const at::Tensor& seen);
  template <typename T>
  kernels::DopamineLazyRule<T> lazy_rule(Projection& proj, int64_t target, bool events);
  // Brings the synapses in the rows of `rows` and the columns of `cols` (all when both are null) to time
  // `target`, then applies this step's pairings when `events`.
  void lazy(Projection& proj, int64_t target, bool events, const SpikeSet* rows, const SpikeSet* cols);
  // Every synapse to `target`; the history restarts there.
  void flush(Projection& proj, int64_t target);
  // Steps skipped while learning was off (the rule's state stays frozen), or integrated step by step
  // (event_driven off: t_last was not kept): restart the clocks at `step`.
  void resume(int64_t step);
  // Whether a dopamine spike arrived this step (on CUDA: always, the value is not read back).
  bool dopamine_arrived(const at::Tensor& m) const;

  // Loading: the lazy clocks index the propagator tables, so a checkpoint's must be consistent:
  // 0 <= base_time <= t_last <= now <= the network's step, at most kHistory jumps, in order.
  void check_clocks(const StateVisitor& v) const;

  Derived<Constants> constants_;
  const StateRef c_, n_, k_plus_, k_minus_;
  SpikeDelay post_seen_;
  SpikeSet seen_set_;
  at::Tensor t_last_;               // int64 per synapse: time (steps) its state refers to
  at::Tensor hist_time_, hist_n_;   // dopamine jumps since the last flush: time, n after the jump [B]
  at::Tensor base_n_;               // n at base_time_
  int64_t hist_len_ = 0, base_time_ = 0, now_ = 0;
  bool clocks_valid_ = true;        // t_last_ and the history describe the synapses (false after per-step steps)
  double dt_ = 0.1;
  c10::Device device_ = c10::Device(c10::kCPU);  // the weights'
  const Projection* proj_ = nullptr;  // for the checks of a loaded state
};

}  // namespace rules
}  // namespace snn
