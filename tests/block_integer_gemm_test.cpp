// The MX integer GEMM (lowp::gemm(qa, qb) with the default policy on MXFP4 / MXFP6 e2m3 / MXINT8 operands)
// bit for bit against a plain loop in the documented order, written from the definition with no lowp
// arithmetic: each element's value and E8M0 scale code come from the quantized matrix's accessors, the block
// dot product is summed exactly in binary64 (the products are dyadic numbers of a few bits), scaled with
// std::ldexp (exact in binary64), rounded once to float, and the block terms added in float in k order from
// +0. A NaN scale code makes the block's term NaN.
// Shapes are ragged (partial blocks, rows and columns that fill no register tile), the data has outliers,
// zero blocks, NaN / Inf (poisoned blocks), and rows and columns scaled by 2^-140 .. 2^120 so that block
// terms underflow to subnormals and overflow to Inf. Every compiled kernel (AVX512-VNNI, AVX2 vpmaddubsw in
// its offset and sign forms, portable) is checked, and threads{1, 2, 3, 7} give the same bits.
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

enum class data_kind { gaussian, wide_range, specials };

// Gaussian with 1 % outliers (x50); wide_range: every row scaled by 2^e_row and every column by 2^e_col
// (e in [-70, 60], products of scales reach 2^-140 .. 2^120); specials: zero blocks, NaN and +-Inf.
Eigen::MatrixXf make_data(Eigen::Index rows, Eigen::Index cols, unsigned seed, data_kind kind) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> percent(0, 99), exponent(-70, 60);
  Eigen::MatrixXf m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = normal(engine) * (percent(engine) == 0 ? 50.0f : 1.0f);
  }
  if (kind == data_kind::wide_range) {
    for (Eigen::Index i = 0; i < rows; ++i) m.row(i) *= std::ldexp(1.0f, exponent(engine));
    for (Eigen::Index j = 0; j < cols; ++j) m.col(j) *= std::ldexp(1.0f, exponent(engine));
  } else if (kind == data_kind::specials) {
    const float inf = std::numeric_limits<float>::infinity();
    for (Eigen::Index j = 0; j < cols; ++j) {
      for (Eigen::Index i = 0; i < rows; ++i) {
        const int p = percent(engine);
        if (p == 0) m(i, j) = std::numeric_limits<float>::quiet_NaN();
        if (p == 1) m(i, j) = inf;
        if (p == 2) m(i, j) = -inf;
      }
    }
    // Zero stretches: whole blocks along either axis.
    for (Eigen::Index j = 0; j < cols; j += 5) m.col(j).setZero();
    for (Eigen::Index i = 0; i < rows; i += 7) m.row(i).setZero();
  }
  return m;
}

// The definition, term by term.
template <class FA, class FB>
Eigen::MatrixXf plain_loop(const lowp::quantized_matrix<FA>& qa, const lowp::quantized_matrix<FB>& qb) {
  constexpr Eigen::Index B = FA::block_size;
  const Eigen::Index m = qa.rows(), k = qa.cols(), n = qb.cols();
  Eigen::MatrixXf c(m, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < m; ++i) {
      float s = 0.0f;
      for (Eigen::Index k0 = 0; k0 < k; k0 += B) {
        double exact = 0.0;
        for (Eigen::Index p = k0; p < std::min(k, k0 + B); ++p)
          exact += double(qa.element(i, p)) * double(qb.element(p, j));
        const unsigned sa = qa.scale_code(i, k0), sb = qb.scale_code(k0, j);
        const float term = sa == 0xff || sb == 0xff
                               ? std::numeric_limits<float>::quiet_NaN()
                               : static_cast<float>(std::ldexp(exact, int(sa) - 127 + int(sb) - 127));
        s = s + term;
      }
      c(i, j) = s;
    }
  }
  return c;
}

// Same bits, NaNs compared as NaN (their payload is not part of the definition).
long count_mismatches(const Eigen::MatrixXf& got, const Eigen::MatrixXf& want, const std::string& what) {
  long failures = 0;
  for (Eigen::Index j = 0; j < want.cols(); ++j) {
    for (Eigen::Index i = 0; i < want.rows(); ++i) {
      const float g = got(i, j), w = want(i, j);
      const bool same =
          std::isnan(w) ? std::isnan(g) : std::bit_cast<std::uint32_t>(g) == std::bit_cast<std::uint32_t>(w);
      if (!same && ++failures <= 3) {
        ADD_FAILURE() << what << ": C(" << i << ", " << j << ") = " << g << " (0x" << std::hex
                      << std::bit_cast<std::uint32_t>(g) << "), expected " << w << " (0x"
                      << std::bit_cast<std::uint32_t>(w) << std::dec << ")";
      }
    }
  }
  return failures;
}

struct shape {
  Eigen::Index m, k, n;
};
constexpr shape shapes[] = {{1, 1, 1},    {33, 100, 17}, {37, 70, 13}, {64, 96, 48},
                            {5, 1000, 7}, {70, 33, 50},  {32, 32, 6},  {65, 257, 19}};

template <class FA, class FB>
void check_formats(const char* name) {
  static_assert(lowp::detail::mx_integer_gemm_applies<FA, FB>);
  unsigned seed = 1;
  for (const shape s : shapes) {
    for (const data_kind kind : {data_kind::gaussian, data_kind::wide_range, data_kind::specials}) {
      const auto qa = lowp::quantize<FA>(make_data(s.m, s.k, seed, kind), block_axis::row);
      const auto qb = lowp::quantize<FB>(make_data(s.k, s.n, seed + 1, kind), block_axis::column);
      seed += 2;
      const std::string what = std::string(name) + " " + std::to_string(s.m) + "x" + std::to_string(s.k) +
                               "x" + std::to_string(s.n) + " data " + std::to_string(int(kind));
      const Eigen::MatrixXf want = plain_loop(qa, qb);
      const Eigen::MatrixXf got = lowp::gemm(qa, qb);
      ASSERT_EQ(got.rows(), s.m);
      ASSERT_EQ(got.cols(), s.n);
      EXPECT_EQ(count_mismatches(got, want, what), 0);
      using lowp::detail::mx_kernel;
      EXPECT_EQ(count_mismatches(
                    lowp::detail::mx_integer_gemm<FA, FB, mx_kernel::portable>(qa, qb, lowp::threads{1}),
                    want, what + " portable kernel"),
                0);
#if LOWP_MX_GEMM_AVX2
      EXPECT_EQ(
          count_mismatches(lowp::detail::mx_integer_gemm<FA, FB, mx_kernel::avx2>(qa, qb, lowp::threads{1}),
                           want, what + " AVX2 kernel"),
          0);
#endif
      for (const int t : {2, 3, 7}) {
        EXPECT_EQ(count_mismatches(lowp::gemm(qa, qb, lowp::threads{t}), want,
                                   what + " threads " + std::to_string(t)),
                  0);
      }
    }
  }
}

TEST(MxIntegerGemm, Mxfp4EqualsThePlainLoop) {
  check_formats<lowp::mxfp4, lowp::mxfp4>("mxfp4");
}
TEST(MxIntegerGemm, Mxint8EqualsThePlainLoop) {
  check_formats<lowp::mxint8, lowp::mxint8>("mxint8");
}
TEST(MxIntegerGemm, MixedFormatsEqualThePlainLoop) {
  check_formats<lowp::mxfp4, lowp::mxint8>("mxfp4 x mxint8");
  check_formats<lowp::mxfp6_e2m3, lowp::mxfp4>("mxfp6_e2m3 x mxfp4");
  check_formats<lowp::with_scale_rule<lowp::mxfp4, lowp::scale_rule::ceil>, lowp::mxint8>(
      "mxfp4 ceil x mxint8");
}

// The data kinds do reach what they are for: subnormal and infinite block terms, NaN blocks, +0 results.
TEST(MxIntegerGemm, DataCoversSubnormalInfiniteAndNaNTerms) {
  const auto qa = lowp::quantize<lowp::mxint8>(make_data(65, 257, 5, data_kind::wide_range), block_axis::row);
  const auto qb =
      lowp::quantize<lowp::mxint8>(make_data(257, 19, 6, data_kind::wide_range), block_axis::column);
  const Eigen::MatrixXf c = lowp::gemm(qa, qb);
  long subnormal = 0, infinite = 0;
  for (const float x : c.reshaped()) {
    subnormal += std::fpclassify(x) == FP_SUBNORMAL;
    infinite += std::isinf(x);
  }
  EXPECT_GT(subnormal, 0);
  EXPECT_GT(infinite, 0);
  const auto qs = lowp::quantize<lowp::mxfp4>(make_data(37, 70, 7, data_kind::specials), block_axis::row);
  const auto qt = lowp::quantize<lowp::mxfp4>(make_data(70, 13, 8, data_kind::specials), block_axis::column);
  const Eigen::MatrixXf d = lowp::gemm(qs, qt);
  EXPECT_TRUE(d.array().isNaN().any());
  EXPECT_EQ(std::bit_cast<std::uint32_t>(d(0, 0)), 0u);  // row 0 of A is zero: +0
}

// A block's sum enters the fp32 total once: 2^24 + (1 + 1) is 2^24 + 2, where a chain of fp32 additions over
// the decoded products (the float-input lowp::gemm) gives 2^24 + 1 + 1 = 2^24 (each +1 is a tie to even).
TEST(MxIntegerGemm, BlockSumEntersTheFp32TotalOnce) {
  Eigen::MatrixXf a = Eigen::MatrixXf::Zero(1, 64), b = Eigen::MatrixXf::Zero(64, 1);
  a(0, 0) = b(0, 0) = 4096.0f;  // block 0: 2^12 * 2^12
  a(0, 32) = b(32, 0) = 1.0f;   // block 1: 1 * 1 + 1 * 1
  a(0, 33) = b(33, 0) = 1.0f;
  const auto qa = lowp::quantize<lowp::mxint8>(a, block_axis::row);
  const auto qb = lowp::quantize<lowp::mxint8>(b, block_axis::column);
  EXPECT_EQ(lowp::gemm(qa, qb)(0, 0), 16777218.0f);
  EXPECT_EQ(lowp::gemm(qa.dequantize(), qb.dequantize())(0, 0), 16777216.0f);
}

TEST(MxIntegerGemm, EmptyShapes) {
  const auto a = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf::Zero(3, 0), block_axis::row);
  const auto b = lowp::quantize<lowp::mxint8>(Eigen::MatrixXf::Zero(0, 4), block_axis::column);
  const Eigen::MatrixXf c = lowp::gemm(a, b, lowp::threads{2});
  ASSERT_EQ(c.rows(), 3);
  ASSERT_EQ(c.cols(), 4);
  for (const float x : c.reshaped()) EXPECT_EQ(std::bit_cast<std::uint32_t>(x), 0u);  // +0
  const auto none = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf::Zero(0, 40), block_axis::row);
  const auto some = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf::Ones(40, 5), block_axis::column);
  EXPECT_EQ(lowp::gemm(none, some).rows(), 0);
  EXPECT_EQ(lowp::gemm(none, some).cols(), 5);
}

TEST(MxIntegerGemm, BadThreadCountThrows) {
  const auto qa = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf::Ones(4, 32), block_axis::row);
  const auto qb = lowp::quantize<lowp::mxfp4>(Eigen::MatrixXf::Ones(32, 4), block_axis::column);
  EXPECT_THROW((void)lowp::gemm(qa, qb, lowp::threads{0}), std::invalid_argument);
}

}  // namespace
