// snn/encoders.cpp — argument checks and kernel launches for snn/encoders.h.
#include "snn/encoders.h"

#include <cmath>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/encoder_math.h"
#include "snn/population.h"

namespace snn {
namespace encoders {

namespace {

// Streams of the encoders' draws (apart from the networks' streams, which stay below 0xF000).
constexpr uint32_t kPoissonStream = 0xF001, kBernoulliStream = 0xF002;

at::Tensor as_batch(const at::Tensor& x, const char* what) {
  if (!x.defined()) throw_value_error(what, ": got an undefined tensor");
  if (!at::isFloatingType(x.scalar_type())) throw_type_error(what, ": expected a floating tensor, got ", x.scalar_type());
  if (x.dim() == 1) return x.unsqueeze(0).contiguous();
  if (x.dim() == 2) return x.contiguous();
  throw_value_error(what, ": expected [N] or [B, N], got ", x.sizes(), " (flatten images first)");
}

void check_steps(int64_t steps) {
  if (steps <= 0) throw_value_error("steps must be > 0, got ", steps);
}

at::Tensor shaped(const at::Tensor& out, const at::Tensor& input) {
  return input.dim() == 1 ? out.squeeze(1) : out;
}

template <class F>
void launch_blocks(const at::Tensor& x, int64_t steps, const F& f) {
  const int64_t n = x.numel();
  const int64_t block = x.is_cuda() ? 4 : kernels::kRandomBlock;
  backend::DeviceScope on(x.device());
  backend::for_each(x.device(), steps * ((n + block - 1) / block), f, std::max<int64_t>(1, backend::kCpuGrainDraws / kernels::kRandomBlock));
}

}  // namespace

at::Tensor poisson(const at::Tensor& rate_hz, int64_t steps, double dt, uint64_t seed) {
  check_steps(steps);
  if (!(dt > 0) || !std::isfinite(dt)) throw_value_error("dt must be > 0 ms, got ", dt);
  const at::Tensor r = as_batch(rate_hz, "rate");
  if (r.numel() > 0 && !(r.min().item<double>() >= 0.0 && r.isfinite().all().item<bool>())) {
    throw_value_error("rate must be finite and >= 0 Hz, got min ", r.min().item<double>());
  }
  at::Tensor out = at::empty({steps, r.size(0), r.size(1)}, r.options());
  const at::Tensor p0 = at::exp(r * (-dt * 1e-3)).contiguous();
  const at::Tensor inverse = at::arange(kernels::kPoissonTerms, at::kDouble).reciprocal().to(r.device());
  dispatch_floating(r.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    launch_blocks(r, steps, kernels::PoissonEncode<T>{r.data_ptr<T>(), p0.data_ptr<T>(), inverse.data_ptr<double>(),
                                                       out.data_ptr<T>(), r.numel(), dt * 1e-3, seed, kPoissonStream});
  });
  return shaped(out, rate_hz);
}

at::Tensor bernoulli(const at::Tensor& p, int64_t steps, uint64_t seed) {
  check_steps(steps);
  const at::Tensor q = as_batch(p, "p");
  if (q.numel() > 0 && !(q.min().item<double>() >= 0.0 && q.max().item<double>() <= 1.0)) {
    throw_value_error("p must lie in [0, 1], got values in [", q.min().item<double>(), ", ", q.max().item<double>(), "]");
  }
  at::Tensor out = at::empty({steps, q.size(0), q.size(1)}, q.options());
  dispatch_floating(q.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    launch_blocks(q, steps, kernels::BernoulliEncode<T>{q.data_ptr<T>(), out.data_ptr<T>(), q.numel(), seed, kBernoulliStream});
  });
  return shaped(out, p);
}

at::Tensor latency(const at::Tensor& x, int64_t steps) {
  check_steps(steps);
  const at::Tensor v = as_batch(x, "x");
  if (v.numel() > 0 && !(v.min().item<double>() >= 0.0 && v.max().item<double>() <= 1.0)) {
    throw_value_error("x must lie in [0, 1] (normalise intensities first), got values in [", v.min().item<double>(), ", ",
                      v.max().item<double>(), "]");
  }
  at::Tensor out = at::zeros({steps, v.size(0), v.size(1)}, v.options());
  dispatch_floating(v.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    backend::DeviceScope on(v.device());
    backend::for_each(v.device(), v.numel(), kernels::LatencyEncode<T>{v.data_ptr<T>(), out.data_ptr<T>(), v.numel(), steps});
  });
  return shaped(out, x);
}

at::Tensor repeat(const at::Tensor& x, int64_t steps) {
  check_steps(steps);
  const at::Tensor v = as_batch(x, "x");
  return shaped(v.unsqueeze(0).expand({steps, v.size(0), v.size(1)}).contiguous(), x);
}

}  // namespace encoders
}  // namespace snn
