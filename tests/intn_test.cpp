// Narrow integers against the C library's integer roundings: std::nearbyint (ties to even), std::round
// (ties away), std::trunc, std::ceil, std::floor, and a plainly written round-to-odd; then a clamp written
// from the width. Conversions from a dense grid of floats around every integer and half-integer plus
// specials; every pair of 8-bit (and 4-bit) operands for + - * /; stochastic rounding's mean and
// reproducibility.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/fmt.hpp>
#include <lowp/int/intn.hpp>

namespace {

namespace rounding = lowp::rounding;

enum class mode { nearest_even, nearest_away, toward_zero, upward, downward, to_odd };

// Rounds x to an integer (as double) without lowp, with the C library's own integer roundings. (Not
// through fesetround + nearbyint: compilers without FENV_ACCESS support may move the call out of the
// region where the mode is set, as clang -O1 did.)
double oracle_round(double x, mode m) {
  switch (m) {
    case mode::nearest_even:
      return std::nearbyint(x);  // the default environment: round to nearest, ties to even
    case mode::nearest_away:
      return std::round(x);
    case mode::toward_zero:
      return std::trunc(x);
    case mode::upward:
      return std::ceil(x);
    case mode::downward:
      return std::floor(x);
    case mode::to_odd: {
      const double f = std::floor(x);
      if (f == x) return x;
      return std::fmod(f, 2.0) != 0.0 ? f : f + 1.0;
    }
  }
  return 0.0;
}

template <class R>
constexpr mode mode_of() {
  if constexpr (std::is_same_v<R, rounding::nearest_even>) return mode::nearest_even;
  if constexpr (std::is_same_v<R, rounding::nearest_away>) return mode::nearest_away;
  if constexpr (std::is_same_v<R, rounding::toward_zero>) return mode::toward_zero;
  if constexpr (std::is_same_v<R, rounding::upward>) return mode::upward;
  if constexpr (std::is_same_v<R, rounding::downward>) return mode::downward;
  return mode::to_odd;
}

// The representable range written from the width alone.
struct range {
  double low, high;
};
constexpr range range_of(int bits, bool is_signed) {
  const double span = static_cast<double>(std::uint64_t{1} << bits);
  return is_signed ? range{-span / 2, span / 2 - 1} : range{0, span - 1};
}

double expected_conversion(double x, mode m, range r) {
  if (std::isnan(x)) return 0.0;
  const double v = oracle_round(std::clamp(x, -1e12, 1e12), m);
  return std::clamp(v, r.low, r.high);
}

// Integers, quarters and half-integers with their neighbours, over [-300, 300] and around the range's ends.
std::vector<double> conversion_inputs(range r) {
  std::vector<double> in;
  auto grid = [&](double from, double to) {
    for (double k = 4 * from; k <= 4 * to; ++k) {
      const double x = k / 4;
      in.push_back(x);
      in.push_back(std::nextafter(x, -1e300));
      in.push_back(std::nextafter(x, 1e300));
      in.push_back(static_cast<double>(std::nextafter(static_cast<float>(x), 1e30f)));
    }
  };
  grid(-300, 300);
  grid(r.low - 3, r.low + 3);
  grid(r.high - 3, r.high + 3);
  const double limit = std::max(300.0, 2 * r.high);
  for (double x : {0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 4294967295.5, -2147483648.5, 2147483647.5})
    in.push_back(x);
  in.push_back(std::numeric_limits<double>::infinity());
  in.push_back(-std::numeric_limits<double>::infinity());
  in.push_back(std::numeric_limits<double>::quiet_NaN());
  std::mt19937_64 engine(11);
  std::uniform_real_distribution<double> uniform(-limit, limit);
  for (int i = 0; i < 20000; ++i) in.push_back(uniform(engine));
  return in;
}

template <int Bits, bool Signed, class R>
void check_conversion() {
  using T = lowp::intn<Bits, Signed, R>;
  const range r = range_of(Bits, Signed);
  const auto m = mode_of<R>();
  int mismatches = 0;
  for (double x : conversion_inputs(r)) {
    const double expected = expected_conversion(x, m, r);
    const auto from_double = T(x).value();
    if (static_cast<double>(from_double) != expected && ++mismatches < 10) {
      ADD_FAILURE() << "intn<" << Bits << ", " << Signed << "> from " << x << ": got " << from_double
                    << ", expected " << expected;
    }
    const float xf = static_cast<float>(x);
    if (static_cast<double>(T(xf).value()) != expected_conversion(xf, m, r) && ++mismatches < 10) {
      ADD_FAILURE() << "intn<" << Bits << ", " << Signed << "> from float " << xf;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

template <class R>
void check_conversion_widths() {
  check_conversion<2, true, R>();
  check_conversion<4, true, R>();
  check_conversion<4, false, R>();
  check_conversion<8, true, R>();
  check_conversion<8, false, R>();
  check_conversion<12, true, R>();
  check_conversion<32, true, R>();
  check_conversion<32, false, R>();
}

TEST(IntnConversion, NearestEven) {
  check_conversion_widths<rounding::nearest_even>();
}
TEST(IntnConversion, NearestAway) {
  check_conversion_widths<rounding::nearest_away>();
}
TEST(IntnConversion, TowardZero) {
  check_conversion_widths<rounding::toward_zero>();
}
TEST(IntnConversion, Upward) {
  check_conversion_widths<rounding::upward>();
}
TEST(IntnConversion, Downward) {
  check_conversion_widths<rounding::downward>();
}
TEST(IntnConversion, ToOdd) {
  check_conversion_widths<rounding::to_odd>();
}

// Every pair of codes: + - * saturate (exact integer result, clamped), / rounds the exact quotient.
template <int Bits, bool Signed, class R>
void check_all_pairs() {
  using T = lowp::intn<Bits, Signed, R>;
  const range r = range_of(Bits, Signed);
  const auto m = mode_of<R>();
  int mismatches = 0;
  auto expect = [&](const char* op, double a, double b, double got, double want) {
    if (got != want && ++mismatches < 10)
      ADD_FAILURE() << a << ' ' << op << ' ' << b << ": got " << got << ", expected " << want;
  };
  for (std::uint32_t i = 0; i < (1u << Bits); ++i) {
    for (std::uint32_t j = 0; j < (1u << Bits); ++j) {
      const T a = T::from_bits(i), b = T::from_bits(j);
      const double x = static_cast<double>(a.value()), y = static_cast<double>(b.value());
      ASSERT_GE(x, r.low);
      ASSERT_LE(x, r.high);
      expect("+", x, y, static_cast<double>((a + b).value()), std::clamp(x + y, r.low, r.high));
      expect("-", x, y, static_cast<double>((a - b).value()), std::clamp(x - y, r.low, r.high));
      expect("*", x, y, static_cast<double>((a * b).value()), std::clamp(x * y, r.low, r.high));
      if (y != 0) {
        // a/b correctly rounded to double keeps its floor and its tie status: for |b| < 2^8 a non-integer
        // quotient is at least 1/(2|b|) away from any integer or half-integer.
        expect("/", x, y, static_cast<double>((a / b).value()),
               std::clamp(oracle_round(x / y, m), r.low, r.high));
      } else {
        EXPECT_THROW((void)(a / b), std::domain_error);
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(IntnArithmetic, AllPairsInt8NearestEven) {
  check_all_pairs<8, true, rounding::nearest_even>();
}
TEST(IntnArithmetic, AllPairsUint8NearestEven) {
  check_all_pairs<8, false, rounding::nearest_even>();
}
TEST(IntnArithmetic, AllPairsInt8TowardZero) {
  check_all_pairs<8, true, rounding::toward_zero>();
}
TEST(IntnArithmetic, AllPairsInt4EveryPolicy) {
  check_all_pairs<4, true, rounding::nearest_even>();
  check_all_pairs<4, true, rounding::nearest_away>();
  check_all_pairs<4, true, rounding::toward_zero>();
  check_all_pairs<4, true, rounding::upward>();
  check_all_pairs<4, true, rounding::downward>();
  check_all_pairs<4, true, rounding::to_odd>();
  check_all_pairs<4, false, rounding::upward>();
  check_all_pairs<2, true, rounding::nearest_even>();
}

TEST(IntnEncoding, CodesRoundTripAndCppDivisionMatchesTowardZero) {
  for (std::uint32_t c = 0; c < 256; ++c) {
    const auto x = lowp::int8::from_bits(c);
    EXPECT_EQ(x.bits(), c);
    EXPECT_EQ(x.value(), static_cast<std::int8_t>(c));  // two's complement, as the CPU reads a byte
    EXPECT_EQ(lowp::uint8::from_bits(c).value(), c);
  }
  EXPECT_EQ(lowp::int4::from_bits(0x8).value(), -8);
  EXPECT_EQ(lowp::int4::from_bits(0x18).value(), -8);  // bits above the width are ignored
  for (int a = -128; a < 128; ++a) {
    for (int b = -128; b < 128; ++b) {
      if (b == 0 || (a == -128 && b == -1)) continue;
      ASSERT_EQ((lowp::intn<8, true, rounding::toward_zero>(a) / b).value(), a / b);
    }
  }
}

TEST(IntnSemantics, SaturationSpecialsAndLimits) {
  EXPECT_EQ(lowp::int4(100).value(), 7);
  EXPECT_EQ(lowp::int4(-100).value(), -8);
  EXPECT_EQ(lowp::uint4(-3).value(), 0);
  EXPECT_EQ(lowp::uint8(1000u).value(), 255);
  EXPECT_EQ(lowp::int8(std::numeric_limits<double>::infinity()).value(), 127);
  EXPECT_EQ(lowp::int8(-std::numeric_limits<float>::infinity()).value(), -128);
  EXPECT_EQ(lowp::int8(std::numeric_limits<double>::quiet_NaN()).value(), 0);
  EXPECT_EQ((-lowp::int8(-128)).value(), 127);  // negation saturates
  EXPECT_EQ(abs(lowp::int4(-8)).value(), 7);
  EXPECT_EQ(std::numeric_limits<lowp::int4>::max().value(), 7);
  EXPECT_EQ(std::numeric_limits<lowp::int4>::lowest().value(), -8);
  EXPECT_EQ(std::numeric_limits<lowp::uint4>::digits, 4);
  EXPECT_TRUE(lowp::int4(3) < lowp::int4(5));
  EXPECT_EQ(std::hash<lowp::int8>{}(lowp::int8(5)), std::hash<lowp::int8>{}(lowp::int8(5)));
  std::ostringstream text;
  text << lowp::int4(-3);
  EXPECT_EQ(text.str(), "-3");
  EXPECT_EQ(to_string(lowp::uint4(9)), "9");
  static_assert(sizeof(lowp::int4) == 1 && sizeof(lowp::intn<12>) == 2 && sizeof(lowp::intn<32, false>) == 4);
}

TEST(IntnSemantics, Formatting) {
  // -3 in 4-bit two's complement is 16 - 3 = 13 = 0b1101.
  EXPECT_EQ(fmt::format("{} {:x} {:b} {:>4}|{:*<3}", lowp::int4(-3), lowp::int4(-3), lowp::int4(-3),
                        lowp::int4(-3), lowp::uint8(7)),
            "-3 0xd 1101   -3|7**");
  EXPECT_EQ(fmt::format("{:x}", lowp::intn<12>(-1)), "0xfff");
}

// Stochastic rounding: the mean is the input (4 standard errors), only the two neighbours occur, and the
// same seed gives the same sequence.
TEST(IntnStochastic, UnbiasedNeighboursAndReproducible) {
  using T = lowp::intn<8, true, rounding::stochastic<>>;
  constexpr int draws = 200000;
  for (double x : {0.3, -2.75, 17.125, -100.5, 126.9}) {
    lowp::seed_stochastic_rounding(3);
    double sum = 0.0;
    const double low = std::floor(x);
    for (int i = 0; i < draws; ++i) {
      const double v = static_cast<double>(T(x).value());
      ASSERT_TRUE(v == low || v == low + 1) << x << " gave " << v;
      sum += v;
    }
    const double p = x - low, standard_error = std::sqrt(p * (1 - p) / draws);
    EXPECT_NEAR(sum / draws, x, 4 * standard_error + 1e-12) << x;
  }
  auto sequence = [] {
    lowp::seed_stochastic_rounding(99);
    std::vector<std::int64_t> out;
    for (int i = 0; i < 1000; ++i) out.push_back(T(i * 0.37).value());
    return out;
  };
  EXPECT_EQ(sequence(), sequence());
  // stochastic<2>: a fraction below 1/4 is truncated away by the 2-bit scheme, as the hardware does.
  using T2 = lowp::intn<8, true, rounding::stochastic<2>>;
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(T2(5.2).value(), 5);
  EXPECT_EQ(T(4.0).value(), 4);  // exact values stay exact
}

}  // namespace
