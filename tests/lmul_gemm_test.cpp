// lowp::lmul_gemm<M> is bit-identical to the triple loop `s = +0; for k: s += lmul<M>(A(i,k), B(k,j))` (lmul
// itself is proven against the plain reference in lmul_scalar_test), for shapes that are not multiples of the
// SIMD width or of any cache block, for matrices whose panels all take the one-add path, matrices with zeros,
// subnormals, Inf, NaN (the checked path), with zeros only (the masked one-add paths), mixed ones, and
// operands whose products overflow or underflow.
// NaN results compare as NaN (payloads are not specified).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/arith/lmul_gemm.hpp>

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

enum class content { normal, specials, wide_range, one_special, relu };

Eigen::MatrixXf make(int rows, int cols, content kind, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> exponent(-70.0f, 70.0f);
  const float inf = std::numeric_limits<float>::infinity();
  const float specials[] = {0.0f,
                            -0.0f,
                            1e-40f,
                            -1e-45f,
                            inf,
                            -inf,
                            std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::min(),
                            1e35f,
                            -1e-35f};
  Eigen::MatrixXf x(rows, cols);
  for (int j = 0; j < cols; ++j) {
    for (int i = 0; i < rows; ++i) {
      switch (kind) {
        case content::normal:
          x(i, j) = normal(engine);
          break;
        case content::specials:
          x(i, j) = engine() % 13 == 0 ? specials[engine() % std::size(specials)] : normal(engine);
          break;
        case content::wide_range:  // products overflow and underflow
          x(i, j) = std::exp2(exponent(engine)) * (engine() & 1 ? -1.0f : 1.0f);
          break;
        case content::one_special:
          x(i, j) = normal(engine);
          break;
        case content::relu:  // zeros of both signs, and normal values
          x(i, j) = std::max(normal(engine), 0.0f) * (i % 3 == 0 ? -1.0f : 1.0f);
          break;
      }
    }
  }
  if (kind == content::one_special && rows > 0 && cols > 0) x(rows / 2, cols / 2) = 0.0f;
  return x;
}

template <int M>
void expect_triple_loop(int m, int k, int n, content kind_a, content kind_b, std::uint64_t seed) {
  const Eigen::MatrixXf a = make(m, k, kind_a, seed), b = make(k, n, kind_b, seed + 1);
  const Eigen::MatrixXf c = lowp::lmul_gemm<M>(a, b);
  ASSERT_EQ(c.rows(), m);
  ASSERT_EQ(c.cols(), n);
  long failures = 0;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < m; ++i) {
      float s = 0.0f;
      for (int p = 0; p < k; ++p) s += lowp::lmul<M>(a(i, p), b(p, j));
      if (!same(c(i, j), s) && ++failures <= 5) {
        ADD_FAILURE() << "lmul_gemm<" << M << "> " << m << "x" << k << "x" << n << " C(" << i << ", " << j
                      << ") = " << c(i, j) << ", triple loop " << s;
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

struct shape {
  int m, k, n;
};

// Odd sizes around the register tile (2 vectors of rows by 6 or 12 columns) and the blocks (kc = 256,
// mc = 16 vectors of rows, nc = 64 tiles of columns).
std::vector<shape> shapes() {
  std::vector<shape> s = {{1, 1, 1},    {2, 0, 3},     {1, 7, 1},   {5, 3, 2},
                          {31, 17, 13}, {33, 257, 25}, {47, 40, 49}};
  if (!quick()) {
    s.push_back({300, 70, 20});  // m past one row block for every vector width
    s.push_back({20, 530, 19});  // k past two depth blocks
    s.push_back({17, 30, 800});  // n past one column block with 12-column tiles
  }
  return s;
}

template <int M>
void expect_all_shapes(content kind_a, content kind_b) {
  std::uint64_t seed = 10;
  for (const shape& s : shapes()) expect_triple_loop<M>(s.m, s.k, s.n, kind_a, kind_b, seed += 2);
}

TEST(LmulGemm, M3Normal) {
  expect_all_shapes<3>(content::normal, content::normal);
}
TEST(LmulGemm, M4Normal) {
  expect_all_shapes<4>(content::normal, content::normal);
}
TEST(LmulGemm, M4Specials) {
  expect_all_shapes<4>(content::specials, content::specials);
}
TEST(LmulGemm, M3SpecialsInOneOperand) {
  expect_all_shapes<3>(content::specials, content::normal);
  expect_all_shapes<3>(content::normal, content::specials);
}
TEST(LmulGemm, M4OneZero) {
  expect_all_shapes<4>(content::one_special, content::normal);
}
// Zeros (of both signs) and nothing else special: the masked one-add paths.
TEST(LmulGemm, ZerosInA) {
  expect_all_shapes<4>(content::relu, content::normal);
}
TEST(LmulGemm, ZerosInB) {
  expect_all_shapes<3>(content::normal, content::relu);
}
TEST(LmulGemm, ZerosInBoth) {
  expect_all_shapes<4>(content::relu, content::relu);
}
TEST(LmulGemm, WideRangeOverflowAndUnderflow) {
  expect_all_shapes<4>(content::wide_range, content::wide_range);
  expect_all_shapes<3>(content::wide_range, content::normal);
}
TEST(LmulGemm, OtherWidths) {
  expect_all_shapes<1>(content::normal, content::specials);
  expect_all_shapes<7>(content::specials, content::normal);
  expect_all_shapes<23>(content::normal, content::normal);
}

// Panels near the edges of the unchecked path: every product just inside the normal range, and just outside.
TEST(LmulGemm, RangeEdgesOfTheOneAddPath) {
  for (float scale : {0x1p-63f, 0x1p-62f, 0x1p-64f, 0x1p63f, 0x1p64f, 0x1p62f}) {
    const Eigen::MatrixXf a = make(37, 29, content::normal, 1) * scale;
    const Eigen::MatrixXf b = (make(29, 15, content::normal, 2) * scale).cwiseMax(-0x1p100f);
    const Eigen::MatrixXf c = lowp::lmul_gemm<4>(a, b);
    long failures = 0;
    for (int j = 0; j < 15; ++j) {
      for (int i = 0; i < 37; ++i) {
        float s = 0.0f;
        for (int p = 0; p < 29; ++p) s += lowp::lmul<4>(a(i, p), b(p, j));
        failures += !same(c(i, j), s);
      }
    }
    EXPECT_EQ(failures, 0) << "scale " << scale;
  }
}

TEST(LmulGemm, ShapeMismatchNamesBothShapes) {
  const Eigen::MatrixXf a(2, 3), b(4, 5);
  try {
    (void)lowp::lmul_gemm<3>(a, b);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("2x3"), std::string::npos) << what;
    EXPECT_NE(what.find("4x5"), std::string::npos) << what;
  }
}

// Blocks of a larger matrix are read in place (their columns are strided): same result as copies.
TEST(LmulGemm, BlocksOfLargerMatrices) {
  const Eigen::MatrixXf big_a = make(70, 50, content::normal, 5), big_b = make(60, 40, content::relu, 6);
  const auto a = big_a.block(3, 7, 41, 33);
  const auto b = big_b.block(5, 2, 33, 29);
  const Eigen::MatrixXf a_copy = a, b_copy = b;
  EXPECT_TRUE(lowp::lmul_gemm<4>(a, b).cwiseEqual(lowp::lmul_gemm<4>(a_copy, b_copy)).all());
}

TEST(LmulGemm, AcceptsExpressions) {
  const Eigen::MatrixXf a = make(9, 12, content::normal, 3), b = make(9, 4, content::normal, 4);
  const Eigen::MatrixXf at = a.transpose();
  EXPECT_TRUE(lowp::lmul_gemm<4>(a.transpose(), b).cwiseEqual(lowp::lmul_gemm<4>(at, b)).all());
}

}  // namespace
