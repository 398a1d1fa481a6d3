// lowp::gemm under every accumulation policy equals the per-element dot products (each C(i,j) is
// lowp::dot(row i of A, column j of B), which accumulate_dot_test proves against MPFR), bit for bit, for
// shapes that are not multiples of the SIMD width or the cache blocks, on random data and on matrices with
// zeros, subnormals, Inf and NaN. accumulate<float> is also checked against a plain std::fma triple loop.
// Shape mismatches throw std::invalid_argument naming both shapes.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/arith/gemm.hpp>
#include <lowp/float/named_formats.hpp>

namespace {

bool quick() {
  return std::getenv("LOWP_TEST_QUICK") != nullptr;
}

std::uint32_t bits(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
bool same(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || bits(a) == bits(b);
}

struct shape {
  int m, k, n;
};
std::vector<shape> shapes() {
  std::vector<shape> s = {{1, 1, 1}, {1, 0, 3}, {3, 5, 7}, {17, 33, 9}, {40, 129, 21}, {33, 300, 14}};
  if (!quick()) s.push_back({70, 520, 37});
  return s;
}

// Data kinds: 0 N(0,1); 1 N(0,1) with specials; 2 "tie makers": +-2^-r (1 + 2^-k) with few bits set, so
// that partial sums often land exactly on, or a hair (below float's precision) beside, a midpoint of T.
Eigen::MatrixXf random_matrix(int rows, int cols, std::uint64_t seed, int kind) {
  const bool specials = kind == 1;
  std::mt19937_64 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Eigen::MatrixXf x(rows, cols);
  const float inf = std::numeric_limits<float>::infinity();
  const float special_values[] = {
      0.0f,  -0.0f,   1e-40f,   -3e-39f, inf, -inf, std::numeric_limits<float>::quiet_NaN(),
      1e30f, -1e-30f, 65504.0f, 448.0f};
  for (int j = 0; j < cols; ++j) {
    for (int i = 0; i < rows; ++i) {
      x(i, j) = normal(engine);
      if (specials && engine() % 23 == 0) x(i, j) = special_values[engine() % std::size(special_values)];
      if (kind == 2) {
        const float perturbation =
            engine() % 2 ? std::ldexp(1.0f, -static_cast<int>(8 + engine() % 16)) : 0.0f;
        x(i, j) =
            std::ldexp(1.0f + perturbation, -static_cast<int>(engine() % 12)) * (engine() % 2 ? -1.0f : 1.0f);
      }
    }
  }
  return x;
}

template <class Policy>
void expect_gemm_is_dots(int specials) {
  std::uint64_t seed = 1;
  for (const shape& s : shapes()) {
    const Eigen::MatrixXf a = random_matrix(s.m, s.k, seed++, specials);
    const Eigen::MatrixXf b = random_matrix(s.k, s.n, seed++, specials);
    const Eigen::MatrixXf c = lowp::gemm(a, b, Policy{});
    ASSERT_EQ(c.rows(), s.m);
    ASSERT_EQ(c.cols(), s.n);
    const Eigen::MatrixXf a_rows = a.transpose();  // row i of A contiguous
    long failures = 0;
    for (int j = 0; j < s.n; ++j) {
      for (int i = 0; i < s.m; ++i) {
        const float want = lowp::dot(std::span<const float>(a_rows.data() + i * s.k, s.k),
                                     std::span<const float>(b.data() + j * s.k, s.k), Policy{});
        if (!same(c(i, j), want) && ++failures <= 5) {
          ADD_FAILURE() << s.m << "x" << s.k << "x" << s.n << " C(" << i << ", " << j << ") = " << c(i, j)
                        << ", dot " << want;
        }
      }
    }
    EXPECT_EQ(failures, 0);
  }
}

TEST(GemmPolicies, Float) {
  expect_gemm_is_dots<lowp::accumulate<float>>(false);
}
TEST(GemmPolicies, FloatSpecials) {
  expect_gemm_is_dots<lowp::accumulate<float>>(true);
}
TEST(GemmPolicies, Bfloat16) {
  expect_gemm_is_dots<lowp::accumulate<lowp::bfloat16>>(false);
}
TEST(GemmPolicies, Bfloat16Specials) {
  expect_gemm_is_dots<lowp::accumulate<lowp::bfloat16>>(true);
}
TEST(GemmPolicies, NearTies) {
  expect_gemm_is_dots<lowp::accumulate<lowp::bfloat16>>(2);
  expect_gemm_is_dots<lowp::accumulate<lowp::float16>>(2);
  expect_gemm_is_dots<lowp::accumulate<lowp::float8_e4m3fn>>(2);
  expect_gemm_is_dots<lowp::accumulate<lowp::float8_e5m2>>(2);
  expect_gemm_is_dots<lowp::accumulate<lowp::with_overflow<lowp::float8_e4m3fn, lowp::overflow::saturate>>>(
      2);
  expect_gemm_is_dots<lowp::accumulate_chunked<lowp::bfloat16, 16>>(2);
  expect_gemm_is_dots<lowp::accumulate<float>>(2);
  expect_gemm_is_dots<lowp::accumulate_chunked<float, 3>>(2);
  expect_gemm_is_dots<lowp::accumulate<lowp::with_rounding<lowp::bfloat16, lowp::rounding::nearest_away>>>(2);
}
// A sum whose binary64 rounding lands exactly on a float midpoint it is not on: (1 + 2^-23) + (-2^-24 +
// 2^-70) = 1 + 2^-24 + 2^-70 rounds to 1 + 2^-23 in one rounding, but to 1 + 2^-24 in binary64 and then to 1
// (ties to even). Worked by hand; every fp32 accumulator must give 1 + 2^-23.
TEST(GemmPolicies, DoubleRoundingTrapForFloat) {
  Eigen::MatrixXf a(9, 2), b(2, 5);
  a.col(0).setConstant(1.0f + 0x1p-23f);
  a.col(1).setConstant(-0x1p-24f * (1.0f + 0x1p-23f));
  b.row(0).setConstant(1.0f);
  b.row(1).setConstant(1.0f - 0x1p-23f);
  const float want = 1.0f + 0x1p-23f;
  EXPECT_TRUE((lowp::gemm(a, b).array() == want).all());
  EXPECT_TRUE((lowp::gemm(a, b, lowp::accumulate_chunked<float, 2>{}).array() == want).all());
  EXPECT_TRUE((lowp::gemm(a, b, lowp::accumulate_chunked<float, 5>{}).array() == want).all());
  EXPECT_TRUE((lowp::gemm(a, b, lowp::accumulate_exact{}).array() == want).all());
}

TEST(GemmPolicies, Float8E4m3fn) {
  expect_gemm_is_dots<lowp::accumulate<lowp::float8_e4m3fn>>(true);
}
TEST(GemmPolicies, Float16TowardZero) {
  expect_gemm_is_dots<lowp::accumulate<lowp::with_rounding<lowp::float16, lowp::rounding::toward_zero>>>(
      true);
}
TEST(GemmPolicies, ChunkedFloat16) {
  expect_gemm_is_dots<lowp::accumulate_chunked<lowp::float16, 32>>(true);
}
TEST(GemmPolicies, ChunkedE4m3fn) {
  expect_gemm_is_dots<lowp::accumulate_chunked<lowp::float8_e4m3fn, 7>>(false);
}
TEST(GemmPolicies, ChunkedFloat) {
  expect_gemm_is_dots<lowp::accumulate_chunked<float, 5>>(true);
}
TEST(GemmPolicies, Exact) {
  expect_gemm_is_dots<lowp::accumulate_exact>(true);
}

// Stochastic rounding runs element by element in the documented order (columns, rows, k), drawing from
// the calling thread's stream: the same seed gives the per-element dots in that order.
TEST(GemmPolicies, StochasticFollowsTheDocumentedOrder) {
  using T = lowp::with_rounding<lowp::bfloat16, lowp::rounding::stochastic<>>;
  const Eigen::MatrixXf a = random_matrix(9, 40, 3, false), b = random_matrix(40, 6, 4, false);
  lowp::seed_stochastic_rounding(12345);
  const Eigen::MatrixXf c = lowp::gemm(a, b, lowp::accumulate<T>{});
  lowp::seed_stochastic_rounding(12345);
  const Eigen::MatrixXf a_rows = a.transpose();
  for (int j = 0; j < 6; ++j) {
    for (int i = 0; i < 9; ++i) {
      const float want = lowp::dot(std::span<const float>(a_rows.data() + i * 40, 40),
                                   std::span<const float>(b.data() + j * 40, 40), lowp::accumulate<T>{});
      EXPECT_TRUE(same(c(i, j), want)) << i << ", " << j;
    }
  }
}

// Written without lowp: fma chains from +0 in k order.
TEST(GemmPolicies, FloatIsAPlainFmaTripleLoop) {
  const std::vector<shape> s = {{5, 3, 2}, {35, 270, 29}, {64, 64, 64}, {100, 40, 130}};
  std::uint64_t seed = 50;
  for (const shape& sh : s) {
    const Eigen::MatrixXf a = random_matrix(sh.m, sh.k, seed++, true),
                          b = random_matrix(sh.k, sh.n, seed++, true);
    const Eigen::MatrixXf c = lowp::gemm(a, b);
    long failures = 0;
    for (int j = 0; j < sh.n; ++j) {
      for (int i = 0; i < sh.m; ++i) {
        float s_ij = 0.0f;
        for (int k = 0; k < sh.k; ++k) s_ij = std::fma(a(i, k), b(k, j), s_ij);
        failures += !same(c(i, j), s_ij);
      }
    }
    EXPECT_EQ(failures, 0) << sh.m << "x" << sh.k << "x" << sh.n;
  }
}

TEST(GemmPolicies, AcceptsExpressions) {
  const Eigen::MatrixXf a = random_matrix(6, 8, 1, false), b = random_matrix(6, 5, 2, false);
  const Eigen::MatrixXf at = a.transpose();
  const Eigen::MatrixXf from_expression =
      lowp::gemm(a.transpose(), 2.0f * b, lowp::accumulate<lowp::bfloat16>{});
  const Eigen::MatrixXf b2 = 2.0f * b;
  const Eigen::MatrixXf from_plain = lowp::gemm(at, b2, lowp::accumulate<lowp::bfloat16>{});
  EXPECT_TRUE(from_expression.cwiseEqual(from_plain).all());
}

// Blocks of a larger matrix are read in place (their columns are strided): same result as copies.
TEST(GemmPolicies, BlocksOfLargerMatrices) {
  const Eigen::MatrixXf big_a = random_matrix(70, 50, 5, false), big_b = random_matrix(60, 40, 6, true);
  const auto a = big_a.block(3, 7, 41, 33);
  const auto b = big_b.block(5, 2, 33, 29);
  const Eigen::MatrixXf a_copy = a, b_copy = b;
  const Eigen::MatrixXf f = lowp::gemm(a, b), f_copy = lowp::gemm(a_copy, b_copy);  // NaNs included: bits
  EXPECT_EQ(std::memcmp(f.data(), f_copy.data(), sizeof(float) * f.size()), 0);
  const Eigen::MatrixXf c = lowp::gemm(a, b, lowp::accumulate<lowp::float16>{});
  const Eigen::MatrixXf c_copy = lowp::gemm(a_copy, b_copy, lowp::accumulate<lowp::float16>{});
  EXPECT_EQ(std::memcmp(c.data(), c_copy.data(), sizeof(float) * c.size()), 0);
}

TEST(GemmErrors, ShapeMismatchNamesBothShapes) {
  const Eigen::MatrixXf a(2, 3), b(4, 5);
  for (int policy = 0; policy < 3; ++policy) {
    try {
      if (policy == 0) (void)lowp::gemm(a, b);
      if (policy == 1) (void)lowp::gemm(a, b, lowp::accumulate<lowp::bfloat16>{});
      if (policy == 2) (void)lowp::gemm(a, b, lowp::accumulate_exact{});
      ADD_FAILURE() << "no exception";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("2x3"), std::string::npos) << what;
      EXPECT_NE(what.find("4x5"), std::string::npos) << what;
    }
  }
}

}  // namespace
