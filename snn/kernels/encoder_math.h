// snn/kernels/encoder_math.h — turning intensities into spike trains [steps, B, N].
//
//   Poisson    counts with mean rate x h / 1000 per step (rate in Hz), as PoissonInput draws them
//   Bernoulli  one spike with probability p per step
//   Latency    time to first spike (rank order): one spike at step round((1 - x) (steps - 1)) for
//              x in (0, 1]; x = 0 never spikes; stronger inputs fire earlier
// Random encoders key every draw by (seed, stream, step, neuron): the result does not depend on the
// device or the thread count. Element e = (step, block of kRandomBlock values of the [B, N] input).
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/poisson_math.h"
#include "snn/kernels/philox_math.h"

namespace snn {
namespace kernels {

// Element e of a random encoder over [steps, B N]: step e / blocks, neuron block e % blocks, with the
// block's random words drawn for that step.
struct EncoderBlock {
  int64_t step;
  NeuronBlock neurons;
  SNN_HOST_DEVICE EncoderBlock(int64_t e, int64_t n, uint64_t seed, uint32_t stream) {
    const int64_t blocks = (n + kRandomBlock - 1) / kRandomBlock;
    step = e / blocks;
    neurons.draw(seed, stream, static_cast<uint64_t>(step), e % blocks, n);
  }
};

template <typename T>
struct PoissonEncode {
  const T* rate;     // [B N] Hz
  const T* p0;       // [B N] exp(-rate h)
  const double* inverse;
  T* out;            // [steps, B N]
  int64_t n;         // B N
  double h_seconds;
  uint64_t seed;
  uint32_t stream;
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const EncoderBlock blk(e, n, seed, stream);
    const int64_t step = blk.step, k0 = blk.neurons.k0, m = blk.neurons.m;
    const uint32_t* words = blk.neurons.words;
    for (int64_t q = 0; q < m; ++q) {
      const int64_t k = k0 + q;
      const double u = uniform_word(words[q]);
      out[step * n + k] = static_cast<T>(poisson_from_uniform(u, static_cast<double>(p0[k]), static_cast<double>(rate[k]) * h_seconds,
                                                              inverse, seed, stream, static_cast<uint64_t>(step), static_cast<uint64_t>(k)));
    }
  }
};

template <typename T>
struct BernoulliEncode {
  const T* p;  // [B N] in [0, 1]
  T* out;
  int64_t n;
  uint64_t seed;
  uint32_t stream;
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const EncoderBlock blk(e, n, seed, stream);
    const int64_t step = blk.step, k0 = blk.neurons.k0, m = blk.neurons.m;
    const uint32_t* words = blk.neurons.words;
    for (int64_t q = 0; q < m; ++q) {
      out[step * n + k0 + q] = uniform_word(words[q]) < static_cast<double>(p[k0 + q]) ? T(1) : T(0);
    }
  }
};

// Element k (one input value): its single spike, if any.
template <typename T>
struct LatencyEncode {
  const T* x;  // [B N] in [0, 1]
  T* out;      // [steps, B N], zero on entry
  int64_t n, steps;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    const double v = static_cast<double>(x[k]);
    if (!(v > 0.0)) return;
    const double s = (1.0 - (v > 1.0 ? 1.0 : v)) * static_cast<double>(steps - 1);
    out[static_cast<int64_t>(s + 0.5) * n + k] = T(1);
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(PoissonEncode)
SNN_CUDA_KERNEL(BernoulliEncode)
SNN_CUDA_KERNEL(LatencyEncode)

}  // namespace kernels
}  // namespace snn
