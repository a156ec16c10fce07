// snn/neurons/poisson.h — NEST poisson_generator (PoissonInput): one independent Poisson process per
// neuron and batch entry.
//
// A step of h ms emits a count with mean rate h / 1000 (counts above one are the spike's multiplicity),
// drawn from the counter-based generator (snn/kernels/poisson_math.h), so runs do not depend on threads
// or device. Rates [Hz] come from run(..., inputs={name: rates}) ([N], [B, N] or [steps, B, N]), else from
// the parameter `rate` (one value or one per neuron). No state variables; the time-rescaling budgets
// are drawn afresh after reset_state().
#pragma once

#include "snn/kernels/poisson_math.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class PoissonSource : public Population {
 public:
  explicit PoissonSource(const ModelSpec& spec);
  InputKind input_kind() const override { return InputKind::Rate; }
  // Rates above this [Hz] (a spike per microsecond) are refused: the count of a step must stay countable.
  static constexpr double kMaxRate = 1e6;
  bool receives_spikes() const override { return false; }

 protected:
  void reset_dynamic_state() override { budget_ = at::Tensor(); }  // drawn afresh at the next step
  void begin_run() override;
  void integrate(const StepContext& ctx) override;
  void check_params(const ParamTable& p) const override;
  void visit_hidden(StateVisitor& v) override {
    v.free_tensor("budget", budget_, options().device(), {batch_size(), size()}, at::kDouble);
  }

 private:
  // The means of this run (fixed rates: the `rate` parameter or a [B, N] input), once per run.
  void prepare_run(double h);

  const ParamId rate_;
  at::Tensor lambda_;   // rate h [B, N] float64 for the current run (fixed rates)
  at::Tensor budget_;   // [B, N] float64 time-rescaling budgets (kernels::PoissonStep)
  bool silent_run_ = false;  // every fixed rate of this run is 0
  at::Tensor inverse_;  // 1/k, k < kernels::kPoissonTerms (1/0 = inf is never read)
  at::Tensor table_;    // CDF and guide table when all neurons share one mean (else undefined)
  at::Tensor guide_;    // the guide part as int32
  int64_t table_length_ = 0, table_size_ = 0;
};

}  // namespace neurons
}  // namespace snn
