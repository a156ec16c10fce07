// snn/neurons/poisson.cpp — PoissonInput (poisson_generator): the means of a run, the draws of a step.
#include "snn/neurons/poisson.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "snn/backend.h"
#include "snn/neurons/random_step.h"

namespace snn {
namespace neurons {

PoissonSource::PoissonSource(const ModelSpec& spec)
    : Population("PoissonInput", spec.n,
                 {{"rate", 0.0, "Hz", Constraint::NonNegative, "rate used when run() gets no rates for this population"}}),
      rate_(param_id("rate")) {}

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

void PoissonSource::check_params(const ParamTable& p) const {
  for (int64_t i = 0; i < p.distinct_rows(); ++i) {
    const double rate = p.row(i)[rate_];
    if (rate > kMaxRate) throw_value_error(owner(), ": rate must be <= ", kMaxRate, " Hz, got ", rate, p.where(i));
  }
}

void PoissonSource::prepare_run(double h) {
  // The means rate h, and, when every neuron has the same mean above kBudgetMaxMean, a guide table for
  // the direct draws.
  const at::Tensor& input = run_input();
  const ParamTable& t = params();
  double lambda = -1.0;  // the one mean of every neuron, if they share one
  bool any_spikes = false;  // some mean is > 0
  if (input.defined()) {
    lambda_ = (input.to(at::kDouble) * h).contiguous();
    if (input.numel() > 0) {
      // One read from the device: whether every rate is the first, the first, the largest mean.
      const at::Tensor first = input.flatten()[0];
      const at::Tensor facts = at::stack({(input == first).all().to(at::kDouble), first.to(at::kDouble), lambda_.max()}).cpu();
      const double* f = facts.data_ptr<double>();
      if (f[0] != 0.0) lambda = f[1] * h;
      any_spikes = f[2] > 0.0;
    }
  } else if (t.uniform(rate_)) {  // the parameters are on the host: no read
    lambda_ = at::full({batch_size(), size()}, t.value(rate_) * h, options().dtype(at::kDouble));
    lambda = t.value(rate_) * h;
    any_spikes = lambda_.numel() > 0 && lambda > 0.0;
  } else {
    const std::vector<double> values = t.values(rate_);
    const at::Tensor rates = at::tensor(values, at::TensorOptions().dtype(at::kDouble));
    lambda_ = (rates * h).to(options().device()).unsqueeze(0).expand({batch_size(), size()}).contiguous();
    any_spikes = lambda_.numel() > 0 && *std::max_element(values.begin(), values.end()) > 0.0;
  }
  table_ = (lambda > kernels::kBudgetMaxMean && lambda <= kernels::kPoissonChunk)
               ? poisson_table(lambda, options().device(), &table_length_, &table_size_)
               : at::Tensor();
  if (table_.defined()) guide_ = table_.narrow(0, table_length_, table_size_).to(at::kInt);
  silent_run_ = !any_spikes;
}

// Rates fixed for the run (the `rate` parameter, or a [B, N] input): prepared once per run.
void PoissonSource::begin_run() {
  const at::Tensor& input = run_input();
  if (!(input.defined() && input.dim() == 3)) prepare_run(dt() * 1e-3);
}

void PoissonSource::integrate(const StepContext& ctx) {
  const at::Tensor& input = run_input();
  const bool per_step = input.defined() && input.dim() == 3;
  const double h = dt() * 1e-3;
  if (!inverse_.defined()) {
    inverse_ = at::arange(kernels::kPoissonTerms, at::kDouble).reciprocal().to(options().device());
  }
  const int64_t n = batch_size() * size();
  if (!budget_.defined()) {
    budget_ = at::empty({batch_size(), size()}, options().dtype(at::kDouble));
    backend::for_each(options().device(), n,
                      kernels::PoissonBudgetInit{budget_.data_ptr<double>(), ctx.seed, rng_stream(), static_cast<uint64_t>(ctx.step),
                                                 random_key0()});
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
    f.run_step = ctx.run_step;
    run_random_step(f, ctx);
  });
}

}  // namespace neurons
}  // namespace snn
