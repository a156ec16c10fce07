// tests/cpp/kernels/test_philox_math.cpp — snn/kernels/philox_math.h: the counter-based generator against
// Random123's known answers, and the distributions drawn from it.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "helpers.h"
#include "snn/kernels/philox_math.h"

using namespace snn;
using snn_test::options;


// ---- random numbers ---------------------------------------------------------------------------

TEST(Philox, MatchesRandom123KnownAnswers) {
  // Random123 tests/kat_vectors, "philox4x32 10" lines: counter, key -> result.
  struct Kat {
    uint32_t ctr[4], key[2], out[4];
  } kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}, {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Kat& k : kats) {
    kernels::Philox4 c{{k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3]}};
    const kernels::Philox4 r = kernels::philox4x32_10(c, k.key[0], k.key[1]);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(r.v[i], k.out[i]);
  }
}

TEST(Philox, PoissonCountsHaveMeanAndVarianceLambda) {
  // 200k draws per lambda: the sample mean is within 4 standard errors of lambda, and the variance
  // within 5 % of lambda (both hold with overwhelming probability for a correct sampler).
  for (double lambda : {0.005, 0.3, 2.0, 17.0, 80.0}) {
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const double c = static_cast<double>(kernels::poisson_count(lambda, 7, 3, 11, i));
      sum += c;
      sum2 += c * c;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    EXPECT_NEAR(mean, lambda, 4 * std::sqrt(lambda / n)) << "lambda " << lambda;
    EXPECT_NEAR(var, lambda, 0.05 * lambda) << "lambda " << lambda;
  }
}

TEST(Philox, UniformIsInOpenUnitIntervalAndNormalHasUnitVariance) {
  double s = 0, s2 = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const kernels::Philox4 w = kernels::random_words(1, 2, 3, i);
    const kernels::Uniform2 u = kernels::uniform2(w);
    ASSERT_GT(u.u0, 0.0);
    ASSERT_LT(u.u0, 1.0);
    const double z = kernels::normal_from(w);
    s += z;
    s2 += z * z;
  }
  EXPECT_NEAR(s / n, 0.0, 4 / std::sqrt(n));
  EXPECT_NEAR(s2 / n, 1.0, 0.02);
}
