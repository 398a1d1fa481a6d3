// The public API contract of ../shared/DESIGN.md, name by name: every spelling there must compile, through
// the contract headers, with the meaning given there. Outside checks compile against these names, so a
// rename fails here first. Values are checked where DESIGN.md states them.
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include <lowp/lowp.hpp>
#include <lowp/testing.hpp>

namespace {

TEST(Contract, RoundingAndOverflowPolicies) {
  namespace r = lowp::rounding;
  static_assert(std::is_empty_v<r::nearest_even> && std::is_empty_v<r::nearest_away> &&
                std::is_empty_v<r::toward_zero> && std::is_empty_v<r::upward> &&
                std::is_empty_v<r::downward> && std::is_empty_v<r::to_odd> &&
                std::is_empty_v<r::stochastic<>> && std::is_empty_v<r::stochastic<8>> &&
                std::is_empty_v<r::stochastic_equal>);
  static_assert(std::is_empty_v<lowp::overflow::saturate> && std::is_empty_v<lowp::overflow::ieee>);
  lowp::seed_stochastic_rounding(std::uint64_t{1});
  // DESIGN.md: e4m3fn toward_zero(1000) = 448, upward(1000) = NaN; 464 -> 448 and 465 -> NaN.
  EXPECT_EQ(static_cast<float>(lowp::with_rounding<lowp::float8_e4m3fn, r::toward_zero>(1000.0f)), 448.0f);
  EXPECT_TRUE(isnan(lowp::with_rounding<lowp::float8_e4m3fn, r::upward>(1000.0f)));
  EXPECT_EQ(static_cast<float>(lowp::float8_e4m3fn(464.0f)), 448.0f);
  EXPECT_TRUE(isnan(lowp::float8_e4m3fn(465.0f)));
  EXPECT_EQ(static_cast<float>(lowp::with_overflow<lowp::float8_e4m3fn, lowp::overflow::saturate>(1e6f)),
            448.0f);
}

TEST(Contract, Minifloats) {
  using lowp::encoding;
  using F = lowp::float_format<4, 3, encoding::fn>;
  static_assert(std::is_same_v<lowp::minifloat<F>, lowp::float8_e4m3fn>);
  static_assert(std::is_same_v<lowp::minifloat<F, lowp::rounding::nearest_even, lowp::overflow::ieee>,
                               lowp::float8_e4m3fn>);
  static_assert(F::bits == 8 && F::has_inf == false && F::has_nan == true);
  static_assert(F::max() == 448.0 && F::min_normal() == 0.015625 && F::min_subnormal() == 0.001953125);
  static_assert(std::is_trivially_copyable_v<lowp::float8_e4m3fn> && sizeof(lowp::float8_e4m3fn) == 1);
  static_assert(sizeof(lowp::float16) == 2 && sizeof(lowp::tfloat32) == 4);
  [[maybe_unused]] encoding all[] = {encoding::ieee, encoding::fn, encoding::fnuz, encoding::finite,
                                     encoding::unsigned_exponent};
  // Every named alias exists.
  [[maybe_unused]] lowp::float8_e5m2 a1;
  [[maybe_unused]] lowp::float8_e4m3fnuz a2;
  [[maybe_unused]] lowp::float8_e5m2fnuz a3;
  [[maybe_unused]] lowp::float8_e4m3b11fnuz a4;
  [[maybe_unused]] lowp::float8_e4m3 a5;
  [[maybe_unused]] lowp::float8_e3m4 a6;
  [[maybe_unused]] lowp::float6_e2m3fn a7;
  [[maybe_unused]] lowp::float6_e3m2fn a8;
  [[maybe_unused]] lowp::float4_e2m1fn a9;
  [[maybe_unused]] lowp::float8_e8m0fnu a10;
  [[maybe_unused]] lowp::bfloat16 a11;

  lowp::float16 x(1.5f), y(2.0), z = 3;
  x = x + y * z - y / z;
  x += y;
  x = -x;
  EXPECT_EQ(lowp::float16::from_bits(x.bits()).bits(), x.bits());
  EXPECT_FALSE(isnan(x) || isinf(x) || !isfinite(x));
  EXPECT_TRUE(signbit(x));
  EXPECT_EQ(static_cast<double>(abs(x)), -static_cast<double>(x));
  (void)sqrt(y);
  (void)fma(x, y, z);
  EXPECT_TRUE(std::numeric_limits<lowp::float16>::is_specialized);
  (void)std::hash<lowp::float16>{}(x);
  static_assert(std::is_same_v<decltype(x + 1.0f), float> && std::is_same_v<decltype(x * 1.0), double>);

  std::vector<float> in{0.1f, 0.2f}, out(2);
  std::vector<lowp::bfloat16> codes(2);
  const float chopped = lowp::round_to<lowp::float16>(0.1f);
  const double chopped_double = lowp::round_to<lowp::float16>(0.1);
  EXPECT_EQ(chopped, static_cast<float>(lowp::float16(0.1f)));
  EXPECT_EQ(chopped_double, static_cast<double>(lowp::float16(0.1)));
  lowp::round_to<lowp::bfloat16>(std::span<const float>(in), std::span<float>(out));
  lowp::convert(std::span<const float>(in), std::span<lowp::bfloat16>(codes));
  lowp::convert(std::span<const lowp::bfloat16>(codes), std::span<float>(out));
  EXPECT_EQ(out[0], static_cast<float>(lowp::bfloat16(0.1f)));
}

TEST(Contract, NarrowIntegers) {
  static_assert(std::is_same_v<lowp::int4, lowp::intn<4>> &&
                std::is_same_v<lowp::uint4, lowp::intn<4, false>>);
  static_assert(std::is_same_v<lowp::int8, lowp::intn<8, true, lowp::rounding::nearest_even>>);
  [[maybe_unused]] lowp::int2 a;
  [[maybe_unused]] lowp::uint8 b;
  EXPECT_EQ(static_cast<int>(lowp::int4(100.0f)), 7);  // saturates
  EXPECT_EQ(static_cast<int>(lowp::int8(2.5f)), 2);    // ties to even
}

TEST(Contract, PositsAndQuire) {
  static_assert(std::is_same_v<lowp::posit8, lowp::posit<8, 2>> &&
                std::is_same_v<lowp::posit16, lowp::posit<16, 2>> &&
                std::is_same_v<lowp::posit32, lowp::posit<32, 2>>);
  lowp::posit16 x(0.5), y = 3;
  x = sqrt(abs(x * y + y / x - y));
  (void)fma(x, y, y);
  EXPECT_EQ(lowp::posit16::from_bits(x.bits()).bits(), x.bits());
  lowp::quire<16, 2> q;
  q.fma(x, y);
  q += x;
  const lowp::posit16 r = q.to_posit();
  std::vector<lowp::posit16> a{x, y}, b{y, x};
  const lowp::posit16 d = lowp::fdot(std::span<const lowp::posit16>(a), std::span<const lowp::posit16>(b));
  EXPECT_EQ(static_cast<double>(d), static_cast<double>(x) * 3 * 2);
  (void)r;
  // NaN converts to NaR; no overflow to NaR, no underflow to zero.
  EXPECT_TRUE(isnan(lowp::posit16(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(lowp::posit8(1e30), std::numeric_limits<lowp::posit8>::max());
  EXPECT_EQ(lowp::posit8(1e-30), std::numeric_limits<lowp::posit8>::min());
}

TEST(Contract, EigenPrintingTesting) {
  Eigen::Matrix<lowp::float16, Eigen::Dynamic, Eigen::Dynamic> A(2, 2);
  A << lowp::float16(2.0f), lowp::float16(1.0f), lowp::float16(1.0f), lowp::float16(3.0f);
  Eigen::Matrix<lowp::float16, Eigen::Dynamic, 1> b(2);
  b << lowp::float16(1.0f), lowp::float16(2.0f);
  const Eigen::Matrix<lowp::float16, Eigen::Dynamic, 1> solution = A.partialPivLu().solve(b);
  (void)A.householderQr();
  (void)(A * A).norm();
  const Eigen::MatrixXf rounded = A.cast<float>().unaryExpr(lowp::rounder<lowp::bfloat16>{});
  EXPECT_EQ(rounded(0, 0), 2.0f);
  EXPECT_EQ(fmt::format("{} {:x} {:b}", lowp::float8_e4m3fn(1.5f), lowp::float8_e4m3fn(1.5f),
                        lowp::float8_e4m3fn(1.5f)),
            "1.5 0x3c 0|0111|100");
  EXPECT_EQ(lowp::ulp_distance<lowp::float16>(1.0f, 1.0f + 1.0f / 1024), 1);
  EXPECT_GT(lowp::qsnr_db(Eigen::VectorXf::Ones(3), Eigen::VectorXf::Ones(3) * 1.01f), 39.0);
  EXPECT_THAT(lowp::float16(1.0f), lowp::testing::BitExact(lowp::float16(1.0f)));
  EXPECT_THAT(lowp::float16(1.0f), (lowp::testing::WithinUlps<lowp::float16>(lowp::float16(1.0f), 1)));
  (void)solution;
}

TEST(Contract, BlockFormats) {
  namespace sr = lowp::scale_rule;
  [[maybe_unused]] sr::floor* f1 = nullptr;
  [[maybe_unused]] sr::ceil* f2 = nullptr;
  [[maybe_unused]] sr::rceil* f3 = nullptr;
  [[maybe_unused]] sr::even* f4 = nullptr;
  [[maybe_unused]] sr::amax_over_max* f5 = nullptr;
  static_assert(std::is_same_v<lowp::mxfp4,
                               lowp::block_format<lowp::float4_e2m1fn, lowp::float8_e8m0fnu, 32, sr::floor>>);
  [[maybe_unused]] lowp::with_scale_rule<lowp::mxfp4, sr::ceil>* rule = nullptr;
  Eigen::MatrixXf X = Eigen::MatrixXf::Random(8, 64);
  auto q1 = lowp::quantize<lowp::mxfp8_e4m3>(X, lowp::block_axis::row);
  auto q2 = lowp::quantize<lowp::mxfp8_e5m2>(X, lowp::block_axis::row);
  auto q3 = lowp::quantize<lowp::mxfp6_e3m2>(X, lowp::block_axis::row);
  auto q4 = lowp::quantize<lowp::mxfp6_e2m3>(X, lowp::block_axis::row);
  auto q5 = lowp::quantize<lowp::mxint8>(X, lowp::block_axis::row);
  auto q6 = lowp::quantize<lowp::nvfp4, lowp::rounding::stochastic<>>(X, lowp::block_axis::row);
  auto q7 = lowp::quantize<lowp::nvfp4_2d>(X, lowp::block_axis::column);
  auto q8 = lowp::quantize<lowp::int_group<4, 32>>(X, lowp::block_axis::row);
  auto q9 = lowp::quantize<lowp::int_group<8, 64, lowp::bfloat16>>(X, lowp::block_axis::row);
  lowp::quantized_matrix<lowp::mxfp4> q = lowp::quantize<lowp::mxfp4>(X, lowp::block_axis::row);
  EXPECT_EQ(q.rows(), 8);
  EXPECT_EQ(q.cols(), 64);
  EXPECT_EQ(q.bytes(), std::size_t{8 * 64 / 2 + 8 * 2});  // 4-bit codes, one E8M0 byte per 32 elements
  (void)q.code(0, 0);
  (void)q.block_scale(0, 0);
  EXPECT_EQ(q.tensor_scale(), 1.0f);
  const Eigen::MatrixXf Y = q.dequantize();
  const Eigen::MatrixXf Z = lowp::fake_quantize<lowp::mxfp4>(X, lowp::block_axis::row);
  EXPECT_EQ(Y, Z);
  const Eigen::MatrixXf H = lowp::hadamard_transform(X, 32, std::uint64_t{7});
  EXPECT_NEAR(H.norm(), X.norm(), 1e-4);
  // Quantized matrices in Eigen expressions: values(), qw * X, X * qb, qa * qb, +=, -=, gemm(qw, X, policy).
  const auto V = q.values();
  EXPECT_EQ(Eigen::MatrixXf(V), Y);
  EXPECT_NEAR((q.values() - X).squaredNorm(), (Y - X).squaredNorm(), 1e-4 * (Y - X).squaredNorm());
  const Eigen::MatrixXf W = Eigen::MatrixXf::Random(64, 3);
  Eigen::MatrixXf P = q * W;
  EXPECT_EQ(P, lowp::gemm(q.dequantize(), W));
  P.noalias() += q * W;
  P -= q * W;
  const Eigen::MatrixXf XT = X.transpose();
  const Eigen::MatrixXf R = W.transpose() * lowp::quantize<lowp::mxfp4>(XT, lowp::block_axis::column);
  const Eigen::MatrixXf S = q * lowp::quantize<lowp::mxfp4>(XT, lowp::block_axis::column);
  const Eigen::MatrixXf T = lowp::gemm(q, W, lowp::accumulate<lowp::bfloat16>{});
  EXPECT_EQ(R.rows() + S.rows() + T.rows(), 3 + 8 + 8);
  for (Eigen::Index rows :
       {q1.rows(), q2.rows(), q3.rows(), q4.rows(), q5.rows(), q6.rows(), q7.rows(), q8.rows(), q9.rows()}) {
    EXPECT_EQ(rows, 8);
  }
}

TEST(Contract, GemmAccumulationLmul) {
  Eigen::MatrixXf A = Eigen::MatrixXf::Random(8, 64), B = Eigen::MatrixXf::Random(64, 4);
  auto qa = lowp::quantize<lowp::mxfp4>(A, lowp::block_axis::row);
  auto qb = lowp::quantize<lowp::mxfp4>(B, lowp::block_axis::column);
  const Eigen::MatrixXf C1 = lowp::gemm(qa, qb);
  const Eigen::MatrixXf C2 = lowp::gemm(qa, qb, lowp::accumulate<lowp::bfloat16>{});
  const Eigen::MatrixXf C3 = lowp::gemm(A, B, lowp::accumulate_chunked<lowp::float16, 128>{});
  const Eigen::MatrixXf C4 = lowp::gemm(A, B, lowp::accumulate_exact{});
  const Eigen::MatrixXf C5 = lowp::gemm(A, B, lowp::accumulate<float>{});
  EXPECT_EQ(C1.rows(), 8);
  EXPECT_EQ(C2.cols(), 4);
  EXPECT_LT((C3 - C4).norm(), 0.1f * C4.norm());
  EXPECT_LT((C5 - C4).norm(), 1e-4f * C4.norm());
  // L-Mul, bit-level form: 1.5 * 1.5 with M = 3 (l = 3): the fraction fields add to .5 + .5 + .125 = 1.125,
  // which carries into the exponent: 2^1 * (1 + .125) = 2.25. Without carry: 1.25 * 1.25 -> 1 + .25 + .25 +
  // .125.
  EXPECT_EQ(lowp::lmul<3>(1.5f, 1.5f), 2.25f);
  EXPECT_EQ(lowp::lmul<3>(1.25f, 1.25f), 1.625f);
  const Eigen::MatrixXf L = lowp::lmul_gemm<3>(A, B);
  EXPECT_EQ(L.rows(), 8);
  EXPECT_THROW((void)lowp::gemm(A, A, lowp::accumulate<float>{}), std::invalid_argument);
}

TEST(Contract, MatrixUnits) {
  namespace mma = lowp::mma;
  // Every architecture tag and the unit members DESIGN.md names.
  using V = mma::unit<mma::volta, lowp::float16, lowp::float16, float>;
  using T = mma::unit<mma::turing, lowp::float16, lowp::float16, lowp::float16>;
  using A = mma::unit<mma::ampere, lowp::tfloat32, lowp::tfloat32, float>;
  using Ad = mma::unit<mma::ada, lowp::float8_e4m3fn, lowp::float8_e5m2, float>;
  using H = mma::unit<mma::hopper, lowp::float8_e4m3fn, lowp::float8_e4m3fn, float>;
  using B = mma::unit<mma::blackwell, lowp::float6_e3m2fn, lowp::float4_e2m1fn, float>;
  using Bs = mma::unit<mma::blackwell_mma_sync, lowp::float8_e5m2, lowp::float8_e5m2, float>;
  using R = mma::unit<mma::rtx_blackwell, lowp::bfloat16, lowp::bfloat16, float>;
  using C1 = mma::unit<mma::cdna1, lowp::bfloat16, lowp::bfloat16, float>;
  using C2 = mma::unit<mma::cdna2, double, double, double>;
  using C3 = mma::unit<mma::cdna3, lowp::float8_e4m3fnuz, lowp::float8_e5m2fnuz, float>;
  static_assert(V::fused_width == 4 && V::fraction_bits == 23);
  static_assert(T::fused_width == 8 && A::fused_width == 4 && Ad::fused_width == 16);
  static_assert(H::fused_width == 32 && H::fraction_bits == 13 && B::fraction_bits == 25);
  static_assert(std::is_same_v<H::a_type, lowp::float8_e4m3fn> &&
                std::is_same_v<H::b_type, lowp::float8_e4m3fn> && std::is_same_v<H::d_type, float>);
  static_assert(Bs::fused_width == 32 && R::fused_width == 16 && C1::fused_width == 2 &&
                C3::fused_width == 16);
  static_assert(std::is_same_v<C2::d_type, double>);
  // MMA.md vector 14: Hopper sums 32 FP8 products with 13 fraction bits below the largest.
  std::vector<lowp::float8_e4m3fn> a(32, lowp::float8_e4m3fn::from_bits(0x04)), b = a;
  for (int k = 16; k < 32; ++k) a[k] = b[k] = lowp::float8_e4m3fn(0.0f);
  a[16] = b[16] = lowp::float8_e4m3fn(1.0f);
  EXPECT_EQ(
      mma::dot<H>(std::span<const lowp::float8_e4m3fn>(a), std::span<const lowp::float8_e4m3fn>(b), 0.0f),
      1.0f);
  EXPECT_EQ(mma::dot<Ad>(std::span<const lowp::float8_e4m3fn>(a),
                         std::span<const lowp::float8_e5m2>(std::vector<lowp::float8_e5m2>(32)), 2.0f),
            2.0f);
  // gemm on Eigen matrices and on quantized matrices, promote_every.
  Eigen::Matrix<lowp::float8_e4m3fn, -1, -1> a8(2, 32), b8(32, 3);
  for (int k = 0; k < 32; ++k) {
    a8(0, k) = a8(1, k) = a[k];
    b8(k, 0) = b8(k, 1) = b8(k, 2) = b[k];
  }
  const Eigen::MatrixXf c = Eigen::MatrixXf::Zero(2, 3);
  EXPECT_EQ(mma::gemm<H>(a8, b8, c)(1, 2), 1.0f);
  EXPECT_EQ(mma::gemm<H>(a8, b8, c, mma::promote_every{16})(1, 2), 1.0f + 0x1p-10f);  // 16 * 2^-14 kept
  Eigen::MatrixXf X = Eigen::MatrixXf::Random(4, 64), Y = Eigen::MatrixXf::Random(64, 5);
  using M = mma::unit<mma::blackwell, lowp::mxfp4, lowp::mxfp4, float>;
  using N = mma::unit<mma::blackwell, lowp::nvfp4, lowp::nvfp4, float>;
  using X8 = mma::unit<mma::blackwell, lowp::mxfp8_e4m3, lowp::mxfp6_e2m3, float>;
  const Eigen::MatrixXf Z = Eigen::MatrixXf::Zero(4, 5);
  EXPECT_EQ(mma::gemm<M>(lowp::quantize<lowp::mxfp4>(X, lowp::block_axis::row),
                         lowp::quantize<lowp::mxfp4>(Y, lowp::block_axis::column), Z)
                .rows(),
            4);
  EXPECT_EQ(mma::gemm<N>(lowp::quantize<lowp::nvfp4>(X, lowp::block_axis::row),
                         lowp::quantize<lowp::nvfp4>(Y, lowp::block_axis::column), Z)
                .cols(),
            5);
  EXPECT_EQ(mma::gemm<X8>(lowp::quantize<lowp::mxfp8_e4m3>(X, lowp::block_axis::row),
                          lowp::quantize<lowp::mxfp6_e2m3>(Y, lowp::block_axis::column), Z)
                .size(),
            20);
  EXPECT_THROW((void)mma::gemm<H>(a8, a8, c), std::invalid_argument);
}

}  // namespace
