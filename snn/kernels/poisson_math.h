// snn/kernels/poisson_math.h — Poisson spike sources: NEST poisson_generator (PoissonInput).
//
// PoissonInput (NEST poisson_generator): each neuron and batch entry is a Poisson process with rate r
// [Hz]; a step of h ms gets a count with mean lambda = r h / 1000, independent of other steps. The
// count may exceed 1 (NEST: 20 kHz at h = 0.1 ms has mean 2) and is carried through delivery as the
// spike's multiplicity: a target receives count x weight. Two exact ways to draw it, chosen per
// neuron and step by lambda:
//  - lambda <= kBudgetMaxMean (the common case: most steps are silent): time rescaling. Every neuron
//    holds a budget, an Exp(1) variable; each step takes lambda from it, and while it is <= 0 the
//    neuron spikes and a fresh Exp(1) is added. The arrivals of a Poisson process are where its
//    integrated rate passes successive sums of independent Exp(1) variables (the time-rescaling
//    theorem), so the count of every step is Poisson(lambda) and independent of the others, for
//    rates that change from step to step too. A random number is drawn per spike, not per neuron
//    and step.
//  - lambda above it: a draw from the step's own random word (inversion of the CDF; a guide table
//    when the whole population shares one mean). The budget is left as it is: these steps take no
//    part in the rescaled time, and their counts are independent of it.
// Draws are keyed by (seed, stream, step, element, draw number), so they do not depend on threads or
// device: a spike's Exp(1) is draw 1 + r / 2 of its element (the r-th spike in the step), a budget's
// first value draw 0 of element k + kBudgetInitIndex, the direct draws word k % 4 of block k / 4.
#pragma once

#include "snn/kernels/common.h"
#include "snn/kernels/philox_math.h"

namespace snn {
namespace kernels {

constexpr double kBudgetMaxMean = 0.1;
constexpr uint64_t kBudgetInitIndex = uint64_t{1} << 47;

// An Exp(1) variable from the open uniform u in (0, 1).
SNN_HOST_DEVICE inline double exp1_from(double u) { return -log_(u); }

// The r-th Exp(1) draw of element k in `step`: uniform r % 2 of Philox block 1 + r / 2.
SNN_HOST_DEVICE inline double budget_draw(uint64_t seed, uint32_t stream, uint64_t step, uint64_t k, uint32_t r) {
  const Uniform2 u = uniform2(random_words(seed, stream, step, k, 1u + r / 2u));
  return exp1_from(r % 2u == 0u ? u.u0 : u.u1);
}

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

// The budget pass over m neurons (vectorised): each budget that draws this step takes its mean;
// fires[q] = 1 where neuron q needs more work (a spike: budget <= 0; or a direct draw). Whether any does.
SNN_VECTOR_CLONES SNN_HOST_DEVICE inline bool poisson_budget_pass(double* SNN_RESTRICT budget, const double* SNN_RESTRICT lambda,
                                                                  uint8_t* SNN_RESTRICT fires, int64_t m) {
  int any = 0;
  for (int64_t q = 0; q < m; ++q) {
    const bool direct = lambda[q] > kBudgetMaxMean;
    const double left = budget[q] - (direct ? 0.0 : lambda[q]);
    budget[q] = left;
    const int f = direct || left <= 0.0;
    fires[q] = static_cast<uint8_t>(f);
    any |= f;
  }
  return any != 0;
}

SNN_HOST_DEVICE inline bool eight_zero_bytes(const uint8_t* p) {
  uint64_t word;
  memcpy(&word, p, 8);
  return word == 0;
}

// Element e: neurons [e kRandomBlock, (e + 1) kRandomBlock) of the B x N (256 on the CPU, 4 on CUDA).
template <typename T>
struct PoissonStep {
  T* spikes;
  double* budget;     // [B N] the time-rescaling budgets
  StepInput<T> rate;     // [Hz] per step and element (a [steps, B, N] run input), when `lambda` is null
  const double* lambda;   // [B N] rate h for this run (fixed rates), or null: from `rate`
  const double* inverse;  // [kPoissonTerms] 1/k
  PoissonTable table;     // every neuron has the same fixed mean (table.cdf != null), for the run
  double h_seconds;   // h / 1000
  uint64_t seed;
  uint32_t stream;
  uint64_t step;
  int64_t run_step;
  int64_t n;          // elements (B N)
  uint64_t key0 = 0;  // the draws' key of element 0 (NeuronBlock)

  SNN_HOST_DEVICE void operator()(int64_t e) const {
    NeuronBlock words;  // the direct draws' words, drawn for the whole block when one needs them
    words.locate(e, n);
    const int64_t k0 = words.k0, m = words.m;
    double local[kRandomBlock];
    const double* lam = lambda ? lambda + k0 : local;
    if (!lambda) {
      for (int64_t q = 0; q < m; ++q) local[q] = static_cast<double>(rate.at(run_step, k0 + q)) * h_seconds;
    }
    for (int64_t q = 0; q < m; ++q) spikes[k0 + q] = T(0);
    uint8_t fires[kRandomBlock + 8];  // (room to round up to whole words of 8)
    if (!poisson_budget_pass(budget + k0, lam, fires, m)) return;
    for (int64_t q = m; q < (m + 7) / 8 * 8; ++q) fires[q] = 0;
    bool drawn = false;
    for (int64_t q = 0; q < m; ++q) {
      if (q % 8 == 0 && eight_zero_bytes(fires + q)) {  // few fire: skip them eight at a time
        q += 7;
        continue;
      }
      if (!fires[q]) continue;
      const int64_t k = k0 + q;
      if (lam[q] > kBudgetMaxMean) {
        if (!drawn) {
          words.draw(seed, stream, step, e, n, key0);
          drawn = true;
        }
        const double u = uniform_word(words.words[k - words.k0]);
        spikes[k] = static_cast<T>(table.cdf ? table.draw(u)
                                             : poisson_from_uniform(u, exp_(-lam[q]), lam[q], inverse, seed, stream, step,
                                                                    key0 + static_cast<uint64_t>(k)));
        continue;
      }
      double left = budget[k];
      uint32_t count = 0;
      while (left <= 0.0) left += budget_draw(seed, stream, step, key0 + static_cast<uint64_t>(k), count++);
      budget[k] = left;
      spikes[k] = static_cast<T>(count);
    }
  }
};

// A budget's first value: Exp(1), draw 0 of element k + kBudgetInitIndex in `step`.
struct PoissonBudgetInit {
  double* budget;
  uint64_t seed;
  uint32_t stream;
  uint64_t step;
  uint64_t key0 = 0;  // the key of element 0
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    budget[k] = exp1_from(uniform2(random_words(seed, stream, step, key0 + static_cast<uint64_t>(k) + kBudgetInitIndex)).u0);
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(PoissonStep)
SNN_CUDA_KERNEL_OF(PoissonBudgetInit)

}  // namespace kernels
}  // namespace snn
