// Inputs that are not ordinary numbers of the format: NaN, ±Inf, huge finite values (±FLT_MAX, ±1e30,
// ±DBL_MAX) and tiny ones (±1e-30, ±FLT_TRUE_MIN, ±DBL_TRUE_MIN), ±0 and negative values, into every
// named format, under both overflow policies and every deterministic rounding mode. The expected codes are
// written out by hand for each format from the rules of API.md, so this file is readable as the
// specification of special-value handling (the README table is this file's content):
//   NaN            the canonical quiet NaN with the input's sign (fnuz: 0x80; e8m0: 0xff); formats
//                  without NaN (e2m1, e2m3, e3m2) give the zero of the opposite sign (ml_dtypes);
//                  the overflow policy does not matter.
//   ±Inf           ieee: Inf, else NaN, else ±max;  saturate: ±max.
//   |x| > max      ieee: a rounding that points away from zero (nearest modes, upward for x > 0, downward
//                  for x < 0) gives what ±Inf gives; toward zero and to_odd give ±max.  saturate: ±max.
//   0 < |x| tiny   rounds to ±0 (fnuz: +0) except the modes pointing away from zero and to_odd, which
//                  give ±(smallest subnormal).
//   e8m0           no sign and no zero: 0, -0 and negatives give NaN 0xff (ieee) / 0x00 (saturate);
//                  positive values below 2^-127 give 0x00 in every mode.
// The inputs go through the scalar constructor from float and from double, and through convert() on a
// span of 19 copies (SIMD body and tail).
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>

namespace {

namespace rnd = lowp::rounding;
namespace ovf = lowp::overflow;

template <class T, class R, class O>
using policy = lowp::with_overflow<lowp::with_rounding<T, R>, O>;

template <class R, class O>
std::string policy_name() {
  const char* r = std::is_same_v<R, rnd::nearest_even>   ? "nearest_even"
                  : std::is_same_v<R, rnd::nearest_away> ? "nearest_away"
                  : std::is_same_v<R, rnd::toward_zero>  ? "toward_zero"
                  : std::is_same_v<R, rnd::upward>       ? "upward"
                  : std::is_same_v<R, rnd::downward>     ? "downward"
                                                         : "to_odd";
  return std::string(r) + "/" + (std::is_same_v<O, ovf::saturate> ? "saturate" : "ieee");
}

// Converts x (as a float where it is one exactly, and always as a double) on the scalar and span paths.
template <class T, class R, class O>
void expect_code(double x, std::uint32_t want, const char* what) {
  using TP = policy<T, R, O>;
  const std::string context = std::string(what) + " [" + policy_name<R, O>() + "]";
  EXPECT_EQ(TP(x).bits(), want) << "from double: " << context;
  std::vector<double> wide(19, x);
  std::vector<TP> out(wide.size());
  lowp::convert(std::span<const double>(wide), std::span<TP>(out));
  for (const TP& code : out) EXPECT_EQ(code.bits(), want) << "convert(span<double>): " << context;
  const float narrow = static_cast<float>(x);
  if (std::isnan(x) || static_cast<double>(narrow) == x) {
    // NaNs keep their sign and quiet/signalling kind through the narrowing on x86-64 (quiet bit set); the
    // float NaN tests below use exact bit patterns anyway.
    EXPECT_EQ(TP(narrow).bits(), want) << "from float: " << context;
    std::vector<float> in(19, narrow);
    lowp::convert(std::span<const float>(in), std::span<TP>(out));
    for (const TP& code : out) EXPECT_EQ(code.bits(), want) << "convert(span<float>): " << context;
  }
}

// Float NaN bit patterns: quiet and signalling, both signs (double NaNs: below).
template <class T, class R, class O>
void expect_float_nan_code(std::uint32_t nan_bits, std::uint32_t want) {
  using TP = policy<T, R, O>;
  const float x = std::bit_cast<float>(nan_bits);
  EXPECT_EQ(TP(x).bits(), want) << "float NaN 0x" << std::hex << nan_bits << " [" << policy_name<R, O>()
                                << "]";
  std::vector<float> in(19, x);
  std::vector<TP> out(in.size());
  lowp::convert(std::span<const float>(in), std::span<TP>(out));
  for (const TP& code : out)
    EXPECT_EQ(code.bits(), want) << "convert(span<float>) NaN 0x" << std::hex << nan_bits;
}
template <class T, class R, class O>
void expect_double_nan_code(std::uint64_t nan_bits, std::uint32_t want) {
  using TP = policy<T, R, O>;
  const double x = std::bit_cast<double>(nan_bits);
  EXPECT_EQ(TP(x).bits(), want) << "double NaN 0x" << std::hex << nan_bits << " [" << policy_name<R, O>()
                                << "]";
  std::vector<double> in(19, x);
  std::vector<TP> out(in.size());
  lowp::convert(std::span<const double>(in), std::span<TP>(out));
  for (const TP& code : out)
    EXPECT_EQ(code.bits(), want) << "convert(span<double>) NaN 0x" << std::hex << nan_bits;
}

// Hand-written codes of one signed format.
struct signed_codes {
  std::uint32_t max_pos, max_neg;    // ±max finite
  std::uint32_t nan_pos, nan_neg;    // what +NaN / -NaN give
  std::uint32_t inf_pos, inf_neg;    // what ±Inf gives under ieee; also an overflow away from zero
  std::uint32_t zero_pos, zero_neg;  // +0 / -0, and what a tiny value rounding toward zero gives
  std::uint32_t tiny_pos, tiny_neg;  // ±smallest subnormal: a tiny value rounded away from zero
  std::uint32_t minus_one;           // -1.0
  bool e30_in_range;                 // 1e30 and 1e-30 are ordinary values of the format
};

constexpr std::uint32_t float_nans[] = {0x7fc00000u, 0x7fc00001u, 0x7fffffffu, 0x7f800001u, 0x7fa00000u};
constexpr std::uint64_t double_nans[] = {0x7ff8000000000000ull, 0x7ff8000000000001ull, 0x7ff0000000000001ull,
                                         0x7ff4000000000000ull};

template <class T, class R, class O>
void check_signed_format_one_policy(const signed_codes& c) {
  constexpr bool sat = std::is_same_v<O, ovf::saturate>;
  // Which way the mode points, for x > 0 and x < 0.
  constexpr bool nearest = std::is_same_v<R, rnd::nearest_even> || std::is_same_v<R, rnd::nearest_away>;
  constexpr bool away_pos = nearest || std::is_same_v<R, rnd::upward>;
  constexpr bool away_neg = nearest || std::is_same_v<R, rnd::downward>;
  // Tiny values: directed away from zero and to_odd give the smallest subnormal; the others give zero.
  constexpr bool tiny_up_pos = std::is_same_v<R, rnd::upward> || std::is_same_v<R, rnd::to_odd>;
  constexpr bool tiny_up_neg = std::is_same_v<R, rnd::downward> || std::is_same_v<R, rnd::to_odd>;

  // NaN: same under both overflow policies.
  for (std::uint32_t b : float_nans) {
    expect_float_nan_code<T, R, O>(b, c.nan_pos);
    expect_float_nan_code<T, R, O>(b | 0x80000000u, c.nan_neg);
  }
  for (std::uint64_t b : double_nans) {
    expect_double_nan_code<T, R, O>(b, c.nan_pos);
    expect_double_nan_code<T, R, O>(b | 0x8000000000000000ull, c.nan_neg);
  }
  // ±Inf.
  const double inf = std::numeric_limits<double>::infinity();
  expect_code<T, R, O>(inf, sat ? c.max_pos : c.inf_pos, "+Inf");
  expect_code<T, R, O>(-inf, sat ? c.max_neg : c.inf_neg, "-Inf");
  // Huge finite values.
  std::vector<double> huge = {double(FLT_MAX), DBL_MAX};
  if (!c.e30_in_range) {
    huge.push_back(1e30);
    huge.push_back(0x1p127);
  }
  for (double h : huge) {
    expect_code<T, R, O>(h, !sat && away_pos ? c.inf_pos : c.max_pos, "+huge");
    expect_code<T, R, O>(-h, !sat && away_neg ? c.inf_neg : c.max_neg, "-huge");
  }
  // Tiny values (both policies alike: no overflow is involved).
  std::vector<double> tiny = {double(FLT_TRUE_MIN), DBL_TRUE_MIN, 1e-300};
  if (!c.e30_in_range) tiny.push_back(1e-30);
  for (double t : tiny) {
    expect_code<T, R, O>(t, tiny_up_pos ? c.tiny_pos : c.zero_pos, "+tiny");
    expect_code<T, R, O>(-t, tiny_up_neg ? c.tiny_neg : c.zero_neg, "-tiny");
  }
  // Zeros and an ordinary negative value.
  expect_code<T, R, O>(0.0, c.zero_pos, "+0");
  expect_code<T, R, O>(-0.0, c.zero_neg, "-0");
  expect_code<T, R, O>(-1.0, c.minus_one, "-1");
}

template <class T>
void check_signed_format(const signed_codes& c) {
  auto per_overflow = [&]<class O>() {
    check_signed_format_one_policy<T, rnd::nearest_even, O>(c);
    check_signed_format_one_policy<T, rnd::nearest_away, O>(c);
    check_signed_format_one_policy<T, rnd::toward_zero, O>(c);
    check_signed_format_one_policy<T, rnd::upward, O>(c);
    check_signed_format_one_policy<T, rnd::downward, O>(c);
    check_signed_format_one_policy<T, rnd::to_odd, O>(c);
  };
  per_overflow.template operator()<ovf::ieee>();
  per_overflow.template operator()<ovf::saturate>();
}

// --- The signed formats, one by one ---------------------------------------------------------------------
//                                        max       NaN        Inf/overflow  ±0         ±minsub    -1

TEST(BadInput, Float8E4M3FN) {
  // No Inf: NaN (S.1111.111) stands in for it under ieee.
  check_signed_format<lowp::float8_e4m3fn>(
      {0x7e, 0xfe, 0x7f, 0xff, 0x7f, 0xff, 0x00, 0x80, 0x01, 0x81, 0xb8, false});
  using T = lowp::float8_e4m3fn;
  expect_code<T, rnd::toward_zero, ovf::ieee>(1000, 0x7e, "toward_zero(1000) = 448");
  expect_code<T, rnd::upward, ovf::ieee>(1000, 0x7f, "upward(1000) = NaN");
  expect_code<T, rnd::upward, ovf::saturate>(1000, 0x7e, "saturate upward(1000) = 448");
  expect_code<T, rnd::nearest_even, ovf::saturate>(INFINITY, 0x7e, "saturate(Inf) = 448");
  expect_code<T, rnd::nearest_even, ovf::ieee>(464, 0x7e, "464: the overflow tie goes to even 0x7e");
  expect_code<T, rnd::nearest_away, ovf::ieee>(464, 0x7f, "nearest_away(464): the tie goes away: NaN");
  expect_code<T, rnd::nearest_even, ovf::ieee>(465, 0x7f, "465 = NaN");
  expect_code<T, rnd::downward, ovf::ieee>(-1000, 0xff, "downward(-1000) = -NaN");
  expect_code<T, rnd::upward, ovf::ieee>(-1000, 0xfe, "upward(-1000) = -448");
  expect_code<T, rnd::to_odd, ovf::ieee>(1e6, 0x7e, "to_odd never overflows");
}

TEST(BadInput, Float8E5M2) {
  check_signed_format<lowp::float8_e5m2>(
      {0x7b, 0xfb, 0x7e, 0xfe, 0x7c, 0xfc, 0x00, 0x80, 0x01, 0x81, 0xbc, false});
  using T = lowp::float8_e5m2;
  expect_code<T, rnd::nearest_even, ovf::ieee>(61440, 0x7c, "61440 = max + ulp/2: tie to even 0x7c = Inf");
  expect_code<T, rnd::nearest_even, ovf::saturate>(61440, 0x7b, "saturate(61440) = max");
  expect_code<T, rnd::nearest_even, ovf::ieee>(61439.99, 0x7b, "just below the overflow tie");
  expect_code<T, rnd::downward, ovf::ieee>(1e6, 0x7b, "downward(+huge) = max");
}

TEST(BadInput, Float8E4M3FNUZ) {
  // fnuz: 0x80 is the only NaN (no sign), no -0: -tiny and -0 give 0x00.
  check_signed_format<lowp::float8_e4m3fnuz>(
      {0x7f, 0xff, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00, 0x01, 0x81, 0xc0, false});
  using T = lowp::float8_e4m3fnuz;
  expect_code<T, rnd::nearest_even, ovf::ieee>(248, 0x80, "248 = max + ulp/2: tie to even (virtual 0x80)");
  expect_code<T, rnd::nearest_even, ovf::ieee>(247.99, 0x7f, "just below the tie");
  expect_code<T, rnd::nearest_even, ovf::ieee>(-0x1p-12, 0x00, "-minsub/2 rounds to +0, not a NaN");
}

TEST(BadInput, Float8E5M2FNUZ) {
  check_signed_format<lowp::float8_e5m2fnuz>(
      {0x7f, 0xff, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00, 0x01, 0x81, 0xc0, false});
}

TEST(BadInput, Float8E4M3B11FNUZ) {
  check_signed_format<lowp::float8_e4m3b11fnuz>(
      {0x7f, 0xff, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00, 0x01, 0x81, 0xd8, false});
  using T = lowp::float8_e4m3b11fnuz;
  expect_code<T, rnd::nearest_even, ovf::ieee>(31, 0x80, "31 = max + ulp/2 overflows (NaN)");
  expect_code<T, rnd::nearest_even, ovf::saturate>(31, 0x7f, "saturate(31) = 30");
}

TEST(BadInput, Float8E4M3) {
  check_signed_format<lowp::float8_e4m3>(
      {0x77, 0xf7, 0x7c, 0xfc, 0x78, 0xf8, 0x00, 0x80, 0x01, 0x81, 0xb8, false});
  using T = lowp::float8_e4m3;
  expect_code<T, rnd::nearest_even, ovf::ieee>(248, 0x78, "248 = max + ulp/2: tie to even 0x78 = Inf");
}

TEST(BadInput, Float8E3M4) {
  check_signed_format<lowp::float8_e3m4>(
      {0x6f, 0xef, 0x78, 0xf8, 0x70, 0xf0, 0x00, 0x80, 0x01, 0x81, 0xb0, false});
  using T = lowp::float8_e3m4;
  expect_code<T, rnd::nearest_even, ovf::ieee>(15.75, 0x70, "15.75 = max + ulp/2: tie to even 0x70 = Inf");
}

TEST(BadInput, Float6E2M3FN) {
  // No NaN, no Inf: NaN gives the zero of the opposite sign, ±Inf and every overflow give ±max.
  check_signed_format<lowp::float6_e2m3fn>(
      {0x1f, 0x3f, 0x20, 0x00, 0x1f, 0x3f, 0x00, 0x20, 0x01, 0x21, 0x28, false});
}

TEST(BadInput, Float6E3M2FN) {
  check_signed_format<lowp::float6_e3m2fn>(
      {0x1f, 0x3f, 0x20, 0x00, 0x1f, 0x3f, 0x00, 0x20, 0x01, 0x21, 0x2c, false});
}

TEST(BadInput, Float4E2M1FN) {
  check_signed_format<lowp::float4_e2m1fn>({0x7, 0xf, 0x8, 0x0, 0x7, 0xf, 0x0, 0x8, 0x1, 0x9, 0xa, false});
  using T = lowp::float4_e2m1fn;
  expect_code<T, rnd::upward, ovf::ieee>(1000, 0x7, "upward(1000) = 6: no Inf or NaN to go to");
  expect_code<T, rnd::nearest_even, ovf::ieee>(5, 0x6, "5 is a tie between 4 (0x6) and 6 (0x7): even");
  expect_code<T, rnd::nearest_away, ovf::ieee>(5, 0x7, "nearest_away(5) = 6");
}

TEST(BadInput, Float16) {
  check_signed_format<lowp::float16>(
      {0x7bff, 0xfbff, 0x7e00, 0xfe00, 0x7c00, 0xfc00, 0x0000, 0x8000, 0x0001, 0x8001, 0xbc00, false});
  using T = lowp::float16;
  expect_code<T, rnd::nearest_even, ovf::ieee>(65520, 0x7c00, "65520 = max + ulp/2: tie to even = Inf");
  expect_code<T, rnd::toward_zero, ovf::ieee>(65536, 0x7bff, "toward_zero(65536) = max");
  expect_code<T, rnd::nearest_even, ovf::ieee>(double(FLT_MIN), 0x0000, "FLT_MIN is tiny for float16");
}

TEST(BadInput, BFloat16) {
  // 1e30 and 1e-30 are ordinary bfloat16 values: 0x714a and 0x0da2 (hand-computed, see below).
  check_signed_format<lowp::bfloat16>(
      {0x7f7f, 0xff7f, 0x7fc0, 0xffc0, 0x7f80, 0xff80, 0x0000, 0x8000, 0x0001, 0x8001, 0xbf80, true});
  using T = lowp::bfloat16;
  // 1e30 = 1.5777218...·2^99: exponent field 99 + 127 = 0xe2, 1.5777218·128 = 201.95 -> 202 = 0x80 + 0x4a.
  expect_code<T, rnd::nearest_even, ovf::ieee>(1e30, 0x714a, "1e30");
  expect_code<T, rnd::toward_zero, ovf::ieee>(1e30, 0x7149, "toward_zero(1e30)");
  expect_code<T, rnd::nearest_even, ovf::ieee>(-1e30, 0xf14a, "-1e30");
  // 1e-30 = 1.2676506...·2^-100: field 27 = 0x1b, 1.2676506·128 = 162.26 -> 162 = 0x80 + 0x22.
  expect_code<T, rnd::nearest_even, ovf::ieee>(1e-30, 0x0da2, "1e-30");
  expect_code<T, rnd::upward, ovf::ieee>(1e-30, 0x0da3, "upward(1e-30)");
  expect_code<T, rnd::nearest_even, ovf::ieee>(double(FLT_MIN), 0x0080, "FLT_MIN is bfloat16's min normal");
  expect_code<T, rnd::nearest_even, ovf::ieee>(0x1.ffp127, 0x7f80, "max + ulp/2: tie to even 0x7f80 = Inf");
}

TEST(BadInput, TFloat32) {
  check_signed_format<lowp::tfloat32>({0x3fbff, 0x7fbff, 0x3fe00, 0x7fe00, 0x3fc00, 0x7fc00, 0x00000, 0x40000,
                                       0x00001, 0x40001, 0x5fc00, true});
  using T = lowp::tfloat32;
  expect_code<T, rnd::nearest_even, ovf::ieee>(1e30, 0x38a50, "1e30");
  expect_code<T, rnd::toward_zero, ovf::ieee>(1e30, 0x38a4f, "toward_zero(1e30)");
  expect_code<T, rnd::nearest_even, ovf::ieee>(1e-30, 0x06d12, "1e-30");
  expect_code<T, rnd::upward, ovf::ieee>(1e-30, 0x06d13, "upward(1e-30)");
}

// --- e8m0: no sign, no zero ---------------------------------------------------------------------------

template <class R, class O>
void check_e8m0_one_policy() {
  using T = lowp::float8_e8m0fnu;
  constexpr bool sat = std::is_same_v<O, ovf::saturate>;
  constexpr bool nearest = std::is_same_v<R, rnd::nearest_even> || std::is_same_v<R, rnd::nearest_away>;
  constexpr bool away = nearest || std::is_same_v<R, rnd::upward>;  // for positive inputs
  const std::uint32_t invalid = sat ? 0x00 : 0xff;                  // 0, -0, negatives
  for (std::uint32_t b : float_nans) {
    expect_float_nan_code<T, R, O>(b, 0xff);
    expect_float_nan_code<T, R, O>(b | 0x80000000u, 0xff);
  }
  for (std::uint64_t b : double_nans) {
    expect_double_nan_code<T, R, O>(b, 0xff);
    expect_double_nan_code<T, R, O>(b | 0x8000000000000000ull, 0xff);
  }
  expect_code<T, R, O>(INFINITY, sat ? 0xfe : 0xff, "+Inf");
  expect_code<T, R, O>(-INFINITY, invalid, "-Inf (a negative value)");
  for (double h : {double(FLT_MAX), DBL_MAX, 0x1p128}) {
    expect_code<T, R, O>(h, !sat && away ? 0xff : 0xfe, "+huge");
    expect_code<T, R, O>(-h, invalid, "-huge");
  }
  // Positive values below 2^-127: the smallest code in every mode (there is no zero to go to).
  for (double t : {double(FLT_TRUE_MIN), DBL_TRUE_MIN, 1e-300, 0x1p-128, 0x1.fffffp-128}) {
    expect_code<T, R, O>(t, 0x00, "+tiny");
    expect_code<T, R, O>(-t, invalid, "-tiny");
  }
  expect_code<T, R, O>(0.0, invalid, "+0");
  expect_code<T, R, O>(-0.0, invalid, "-0");
  expect_code<T, R, O>(-1.0, invalid, "-1");
  // In range: 1e30 = 1.5777·2^99 (above the 1.5·2^99 midpoint), 1e-30 = 1.2677·2^-100 (below 1.5·2^-100).
  const bool up = std::is_same_v<R, rnd::upward>;
  const bool down = std::is_same_v<R, rnd::toward_zero> || std::is_same_v<R, rnd::downward> ||
                    std::is_same_v<R, rnd::to_odd>;  // to_odd: the significand 1 is always odd, so RZ
  expect_code<T, R, O>(1e30, down ? 0xe2 : 0xe3, "1e30");
  expect_code<T, R, O>(1e-30, up ? 0x1c : 0x1b, "1e-30");
}

TEST(BadInput, Float8E8M0FNU) {
  auto per_overflow = [&]<class O>() {
    check_e8m0_one_policy<rnd::nearest_even, O>();
    check_e8m0_one_policy<rnd::nearest_away, O>();
    check_e8m0_one_policy<rnd::toward_zero, O>();
    check_e8m0_one_policy<rnd::upward, O>();
    check_e8m0_one_policy<rnd::downward, O>();
    check_e8m0_one_policy<rnd::to_odd, O>();
  };
  per_overflow.template operator()<ovf::ieee>();
  per_overflow.template operator()<ovf::saturate>();
  using T = lowp::float8_e8m0fnu;
  expect_code<T, rnd::nearest_even, ovf::ieee>(1.5, 0x80, "ties round up: 1.5 -> 2");
  expect_code<T, rnd::nearest_even, ovf::ieee>(3.0, 0x81, "ties round up: 3 -> 4");
  expect_code<T, rnd::nearest_even, ovf::ieee>(0x1.8p127, 0xff, "1.5·2^127 overflows: NaN");
  expect_code<T, rnd::nearest_even, ovf::saturate>(0x1.8p127, 0xfe, "saturate(1.5·2^127) = 2^127");
  expect_code<T, rnd::nearest_even, ovf::ieee>(0x1.4p-127, 0x00, "1.25·2^-127 -> 2^-127 (ml_dtypes: 2^-126)");
}

// --- Span size mismatch -------------------------------------------------------------------------------

// The message must name both sizes, so a caller sees which span is wrong.
template <class F>
void expect_size_error(F&& call, const char* what) {
  try {
    call();
    ADD_FAILURE() << what << ": no exception for spans of 1234 and 567 elements";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("1234"), std::string::npos) << what << ": " << message;
    EXPECT_NE(message.find("567"), std::string::npos) << what << ": " << message;
  } catch (...) {
    ADD_FAILURE() << what << ": threw something other than std::invalid_argument";
  }
}

// The sizes are read through volatiles: with constant sizes GCC 12 inlines the whole call, cannot see
// that the size check always throws on this path, and warns (-Warray-bounds) about the loop behind it.
volatile std::size_t big_size = 1234;
volatile std::size_t small_size = 567;

template <class T>
void check_span_size_mismatch() {
  const std::size_t big = big_size, small = small_size;
  std::vector<float> f_in(big), f_out(small);
  std::vector<double> d_in(big), d_out(small);
  std::vector<T> t_in(big), t_out(small);
  expect_size_error([&] { lowp::convert(std::span<const float>(f_in), std::span<T>(t_out)); },
                    "convert float->T");
  expect_size_error([&] { lowp::convert(std::span<const double>(d_in), std::span<T>(t_out)); },
                    "convert double->T");
  expect_size_error([&] { lowp::convert(std::span<const T>(t_in), std::span<double>(d_out)); },
                    "convert T->double");
  expect_size_error([&] { lowp::round_to<T>(std::span<const float>(f_in), std::span<float>(f_out)); },
                    "round_to float");
  expect_size_error([&] { lowp::round_to<T>(std::span<const double>(d_in), std::span<double>(d_out)); },
                    "round_to double");
  // Output larger than input is an error too, not a partial fill.
  std::vector<T> t_big(big);
  std::vector<float> f_small(small);
  expect_size_error([&] { lowp::convert(std::span<const float>(f_small), std::span<T>(t_big)); },
                    "convert 567->1234");
}

TEST(BadInput, SpanSizeMismatchThrowsInvalidArgumentNamingBothSizes) {
  check_span_size_mismatch<lowp::float8_e4m3fn>();
  check_span_size_mismatch<lowp::float16>();
  check_span_size_mismatch<lowp::bfloat16>();
  check_span_size_mismatch<lowp::float4_e2m1fn>();
  check_span_size_mismatch<lowp::float8_e8m0fnu>();
  std::vector<lowp::float16> t_in(big_size);
  std::vector<float> f_out(small_size);
  expect_size_error([&] { lowp::convert(std::span<const lowp::float16>(t_in), std::span<float>(f_out)); },
                    "convert float16->float");
  std::vector<lowp::float8_e4m3fn> e_in(big_size);
  expect_size_error(
      [&] { lowp::convert(std::span<const lowp::float8_e4m3fn>(e_in), std::span<float>(f_out)); },
      "convert e4m3fn->float");
}

}  // namespace
