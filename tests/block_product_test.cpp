// Products of quantized matrices as Eigen expressions, against their definitions (../shared/DESIGN.md):
//   qw * X    == the plain loop s = +0; s = fma(W(i,k), X(k,j), s) over the dequantized weights, bit for bit,
//                and == lowp::gemm(qw.dequantize(), X);
//   X * qb    == the same loop over X and qb.dequantize(), and == lowp::gemm(X, qb.dequantize());
//   qa * qb   == lowp::gemm(qa, qb);
//   lowp::gemm(qw, X, policy) == lowp::gemm(qw.dequantize(), X, policy), also for X * qb.
// On ragged shapes (rows past a multiple of 16 and of the 128-row panel, K not a multiple of the block and
// past the 256-deep chunk, 1, 2, 3, 16, 17 and 29 tokens), with X transposed, row-major or a block of a
// larger matrix, products inside larger expressions, `noalias() +=` / `-=` and plain `+=` equal to the
// explicit sums, aliasing (`X = qw * X`), NaN/Inf weight blocks, and every bad shape or axis refused with
// std::invalid_argument naming both shapes.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <Eigen/Core>
#include <gtest/gtest.h>

#include <lowp/block.hpp>

namespace {

using lowp::block_axis;

bool quick() {
  return std::getenv("LOWP_TEST_QUICK") != nullptr;
}

// Gaussian values, every seventh column scaled up (outlier channels, as in LLM weights and activations).
Eigen::MatrixXf gaussian(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Eigen::MatrixXf m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    const float scale = j % 7 == 3 ? 16.0f : 1.0f;
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = scale * normal(engine);
  }
  return m;
}

// The definition, written out: each element one fp32 fma chain along k from +0.
Eigen::MatrixXf fma_chain_product(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  Eigen::MatrixXf c(a.rows(), b.cols());
  for (Eigen::Index j = 0; j < b.cols(); ++j) {
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      float s = 0.0f;
      for (Eigen::Index k = 0; k < a.cols(); ++k) s = std::fma(a(i, k), b(k, j), s);
      c(i, j) = s;
    }
  }
  return c;
}

// Bit patterns equal (any NaN matches any NaN: which NaN an fma returns from two NaN operands is the
// hardware's choice).
::testing::AssertionResult same_bits(const Eigen::MatrixXf& actual, const Eigen::MatrixXf& expected) {
  if (actual.rows() != expected.rows() || actual.cols() != expected.cols()) {
    return ::testing::AssertionFailure() << "shape " << actual.rows() << "x" << actual.cols() << ", expected "
                                         << expected.rows() << "x" << expected.cols();
  }
  for (Eigen::Index j = 0; j < actual.cols(); ++j) {
    for (Eigen::Index i = 0; i < actual.rows(); ++i) {
      const float a = actual(i, j), e = expected(i, j);
      if (std::bit_cast<std::uint32_t>(a) != std::bit_cast<std::uint32_t>(e) &&
          !(std::isnan(a) && std::isnan(e))) {
        return ::testing::AssertionFailure()
               << "(" << i << ", " << j << "): " << a << " (" << std::hexfloat << a << "), expected " << e
               << " (" << e << ")" << std::defaultfloat;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

template <class F>
class ProductTest : public ::testing::Test {};

// The register-decoded formats (4-bit codes, 8-bit minifloats) and the panel path (MXINT8, MXFP6, 2-D tiles,
// bfloat16 group scales).
using formats = ::testing::Types<lowp::int_group<4, 32>, lowp::int_group<4, 64>, lowp::int_group<4, 128>,
                                 lowp::mxfp4, lowp::nvfp4, lowp::mxfp8_e4m3, lowp::mxfp8_e5m2, lowp::mxint8,
                                 lowp::mxfp6_e3m2, lowp::nvfp4_2d, lowp::int_group<4, 32, lowp::bfloat16>>;
TYPED_TEST_SUITE(ProductTest, formats);

struct shape {
  Eigen::Index m, k, n;
};
std::vector<shape> shapes() {
  // m: 1, under 16, a multiple of 16, past the 128-row panel with a ragged tail; k: 1, under and over a
  // block, past the 256-deep chunk and not a multiple of the block.
  std::vector<shape> all = {{1, 1, 1},    {5, 33, 1},     {16, 32, 2},   {17, 45, 3},   {48, 300, 16},
                            {130, 77, 1}, {144, 530, 17}, {37, 129, 29}, {272, 260, 5}, {160, 64, 4}};
  if (quick()) all.resize(6);
  return all;
}

TYPED_TEST(ProductTest, WeightsTimesActivationsIsTheFmaChain) {
  unsigned seed = 10;
  for (const shape& s : shapes()) {
    SCOPED_TRACE(::testing::Message() << s.m << "x" << s.k << " times " << s.k << "x" << s.n);
    const auto qw = lowp::quantize<TypeParam>(gaussian(s.m, s.k, ++seed), block_axis::row);
    const Eigen::MatrixXf x = gaussian(s.k, s.n, ++seed);
    const Eigen::MatrixXf w = qw.dequantize();
    const Eigen::MatrixXf expected = fma_chain_product(w, x);
    const Eigen::MatrixXf y = qw * x;
    EXPECT_TRUE(same_bits(y, expected));
    EXPECT_TRUE(same_bits(y, lowp::gemm(w, x)));
    EXPECT_TRUE(same_bits(lowp::gemm(qw, x), expected));
  }
}

TYPED_TEST(ProductTest, ActivationsTimesWeightsIsTheFmaChain) {
  unsigned seed = 40;
  for (const shape& s : shapes()) {
    SCOPED_TRACE(::testing::Message() << s.n << "x" << s.k << " times " << s.k << "x" << s.m);
    const auto qb = lowp::quantize<TypeParam>(gaussian(s.k, s.m, ++seed), block_axis::column);
    const Eigen::MatrixXf x = gaussian(s.n, s.k, ++seed);
    const Eigen::MatrixXf b = qb.dequantize();
    const Eigen::MatrixXf expected = fma_chain_product(x, b);
    const Eigen::MatrixXf y = x * qb;
    EXPECT_TRUE(same_bits(y, expected));
    EXPECT_TRUE(same_bits(y, lowp::gemm(x, b)));
  }
}

TYPED_TEST(ProductTest, TransposedRowMajorAndBlockOperands) {
  const auto qw = lowp::quantize<TypeParam>(gaussian(133, 70, 3), block_axis::row);
  const Eigen::MatrixXf w = qw.dequantize();
  const Eigen::MatrixXf xt = gaussian(16, 70, 4);  // 16 tokens, one per row
  const Eigen::MatrixXf expected = fma_chain_product(w, xt.transpose());
  EXPECT_TRUE(same_bits(qw * xt.transpose(), expected));
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = xt.transpose();
  EXPECT_TRUE(same_bits(qw * row_major, expected));
  Eigen::MatrixXf big = gaussian(90, 20, 5);
  big.block(7, 2, 70, 16) = xt.transpose();
  EXPECT_TRUE(same_bits(qw * big.block(7, 2, 70, 16), expected));
  const Eigen::VectorXf x = xt.row(3).transpose();
  const Eigen::VectorXf y = qw * x;  // one token as a vector
  EXPECT_TRUE(same_bits(y, expected.col(3)));
  // X * qb with X transposed.
  const auto qb = lowp::quantize<TypeParam>(gaussian(70, 21, 6), block_axis::column);
  EXPECT_TRUE(same_bits(xt.transpose().transpose() * qb, fma_chain_product(xt, qb.dequantize())));
  const Eigen::MatrixXf x_columns = xt.transpose();
  EXPECT_TRUE(same_bits(x_columns.transpose() * qb, fma_chain_product(xt, qb.dequantize())));
}

TYPED_TEST(ProductTest, InsideLargerExpressions) {
  const auto qw = lowp::quantize<TypeParam>(gaussian(40, 50, 7), block_axis::row);
  const Eigen::MatrixXf x = gaussian(50, 6, 8), bias = gaussian(40, 6, 9);
  const Eigen::MatrixXf p = fma_chain_product(qw.dequantize(), x);
  EXPECT_TRUE(same_bits(qw * x + bias, p + bias));
  EXPECT_TRUE(same_bits((qw * x).block(3, 1, 20, 4), p.block(3, 1, 20, 4)));
  EXPECT_TRUE(same_bits((qw * x).transpose(), p.transpose()));
  EXPECT_TRUE(same_bits(2.0f * (qw * x), 2.0f * p));
  EXPECT_TRUE(same_bits(qw * (x + x), fma_chain_product(qw.dequantize(), x + x)));
  EXPECT_TRUE(same_bits(qw * x.block(0, 2, 50, 3), p.middleCols(2, 3)));
  Eigen::MatrixXf big = Eigen::MatrixXf::Zero(45, 9);
  big.block(2, 1, 40, 6) = qw * x;
  EXPECT_TRUE(same_bits(big.block(2, 1, 40, 6), p));
  EXPECT_EQ(big(0, 0), 0.0f);
  // A product of a product: the inner one is evaluated first.
  const auto qv = lowp::quantize<TypeParam>(gaussian(9, 40, 10), block_axis::row);
  EXPECT_TRUE(same_bits(qv * (qw * x), fma_chain_product(qv.dequantize(), p)));
}

TYPED_TEST(ProductTest, AddAndSubtractAssignAreTheExplicitSums) {
  const auto qw = lowp::quantize<TypeParam>(gaussian(37, 77, 11), block_axis::row);
  const Eigen::MatrixXf x = gaussian(77, 16, 12), y0 = gaussian(37, 16, 13);
  const Eigen::MatrixXf p = fma_chain_product(qw.dequantize(), x);
  const Eigen::MatrixXf sum = (y0.array() + p.array()).matrix(),
                        difference = (y0.array() - p.array()).matrix();
  Eigen::MatrixXf y = y0;
  y.noalias() += qw * x;
  EXPECT_TRUE(same_bits(y, sum));
  y = y0;
  y.noalias() -= qw * x;
  EXPECT_TRUE(same_bits(y, difference));
  y = y0;
  y += qw * x;
  EXPECT_TRUE(same_bits(y, sum));
  y = y0;
  y -= qw * x;
  EXPECT_TRUE(same_bits(y, difference));
  y.setConstant(7.0f);
  y.noalias() = qw * x;
  EXPECT_TRUE(same_bits(y, p));
  // X * qb as well.
  const auto qb = lowp::quantize<TypeParam>(gaussian(77, 37, 14), block_axis::column);
  const Eigen::MatrixXf xt = x.transpose(), z0 = y0.transpose();
  const Eigen::MatrixXf q = fma_chain_product(xt, qb.dequantize());
  Eigen::MatrixXf z = z0;
  z.noalias() += xt * qb;
  EXPECT_TRUE(same_bits(z, (z0.array() + q.array()).matrix()));
  z = z0;
  z.noalias() -= xt * qb;
  EXPECT_TRUE(same_bits(z, (z0.array() - q.array()).matrix()));
}

TYPED_TEST(ProductTest, AliasedOperandIsReadBeforeWritten) {
  const auto qw = lowp::quantize<TypeParam>(gaussian(50, 50, 15), block_axis::row);
  Eigen::MatrixXf x = gaussian(50, 3, 16);
  const Eigen::MatrixXf expected = fma_chain_product(qw.dequantize(), x);
  x = qw * x;
  EXPECT_TRUE(same_bits(x, expected));
  x = gaussian(50, 3, 16);
  const Eigen::MatrixXf expected_sum = (x.array() + expected.array()).matrix();
  x += qw * x;
  EXPECT_TRUE(same_bits(x, expected_sum));
}

TYPED_TEST(ProductTest, NaNAndInfWeightBlocks) {
  Eigen::MatrixXf w = gaussian(40, 70, 17);
  w(5, 3) = std::numeric_limits<float>::quiet_NaN();
  w(20, 40) = std::numeric_limits<float>::infinity();
  w(33, 69) = -std::numeric_limits<float>::infinity();
  const auto qw = lowp::quantize<TypeParam>(w, block_axis::row);
  const Eigen::MatrixXf x = gaussian(70, 5, 18);
  const Eigen::MatrixXf expected = fma_chain_product(qw.dequantize(), x);
  EXPECT_TRUE(same_bits(qw * x, expected));
  EXPECT_TRUE(std::isnan(expected(5, 0)));
  if (TypeParam::tile_rows == 1) {
    EXPECT_TRUE(std::isfinite(expected(6, 0)));  // (16x16 tiles spread each NaN over 16 rows)
  }
}

TYPED_TEST(ProductTest, HugeAndTinyScales) {
  // Scales near the top and bottom of the scale type's range (for MXFP8, where the one-token kernel folds
  // the decoder's power of two into the scale only while that stays finite).
  for (const float magnitude : {1e30f, 1e6f, 1e-30f}) {
    const auto qw = lowp::quantize<TypeParam>(magnitude * gaussian(40, 70, 35), block_axis::row);
    for (const Eigen::Index tokens : {1, 5}) {
      const Eigen::MatrixXf x = gaussian(70, tokens, 36);
      EXPECT_TRUE(same_bits(qw * x, fma_chain_product(qw.dequantize(), x))) << magnitude << ", " << tokens;
    }
  }
}

TYPED_TEST(ProductTest, OtherAccumulationPoliciesEqualTheDequantizedGemm) {
  const auto qw = lowp::quantize<TypeParam>(gaussian(300, 45, 19), block_axis::row);
  const Eigen::MatrixXf x = gaussian(45, 3, 20);
  const Eigen::MatrixXf w = qw.dequantize();
  EXPECT_TRUE(same_bits(lowp::gemm(qw, x, lowp::accumulate<lowp::bfloat16>{}),
                        lowp::gemm(w, x, lowp::accumulate<lowp::bfloat16>{})));
  EXPECT_TRUE(same_bits(lowp::gemm(qw, x, lowp::accumulate_chunked<lowp::float16, 16>{}),
                        lowp::gemm(w, x, lowp::accumulate_chunked<lowp::float16, 16>{})));
  EXPECT_TRUE(
      same_bits(lowp::gemm(qw, x, lowp::accumulate_exact{}), lowp::gemm(w, x, lowp::accumulate_exact{})));
  const auto qb = lowp::quantize<TypeParam>(gaussian(45, 300, 21), block_axis::column);
  const Eigen::MatrixXf xt = x.transpose(), b = qb.dequantize();
  EXPECT_TRUE(same_bits(lowp::gemm(xt, qb, lowp::accumulate<lowp::bfloat16>{}),
                        lowp::gemm(xt, b, lowp::accumulate<lowp::bfloat16>{})));
  EXPECT_TRUE(same_bits(lowp::gemm(xt, qb, lowp::accumulate<float>{}), fma_chain_product(xt, b)));
}

TEST(ProductOfQuantized, QuantizedTimesQuantizedIsLowpGemm) {
  const auto qa = lowp::quantize<lowp::mxfp4>(gaussian(33, 100, 22), block_axis::row);
  const auto qb = lowp::quantize<lowp::mxfp8_e4m3>(gaussian(100, 7, 23), block_axis::column);
  const Eigen::MatrixXf expected = lowp::gemm(qa, qb);
  EXPECT_TRUE(same_bits(qa * qb, expected));
  Eigen::MatrixXf y = Eigen::MatrixXf::Ones(33, 7);
  y.noalias() += qa * qb;
  EXPECT_TRUE(same_bits(y, (1.0f + expected.array()).matrix()));
}

TEST(ProductOfQuantized, StochasticPolicyEqualsTheDequantizedGemmFromTheSameStream) {
  using sr_bfloat16 = lowp::with_rounding<lowp::bfloat16, lowp::rounding::stochastic<>>;
  const auto qw = lowp::quantize<lowp::mxfp4>(gaussian(40, 64, 24), block_axis::row);
  const Eigen::MatrixXf x = gaussian(64, 3, 25), w = qw.dequantize();
  lowp::seed_stochastic_rounding(99);
  const Eigen::MatrixXf a = lowp::gemm(qw, x, lowp::accumulate<sr_bfloat16>{});
  lowp::seed_stochastic_rounding(99);
  const Eigen::MatrixXf b = lowp::gemm(w, x, lowp::accumulate<sr_bfloat16>{});
  EXPECT_TRUE(same_bits(a, b));
}

// The message of `f()`'s std::invalid_argument, or "" when it throws nothing.
template <class Function>
std::string message_of(Function f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ProductErrors, ShapeMismatchesNameBothShapes) {
  const auto qw = lowp::quantize<lowp::int_group<4, 32>>(gaussian(33, 17, 26), block_axis::row);
  const Eigen::MatrixXf x = gaussian(18, 5, 27);
  for (const std::string& m :
       {message_of([&] { Eigen::MatrixXf y = qw * x; }), message_of([&] { (void)lowp::gemm(qw, x); }),
        message_of([&] { (void)lowp::gemm(qw, x, lowp::accumulate<lowp::bfloat16>{}); })}) {
    EXPECT_NE(m.find("33x17"), std::string::npos) << m;
    EXPECT_NE(m.find("18x5"), std::string::npos) << m;
  }
  const auto qb = lowp::quantize<lowp::mxfp4>(gaussian(40, 9, 28), block_axis::column);
  const std::string m = message_of([&] { Eigen::MatrixXf y = x * qb; });
  EXPECT_NE(m.find("18x5"), std::string::npos) << m;
  EXPECT_NE(m.find("40x9"), std::string::npos) << m;
  const auto qa = lowp::quantize<lowp::mxfp4>(gaussian(8, 41, 29), block_axis::row);
  const std::string q = message_of([&] { Eigen::MatrixXf y = qa * qb; });
  EXPECT_NE(q.find("8x41"), std::string::npos) << q;
  EXPECT_NE(q.find("40x9"), std::string::npos) << q;
  // The destination of += must have the product's shape.
  const Eigen::MatrixXf x17 = gaussian(17, 5, 30);
  Eigen::MatrixXf y = Eigen::MatrixXf::Zero(32, 5);
  const std::string d = message_of([&] { y.noalias() += qw * x17; });
  EXPECT_NE(d.find("32x5"), std::string::npos) << d;
  EXPECT_NE(d.find("33x5"), std::string::npos) << d;
}

TEST(ProductErrors, BlocksNotAlongKAreRefused) {
  const auto by_column = lowp::quantize<lowp::mxfp4>(gaussian(33, 40, 31), block_axis::column);
  const Eigen::MatrixXf x = gaussian(40, 2, 32);
  const std::string m = message_of([&] { Eigen::MatrixXf y = by_column * x; });
  EXPECT_NE(m.find("block_axis::row"), std::string::npos) << m;
  EXPECT_NE(m.find("33x40"), std::string::npos) << m;
  const auto by_row = lowp::quantize<lowp::mxfp4>(gaussian(40, 33, 33), block_axis::row);
  const Eigen::MatrixXf xt = x.transpose();
  const std::string n = message_of([&] { Eigen::MatrixXf y = xt * by_row; });
  EXPECT_NE(n.find("block_axis::column"), std::string::npos) << n;
  // Square tiles serve either side.
  const auto tiles = lowp::quantize<lowp::nvfp4_2d>(gaussian(33, 40, 34), block_axis::column);
  EXPECT_TRUE(same_bits(tiles * x, fma_chain_product(tiles.dequantize(), x)));
}

TEST(ProductErrors, EmptyShapes) {
  const auto qw = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf(4, 0), block_axis::row);
  const Eigen::MatrixXf y = qw * Eigen::MatrixXf(0, 3);
  EXPECT_EQ(y.rows(), 4);
  EXPECT_EQ(y.cols(), 3);
  EXPECT_TRUE((y.array() == 0.0f).all());
  EXPECT_TRUE((y.array().sign() >= 0.0f).all());
}

}  // namespace
