// The scalar type's semantics beyond + - * /: sign operations, classification, IEEE comparisons, mixed
// arithmetic with float/double, construction from integers and from other minifloats (checked against MPFR),
// std::numeric_limits against values derived by hand from each format's definition, std::hash, and
// operator<< (shortest decimal that round-trips, checked for every code of every format of at most 8 bits).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>

#include "oracle/lowp_cases.hpp"
#include "oracle/mpfr_round.hpp"

namespace {

using namespace lowp_test;

template <class T>
T from_code(std::uint32_t code) {
  return T::from_bits(static_cast<typename T::storage_type>(code));
}

// Same value or both NaN (bitwise for zeros, so that +0 and -0 differ).
bool same_double(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

template <class Case>
class ScalarSemantics : public ::testing::Test {};
using all_formats = ::testing::Types<float8_e4m3fn_case, float8_e5m2_case, float8_e4m3fnuz_case,
                                     float8_e5m2fnuz_case, float8_e4m3b11fnuz_case, float8_e4m3_case,
                                     float8_e3m4_case, float6_e2m3fn_case, float6_e3m2fn_case,
                                     float4_e2m1fn_case, float8_e8m0fnu_case, float16_case, bfloat16_case>;
TYPED_TEST_SUITE(ScalarSemantics, all_formats, case_names);

// ---------------------------------------------------------------------------------------------------------
// Sign operations and classification, every code.

TYPED_TEST(ScalarSemantics, NegateAbsAndClassifyEveryCode) {
  using T = typename TypeParam::type;
  using T_sat = lowp::with_overflow<T, lowp::overflow::saturate>;
  const mpfr_oracle::format& f = TypeParam::desc;
  mismatch_log log;
  for (std::uint32_t code = 0; code < f.code_count(); ++code) {
    const mpfr_oracle::decoded d = mpfr_oracle::decode(f, code);
    const T x = from_code<T>(code);
    // Negation is exact: flip the sign bit. fnuz has one zero and one NaN, both their own negation. e8m0 has
    // no sign: -x is a negative value, which API.md makes NaN (ieee) or the smallest code (saturate); NaN
    // stays.
    std::uint32_t negated = code ^ f.sign_mask(), negated_sat = negated;
    std::uint32_t absolute = code & ~f.sign_mask();
    if (f.enc == encoding::fnuz && (code & f.magnitude_mask()) == 0) negated = negated_sat = absolute = code;
    if (!f.is_signed()) {
      negated = f.nan_magnitude();
      negated_sat = d.kind == mpfr_oracle::decoded::nan ? f.nan_magnitude() : 0;
      absolute = code;
    }
    const auto hex = [&](std::uint32_t c) { return mpfr_oracle::describe_code(f, c); };
    if ((-x).bits() != negated)
      log.record("-" + hex(code) + " = " + hex((-x).bits()) + ", expected " + hex(negated));
    if ((-from_code<T_sat>(code)).bits() != negated_sat) {
      log.record("saturate: -" + hex(code) + " = " + hex((-from_code<T_sat>(code)).bits()) + ", expected " +
                 hex(negated_sat));
    }
    if (abs(x).bits() != absolute) log.record("abs " + hex(code) + " = " + hex(abs(x).bits()));
    if (isnan(x) != (d.kind == mpfr_oracle::decoded::nan)) log.record("isnan " + hex(code));
    if (isinf(x) != (d.kind == mpfr_oracle::decoded::infinity)) log.record("isinf " + hex(code));
    if (isfinite(x) != (d.kind == mpfr_oracle::decoded::number)) log.record("isfinite " + hex(code));
    if (signbit(x) != d.negative) log.record("signbit " + hex(code));
    // The value itself (decoding is what every other check relies on).
    if (!same_double(static_cast<double>(x), d.value)) log.record("double(" + hex(code) + ")");
    if (!same_double(static_cast<float>(x), d.value)) log.record("float(" + hex(code) + ")");
  }
  EXPECT_EQ(log.count(), 0) << log.text();
}

// IEEE comparisons on every pair of codes (formats of at most 8 bits): the decoded values compared as doubles
// are the reference (NaN is unordered, +0 == -0).
TYPED_TEST(ScalarSemantics, ComparisonsEveryPair) {
  using T = typename TypeParam::type;
  const mpfr_oracle::format& f = TypeParam::desc;
  mismatch_log log;
  long checked = 0;
  // 16-bit formats: every 257th first operand against every second operand.
  const std::uint32_t stride = f.bits() > 8 ? 257 : 1;
  for (std::uint32_t a = 0; a < f.code_count(); a += stride) {
    const double u = mpfr_oracle::decode(f, a).value;
    const T x = from_code<T>(a);
    for (std::uint32_t b = 0; b < f.code_count(); ++b) {
      const double v = mpfr_oracle::decode(f, b).value;
      const T y = from_code<T>(b);
      const bool ok = (x == y) == (u == v) && (x != y) == (u != v) && (x < y) == (u < v) &&
                      (x <= y) == (u <= v) && (x > y) == (u > v) && (x >= y) == (u >= v);
      checked += 6;
      if (!ok) log.record(mpfr_oracle::describe_code(f, a) + " vs " + mpfr_oracle::describe_code(f, b));
    }
  }
  EXPECT_EQ(log.count(), 0) << log.text();
  this->RecordProperty("comparisons_checked", std::to_string(checked));
}

// ---------------------------------------------------------------------------------------------------------
// Mixed arithmetic with built-in floating types: promotes to the wider type, no rounding into T.

TEST(MixedArithmetic, ResultTypes) {
  using lowp::bfloat16;
  using lowp::float8_e4m3fn;
  static_assert(std::is_same_v<decltype(float8_e4m3fn() + 1.0f), float>);
  static_assert(std::is_same_v<decltype(1.0f * float8_e4m3fn()), float>);
  static_assert(std::is_same_v<decltype(float8_e4m3fn() - 1.0), double>);
  static_assert(std::is_same_v<decltype(1.0 / bfloat16()), double>);
  static_assert(std::is_same_v<decltype(bfloat16() == 1.0f), bool>);
  static_assert(std::is_same_v<decltype(lowp::float8_e8m0fnu() * 2.0), double>);
  SUCCEED();
}

TYPED_TEST(ScalarSemantics, MixedArithmeticValues) {
  using T = typename TypeParam::type;
  const mpfr_oracle::format& f = TypeParam::desc;
  const float floats[] = {0.0f, -0.0f, 1.0f, -3.25f, 0.1f, 1e-30f, 3e38f, INFINITY, -INFINITY, NAN};
  const double doubles[] = {0.0, -0.0, 1.0, -3.25, 0.1, 1e-300, 1e300, INFINITY, NAN};
  mismatch_log log;
  const std::uint32_t stride = f.bits() > 8 ? 97 : 1;
  for (std::uint32_t code = 0; code < f.code_count(); code += stride) {
    const T x = from_code<T>(code);
    const double xv = mpfr_oracle::decode(f, code).value;
    const float xf = static_cast<float>(xv);  // exact: every value of these formats is a float
    for (float y : floats) {
      const bool ok =
          same_double(x + y, xf + y) && same_double(y + x, y + xf) && same_double(x - y, xf - y) &&
          same_double(y - x, y - xf) && same_double(x * y, xf * y) && same_double(y * x, y * xf) &&
          same_double(x / y, xf / y) && same_double(y / x, y / xf) && (x == y) == (xf == y) &&
          (x != y) == (xf != y) && (x < y) == (xf < y) && (y < x) == (y < xf) && (x <= y) == (xf <= y) &&
          (x > y) == (xf > y) && (x >= y) == (xf >= y) && (y >= x) == (y >= xf);
      if (!ok) log.record(mpfr_oracle::describe_code(f, code) + " with float " + std::to_string(y));
    }
    for (double y : doubles) {
      const bool ok = same_double(x + y, xv + y) && same_double(y - x, y - xv) &&
                      same_double(x * y, xv * y) && same_double(y / x, y / xv) && (x == y) == (xv == y) &&
                      (x < y) == (xv < y) && (y > x) == (y > xv);
      if (!ok) log.record(mpfr_oracle::describe_code(f, code) + " with double " + std::to_string(y));
    }
  }
  EXPECT_EQ(log.count(), 0) << log.text();
}

// ---------------------------------------------------------------------------------------------------------
// Construction from integers: the exact integer rounded once (MPFR holds it exactly), every policy. int64
// values above 2^53 are not doubles, so a conversion through double would round twice.

template <class Case, class I>
void check_integer(mpfr_oracle::rounder& rounder, mpfr_ptr x, mismatch_log& log, I value) {
  if constexpr (std::is_signed_v<I>) {
    mpfr_set_sj(x, static_cast<std::intmax_t>(value), MPFR_RNDN);
  } else {
    mpfr_set_uj(x, static_cast<std::uintmax_t>(value), MPFR_RNDN);
  }
  const mpfr_oracle::analysis a = rounder.analyse(x, 0);
  for_each_policy<typename Case::type>([&]<class T>(mpfr_oracle::rounding r, mpfr_oracle::overflow o) {
    const mpfr_oracle::expectation e = rounder.expect(a, r, o);
    const std::uint32_t got = T(value).bits();
    if (!mpfr_oracle::matches(Case::desc, e, got)) {
      log.record(std::string(Case::name) + "(" + std::to_string(value) + ") under " + mpfr_oracle::name(r) +
                 "/" + mpfr_oracle::name(o) + ": expected " + mpfr_oracle::describe(Case::desc, e) +
                 ", got " + mpfr_oracle::describe_code(Case::desc, got));
    }
  });
}

TYPED_TEST(ScalarSemantics, FromIntegers) {
  const mpfr_oracle::format& f = TypeParam::desc;
  mpfr_oracle::rounder rounder(f, 128);
  mpfr_t x;
  mpfr_init2(x, 128);
  mismatch_log log;
  // Every int8, uint8 and int16 value.
  for (int v = -128; v < 128; ++v) check_integer<TypeParam>(rounder, x, log, static_cast<std::int8_t>(v));
  for (int v = 0; v < 256; ++v) check_integer<TypeParam>(rounder, x, log, static_cast<std::uint8_t>(v));
  for (int v = -32768; v < 32768; v += quick_mode() ? 7 : 1) {
    check_integer<TypeParam>(rounder, x, log, static_cast<std::int16_t>(v));
  }
  // Hand-picked 64-bit values: beyond 2^53, where binary64 cannot hold them, and just around midpoints of
  // bfloat16/float16 spacings at that size (the low bits decide ties); the extremes of each type.
  const std::int64_t two53 = std::int64_t(1) << 53;
  const std::vector<std::int64_t> signed_values = {
      two53 + 1,
      two53 + 3,
      -(two53 + 1),
      (std::int64_t(0x101) << 54) + 1,  // bfloat16: just above the midpoint 1.00000001b * 2^62
      (std::int64_t(0x101) << 54),      // exactly that midpoint
      (std::int64_t(0x101) << 54) - 1,  // just below
      (std::int64_t(0xff) << 55) + 1,   // just above a bfloat16 value: toward_zero keeps it, upward moves
      -(std::int64_t(0xff) << 55) - 1,
      (std::int64_t(0x801) << 51) + 1,  // float16 spacing at 2^62
      std::numeric_limits<std::int64_t>::max(),
      std::numeric_limits<std::int64_t>::min(),
      std::numeric_limits<std::int64_t>::min() + 1,
      65504,
      65519,
      65520,
      -65520,
      448,
      464,
      465,
      0,
      -1,
      1,
  };
  for (std::int64_t v : signed_values) check_integer<TypeParam>(rounder, x, log, v);
  const std::vector<std::uint64_t> unsigned_values = {
      std::numeric_limits<std::uint64_t>::max(), (std::uint64_t(1) << 63) + 1,
      (std::uint64_t(0x181) << 55) + 1, (std::uint64_t(0x181) << 55), (std::uint64_t(1) << 53) + 1};
  for (std::uint64_t v : unsigned_values) check_integer<TypeParam>(rounder, x, log, v);
  for (std::int32_t v : {std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int32_t>::min(),
                         (1 << 24) + 1, -((1 << 24) + 3)}) {
    check_integer<TypeParam>(rounder, x, log, v);
  }
  check_integer<TypeParam>(rounder, x, log, std::numeric_limits<std::uint32_t>::max());
  // Random 64-bit values of every width; the low bits are random, so ties and sticky bits beyond bit 53
  // occur.
  std::mt19937_64 engine(0x1e7);
  const int count = quick_mode() ? 2000 : 20000;
  for (int i = 0; i < count; ++i) {
    const int width = 1 + int(engine() % 64);
    std::uint64_t bits = engine() >> (64 - width);
    if (i % 3 == 0) bits |= std::uint64_t(1) << (width - 1);  // full width
    if (i % 5 == 0 && width > 12)
      bits &= ~((std::uint64_t(1) << (width - 12)) - 1), bits |= 1;  // isolated sticky
    check_integer<TypeParam>(rounder, x, log, bits);
    check_integer<TypeParam>(rounder, x, log, static_cast<std::int64_t>(bits));
    check_integer<TypeParam>(rounder, x, log, -static_cast<std::int64_t>(bits >> 1));
  }
  mpfr_clear(x);
  EXPECT_EQ(log.count(), 0) << log.count() << " mismatches:\n" << log.text();
}

// The example the contract names, spelled out: int64 values above 2^53 into bfloat16.
TEST(FromIntegers, BfloatAboveTwoToThe53) {
  using tz = lowp::with_rounding<lowp::bfloat16, lowp::rounding::toward_zero>;
  using up = lowp::with_rounding<lowp::bfloat16, lowp::rounding::upward>;
  // 2^62 + 2^54 + 1: bfloat16 neighbours are 2^62 and 2^62 + 2^55; the midpoint is 2^62 + 2^54.
  const std::int64_t v = (std::int64_t(1) << 62) + (std::int64_t(1) << 54) + 1;
  EXPECT_EQ(static_cast<double>(tz(v)), 0x1p62);
  EXPECT_EQ(static_cast<double>(up(v)), 0x1p62 + 0x1p55);
  EXPECT_EQ(static_cast<double>(lowp::bfloat16(v)), 0x1p62 + 0x1p55);  // above the midpoint: up
  EXPECT_EQ(static_cast<double>(lowp::bfloat16(v - 1)), 0x1p62);       // the midpoint: to even
  // 2^62 + 1 is 2^62 in binary64 already; under upward it must still move up.
  EXPECT_EQ(static_cast<double>(up((std::int64_t(1) << 62) + 1)), 0x1p62 + 0x1p55);
  EXPECT_EQ(static_cast<double>(tz(std::numeric_limits<std::int64_t>::max())), 0x1.fep62);
  EXPECT_EQ(static_cast<double>(up(std::numeric_limits<std::int64_t>::max())), 0x1p63);
}

// ---------------------------------------------------------------------------------------------------------
// Conversion between two minifloat types: the source value (exact) rounded once into the target, every code
// of the source under every policy of the target.

template <class Source, class Target>
void check_conversion() {
  const mpfr_oracle::format& s = Source::desc;
  const mpfr_oracle::format& t = Target::desc;
  mpfr_oracle::rounder rounder(t, 64);
  mpfr_t x;
  mpfr_init2(x, 64);
  mismatch_log log;
  for (std::uint32_t code = 0; code < s.code_count(); ++code) {
    const mpfr_oracle::decoded d = mpfr_oracle::decode(s, code);
    mpfr_set_d(x, d.value, MPFR_RNDN);
    const mpfr_oracle::analysis a = rounder.analyse(x, 0);
    const auto source = from_code<typename Source::type>(code);
    for_each_policy<typename Target::type>([&]<class T>(mpfr_oracle::rounding r, mpfr_oracle::overflow o) {
      mpfr_oracle::expectation e = rounder.expect(a, r, o);
      // A NaN keeps its sign (API.md); fnuz's single NaN code has no meaningful sign, so either is accepted.
      if (d.kind == mpfr_oracle::decoded::nan) {
        e = s.enc == encoding::fnuz
                ? mpfr_oracle::expectation{mpfr_oracle::expectation::any_nan}
                : mpfr_oracle::expectation{mpfr_oracle::expectation::signed_nan, 0, d.negative};
      }
      const std::uint32_t got = T(source).bits();
      if (!mpfr_oracle::matches(t, e, got)) {
        log.record(std::string(Target::name) + "(" + Source::name + " " +
                   mpfr_oracle::describe_code(s, code) + ") under " + mpfr_oracle::name(r) + "/" +
                   mpfr_oracle::name(o) + ": expected " + mpfr_oracle::describe(t, e) + ", got " +
                   mpfr_oracle::describe_code(t, got));
      }
    });
  }
  mpfr_clear(x);
  EXPECT_EQ(log.count(), 0) << log.count() << " mismatches:\n" << log.text();
}

TEST(MinifloatConversion, Float16ToFloat8) {
  check_conversion<float16_case, float8_e4m3fn_case>();
}
TEST(MinifloatConversion, Float16ToE5m2) {
  check_conversion<float16_case, float8_e5m2_case>();
}
TEST(MinifloatConversion, Float16ToE4m3fnuz) {
  check_conversion<float16_case, float8_e4m3fnuz_case>();
}
TEST(MinifloatConversion, Float16ToBfloat16) {
  check_conversion<float16_case, bfloat16_case>();
}
TEST(MinifloatConversion, Bfloat16ToFloat16) {
  check_conversion<bfloat16_case, float16_case>();
}
TEST(MinifloatConversion, Bfloat16ToE8m0) {
  check_conversion<bfloat16_case, float8_e8m0fnu_case>();
}
TEST(MinifloatConversion, Bfloat16ToE2m1) {
  check_conversion<bfloat16_case, float4_e2m1fn_case>();
}
TEST(MinifloatConversion, E8m0ToBfloat16) {
  check_conversion<float8_e8m0fnu_case, bfloat16_case>();
}
TEST(MinifloatConversion, E8m0ToE5m2) {
  check_conversion<float8_e8m0fnu_case, float8_e5m2_case>();
}
TEST(MinifloatConversion, E5m2ToE4m3fn) {
  check_conversion<float8_e5m2_case, float8_e4m3fn_case>();
}
TEST(MinifloatConversion, E4m3fnuzToE4m3fn) {
  check_conversion<float8_e4m3fnuz_case, float8_e4m3fn_case>();
}
TEST(MinifloatConversion, E4m3fnToE2m3) {
  check_conversion<float8_e4m3fn_case, float6_e2m3fn_case>();
}
TEST(MinifloatConversion, E3m4ToE4m3b11fnuz) {
  check_conversion<float8_e3m4_case, float8_e4m3b11fnuz_case>();
}
TEST(MinifloatConversion, Tfloat32ToBfloat16) {
  check_conversion<tfloat32_case, bfloat16_case>();
}
TEST(MinifloatConversion, Tfloat32ToFloat16) {
  check_conversion<tfloat32_case, float16_case>();
}

// Same format, another policy: a value is representable in its own format, so nothing changes.
TEST(MinifloatConversion, SameFormatOtherPolicyIsExact) {
  using from = lowp::float8_e4m3fn;
  using to = lowp::with_overflow<lowp::with_rounding<from, lowp::rounding::upward>, lowp::overflow::saturate>;
  for (std::uint32_t code = 0; code < 256; ++code) EXPECT_EQ(to(from_code<from>(code)).bits(), code) << code;
}

// ---------------------------------------------------------------------------------------------------------
// std::numeric_limits against values worked out by hand from each format's definition:
// max = (2 - 2^-M) 2^emax (fn: (2 - 2^(1-M)) 2^emax, as its all-ones mantissa at the top exponent is NaN),
// min = 2^emin (smallest normal), denorm_min = 2^(emin - M), epsilon = 2^-M, digits = M + 1.

struct limits_row {
  double max, min, denorm_min, epsilon, lowest;
  int digits;
  bool has_infinity, has_quiet_NaN;
};

template <class Case>
void check_limits(const limits_row& row) {
  using T = typename Case::type;
  using L = std::numeric_limits<T>;
  static_assert(L::is_specialized);
  EXPECT_EQ(static_cast<double>(L::max()), row.max);
  EXPECT_EQ(static_cast<double>(L::min()), row.min);
  EXPECT_EQ(static_cast<double>(L::lowest()), row.lowest);
  EXPECT_EQ(static_cast<double>(L::epsilon()), row.epsilon);
  EXPECT_EQ(static_cast<double>(L::denorm_min()), row.denorm_min);
  EXPECT_EQ(L::digits, row.digits);
  EXPECT_EQ(L::has_infinity, row.has_infinity);
  EXPECT_EQ(L::has_quiet_NaN, row.has_quiet_NaN);
  EXPECT_EQ(L::is_signed, Case::desc.is_signed());
  EXPECT_EQ(L::radix, 2);
  if (row.has_infinity) {
    EXPECT_TRUE(isinf(L::infinity()));
    EXPECT_FALSE(signbit(L::infinity()));
    EXPECT_EQ(static_cast<double>(L::infinity()), INFINITY);
  }
  if (row.has_quiet_NaN) {
    EXPECT_TRUE(isnan(L::quiet_NaN()));
  }
  // epsilon is the gap above 1: 1 + epsilon is the next value.
  const T one(1.0);
  EXPECT_EQ(static_cast<double>(one) + row.epsilon, static_cast<double>(T::from_bits(one.bits() + 1)));
}

TEST(NumericLimits, Float8E4m3fn) {
  check_limits<float8_e4m3fn_case>({448, 0x1p-6, 0x1p-9, 0.125, -448, 4, false, true});
}
TEST(NumericLimits, Float8E5m2) {
  check_limits<float8_e5m2_case>({57344, 0x1p-14, 0x1p-16, 0.25, -57344, 3, true, true});
}
TEST(NumericLimits, Float8E4m3fnuz) {
  check_limits<float8_e4m3fnuz_case>({240, 0x1p-7, 0x1p-10, 0.125, -240, 4, false, true});
}
TEST(NumericLimits, Float8E5m2fnuz) {
  check_limits<float8_e5m2fnuz_case>({57344, 0x1p-15, 0x1p-17, 0.25, -57344, 3, false, true});
}
TEST(NumericLimits, Float8E4m3b11fnuz) {
  check_limits<float8_e4m3b11fnuz_case>({30, 0x1p-10, 0x1p-13, 0.125, -30, 4, false, true});
}
TEST(NumericLimits, Float8E4m3) {
  check_limits<float8_e4m3_case>({240, 0x1p-6, 0x1p-9, 0.125, -240, 4, true, true});
}
TEST(NumericLimits, Float8E3m4) {
  check_limits<float8_e3m4_case>({15.5, 0x1p-2, 0x1p-6, 0.0625, -15.5, 5, true, true});
}
TEST(NumericLimits, Float6E2m3fn) {
  check_limits<float6_e2m3fn_case>({7.5, 1.0, 0.125, 0.125, -7.5, 4, false, false});
}
TEST(NumericLimits, Float6E3m2fn) {
  check_limits<float6_e3m2fn_case>({28, 0.25, 0.0625, 0.25, -28, 3, false, false});
}
TEST(NumericLimits, Float4E2m1fn) {
  check_limits<float4_e2m1fn_case>({6, 1.0, 0.5, 0.5, -6, 2, false, false});
}
// e8m0: no sign, no zero, no subnormals: min = denorm_min = lowest = 2^-127; the value after 1 is 2.
TEST(NumericLimits, Float8E8m0fnu) {
  check_limits<float8_e8m0fnu_case>({0x1p127, 0x1p-127, 0x1p-127, 1.0, 0x1p-127, 1, false, true});
}
TEST(NumericLimits, Float16) {
  check_limits<float16_case>({65504, 0x1p-14, 0x1p-24, 0x1p-10, -65504, 11, true, true});
}
TEST(NumericLimits, Bfloat16) {
  check_limits<bfloat16_case>({0x1.fep127, 0x1p-126, 0x1p-133, 0x1p-7, -0x1.fep127, 8, true, true});
}
TEST(NumericLimits, Tfloat32) {
  check_limits<tfloat32_case>({0x1.ffcp127, 0x1p-126, 0x1p-136, 0x1p-10, -0x1.ffcp127, 11, true, true});
}

// ---------------------------------------------------------------------------------------------------------
// std::hash agrees with ==: equal values (+0 and -0) hash alike.

TYPED_TEST(ScalarSemantics, HashAgreesWithEquality) {
  using T = typename TypeParam::type;
  const mpfr_oracle::format& f = TypeParam::desc;
  const std::hash<T> hash;
  if (f.has_negative_zero()) {
    EXPECT_EQ(hash(T(0.0)), hash(T(-0.0)));
    EXPECT_EQ(hash(from_code<T>(0)), hash(from_code<T>(f.sign_mask())));
  }
  // Distinct values are distinguishable in a set; equal ones collapse.
  std::unordered_set<T, std::hash<T>> set;
  std::size_t numbers = 0;
  for (std::uint32_t code = 0; code < f.code_count(); ++code) {
    const T x = from_code<T>(code);
    if (!isnan(x)) {
      set.insert(x);
      ++numbers;
    }
  }
  const std::size_t zeros = f.has_negative_zero() ? 1 : 0;  // -0 is the same value as +0
  EXPECT_EQ(set.size(), numbers - zeros);
  if (f.bits() <= 8) {
    for (std::uint32_t a = 0; a < f.code_count(); ++a) {
      for (std::uint32_t b = 0; b < f.code_count(); ++b) {
        if (from_code<T>(a) == from_code<T>(b)) {
          ASSERT_EQ(hash(from_code<T>(a)), hash(from_code<T>(b))) << a << " " << b;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// operator<<: the shortest decimal that converts back (under nearest_even) to the same code.

template <class T>
std::string print(T x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

TEST(ScalarPrinting, Examples) {
  EXPECT_EQ(print(lowp::bfloat16(0.1f)), "0.1");
  EXPECT_EQ(print(lowp::float8_e4m3fn(448)), "448");
  EXPECT_EQ(print(lowp::float8_e4m3fn(448.0)), "448");
  EXPECT_EQ(print(std::numeric_limits<lowp::bfloat16>::quiet_NaN()), "nan");
  EXPECT_EQ(print(lowp::float8_e4m3fn::from_bits(0x7f)), "nan");
  EXPECT_EQ(print(std::numeric_limits<lowp::float16>::infinity()), "inf");
  EXPECT_EQ(print(-std::numeric_limits<lowp::float16>::infinity()), "-inf");
  EXPECT_EQ(print(lowp::float16(-0.0)), "-0");
  EXPECT_EQ(print(lowp::float16(0.0)), "0");
  EXPECT_EQ(print(lowp::float16(1.0 / 3.0)), "0.3333");
  EXPECT_EQ(print(lowp::float4_e2m1fn(-1.5)), "-1.5");
  EXPECT_EQ(print(lowp::float8_e5m2(57344)), "57344");
}

// Significant digits of a decimal numeral ("0.0125" -> 3, "1.5e-05" -> 2, "448" -> 3).
int significant_digits(const std::string& text) {
  int count = 0;
  bool leading = true;
  std::string mantissa = text.substr(0, text.find_first_of("eE"));
  // Trailing zeros of an integer numeral without a point are significant here only up to the last nonzero.
  if (mantissa.find('.') == std::string::npos) {
    while (mantissa.size() > 1 && mantissa.back() == '0') mantissa.pop_back();
  }
  for (char c : mantissa) {
    if (c < '0' || c > '9') continue;
    if (leading && c == '0') continue;
    leading = false;
    ++count;
  }
  return count;
}

// check_shortest = false: every code prints text that reads back to it; true: and no shorter text does.
template <class Case>
void check_printing(bool check_shortest) {
  using T = typename Case::type;
  const mpfr_oracle::format& f = Case::desc;
  mismatch_log log;
  for (std::uint32_t code = 0; code < f.code_count(); ++code) {
    const T x = from_code<T>(code);
    const mpfr_oracle::decoded d = mpfr_oracle::decode(f, code);
    const std::string text = print(x);
    const double parsed = std::strtod(text.c_str(), nullptr);
    const std::string where = mpfr_oracle::describe_code(f, code) + " printed \"" + text + "\"";
    if (d.kind == mpfr_oracle::decoded::nan) {
      // Non-canonical NaN codes cannot round-trip to themselves; the text must still say NaN, with the sign
      // (fnuz's one NaN code and e8m0's have no sign to keep).
      const bool sign_free = f.enc == encoding::fnuz || !f.is_signed();
      const bool ok = std::isnan(parsed) && (text == "nan" || text == "-nan") &&
                      (sign_free || (text == "-nan") == d.negative);
      if (!ok) log.record(where);
      continue;
    }
    if (T(parsed).bits() != code) {
      log.record(where + " reads back as " + mpfr_oracle::describe_code(f, T(parsed).bits()));
      continue;
    }
    // Shortest: no decimal with one significant digit fewer reads back to the code. Whole numbers below 1e9
    // print in full by design ("448", not "450"), so they are exempt. Both neighbours of the nearest shorter
    // decimal are tried: at a power of two the gap below is half the gap above, so the shorter decimal that
    // reads back may be the one on the far side (0.125 in e4m3fn: "0.12" reads back as 0.1171875, "0.13" as
    // 0.125).
    const double v = d.value;
    if (!check_shortest || std::isinf(v) || v == 0.0 || (std::fabs(v) < 1e9 && v == std::trunc(v))) continue;
    const int n = significant_digits(text);
    if (n < 2) continue;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*e", n - 2, v);  // nearest decimal with n - 1 digits
    const char* e = std::strchr(buffer, 'e');
    const int exponent = std::atoi(e + 1);
    std::string digits;
    for (const char* p = buffer; p != e; ++p) {
      if (*p >= '0' && *p <= '9') digits += *p;
    }
    const long long nearest = std::atoll(digits.c_str());
    for (long long m = nearest - 1; m <= nearest + 1; ++m) {
      if (m <= 0) continue;
      // Built by appending: GCC 12's -Wrestrict misfires on `const char* + std::string` here (GCC bug
      // 105329).
      std::string candidate = v < 0 ? "-" : "";
      candidate.append(std::to_string(m)).append("e").append(std::to_string(exponent - (n - 2)));
      const double candidate_value = std::strtod(candidate.c_str(), nullptr);
      // A decimal beyond max is not a fair candidate: in formats without Inf it would "read back" only
      // through overflow saturating to max (e2m3: "8" -> 7.5), and lowp excludes that range altogether.
      if (std::fabs(candidate_value) > f.max_value()) continue;
      if (T(candidate_value).bits() == code) {
        log.record(where + " but the shorter \"" + candidate + "\" also reads back");
        break;
      }
    }
  }
  EXPECT_EQ(log.count(), 0) << log.count() << " problems:\n" << log.text();
}

TYPED_TEST(ScalarSemantics, PrintsRoundTrip) {
  check_printing<TypeParam>(false);
}
TYPED_TEST(ScalarSemantics, PrintsShortest) {
  check_printing<TypeParam>(true);
}

}  // namespace
