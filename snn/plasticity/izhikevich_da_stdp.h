// snn/plasticity/izhikevich_da_stdp.h — Izhikevich's (2007) dopamine-modulated STDP (IzhikevichDASTDP), as
// in the published code daspnet.m (Cereb. Cortex 17:2443).
//
//   traces set to `trace` at a spike, times trace_decay per ms; a post spike adds the pre trace (as it
//   arrives, after the axonal delay) to the eligibility sd, an arriving pre spike subtracts
//   ltd_factor x the post trace; DA *= da_decay per ms plus the dopamine spikes; every `interval` ms
//   w = clip(w + (baseline + DA) sd, w_min, w_max) and sd *= eligibility_decay
// Per-synapse updates: snn/kernels/izhikevich_da_stdp_math.h. With per-synapse delays (spnet.m's 1-20 ms)
// each synapse pairs at its own arrivals.
// Parameters: trace, trace_decay, ltd_factor, da_decay, baseline, interval [ms], eligibility_decay,
// w_min, w_max, delay [ms] (< 0: the projection's), event_driven. State: sd [per synapse], DA [B],
// x_pre [B, N_pre], x_post [B, N_post]. Signal: "dopamine" (events).
#pragma once

#include <vector>

#include "snn/plasticity/rule.h"
#include "snn/spike_set.h"

namespace snn {
namespace rules {

class IzhikevichDaStdp : public Plasticity {
 public:
  explicit IzhikevichDaStdp(std::string signal);
  SignalKind signal_kind() const override { return SignalKind::Events; }

 protected:
  void check_params(const ParamTable& p) const override { check_bounds(p, "w_min", "w_max"); }
  std::pair<double, double> weight_range() const override { return {param("w_min"), param("w_max")}; }
  void attach(Projection& proj, double dt, int64_t step) override;
  void reset_state() override;
  void step(Projection& proj, const StepInfo& info) override;
  void visit_hidden(StateVisitor& v) override {
    arrivals_.visit(v, "arrivals");
    if (spike_history_.defined()) {
      v.tensor("spike_history", spike_history_);
      v.tensor("trace_history", trace_history_);
      v.tensor("in_flight", in_flight_);
    }
    if (lists_) {  // sized when attached: [slots x N_pre] neuron indices, [slots] counts
      const auto slots = static_cast<int32_t>(slot_count_.size());
      const int32_t n_pre = slots ? static_cast<int32_t>(slot_list_.size()) / slots : 0;
      v.vector<int32_t>("slot_list", slot_list_, static_cast<int64_t>(slot_list_.size()), 0, n_pre - 1);
      v.vector<int32_t>("slot_count", slot_count_, slots, 0, n_pre);
    }
  }

 private:
  // Constants of a step, derived from the parameters when they (or dt) change.
  struct Constants {
    int64_t every;                // steps between applications
    double decay, da_decay;       // trace and dopamine factors per step (the published ones are per ms)
    double trace, ltd_factor, baseline, eligibility_decay, w_min, w_max;
    Visit visit;
  };
  const Constants& constants(double dt);
  // The synapses of each pre neuron grouped by delay (by_delay_*), for the per-synapse-delay path.
  void build_by_delay(const Projection& proj);

  Derived<Constants> constants_;
  const StateRef sd_, DA_, x_pre_, x_post_;
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
};

}  // namespace rules
}  // namespace snn
