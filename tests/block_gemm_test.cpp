// The quantized GEMM, the randomized Hadamard transform and the error metrics.
//   gemm (accumulate<float>) against a binary64 GEMM of the dequantized operands, within the fp32
//   summation bound, on both of its paths (the MX integer path, whose exact order block_integer_gemm_test
//   holds bit for bit, and the decoded panels); gemm with accumulate<bfloat16> bit-identical to a plain sequential loop whose every
//   step is rounded to bfloat16 by MPFR; bad shapes and axes throw naming both shapes.
//   hadamard_transform: its matrix is (random signs) x Sylvester-Hadamard / sqrt(b), checked entry by entry
//   against (-1)^popcount(i & j); orthonormal; inverse; A * B preserved when both sides are rotated.
//   error metrics against plain loops.
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include <Eigen/Core>
#include <gtest/gtest.h>
#include <mpfr.h>

#include <lowp/block.hpp>

namespace {

using lowp::block_axis;

Eigen::MatrixXf gaussian(Eigen::Index rows, Eigen::Index cols, unsigned seed, float outlier_scale = 1.0f) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> percent(0, 99);
  Eigen::MatrixXf m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i)
      m(i, j) = normal(engine) * (percent(engine) == 0 ? outlier_scale : 1.0f);
  }
  return m;
}

// |C - C_ref| <= gamma_K * sum_k |a_ik b_kj| for any order of fp32 additions of exact products
// (gamma_K = K u / (1 - K u), u = 2^-24), plus the binary64 reference's own error.
template <class FA, class FB>
void gemm_within_fp32_bound(Eigen::Index m, Eigen::Index k, Eigen::Index n, unsigned seed) {
  const auto qa = lowp::quantize<FA>(gaussian(m, k, seed, 50.0f), block_axis::row);
  const auto qb = lowp::quantize<FB>(gaussian(k, n, seed + 1), block_axis::column);
  const Eigen::MatrixXf c = lowp::gemm(qa, qb);
  ASSERT_EQ(c.rows(), m);
  ASSERT_EQ(c.cols(), n);
  const Eigen::MatrixXd a = qa.dequantize().template cast<double>(),
                        b = qb.dequantize().template cast<double>();
  const double u = std::ldexp(1.0, -24), gamma = double(k) * u / (1.0 - double(k) * u);
  long failures = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < m; ++i) {
      double exact = 0.0, magnitude = 0.0;
      for (Eigen::Index p = 0; p < k; ++p) {
        exact += a(i, p) * b(p, j);  // products of floats are exact in binary64
        magnitude += std::fabs(a(i, p) * b(p, j));
      }
      const double bound = (gamma + double(k) * std::ldexp(1.0, -53)) * magnitude + std::ldexp(1.0, -149);
      if (std::fabs(double(c(i, j)) - exact) > bound && ++failures < 5) {
        ADD_FAILURE() << "C(" << i << ", " << j << ") = " << c(i, j) << ", exact " << exact << ", bound "
                      << bound;
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(QuantizedGemm, EqualsBinary64GemmOfDequantizedOperandsWithinFp32Bound) {
  gemm_within_fp32_bound<lowp::mxfp4, lowp::mxfp4>(33, 100, 17, 1);
  gemm_within_fp32_bound<lowp::mxfp8_e4m3, lowp::mxfp8_e5m2>(64, 256, 48, 2);
  gemm_within_fp32_bound<lowp::mxfp6_e2m3, lowp::mxint8>(20, 96, 9, 3);
  gemm_within_fp32_bound<lowp::nvfp4, lowp::nvfp4>(40, 80, 24, 4);
  gemm_within_fp32_bound<lowp::nvfp4_2d, lowp::nvfp4_2d>(40, 80, 24, 5);
  gemm_within_fp32_bound<lowp::int_group<4, 32>, lowp::int_group<8, 64, lowp::bfloat16>>(16, 300, 12, 6);
  gemm_within_fp32_bound<lowp::mxfp4, lowp::mxfp4>(1, 1, 1, 7);
  // K beyond one decoding panel (512), not a multiple of it, and of odd block sizes.
  gemm_within_fp32_bound<lowp::mxfp4, lowp::mxfp6_e3m2>(9, 1100, 5, 8);
  gemm_within_fp32_bound<lowp::int_group<4, 128>, lowp::nvfp4_2d>(6, 1030, 7, 9);
  gemm_within_fp32_bound<
      lowp::block_format<lowp::float8_e4m3fn, lowp::float8_e8m0fnu, 48, lowp::scale_rule::floor>,
      lowp::block_format<lowp::float8_e4m3fn, lowp::float8_e8m0fnu, 48, lowp::scale_rule::floor>>(5, 1000, 4,
                                                                                                  10);
}

TEST(QuantizedGemm, EmptyOperands) {
  const auto a = lowp::quantize<lowp::nvfp4>(Eigen::MatrixXf::Zero(3, 0), block_axis::row);
  const auto b = lowp::quantize<lowp::mxfp6_e3m2>(Eigen::MatrixXf::Zero(0, 4), block_axis::column);
  EXPECT_EQ(a.bytes(), 4u);  // the tensor scale only
  const Eigen::MatrixXf c = lowp::gemm(a, b);
  EXPECT_EQ(c.rows(), 3);
  EXPECT_EQ(c.cols(), 4);
  EXPECT_TRUE(c.isZero(0.0f));
  using int4 = lowp::int_group<4, 32>;
  EXPECT_EQ(lowp::fake_quantize<int4>(Eigen::MatrixXf(0, 7), block_axis::column).cols(), 7);
}

// dequantize_block (what the GEMM decodes panel by panel) equals the same block of dequantize().
template <class F>
void blocks_match_whole(block_axis axis) {
  const auto q = lowp::quantize<F>(gaussian(70, 90, 41, 30.0f), axis);
  const Eigen::MatrixXf whole = q.dequantize();
  for (const auto [r0, c0, rows, cols] : {std::array<Eigen::Index, 4>{0, 0, 70, 90},
                                          {4, 3, 61, 40},
                                          {32, 31, 38, 59},
                                          {68, 89, 2, 1},
                                          {12, 0, 0, 5}}) {
    Eigen::MatrixXf part(std::max<Eigen::Index>(rows, 1), std::max<Eigen::Index>(cols, 1));
    q.dequantize_block(r0, c0, rows, cols, part.data(), part.rows());
    EXPECT_TRUE(part.topLeftCorner(rows, cols).cwiseEqual(whole.block(r0, c0, rows, cols)).all())
        << r0 << ", " << c0 << ", " << rows << "x" << cols;
  }
  Eigen::MatrixXf scratch(8, 8);
  EXPECT_THROW(q.dequantize_block(2, 0, 4, 4, scratch.data(), 8), std::invalid_argument);   // r0 % 4 != 0
  EXPECT_THROW(q.dequantize_block(68, 0, 4, 4, scratch.data(), 8), std::invalid_argument);  // past the end
}

TEST(QuantizedGemm, DecodedBlocksMatchTheWholeMatrix) {
  for (const block_axis axis : {block_axis::row, block_axis::column}) {
    blocks_match_whole<lowp::mxfp4>(axis);
    blocks_match_whole<lowp::mxfp6_e2m3>(axis);
    blocks_match_whole<lowp::mxint8>(axis);
    blocks_match_whole<lowp::nvfp4>(axis);
    blocks_match_whole<lowp::nvfp4_2d>(axis);
    blocks_match_whole<lowp::int_group<4, 32>>(axis);
  }
}

// s_0 = +0, s_k = round_bf16(s_{k-1} + a_ik * b_kj) (MPFR, 8-bit significand, ties to even), k in order.
float bfloat16_sequential_dot(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b, Eigen::Index i,
                              Eigen::Index j) {
  mpfr_t sum, exact;
  mpfr_init2(sum, 8);
  mpfr_init2(exact, 256);
  mpfr_set_zero(sum, 1);
  for (Eigen::Index p = 0; p < a.cols(); ++p) {
    mpfr_set(exact, sum, MPFR_RNDN);
    mpfr_add_d(exact, exact, double(a(i, p)) * double(b(p, j)), MPFR_RNDN);  // exact at 256 bits
    mpfr_set(sum, exact, MPFR_RNDN);
  }
  const float result = mpfr_get_flt(sum, MPFR_RNDN);
  mpfr_clear(sum);
  mpfr_clear(exact);
  return result;
}

TEST(QuantizedGemm, BfloatAccumulationIsBitIdenticalToASequentialLoop) {
  const auto qa = lowp::quantize<lowp::mxfp8_e4m3>(gaussian(9, 200, 11), block_axis::row);
  const auto qb = lowp::quantize<lowp::mxfp4>(gaussian(200, 7, 12), block_axis::column);
  const Eigen::MatrixXf c = lowp::gemm(qa, qb, lowp::accumulate<lowp::bfloat16>{});
  const Eigen::MatrixXf a = qa.dequantize(), b = qb.dequantize();
  for (Eigen::Index j = 0; j < c.cols(); ++j) {
    for (Eigen::Index i = 0; i < c.rows(); ++i) {
      const float expected = bfloat16_sequential_dot(a, b, i, j);
      EXPECT_EQ(std::bit_cast<std::uint32_t>(c(i, j)), std::bit_cast<std::uint32_t>(expected))
          << i << ", " << j << ": " << c(i, j) << " vs " << expected;
    }
  }
  // And it is not the fp32 result: bfloat16 accumulation over 200 terms loses bits.
  EXPECT_FALSE(c.cwiseEqual(lowp::gemm(qa, qb)).all());
}

TEST(QuantizedGemm, BadShapesAndAxesThrowNamingBothShapes) {
  const auto a = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf::Ones(4, 64), block_axis::row);
  const auto b = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf::Ones(32, 8), block_axis::column);
  const auto a_wrong_axis = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf::Ones(4, 32), block_axis::column);
  const auto b_wrong_axis = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf::Ones(64, 8), block_axis::row);
  auto message = [](auto&& call) {
    try {
      call();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  const std::string mismatch = message([&] { (void)lowp::gemm(a, b); });
  EXPECT_NE(mismatch.find("4x64"), std::string::npos) << mismatch;
  EXPECT_NE(mismatch.find("32x8"), std::string::npos) << mismatch;
  const std::string axis_a = message([&] { (void)lowp::gemm(a_wrong_axis, b); });
  EXPECT_NE(axis_a.find("4x32"), std::string::npos) << axis_a;
  EXPECT_NE(axis_a.find("32x8"), std::string::npos) << axis_a;
  const std::string axis_b = message([&] { (void)lowp::gemm(a, b_wrong_axis); });
  EXPECT_NE(axis_b.find("4x64"), std::string::npos) << axis_b;
  EXPECT_NE(axis_b.find("64x8"), std::string::npos) << axis_b;
  EXPECT_THROW((void)lowp::gemm(a, b, lowp::accumulate<lowp::bfloat16>{}), std::invalid_argument);
  // Square tiles serve either side, whatever axis they were quantized along.
  const auto tiles_a = lowp::quantize<lowp::nvfp4_2d>(Eigen::MatrixXf::Ones(64, 32), block_axis::column);
  const auto tiles_b = lowp::quantize<lowp::nvfp4_2d>(Eigen::MatrixXf::Ones(32, 5), block_axis::row);
  EXPECT_NO_THROW((void)lowp::gemm(tiles_a, tiles_b));
}

// ---- Hadamard ---------------------------------------------------------------------------------------------

TEST(Hadamard, MatrixIsSignedSylvesterHadamardOverSqrtB) {
  for (const int b : {1, 2, 8, 32, 64}) {
    // Row i of the transformed identity is the transform of e_i: d_i * H[i, :] / sqrt(b).
    const Eigen::MatrixXf r = lowp::hadamard_transform(Eigen::MatrixXf::Identity(b, b), b, 1234);
    int negative_signs = 0;
    for (int i = 0; i < b; ++i) {
      const double d = double(r(i, 0)) * std::sqrt(double(b));
      ASSERT_NEAR(std::fabs(d), 1.0, 1e-6);
      negative_signs += d < 0;
      for (int j = 0; j < b; ++j) {
        const double h = std::popcount(unsigned(i & j)) % 2 == 0 ? 1.0 : -1.0;
        ASSERT_NEAR(double(r(i, j)) * std::sqrt(double(b)), d * h, 1e-6) << b << ": " << i << ", " << j;
      }
    }
    if (b >= 32) {
      EXPECT_GT(negative_signs, 0);
      EXPECT_LT(negative_signs, b);
    }
  }
  // Another seed, other signs.
  const Eigen::MatrixXf a = lowp::hadamard_transform(Eigen::MatrixXf::Identity(32, 32), 32, 1);
  const Eigen::MatrixXf b = lowp::hadamard_transform(Eigen::MatrixXf::Identity(32, 32), 32, 2);
  EXPECT_FALSE(a.cwiseEqual(b).all());
}

TEST(Hadamard, OrthonormalInvertibleAndPreservesProducts) {
  const Eigen::MatrixXf x = gaussian(48, 128, 21, 100.0f);
  for (const block_axis axis : {block_axis::row, block_axis::column}) {
    const Eigen::MatrixXf xa = axis == block_axis::row ? x : Eigen::MatrixXf(x.transpose());
    const Eigen::MatrixXf y = lowp::hadamard_transform(xa, 32, 9, axis);
    EXPECT_NEAR(y.norm(), xa.norm(), 1e-5 * xa.norm());
    const Eigen::MatrixXf back = lowp::inverse_hadamard_transform(y, 32, 9, axis);
    EXPECT_LE((back - xa).cwiseAbs().maxCoeff(), 1e-5f * xa.cwiseAbs().maxCoeff());
  }
  // (A R)(R^T B) = A B: rows of A and columns of B rotated with the same seed.
  const Eigen::MatrixXf a = gaussian(16, 64, 22), b = gaussian(64, 8, 23);
  const Eigen::MatrixXf ab = a * b;
  const Eigen::MatrixXf rotated = lowp::hadamard_transform(a, 16, 5, block_axis::row) *
                                  lowp::hadamard_transform(b, 16, 5, block_axis::column);
  EXPECT_LE((rotated - ab).cwiseAbs().maxCoeff(), 1e-4f * ab.cwiseAbs().maxCoeff());
  // Spreads an outlier: MXFP4 of outlier-heavy data gets better after rotation.
  const Eigen::MatrixXf spiky = gaussian(64, 256, 24, 200.0f);
  const Eigen::MatrixXf turned = lowp::hadamard_transform(spiky, 32, 3);
  const double plain = lowp::qsnr_db(spiky, lowp::fake_quantize<lowp::mxfp4>(spiky, block_axis::row));
  const double with_rht = lowp::qsnr_db(
      spiky,
      lowp::inverse_hadamard_transform(lowp::fake_quantize<lowp::mxfp4>(turned, block_axis::row), 32, 3));
  EXPECT_GT(with_rht, plain);
}

TEST(Hadamard, BadBlockSizesThrow) {
  const Eigen::MatrixXf x = Eigen::MatrixXf::Ones(8, 96);
  EXPECT_THROW((void)lowp::hadamard_transform(x, 24, 1), std::invalid_argument);  // not a power of two
  EXPECT_THROW((void)lowp::hadamard_transform(x, 64, 1), std::invalid_argument);  // does not divide 96
  EXPECT_THROW((void)lowp::hadamard_transform(x, 16, 1, block_axis::column),
               std::invalid_argument);  // 8 rows
  EXPECT_THROW((void)lowp::inverse_hadamard_transform(x, 0, 1), std::invalid_argument);
}

// ---- Error metrics ----------------------------------------------------------------------------------------

TEST(ErrorMetrics, AgreeWithPlainLoops) {
  const Eigen::MatrixXf ref = gaussian(10, 70, 31);
  const Eigen::MatrixXf x = lowp::fake_quantize<lowp::mxfp4>(ref, block_axis::row);
  double sse = 0, signal = 0, max_abs = 0, max_rel = 0;
  for (Eigen::Index j = 0; j < ref.cols(); ++j) {
    for (Eigen::Index i = 0; i < ref.rows(); ++i) {
      const double d = double(ref(i, j)) - double(x(i, j));
      sse += d * d;
      signal += double(ref(i, j)) * ref(i, j);
      max_abs = std::max(max_abs, std::fabs(d));
      if (ref(i, j) != 0) max_rel = std::max(max_rel, std::fabs(d) / std::fabs(double(ref(i, j))));
    }
  }
  EXPECT_DOUBLE_EQ(lowp::mse(ref, x), sse / 700.0);
  EXPECT_EQ(lowp::max_abs_error(ref, x), max_abs);
  EXPECT_EQ(lowp::max_rel_error(ref, x), max_rel);
  EXPECT_DOUBLE_EQ(lowp::qsnr_db(ref, x), 10 * std::log10(signal / sse));
  EXPECT_DOUBLE_EQ(lowp::compare(ref, x).qsnr_db, 10 * std::log10(signal / sse));

  // Per block, row axis, block 32 over 70 columns: blocks of 32, 32 and 6.
  const auto blocks = lowp::per_block_errors(ref, x, 32, block_axis::row);
  ASSERT_EQ(blocks.max_abs.rows(), 10);
  ASSERT_EQ(blocks.max_abs.cols(), 3);
  for (Eigen::Index i = 0; i < 10; ++i) {
    for (Eigen::Index b = 0; b < 3; ++b) {
      double block_max = 0, block_sse = 0;
      const Eigen::Index j1 = std::min<Eigen::Index>(32 * b + 32, 70);
      for (Eigen::Index j = 32 * b; j < j1; ++j) {
        const double d = double(ref(i, j)) - double(x(i, j));
        block_max = std::max(block_max, std::fabs(d));
        block_sse += d * d;
      }
      EXPECT_EQ(blocks.max_abs(i, b), block_max);
      EXPECT_DOUBLE_EQ(blocks.mse(i, b), block_sse / double(j1 - 32 * b));
    }
  }
  EXPECT_LE(blocks.worst_qsnr_db, blocks.mean_qsnr_db);
  const auto by_column = lowp::per_block_errors(ref, x, 4, block_axis::column);
  EXPECT_EQ(by_column.mse.rows(), 3);  // 10 rows in blocks of 4: 4, 4, 2
  EXPECT_EQ(by_column.mse.cols(), 70);
  EXPECT_TRUE(std::isinf(lowp::qsnr_db(ref, ref)));
  EXPECT_THROW((void)lowp::mse(ref, x.leftCols(3)), std::invalid_argument);
  EXPECT_THROW((void)lowp::per_block_errors(ref, x.topRows(3), 32, block_axis::row), std::invalid_argument);
}

}  // namespace
