// snn/kernels/input_math.h — spike sources: Poisson generators, parrots and spike generators.
//
// PoissonInput (NEST poisson_generator): each step draws a Poisson count with mean rate x h / 1000
// (rate in Hz, h in ms) per neuron and batch entry. The count may exceed 1 (NEST: 20 kHz at h = 0.1 ms
// has mean 2) and is carried through delivery as the spike's multiplicity: a target receives
// count x weight. Draws are keyed by (seed, stream, step, group of 4 elements), so they do not depend
// on threads or device.
// Parrot (NEST parrot_neuron): emits, in the step they arrive, as many spikes as it received;
// the weights of its incoming connections are ignored (its projections deliver synapse counts).
// SpikeGeneratorInput (NEST spike_generator): a sorted per-step schedule of (neuron, count) events,
// the same in every batch entry.
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/philox_math.h"

namespace snn {
namespace kernels {

// One Poisson count from a uniform u, with p0 = exp(-lambda) given: 0 when u < p0 (probability p0),
// else inversion of the CDF. Means above kPoissonChunk use the chunked exact sampler with further draws.
// `inverse[k]` = 1/k for k < kPoissonTerms: a multiplication instead of a division per term (a mean
// up to kPoissonChunk needs fewer than ~80 terms for the CDF to reach u within 2^-32).
constexpr int64_t kPoissonTerms = 96;
SNN_HOST_DEVICE inline int64_t poisson_from_uniform(double u, double p0, double lambda, const double* inverse,
                                                   uint64_t seed, uint32_t stream, uint64_t step, uint64_t index) {
  if (u < p0) return 0;
  if (lambda > kPoissonChunk) return poisson_count(lambda, seed, stream ^ 0x8000u, step, index);
  double p = p0, cdf = p0;
  int64_t k = 0;
  while (u >= cdf && k < kPoissonTerms - 1) {
    ++k;
    p *= lambda * inverse[k];
    cdf += p;
  }
  return k;
}

// u = uniform_word(w) < p0 (no spike) exactly when w < ceil(p0 2^32 - 0.5): u = (w + 0.5) 2^-32 and
// p0 2^32 are exact in double. The bound lies in [0, 2^32] (2^32: never spikes).
SNN_HOST_DEVICE inline int64_t poisson_silent_below(double p0) {
  return static_cast<int64_t>(ceil_(p0 * 4294967296.0 - 0.5));
}

// fires[i] = words[i] >= bound[i] for i < m; whether any fired.
SNN_VECTOR_CLONES SNN_HOST_DEVICE inline bool silence_test(const uint32_t* SNN_RESTRICT words, const int64_t* SNN_RESTRICT bound,
                                                           int64_t m, uint8_t* SNN_RESTRICT fires) {
  int any = 0;
  for (int64_t i = 0; i < m; ++i) {
    const int f = static_cast<int64_t>(words[i]) >= bound[i];
    fires[i] = static_cast<uint8_t>(f);
    any |= f;
  }
  return any != 0;
}

// Poisson inversion with a guide table (Chen & Asau 1974), for a population whose neurons share one
// mean: cdf[k] = P(count <= k) for k < length (the last entry is 1), guide[g] = the smallest k with
// cdf[k] > g / size. A draw starts at guide[floor(u size)] and rarely moves more than one entry.
struct PoissonTable {
  const double* cdf;
  const int32_t* guide;
  int64_t length, size;
  SNN_HOST_DEVICE int64_t draw(double u) const {
    int64_t k = guide[static_cast<int64_t>(u * static_cast<double>(size))];
    while (k < length - 1 && u >= cdf[k]) ++k;
    return k;
  }
};

// Element e handles neurons e kRandomBlock .. (e + 1) kRandomBlock - 1, each with its own 32-bit
// uniform (word k of the step's Philox stream for neuron k). p0 = exp(-rate h) is precomputed per
// element for the run when the rates are fixed during it, else computed here from the per-step rates.
template <typename T>
struct PoissonStep {
  T* spikes;
  StepInput<T> rate;  // [Hz] per element (run input), or base null: `constant_rate`
  const T* p0;        // [B N] exp(-rate h) for this run, or null: computed from `rate`
  const double* inverse;  // [kPoissonTerms] 1/k
  PoissonTable table;     // every neuron has the same fixed mean (table.cdf != null), for the run
  double constant_rate;
  double h_seconds;   // h / 1000
  uint64_t seed;
  uint32_t stream;
  uint64_t step;
  int64_t run_step;
  int64_t n;          // elements (B N)
  // CPU, fixed rates without a table: the Philox blocks (4 elements) holding a rate above zero,
  // ascending, and where each kRandomBlock's share starts ([elements + 1]); null: every block draws.
  // Elements with rate 0 never spike (u < p0 = 1), so skipping their words changes no result.
  const int64_t* live_groups;
  const int64_t* live_start;
  const int64_t* silent_below;  // [4 x live blocks]: no spike iff word < this (poisson_silent_below)
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    if (live_start) {
      draw_live(e);
      return;
    }
    NeuronBlock blk;
    blk.draw(seed, stream, step, e, n);
    const int64_t k0 = blk.k0, m = blk.m;
    const uint32_t* words = blk.words;
    if (table.cdf) {
      for (int64_t q = 0; q < m; ++q) spikes[k0 + q] = static_cast<T>(table.draw(uniform_word(words[q])));
      return;
    }
    for (int64_t q = 0; q < m; ++q) {
      const int64_t k = k0 + q;
      const double u = uniform_word(words[q]);
      if (p0 && u < static_cast<double>(p0[k])) {  // no spike: the common case, decided without rate or exp
        spikes[k] = T(0);
        continue;
      }
      const double lambda = (rate.base ? static_cast<double>(rate.at(run_step, k)) : constant_rate) * h_seconds;
      const double zero = p0 ? static_cast<double>(p0[k]) : exp_(-lambda);
      spikes[k] = static_cast<T>(poisson_from_uniform(u, zero, lambda, inverse, seed, stream, step, static_cast<uint64_t>(k)));
    }
  }

  // Block e with p0 given: words only for the live Philox blocks; first whether each element spikes
  // (the common answer is no: an integer comparison, vectorised), then the count of those that do.
  SNN_HOST_DEVICE void draw_live(int64_t e) const {
    NeuronBlock blk;
    blk.locate(e, n);
    for (int64_t q = 0; q < blk.m; ++q) spikes[blk.k0 + q] = T(0);
    const int64_t first = live_start[e], count = live_start[e + 1] - first;
    if (count == 0) return;
    const int64_t* groups = live_groups + first;
    random_groups(seed, stream, step, groups, count, blk.words);
    uint8_t fires[kRandomBlock];
    const bool any = silence_test(blk.words, silent_below + 4 * first, 4 * count, fires);
    if (!any) return;
    for (int64_t i = 0; i < 4 * count; ++i) {
      if (!fires[i]) continue;
      const int64_t k = 4 * groups[i / 4] + i % 4;
      const double lambda = (rate.base ? static_cast<double>(rate.at(run_step, k)) : constant_rate) * h_seconds;
      spikes[k] = static_cast<T>(poisson_from_uniform(uniform_word(blk.words[i]), static_cast<double>(p0[k]), lambda,
                                                      inverse, seed, stream, step, static_cast<uint64_t>(k)));
    }
  }
};

template <typename T>
struct ParrotStep {
  T* spikes;
  InputRing<T> ring;
  SNN_HOST_DEVICE void operator()(int64_t k) const { spikes[k] = ring.take(0, k); }
};

// Element e in [0, B * m) writes event lo + e % m of this step into batch entry e / m.
// The schedule holds at most one event per (step, neuron) (duplicates are merged into the count
// when it is built), so no two elements write the same place.
template <typename T>
struct SpikeScheduleStep {
  T* spikes;
  const int64_t* neuron;
  const T* count;
  int64_t lo;  // first event of this step
  int64_t m;   // events in this step
  int64_t n;   // neurons
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const int64_t b = e / m;
    const int64_t j = lo + e % m;
    spikes[b * n + neuron[j]] = count[j];
  }
};

}  // namespace kernels
}  // namespace snn
