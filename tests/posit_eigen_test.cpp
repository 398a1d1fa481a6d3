// Posits in Eigen and fmt. Matrix<posit16> products follow the documented order (sequential in k from 0,
// every
// * and + rounded), checked against the same loop run on the independent oracle (MPFR + the Standard's
// rounding); partialPivLu, householderQr and norm run and give small residuals; fmt's {:b} splits the fields
// as the Standard defines them (hand-written expectations from the field layout), {:x} and {} as for floats.
#include <cmath>
#include <random>

#include <Eigen/Dense>
#include <Eigen/IterativeLinearSolvers>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <lowp/eigen.hpp>
#include <lowp/fmt.hpp>

#include "oracle/posit_reference.hpp"

namespace {

using lowp::posit16;
using lowp::posit32;
using lowp::posit8;
using Matrix16 = Eigen::Matrix<posit16, Eigen::Dynamic, Eigen::Dynamic>;

Matrix16 random_matrix(int rows, int cols, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal;
  Matrix16 m(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) m(i, j) = posit16(normal(engine));
  return m;
}

TEST(PositEigen, ProductIsTheSequentialLoopBitForBit) {
  const posit_oracle::rounder r(16, 2);
  posit_oracle::exact_arithmetic exact;
  for (int size : {1, 3, 17, 40}) {
    const Matrix16 a = random_matrix(size, size + 2, 1),
                   b = random_matrix(size + 2, size - (size > 1 ? 1 : 0), 2);
    const Matrix16 c = a * b;
    const Matrix16 v = a * b.col(0);  // GEMV
    for (int j = 0; j < c.cols(); ++j) {
      for (int i = 0; i < c.rows(); ++i) {
        std::uint32_t sum = 0;
        for (int k = 0; k < a.cols(); ++k) {
          const std::uint32_t product =
              posit_oracle::expected(r, exact, posit_oracle::op::mul, a(i, k).bits(), b(k, j).bits());
          sum = posit_oracle::expected(r, exact, posit_oracle::op::add, sum, product);
        }
        ASSERT_EQ(c(i, j).bits(), sum) << "size " << size << " at " << i << "," << j;
        if (j == 0) {
          ASSERT_EQ(v(i).bits(), sum);
        }
      }
    }
  }
}

TEST(PositEigen, DecompositionsSolve) {
  const int n = 12;
  Matrix16 a = random_matrix(n, n, 3);
  for (int i = 0; i < n; ++i) a(i, i) += posit16(4);  // well conditioned
  const Matrix16 x_true = random_matrix(n, 1, 4);
  const Matrix16 b = a * x_true;
  const Matrix16 x_lu = a.partialPivLu().solve(b);
  const Matrix16 x_qr = a.householderQr().solve(b);
  for (const Matrix16* x : {&x_lu, &x_qr}) {
    double error = 0, scale = 0;
    for (int i = 0; i < n; ++i) {
      error = std::max(error, std::fabs(static_cast<double>((*x)(i)) - static_cast<double>(x_true(i))));
      scale = std::max(scale, std::fabs(static_cast<double>(x_true(i))));
    }
    EXPECT_LT(error / scale, 0.05);
  }
  EXPECT_GT(static_cast<double>(a.norm()), 0.0);
  // Conjugate gradients on a symmetric positive definite matrix (A^T A + n I, in posit32).
  using Matrix32 = Eigen::Matrix<posit32, Eigen::Dynamic, Eigen::Dynamic>;
  const Matrix32 a32 = a.unaryExpr([](posit16 v) { return posit32(v); });
  const Matrix32 spd = a32.transpose() * a32 + Matrix32::Identity(n, n) * posit32(n);
  const Matrix32 rhs = x_true.unaryExpr([](posit16 v) { return posit32(v); });
  Eigen::ConjugateGradient<Matrix32, Eigen::Lower | Eigen::Upper> cg(spd);
  const Matrix32 x_cg = cg.solve(rhs);
  EXPECT_LT(static_cast<double>((spd * x_cg - rhs).norm()), 1e-4 * static_cast<double>(rhs.norm()));
  EXPECT_EQ(Eigen::NumTraits<posit32>::highest(), posit32::maxpos());
  EXPECT_EQ(Eigen::NumTraits<posit32>::quiet_NaN(), posit32::nar());
  const Eigen::Matrix<posit32, 2, 2> m = Eigen::Matrix<posit32, 2, 2>::Identity();
  EXPECT_EQ(m.sum(), posit32(2));
}

TEST(PositFmt, FieldsHexAndValue) {
  // posit8 = posit<8, 2>: 1.0 = 0|10|00|000; 2.0 = exponent 01; 0.25 (scale -2) = regime 01 (k = -1),
  // exponent 10; -1.0 = two's complement 1100 0000 read as the 2022 Standard reads it: 1|10|00|000.
  EXPECT_EQ(fmt::format("{:b}", posit8(1.0)), "0|10|00|000");
  EXPECT_EQ(fmt::format("{:b}", posit8(2.0)), "0|10|01|000");
  EXPECT_EQ(fmt::format("{:b}", posit8(0.25)), "0|01|10|000");
  EXPECT_EQ(fmt::format("{:b}", posit8(-1.0)), "1|10|00|000");
  EXPECT_EQ(fmt::format("{:b}", posit8::maxpos()), "0|1111111");          // the regime fills the word
  EXPECT_EQ(fmt::format("{:b}", posit8::from_bits(0x7d)), "0|111110|1");  // a cut-off exponent field
  EXPECT_EQ(fmt::format("{:b}", posit8(0)), "0|0000000");
  EXPECT_EQ(fmt::format("{:b}", posit8::nar()), "1|0000000");
  EXPECT_EQ(fmt::format("{:b}", lowp::posit<8, 0>(1.5)), "0|10|10000");
  EXPECT_EQ(fmt::format("{:x}", posit16(1.0)), "0x4000");
  EXPECT_EQ(fmt::format("{:x}", posit32::nar()), "0x80000000");
  EXPECT_EQ(fmt::format("{}", posit16(0.1)), "0.1");
  EXPECT_EQ(fmt::format("{:>5}", posit8::nar()), "  NaR");
}

}  // namespace
