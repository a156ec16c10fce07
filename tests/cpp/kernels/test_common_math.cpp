// tests/cpp/kernels/test_common_math.cpp — snn/kernels/common.h: exp_poly against std::exp.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "helpers.h"
#include "snn/kernels/common.h"

using namespace snn;
using snn_test::options;


// ---- exp_poly ----------------------------------------------------------------------------------

// Distance in units in the last place between two finite values of the same sign.
template <typename T, typename Bits>
int64_t ulp_distance(T a, T b) {
  Bits ia, ib;
  std::memcpy(&ia, &a, sizeof(T));
  std::memcpy(&ib, &b, sizeof(T));
  return std::abs(static_cast<int64_t>(ia) - static_cast<int64_t>(ib));
}

TEST(ExpPoly, WithinTwoUlpOfStdExpOverTheNormalRange) {
  // 200001 points over the whole clamped range, plus the small arguments (|x| < 1e-3) where the
  // relative accuracy of the series matters most.
  int64_t worst_f = 0, worst_d = 0;
  for (int q = 0; q <= 200000; ++q) {
    const double x = -87.0 + 175.0 * q / 200000.0;
    worst_f = std::max(worst_f, ulp_distance<float, int32_t>(kernels::exp_poly(static_cast<float>(x)),
                                                              std::exp(static_cast<float>(x))));
    const double xd = -708.0 + 1417.0 * q / 200000.0, xs = 1e-3 * (q - 100000) / 100000.0;
    worst_d = std::max(worst_d, ulp_distance<double, int64_t>(kernels::exp_poly(xd), std::exp(xd)));
    worst_d = std::max(worst_d, ulp_distance<double, int64_t>(kernels::exp_poly(xs), std::exp(xs)));
    worst_f = std::max(worst_f, ulp_distance<float, int32_t>(kernels::exp_poly(static_cast<float>(xs)),
                                                              std::exp(static_cast<float>(xs))));
  }
  EXPECT_LE(worst_f, 2);
  EXPECT_LE(worst_d, 2);
  EXPECT_EQ(kernels::exp_poly(0.0), 1.0);
  EXPECT_EQ(kernels::exp_poly(0.0f), 1.0f);
  // Clamped outside the normal range: finite, tiny, never NaN.
  EXPECT_GT(kernels::exp_poly(-1e4f), 0.0f);
  EXPECT_LT(kernels::exp_poly(-1e4f), 1e-37f);
  EXPECT_TRUE(std::isfinite(kernels::exp_poly(1e4)));
}
