// snn/kernels/philox_math.h — counter-based random numbers (Philox4x32-10) and the draws built on it.
//
// Philox4x32-10: Salmon, Moraes, Dror & Shaw (2011), "Parallel random numbers: as easy as 1, 2, 3",
// SC'11. A bijection of a 128-bit counter under a 64-bit key; checked against the Random123
// known-answer vectors in tests/cpp/kernels/test_philox_math.cpp (Philox.MatchesRandom123KnownAnswers).
//
// snn keys every draw by (seed, stream, step, element index, draw number), never by a sequence
// position, so a run's random numbers do not depend on the thread count, the order of work or the
// device: CPU runs are bitwise reproducible and CPU and CUDA draw the same numbers.
//   key     = seed (64 bits)
//   counter = { index[31:0], index[47:32] | draw << 16, step[31:0], step[47:32] | stream << 16 }
// stream < 65536 tells independent consumers apart (a population, a projection's initialiser...);
// step and index are limited to 2^48, draw to 2^16.
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

struct Philox4 {
  uint32_t v[4];
};

SNN_HOST_DEVICE inline void mulhilo32(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}

// The Philox4x32 bijection with 10 rounds.
SNN_HOST_DEVICE inline Philox4 philox4x32_10(Philox4 ctr, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo32(0xD2511F53u, ctr.v[0], hi0, lo0);
    mulhilo32(0xCD9E8D57u, ctr.v[2], hi1, lo1);
    const Philox4 next = {{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    ctr = next;
  }
  return ctr;
}

// Four independent 32-bit words for (seed, stream, step, index, draw).
SNN_HOST_DEVICE inline Philox4 random_words(uint64_t seed, uint32_t stream, uint64_t step, uint64_t index,
                                            uint32_t draw = 0) {
  Philox4 ctr;
  ctr.v[0] = static_cast<uint32_t>(index);
  ctr.v[1] = static_cast<uint32_t>((index >> 32) & 0xFFFFu) | (draw << 16);
  ctr.v[2] = static_cast<uint32_t>(step);
  ctr.v[3] = static_cast<uint32_t>((step >> 32) & 0xFFFFu) | (stream << 16);
  return philox4x32_10(ctr, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// Neurons per element of the kernels that draw one random word per neuron: word k (of Philox block
// k / 4) belongs to neuron k, so the numbers do not depend on how the work is cut. The CPU takes large
// blocks (the Philox rounds vectorise across counters); a CUDA thread takes one Philox block.
#if defined(__CUDA_ARCH__)
constexpr int64_t kRandomBlock = 4;
#else
constexpr int64_t kRandomBlock = 256;
#endif

// words[4 q + r] = word r of block g0 + q, for q < count (count <= kRandomBlock / 4).
SNN_VECTOR_CLONES SNN_HOST_DEVICE inline void random_block(uint64_t seed, uint32_t stream, uint64_t step,
                                                                uint64_t g0, int64_t count, uint32_t* SNN_RESTRICT words) {
  for (int64_t q = 0; q < count; ++q) {
    const Philox4 w = random_words(seed, stream, step, g0 + static_cast<uint64_t>(q));
    words[4 * q] = w.v[0];
    words[4 * q + 1] = w.v[1];
    words[4 * q + 2] = w.v[2];
    words[4 * q + 3] = w.v[3];
  }
}

// The kernels that draw one word per neuron take neurons in blocks: block g of n is neurons
// [k0, k0 + m), k0 = g kRandomBlock, m = min(kRandomBlock, n - k0); words[q] is neuron k0 + q's: word
// key % 4 of Philox block key / 4, key = key0 + k0 + q. key0 is 0, or in a distributed network the
// global index of the process's first neuron, so that every neuron draws the same words on any
// number of processes.
struct NeuronBlock {
  int64_t k0 = 0, m = 0;
  uint32_t words[kRandomBlock + 4];
  SNN_HOST_DEVICE void locate(int64_t g, int64_t n) {
    k0 = g * kRandomBlock;
    m = n - k0 < kRandomBlock ? n - k0 : kRandomBlock;
  }
  SNN_HOST_DEVICE void draw(uint64_t seed, uint32_t stream, uint64_t step, int64_t g, int64_t n, uint64_t key0 = 0) {
    locate(g, n);
    const uint64_t first = key0 + static_cast<uint64_t>(k0);
    const int64_t shift = static_cast<int64_t>(first % 4);
    random_block(seed, stream, step, first / 4, (m + shift + 3) / 4, words);
    for (int64_t q = 0; shift && q < m; ++q) words[q] = words[q + shift];
  }
};

// A double uniform in the open interval (0, 1) from two words (53 random bits, offset by half an ulp).
SNN_HOST_DEVICE inline double uniform_open(uint32_t a, uint32_t b) {
  const uint64_t bits = (static_cast<uint64_t>(a >> 5) << 26) | static_cast<uint64_t>(b >> 6);
  return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
}

// Uniform in (0, 1) from one 32-bit word (enough resolution for spike draws and noise currents).
SNN_HOST_DEVICE inline double uniform_word(uint32_t w) { return (static_cast<double>(w) + 0.5) * (1.0 / 4294967296.0); }

// Two uniforms in (0, 1) from one Philox block.
struct Uniform2 {
  double u0, u1;
};
SNN_HOST_DEVICE inline Uniform2 uniform2(const Philox4& w) {
  return {uniform_open(w.v[0], w.v[1]), uniform_open(w.v[2], w.v[3])};
}

// A standard normal from one Philox block (Box-Muller, first of the pair).
SNN_HOST_DEVICE inline double normal_from(const Philox4& w) {
  const Uniform2 u = uniform2(w);
  return sqrt_(-2.0 * log_(u.u0)) * cos_(6.283185307179586476925 * u.u1);
}

// A Poisson count with mean lambda >= 0, by inversion of the CDF. Exact for any lambda: a mean above
// kPoissonChunk is split into equal chunks, each drawn with its own uniform (a sum of independent
// Poisson counts is Poisson), so the double-precision CDF never underflows. Cost grows with lambda;
// in the usual regime (rate x dt < 1) it is one exp and one comparison.
constexpr double kPoissonChunk = 32.0;
SNN_HOST_DEVICE inline int64_t poisson_inversion(double lambda, double u) {
  double p = exp_(-lambda);
  double cdf = p;
  int64_t k = 0;
  // The guard only protects against a CDF that rounds below u after its tail underflows.
  while (u > cdf && k < 1000) {
    ++k;
    p *= lambda / static_cast<double>(k);
    if (p == 0.0) break;
    cdf += p;
  }
  return k;
}

SNN_HOST_DEVICE inline int64_t poisson_count(double lambda, uint64_t seed, uint32_t stream, uint64_t step,
                                             uint64_t index) {
  if (!(lambda > 0.0)) return 0;
  const int64_t chunks = lambda <= kPoissonChunk ? 1 : static_cast<int64_t>(ceil(lambda / kPoissonChunk));
  const double part = lambda / static_cast<double>(chunks);
  int64_t count = 0;
  for (int64_t c = 0; c < chunks; ++c) {
    const Philox4 w = random_words(seed, stream, step, index, static_cast<uint32_t>(c / 2));
    const Uniform2 u = uniform2(w);
    count += poisson_inversion(part, (c % 2 == 0) ? u.u0 : u.u1);
  }
  return count;
}

}  // namespace kernels
}  // namespace snn
