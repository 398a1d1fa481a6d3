// lowp::lmul_float<M> as an Eigen scalar: its * is lowp::lmul<M> (bit for bit), everything else is float;
// Matrix<lmul_float<M>> products (GEMM, GEMV, row-major operands and results) are bit-identical to a plain
// loop of lmul<M> in k order (and so to lmul_gemm); Eigen algorithms (norm, LU solve) compile and run.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include <lowp/arith/lmul_float.hpp>

namespace {

using lf4 = lowp::lmul_float<4>;
using matrix4 = Eigen::Matrix<lf4, Eigen::Dynamic, Eigen::Dynamic>;

std::uint32_t bits(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
bool same(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || bits(a) == bits(b);
}

Eigen::MatrixXf random_floats(int rows, int cols, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Eigen::MatrixXf x(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) x(i, j) = normal(engine);
  return x;
}

matrix4 to_lmul(const Eigen::MatrixXf& x) {
  return x.unaryExpr([](float v) { return lf4(v); });
}

// Plain loop, written without lmul_gemm: s = +0; s += lmul<4>(a, b) in k order.
Eigen::MatrixXf plain_product(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  Eigen::MatrixXf c(a.rows(), b.cols());
  for (int j = 0; j < b.cols(); ++j) {
    for (int i = 0; i < a.rows(); ++i) {
      float s = 0.0f;
      for (int k = 0; k < a.cols(); ++k) s += lowp::lmul<4>(a(i, k), b(k, j));
      c(i, j) = s;
    }
  }
  return c;
}

void expect_same(const matrix4& got, const Eigen::MatrixXf& want) {
  ASSERT_EQ(got.rows(), want.rows());
  ASSERT_EQ(got.cols(), want.cols());
  long failures = 0;
  for (int j = 0; j < want.cols(); ++j)
    for (int i = 0; i < want.rows(); ++i) failures += !same(got(i, j).value(), want(i, j));
  EXPECT_EQ(failures, 0);
}

TEST(LmulFloat, ScalarOperations) {
  const float values[] = {1.5f, -2.75f, 0.1f, 3e-39f, 1e30f, 0.0f};
  for (float x : values) {
    for (float y : values) {
      EXPECT_TRUE(same((lf4(x) * lf4(y)).value(), lowp::lmul<4>(x, y)));
      EXPECT_TRUE(same((lf4(x) + lf4(y)).value(), x + y));
      EXPECT_TRUE(same((lf4(x) - lf4(y)).value(), x - y));
    }
  }
  lf4 z = 2;
  z *= lf4(3.0f);
  EXPECT_EQ(z.value(), lowp::lmul<4>(2.0f, 3.0f));
}

TEST(LmulFloat, GemmIsThePlainLoop) {
  for (auto [m, k, n] : {std::tuple{1, 1, 1}, {7, 5, 3}, {40, 70, 33}, {65, 300, 17}}) {
    const Eigen::MatrixXf a = random_floats(m, k, 1), b = random_floats(k, n, 2);
    const matrix4 c = to_lmul(a) * to_lmul(b);
    expect_same(c, plain_product(a, b));
    expect_same(matrix4(to_lmul(a) * to_lmul(b)), lowp::lmul_gemm<4>(a, b));
  }
}

TEST(LmulFloat, RowMajorOperandsAndResult) {
  const Eigen::MatrixXf a = random_floats(30, 20, 3), b = random_floats(20, 25, 4);
  const Eigen::Matrix<lf4, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> a_rows = to_lmul(a);
  Eigen::Matrix<lf4, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> c = a_rows * to_lmul(b);
  expect_same(c, plain_product(a, b));
  const matrix4 ct = to_lmul(b).transpose() * a_rows.transpose();
  expect_same(ct, plain_product(b.transpose(), a.transpose()));
}

TEST(LmulFloat, GemvIsThePlainLoop) {
  const Eigen::MatrixXf a = random_floats(37, 50, 5), x = random_floats(50, 1, 6);
  const Eigen::Matrix<lf4, Eigen::Dynamic, 1> y = to_lmul(a) * to_lmul(x).col(0);
  expect_same(y, plain_product(a, x));
  const Eigen::Matrix<lf4, 1, Eigen::Dynamic> yt = to_lmul(x).col(0).transpose() * to_lmul(a).transpose();
  expect_same(yt.transpose(), plain_product(a, x));
}

TEST(LmulFloat, EigenAlgorithmsRun) {
  Eigen::MatrixXf a = random_floats(12, 12, 7);
  a.diagonal().array() += 12.0f;
  const Eigen::MatrixXf x = random_floats(12, 1, 8);
  const Eigen::MatrixXf rhs = a * x;
  const matrix4 solved = to_lmul(a).partialPivLu().solve(to_lmul(rhs));
  Eigen::MatrixXf back(12, 1);
  for (int i = 0; i < 12; ++i) back(i, 0) = solved(i, 0).value();
  // L-Mul with 4 bits errs by a few percent per product: the solution is close, not exact.
  EXPECT_LT((back - x).norm(), 0.3f * x.norm());
  const float norm = to_lmul(x).norm().value();
  EXPECT_NEAR(norm, x.norm(), 0.1f * x.norm());
}

}  // namespace
