// snn/encoders.h — spike trains from intensities, as tensors [steps, B, N] (the input's dtype and
// device). Inputs are [N] (one batch entry) or [B, N]. See snn/kernels/encoder_math.h for the rules.
// A network replays such a tensor through a SpikeInput population (run(..., inputs={name: spikes})).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace snn {
namespace encoders {

// Poisson counts, rate in Hz (>= 0), over `steps` steps of `dt` ms.
at::Tensor poisson(const at::Tensor& rate_hz, int64_t steps, double dt, uint64_t seed);
// One spike per step with probability p in [0, 1].
at::Tensor bernoulli(const at::Tensor& p, int64_t steps, uint64_t seed);
// Time to first spike: x in [0, 1]; one spike at step round((1 - x)(steps - 1)), none for x = 0.
at::Tensor latency(const at::Tensor& x, int64_t steps);
// The same values every step.
at::Tensor repeat(const at::Tensor& x, int64_t steps);

}  // namespace encoders
}  // namespace snn
