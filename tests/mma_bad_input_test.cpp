// Bad input to lowp::mma: shape mismatches throw std::invalid_argument naming both sizes; NaN, Inf and
// overflow give what MMA.md says. Every expected bit pattern here is derived by hand from MMA.md's text (the
// section is named at each check), not from the library.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <lowp/block/quantize.hpp>
#include <lowp/mma.hpp>

namespace {

namespace mma = lowp::mma;
using lowp::bfloat16;
using lowp::float16;
using e4m3 = lowp::float8_e4m3fn;
using testing::AllOf;
using testing::HasSubstr;

template <class T>
std::vector<T> codes(std::initializer_list<unsigned> bits) {
  std::vector<T> out;
  for (unsigned b : bits) out.push_back(T::from_bits(typename T::storage_type(b)));
  return out;
}
std::uint32_t bits_of(float x) {
  return std::bit_cast<std::uint32_t>(x);
}
float from_bits(std::uint32_t b) {
  return std::bit_cast<float>(b);
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument thrown)";
}

using hopper_f16 = mma::unit<mma::hopper, float16, float16, float>;
using hopper_f16_f16 = mma::unit<mma::hopper, float16, float16, float16>;

TEST(MmaBadInput, DotLengthMismatchNamesBothLengths) {
  const auto a = codes<float16>({0x3c00, 0x3c00, 0x3c00});
  const auto b = codes<float16>({0x3c00, 0x3c00, 0x3c00, 0x3c00, 0x3c00});
  const std::string m = message_of([&] { (void)mma::dot<hopper_f16>(std::span(a), std::span(b), 0.0f); });
  EXPECT_THAT(m, AllOf(HasSubstr("3"), HasSubstr("5")));
  const std::string p = message_of(
      [&] { (void)mma::dot<hopper_f16>(std::span(a), std::span(b), 0.0f, mma::promote_every{128}); });
  EXPECT_THAT(p, AllOf(HasSubstr("3"), HasSubstr("5")));
  // The AMD FMA chain and the tree paths check too.
  const std::vector<float> x(2, 1.0f), y(7, 1.0f);
  const std::string f = message_of(
      [&] { (void)mma::dot<mma::unit<mma::cdna3, float, float, float>>(std::span(x), std::span(y), 0.0f); });
  EXPECT_THAT(f, AllOf(HasSubstr("2"), HasSubstr("7")));
}

TEST(MmaBadInput, PromoteEveryNeedsAPositiveChunk) {
  const auto a = codes<float16>({0x3c00});
  EXPECT_THROW((void)mma::dot<hopper_f16>(std::span(a), std::span(a), 0.0f, mma::promote_every{0}),
               std::invalid_argument);
  EXPECT_THROW((void)mma::dot<hopper_f16>(std::span(a), std::span(a), 0.0f, mma::promote_every{-4}),
               std::invalid_argument);
}

TEST(MmaBadInput, BlockScaleCountMismatchNamesBothCounts) {
  using U = mma::unit<mma::blackwell, lowp::mxfp8_e4m3, lowp::mxfp8_e4m3, float>;
  const std::vector<e4m3> a(40, e4m3::from_bits(0x38)), b(40, e4m3::from_bits(0x38));
  const std::vector<lowp::float8_e8m0fnu> one(1, lowp::float8_e8m0fnu::from_bits(127)),
      two(2, lowp::float8_e8m0fnu::from_bits(127)), three(3, lowp::float8_e8m0fnu::from_bits(127));
  // K = 40 needs ceil(40 / 32) = 2 scales on each side.
  EXPECT_THAT(
      message_of([&] { (void)mma::dot<U>(std::span(a), std::span(one), std::span(b), std::span(two), 0.f); }),
      AllOf(HasSubstr("1"), HasSubstr("2")));
  EXPECT_THAT(message_of([&] {
                (void)mma::dot<U>(std::span(a), std::span(two), std::span(b), std::span(three), 0.f);
              }),
              AllOf(HasSubstr("3"), HasSubstr("2")));
  const std::vector<e4m3> shorter(39, e4m3::from_bits(0x38));
  EXPECT_THAT(message_of([&] {
                (void)mma::dot<U>(std::span(a), std::span(two), std::span(shorter), std::span(two), 0.f);
              }),
              AllOf(HasSubstr("40"), HasSubstr("39")));
}

// MMA.md §2 step 1: NaN operands, Inf x 0, and +Inf with -Inf give NVIDIA's NaN 0x7FFFFFFF (f32) / 0x7FFF
// (f16).
TEST(MmaBadInput, NvidiaNanIsCanonical) {
  const auto one = codes<float16>({0x3c00, 0x3c00});
  const auto with_nan = codes<float16>({0x7e01, 0x3c00});  // a NaN with a payload
  const auto inf_and_zero = codes<float16>({0x7c00, 0x0000});
  const auto zero_first = codes<float16>({0x0000, 0x3c00});
  const auto plus_minus_inf = codes<float16>({0x7c00, 0xfc00});
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(with_nan), std::span(one), 0.0f)), 0x7FFFFFFFu);
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(inf_and_zero), std::span(zero_first), 0.0f)), 0x7FFFFFFFu);
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(plus_minus_inf), std::span(one), 0.0f)), 0x7FFFFFFFu);
  // c NaN (any payload, either sign) -> the canonical NaN.
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(one), std::span(one), from_bits(0xFFC00123u))),
            0x7FFFFFFFu);
  // +Inf product with c = -Inf -> NaN.
  const auto inf_one = codes<float16>({0x7c00, 0x3c00});
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(inf_one), std::span(one), -HUGE_VALF)), 0x7FFFFFFFu);
  // f16 output: 0x7FFF.
  EXPECT_EQ(mma::dot<hopper_f16_f16>(std::span(with_nan), std::span(one), float16::from_bits(0)).bits(),
            0x7FFFu);
  EXPECT_EQ(mma::dot<hopper_f16_f16>(std::span(one), std::span(one), float16::from_bits(0xfe00)).bits(),
            0x7FFFu);
  // e4m3's NaN is S.1111.111 (no Inf): 0xFF is a NaN operand.
  using ada = mma::unit<mma::ada, e4m3, e4m3, float>;
  const auto nan8 = codes<e4m3>({0xff}), one8 = codes<e4m3>({0x38});
  EXPECT_EQ(bits_of(mma::dot<ada>(std::span(nan8), std::span(one8), 0.0f)), 0x7FFFFFFFu);
  // A NaN in an early step stays NaN through the chain (it is the next step's c).
  std::vector<float16> longer(40, float16::from_bits(0x3c00));
  longer[0] = float16::from_bits(0x7d00);
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(longer), std::span(longer), 0.0f)), 0x7FFFFFFFu);
}

// §2 step 1: other Inf -> Inf of its sign.
TEST(MmaBadInput, InfinityKeepsItsSign) {
  const auto a = codes<float16>({0xfc00, 0x3c00});  // -Inf, 1
  const auto b = codes<float16>({0x3c00, 0x3c00});
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(a), std::span(b), 5.0f)), 0xFF800000u);
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(b), std::span(b), HUGE_VALF)), 0x7F800000u);
  EXPECT_EQ(mma::dot<hopper_f16_f16>(std::span(a), std::span(b), float16::from_bits(0x3c00)).bits(), 0xFC00u);
}

// §2 step 6: a zero result is always +0 (exact cancellation; c = -0 with zero products; a negative value that
// rounds to 0 under RZ).
TEST(MmaBadInput, ZeroResultsArePositive) {
  const auto a = codes<float16>({0xbc00, 0x3c00});  // -1, 1
  const auto b = codes<float16>({0x3c00, 0x3c00});
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(a), std::span(b), -0.0f)), 0u);
  const auto zeros = codes<float16>({0x8000, 0x8000});
  EXPECT_EQ(bits_of(mma::dot<hopper_f16>(std::span(zeros), std::span(b), -0.0f)), 0u);
  EXPECT_EQ(mma::dot<hopper_f16_f16>(std::span(zeros), std::span(b), float16::from_bits(0x8000)).bits(), 0u);
  // -2^-150 (bf16 -2^-75 * 2^-75) with c = 0: RZ to fp32 gives 0, and it is +0.
  using hopper_bf16 = mma::unit<mma::hopper, bfloat16, bfloat16, float>;
  const auto tiny = codes<bfloat16>({0x9a00}), tiny_positive = codes<bfloat16>({0x1a00});
  EXPECT_EQ(bits_of(mma::dot<hopper_bf16>(std::span(tiny), std::span(tiny_positive), 0.0f)), 0u);
}

// §2 step 6: RZ overflow gives Inf only at |V| >= 2^128; below that RZ keeps FLT_MAX.
TEST(MmaBadInput, TowardZeroOverflowIsInfinity) {
  using hopper_bf16 = mma::unit<mma::hopper, bfloat16, bfloat16, float>;
  const auto big = codes<bfloat16>({0x7f7f});  // (2 - 2^-7) * 2^127
  const auto two = codes<bfloat16>({0x4000}), minus_two = codes<bfloat16>({0xc000});
  EXPECT_EQ(bits_of(mma::dot<hopper_bf16>(std::span(big), std::span(two), 0.0f)), 0x7F800000u);
  EXPECT_EQ(bits_of(mma::dot<hopper_bf16>(std::span(big), std::span(minus_two), 0.0f)), 0xFF800000u);
  // FLT_MAX + 2^103 (half an ulp of FLT_MAX) < 2^128: RZ -> FLT_MAX, not Inf.
  const auto half_ulp = codes<bfloat16>({0x7300}), one = codes<bfloat16>({0x3f80});  // 2^103, 1
  EXPECT_EQ(bits_of(mma::dot<hopper_bf16>(std::span(half_ulp), std::span(one), from_bits(0x7F7FFFFFu))),
            0x7F7FFFFFu);
  // e8m13 output (Hopper FP8): 2^128 overflows to Inf; a sum just below keeps e8m13's largest value.
  using hopper_e4m3 = mma::unit<mma::hopper, e4m3, e4m3, float>;
  const auto x = codes<e4m3>({0x38});  // 1
  EXPECT_EQ(bits_of(mma::dot<hopper_e4m3>(std::span(x), std::span(x), from_bits(0x7F7FFFFFu))), 0x7F7FFC00u);
  EXPECT_EQ(bits_of(mma::dot<hopper_e4m3>(std::span(x), std::span(x), HUGE_VALF)), 0x7F800000u);
}

// f16 output: RNE overflow at 65520 (§2 step 6).
TEST(MmaBadInput, Float16OutputOverflowsAt65520) {
  const auto a = codes<float16>({0x7bff, 0x4c00});  // 65504, 16
  const auto b = codes<float16>({0x3c00, 0x3c00});
  EXPECT_EQ(mma::dot<hopper_f16_f16>(std::span(a), std::span(b), float16::from_bits(0)).bits(), 0x7C00u);
  const auto c = codes<float16>({0x7bff, 0x4bff});  // 65504 + 15.99...
  EXPECT_EQ(mma::dot<hopper_f16_f16>(std::span(c), std::span(b), float16::from_bits(0)).bits(), 0x7BFFu);
}

// §3 / §4: NaN scales give NaN; c = Inf gives Inf (FP4); a NaN scale anywhere in the instruction is NaN.
TEST(MmaBadInput, BlockScaleSpecials) {
  using mx = mma::unit<mma::blackwell, lowp::mxfp8_e4m3, lowp::mxfp8_e4m3, float>;
  using S = lowp::float8_e8m0fnu;
  const std::vector<e4m3> a(32, e4m3::from_bits(0x38));
  const std::vector<S> nan_scale{S::from_bits(0xff)}, unit_scale{S::from_bits(127)};
  EXPECT_EQ(
      bits_of(mma::dot<mx>(std::span(a), std::span(nan_scale), std::span(a), std::span(unit_scale), 0.0f)),
      0x7FFFFFFFu);
  using fp4 = mma::unit<mma::blackwell, lowp::nvfp4, lowp::nvfp4, float>;
  const std::vector<lowp::float4_e2m1fn> e(64, lowp::float4_e2m1fn::from_bits(0x2));  // 1
  std::vector<e4m3> s(4, e4m3::from_bits(0x38));
  EXPECT_EQ(bits_of(mma::dot<fp4>(std::span(e), std::span(s), std::span(e), std::span(s), -HUGE_VALF)),
            0xFF800000u);
  s[3] = e4m3::from_bits(0xff);  // NaN scale of the last group
  EXPECT_EQ(bits_of(mma::dot<fp4>(std::span(e), std::span(s), std::span(e), std::span(s), -HUGE_VALF)),
            0x7FFFFFFFu);
  s[3] = e4m3::from_bits(0x7f);  // the other NaN code (sign bit ignored)
  EXPECT_EQ(bits_of(mma::dot<fp4>(std::span(e), std::span(s), std::span(e), std::span(s), 1.0f)),
            0x7FFFFFFFu);
}

// §6 step 1: AMD's product overflow (|a*b| >= 2^128) gives Inf whatever c is; both signs give NaN. AMD NaNs
// are compared as any NaN (§7).
TEST(MmaBadInput, AmdProductOverflow) {
  using U = mma::unit<mma::cdna3, bfloat16, bfloat16, float>;
  const auto big = codes<bfloat16>({0x7f00});  // 2^127
  const auto two = codes<bfloat16>({0x4000});
  EXPECT_EQ(bits_of(mma::dot<U>(std::span(big), std::span(two), -1e38f)), 0x7F800000u);
  const auto both = codes<bfloat16>({0x7f00, 0xff00});
  const auto twos = codes<bfloat16>({0x4000, 0x4000});
  EXPECT_TRUE(std::isnan(mma::dot<U>(std::span(both), std::span(twos), 0.0f)));
  const auto nan = codes<bfloat16>({0x7fc1});
  EXPECT_TRUE(std::isnan(mma::dot<U>(std::span(nan), std::span(two), 0.0f)));
}

}  // namespace

namespace {

// §2 "tf32 operands": the low 13 bits of an fp32 pattern are ignored, so a NaN whose payload lies only there
// becomes Inf, while a NaN with a payload in the kept bits stays NaN (0x7FFFFFFF out).
TEST(MmaBadInput, Tf32TruncationTurnsLowPayloadNanIntoInfinity) {
  using U = mma::unit<mma::ampere, lowp::tfloat32, lowp::tfloat32, float>;
  const std::vector<lowp::tfloat32> low_nan{mma::truncate_to_tfloat32(from_bits(0x7F800001u))};
  const std::vector<lowp::tfloat32> high_nan{mma::truncate_to_tfloat32(from_bits(0x7FC00000u))};
  const std::vector<lowp::tfloat32> one{mma::truncate_to_tfloat32(1.0f)};
  EXPECT_EQ(bits_of(mma::dot<U>(std::span(low_nan), std::span(one), 0.0f)), 0x7F800000u);
  EXPECT_EQ(bits_of(mma::dot<U>(std::span(high_nan), std::span(one), 0.0f)), 0x7FFFFFFFu);
  // C is not truncated: 1 + (1 + 2^-22) = 2 + 2^-22, one ulp above 2 (a tf32-truncated C would give 2).
  EXPECT_EQ(bits_of(mma::dot<U>(std::span(one), std::span(one), from_bits(0x3F800002u))), 0x40000001u);
}

}  // namespace

namespace {

template <class T>
Eigen::Matrix<T, -1, -1> ones(Eigen::Index r, Eigen::Index c) {
  return Eigen::Matrix<T, -1, -1>::Constant(r, c, T::from_bits(0x3c00));
}

// gemm: the inner dimensions and C's shape are checked; the message names both shapes.
TEST(MmaBadInput, GemmShapeMismatchNamesBothShapes) {
  const auto a = ones<float16>(2, 3), b = ones<float16>(4, 5), b_ok = ones<float16>(3, 5);
  const Eigen::MatrixXf c(2, 5), c_bad(3, 3);
  EXPECT_THAT(message_of([&] { (void)mma::gemm<hopper_f16>(a, b, c); }),
              AllOf(HasSubstr("2x3"), HasSubstr("4x5")));
  EXPECT_THAT(message_of([&] { (void)mma::gemm<hopper_f16>(a, b_ok, c_bad); }),
              AllOf(HasSubstr("3x3"), HasSubstr("2x5")));
  EXPECT_THAT(message_of([&] { (void)mma::gemm<hopper_f16>(a, b, c, mma::promote_every{32}); }),
              AllOf(HasSubstr("2x3"), HasSubstr("4x5")));
  EXPECT_THROW((void)mma::gemm<hopper_f16>(a, b_ok, c, mma::promote_every{0}), std::invalid_argument);
}

TEST(MmaBadInput, QuantizedGemmShapesAxesAndPromotion) {
  using U = mma::unit<mma::blackwell, lowp::mxfp8_e4m3, lowp::mxfp8_e4m3, float>;
  const Eigen::MatrixXf x = Eigen::MatrixXf::Ones(2, 64), y = Eigen::MatrixXf::Ones(32, 3),
                        z = Eigen::MatrixXf::Ones(64, 3);
  const auto qa = lowp::quantize<lowp::mxfp8_e4m3>(x, lowp::block_axis::row);
  const auto qb = lowp::quantize<lowp::mxfp8_e4m3>(y, lowp::block_axis::column);
  const auto qz = lowp::quantize<lowp::mxfp8_e4m3>(z, lowp::block_axis::column);
  const auto qz_rows = lowp::quantize<lowp::mxfp8_e4m3>(z, lowp::block_axis::row);
  const Eigen::MatrixXf c = Eigen::MatrixXf::Zero(2, 3);
  EXPECT_THAT(message_of([&] { (void)mma::gemm<U>(qa, qb, c); }),
              AllOf(HasSubstr("2x64"), HasSubstr("32x3")));
  EXPECT_THROW((void)mma::gemm<U>(qa, qz_rows, c), std::invalid_argument);  // b must be blocked along K
  EXPECT_THROW((void)mma::gemm<U>(qa, qz, c, mma::promote_every{48}),
               std::invalid_argument);  // not whole steps
  EXPECT_NO_THROW((void)mma::gemm<U>(qa, qz, c, mma::promote_every{32}));
}

}  // namespace
