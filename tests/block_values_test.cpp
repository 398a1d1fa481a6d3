// q.values(), the lazy Eigen expression of a quantized matrix's decoded values: element for element equal to
// dequantize() (bit patterns, NaN included) for every block format, both axes, partial blocks and NaN/Inf
// blocks; and to a decode written here from the public accessors (element value times block scale, then
// NVFP4's tensor scale). Used inside Eigen expressions (arithmetic, reductions, block(), transpose(),
// assignment into a block) it gives what the same expression gives on the dequantized matrix. The product's
// vectorised scale and element decoders (AVX-512 builds) are checked against the scalar decoders over every
// code.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <Eigen/Core>
#include <gtest/gtest.h>

#include <lowp/block.hpp>

namespace {

using lowp::block_axis;

Eigen::MatrixXf gaussian(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> percent(0, 99);
  Eigen::MatrixXf m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = normal(engine) * (percent(engine) == 0 ? 30.0f : 1.0f);
  }
  return m;
}

// Gaussian values with a NaN, +Inf and -Inf planted in three places, and one all-zero stretch.
Eigen::MatrixXf with_specials(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  Eigen::MatrixXf m = gaussian(rows, cols, seed);
  m(rows / 3, cols / 2) = std::numeric_limits<float>::quiet_NaN();
  m(rows - 1, 0) = std::numeric_limits<float>::infinity();
  m(0, cols - 1) = -std::numeric_limits<float>::infinity();
  m.col(cols / 3).setZero();
  return m;
}

std::uint32_t bits(float x) {
  return std::bit_cast<std::uint32_t>(x);
}

template <class F>
class ValuesTest : public ::testing::Test {};

using formats = ::testing::Types<lowp::mxfp8_e4m3, lowp::mxfp8_e5m2, lowp::mxfp6_e3m2, lowp::mxfp6_e2m3,
                                 lowp::mxfp4, lowp::mxint8, lowp::nvfp4, lowp::nvfp4_2d,
                                 lowp::int_group<4, 32>, lowp::int_group<4, 128>,
                                 lowp::int_group<8, 64, lowp::bfloat16>, lowp::int_group<3, 16, float>,
                                 lowp::with_scale_rule<lowp::mxfp4, lowp::scale_rule::ceil>>;
TYPED_TEST_SUITE(ValuesTest, formats);

// Every element of q.values() has the bits of dequantize()'s and of the decode from the accessors.
template <class F>
void expect_values_equal_dequantize(const Eigen::MatrixXf& x, block_axis axis) {
  const auto q = lowp::quantize<F>(x, axis);
  const Eigen::MatrixXf dequantized = q.dequantize();
  const Eigen::MatrixXf values = q.values();
  ASSERT_EQ(values.rows(), x.rows());
  ASSERT_EQ(values.cols(), x.cols());
  long failures = 0, nans = 0;
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      float expected = q.element(r, c) * q.block_scale(r, c);
      if (F::has_tensor_scale) expected = expected * q.tensor_scale();
      const float lazy = q.values()(r, c);
      nans += std::isnan(values(r, c));
      if ((bits(values(r, c)) != bits(dequantized(r, c)) || bits(lazy) != bits(values(r, c)) ||
           bits(values(r, c)) != bits(expected)) &&
          ++failures <= 5) {
        ADD_FAILURE() << "(" << r << ", " << c << ") of " << x.rows() << "x" << x.cols() << " along "
                      << lowp::name_of(axis) << ": values() " << values(r, c) << ", dequantize() "
                      << dequantized(r, c) << ", element * scale " << expected;
      }
    }
  }
  EXPECT_EQ(failures, 0);
  if (!x.allFinite()) {
    EXPECT_GT(nans, 0) << "a NaN/Inf block must decode to NaN";
  }
}

TYPED_TEST(ValuesTest, EqualsDequantizeBothAxesPartialBlocks) {
  // 45 and 37 leave a partial block of every size used (16, 32, 64, 128) and a partial packing group.
  for (const block_axis axis : {block_axis::row, block_axis::column}) {
    expect_values_equal_dequantize<TypeParam>(gaussian(37, 45, 1), axis);
    expect_values_equal_dequantize<TypeParam>(gaussian(1, 150, 2), axis);
    expect_values_equal_dequantize<TypeParam>(gaussian(150, 1, 3), axis);
    expect_values_equal_dequantize<TypeParam>(gaussian(64, 128, 4), axis);
  }
}

TYPED_TEST(ValuesTest, EqualsDequantizeWithNaNAndInfBlocks) {
  for (const block_axis axis : {block_axis::row, block_axis::column}) {
    expect_values_equal_dequantize<TypeParam>(with_specials(37, 45, 5), axis);
    expect_values_equal_dequantize<TypeParam>(with_specials(40, 70, 6), axis);
  }
}

TYPED_TEST(ValuesTest, ComposesWithEigenExpressions) {
  const Eigen::MatrixXf x = gaussian(37, 45, 7);
  const auto q = lowp::quantize<TypeParam>(x, block_axis::row);
  const Eigen::MatrixXf d = q.dequantize();
  // Coefficient-wise expressions round each element once, whatever the evaluation order.
  const Eigen::MatrixXf difference = q.values() - x;
  EXPECT_TRUE(difference.cwiseEqual(d - x).all());
  const Eigen::MatrixXf scaled = 2.0f * q.values().array().abs().matrix() + x;
  EXPECT_TRUE(scaled.cwiseEqual(2.0f * d.array().abs().matrix() + x).all());
  const Eigen::MatrixXf block = q.values().block(3, 5, 7, 9);
  EXPECT_TRUE(block.cwiseEqual(d.block(3, 5, 7, 9)).all());
  const Eigen::MatrixXf transposed = q.values().transpose();
  EXPECT_TRUE(transposed.cwiseEqual(d.transpose()).all());
  const Eigen::VectorXf column = q.values().col(44);
  EXPECT_TRUE(column.cwiseEqual(d.col(44)).all());
  Eigen::MatrixXf bigger = Eigen::MatrixXf::Constant(40, 50, 9.0f);
  bigger.block(2, 3, 37, 45) = q.values();
  EXPECT_TRUE(bigger.block(2, 3, 37, 45).cwiseEqual(d).all());
  EXPECT_EQ(bigger(0, 0), 9.0f);
  // Reductions: Eigen may sum a lazy expression in another order than a stored matrix, so these agree to
  // a few fp32 roundings of the binary64 value.
  const double exact = (d.cast<double>() - x.cast<double>()).squaredNorm();
  EXPECT_NEAR((q.values() - x).squaredNorm(), exact, 1e-5 * exact);
  const double max_abs = d.cwiseAbs().maxCoeff();
  EXPECT_EQ(q.values().cwiseAbs().maxCoeff(), max_abs);  // max is exact in any order
  EXPECT_EQ(q.values().rows(), 37);
  EXPECT_EQ(q.values().cols(), 45);
}

#if LOWP_QUANTIZED_PRODUCT_AVX512
// The product's vectorised decoders against the scalar ones, over every code.
template <class S>
void scale_decoder_matches(std::uint32_t codes) {
  using storage = typename lowp::detail::scale_codec<S>::storage;
  for (std::uint32_t c0 = 0; c0 < codes; c0 += 16) {
    storage code[16];
    for (std::uint32_t l = 0; l < 16; ++l) code[l] = storage((c0 + l) % codes);
    alignas(64) float lane[16];
    _mm512_store_ps(lane, lowp::detail::decode_scales16<S>(code));
    for (int l = 0; l < 16; ++l) {
      ASSERT_EQ(bits(lane[l]), bits(lowp::detail::scale_codec<S>::decode(code[l])))
          << "scale code " << code[l];
    }
  }
}

TEST(ValuesDecoders, VectorScaleDecodersEqualScalarOnEveryCode) {
  scale_decoder_matches<lowp::float8_e8m0fnu>(256);
  scale_decoder_matches<lowp::float8_e4m3fn>(256);
  scale_decoder_matches<lowp::float16>(65536);
  scale_decoder_matches<lowp::bfloat16>(65536);
}

template <class F>
void element_decoder_matches() {
  using D = lowp::detail::register_decoder<F>;
  using traits = lowp::detail::element_traits<typename F::element_type>;
  const D decoder;
  std::mt19937 engine(11);
  for (int trial = 0; trial < 256; ++trial) {
    std::uint8_t bytes[16];
    std::uint32_t code[16];  // in row order
    for (int i = 0; i < 16; ++i) {
      if (D::bytes_per_vector == 16) {
        code[i] = std::uint32_t(trial + 37 * i) & 0xff;
        bytes[i] = std::uint8_t(code[i]);
      } else {
        code[i] = (trial < 16 ? std::uint32_t(trial + i) : engine()) & 0x0f;
      }
    }
    if (D::bytes_per_vector == 8) {
      for (int i = 0; i < 8; ++i) bytes[i] = std::uint8_t(code[2 * i] | (code[2 * i + 1] << 4));
    }
    alignas(64) float lane[16];
    _mm512_store_ps(lane, decoder.elements(bytes));
    for (int l = 0; l < 16; ++l) {
      const int row = D::permuted ? (l < 8 ? 2 * l : 2 * (l - 8) + 1) : l;
      ASSERT_EQ(bits(lane[l]), bits(traits::values[code[row]])) << "lane " << l << ", code " << code[row];
    }
  }
}

TEST(ValuesDecoders, RegisterElementDecodersEqualTheTables) {
  element_decoder_matches<lowp::mxfp4>();
  element_decoder_matches<lowp::nvfp4>();
  element_decoder_matches<lowp::int_group<4, 32>>();
  element_decoder_matches<lowp::int_group<3, 32>>();
  element_decoder_matches<lowp::mxfp8_e4m3>();
  element_decoder_matches<lowp::mxfp8_e5m2>();
}
#endif

}  // namespace
