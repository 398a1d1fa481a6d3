// The posit scalar's surface against the Standard's text and the independent oracle
// (oracle/posit_reference.hpp): NaR rules, the total order on every pair of posit8 codes, numeric_limits,
// integer conversions both ways (MPFR-free: integers and posits are exact in double here, or compared through
// the oracle's rounding), conversions to and from every named minifloat, to_string round trips, hash.
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <unordered_set>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>
#include <lowp/posit/posit.hpp>

#include "oracle/posit_reference.hpp"

namespace {

using lowp::posit16;
using lowp::posit32;
using lowp::posit8;

TEST(PositSemantics, NaRPropagatesAndOrdersBelowEverything) {
  const posit16 nar = posit16::nar();
  for (posit16 x : {posit16(0), posit16(1), -posit16::maxpos(), posit16::minpos(), nar}) {
    EXPECT_EQ((x + nar), nar);
    EXPECT_EQ((nar - x), nar);
    EXPECT_EQ((x * nar), nar);
    EXPECT_EQ((nar / x), nar);
    EXPECT_EQ((x / posit16(0)), nar);  // x/0 is NaR, 0/0 included
    EXPECT_EQ(fma(x, nar, x), nar);
    EXPECT_TRUE(nar <= x);
    if (x != nar) {
      EXPECT_TRUE(nar < x);
    }
  }
  EXPECT_TRUE(nar == nar);  // the Standard: NaR equals itself
  EXPECT_EQ(sqrt(posit16(-1)), nar);
  EXPECT_EQ(-nar, nar);
  EXPECT_EQ(-posit16(0), posit16(0));
  EXPECT_TRUE(isnan(nar) && isnar(nar) && !isfinite(nar) && !isinf(nar));
  EXPECT_TRUE(std::isnan(static_cast<double>(nar)));
  EXPECT_EQ(posit16(std::numeric_limits<double>::quiet_NaN()), nar);
  EXPECT_EQ(posit16(-std::numeric_limits<float>::infinity()), nar);
  EXPECT_EQ(posit16(-0.0), posit16(0));
}

// Every pair of posit<8, 2> codes: <, ==, <=> agree with the order of the oracle's values, NaR lowest.
TEST(PositSemantics, TotalOrderOnEveryPair) {
  long bad = 0;
  for (std::uint32_t a = 0; a < 256; ++a) {
    for (std::uint32_t b = 0; b < 256; ++b) {
      const double x = posit_oracle::decode(a, 8, 2), y = posit_oracle::decode(b, 8, 2);
      const double kx = std::isnan(x) ? -HUGE_VAL : x, ky = std::isnan(y) ? -HUGE_VAL : y;
      const posit8 p = posit8::from_bits(a), q = posit8::from_bits(b);
      bad +=
          (p < q) != (kx < ky) || (p == q) != (kx == ky) || (p >= q) != (kx >= ky) || (p != q) != (kx != ky);
    }
  }
  EXPECT_EQ(bad, 0);
}

TEST(PositSemantics, NumericLimits) {
  using L = std::numeric_limits<posit32>;
  EXPECT_EQ(static_cast<double>(L::min()), std::ldexp(1.0, -120));
  EXPECT_EQ(static_cast<double>(L::max()), std::ldexp(1.0, 120));
  EXPECT_EQ(static_cast<double>(L::lowest()), -std::ldexp(1.0, 120));
  EXPECT_EQ(static_cast<double>(L::epsilon()), std::ldexp(1.0, -27));  // 27 fraction bits next to 1
  EXPECT_EQ(L::quiet_NaN(), posit32::nar());
  EXPECT_EQ(L::digits, 28);
  EXPECT_TRUE(L::is_specialized && L::is_signed && !L::has_infinity && L::has_quiet_NaN);
  using L8 = std::numeric_limits<posit8>;
  EXPECT_EQ(static_cast<double>(L8::min()), std::ldexp(1.0, -24));
  EXPECT_EQ(static_cast<double>(L8::epsilon()), 0.125);
  EXPECT_EQ(static_cast<double>(std::numeric_limits<lowp::posit<16, 1>>::max()), std::ldexp(1.0, 28));
  EXPECT_EQ(static_cast<double>(std::numeric_limits<lowp::posit<8, 0>>::max()), 64.0);
}

TEST(PositSemantics, Integers) {
  const posit_oracle::rounder r(32, 2);
  for (long long v : {0LL, 1LL, -1LL, 7LL, 1000LL, -123456789LL, (1LL << 40) + 1,
                      std::numeric_limits<long long>::max(), std::numeric_limits<long long>::min()}) {
    // A long long rounds to binary64 first here only when that is exact or the rounding cannot differ: the
    // values above are exact in double except max (2^63 - 1, which rounds to maxpos-side 2^63 either way).
    EXPECT_EQ(posit32(v).bits(), r.round_double(static_cast<double>(v))) << v;
  }
  EXPECT_EQ(posit16(5u), posit16(5.0));
  EXPECT_EQ(static_cast<int>(posit16(2.75)), 2);
  EXPECT_EQ(static_cast<int>(posit16(-2.75)), -2);
  EXPECT_EQ(static_cast<std::int8_t>(posit16(1000)), 127);  // saturates
  EXPECT_EQ(static_cast<unsigned>(posit16(-3)), 0u);        // saturates at 0
  EXPECT_EQ(static_cast<int>(posit16::nar()), std::numeric_limits<int>::min());
  EXPECT_EQ(static_cast<long long>(posit32::maxpos()), std::numeric_limits<long long>::max());
  EXPECT_TRUE(static_cast<bool>(posit16(0.5)));
  EXPECT_FALSE(static_cast<bool>(posit16(0)));
  // posit<32, 0>: integers up to 2^28 are exact (28 fraction bits near 2^27? no: check against the oracle).
  const posit_oracle::rounder r0(32, 0);
  for (int v = -100000; v <= 100000; v += 37)
    EXPECT_EQ((lowp::posit<32, 0>(v).bits()), r0.round_double(v)) << v;
}

// To and from every minifloat: minifloat -> posit is the oracle's rounding of the minifloat's value; posit ->
// minifloat rounds the oracle's exact value with the minifloat's own (separately tested) conversion.
template <class M, int N, int ES>
void minifloat_round_trip() {
  using P = lowp::posit<N, ES>;
  const posit_oracle::rounder r(N, ES);
  constexpr std::uint32_t codes = std::uint32_t(1) << M::format::bits;
  long bad = 0;
  for (std::uint32_t c = 0; c < codes; ++c) {
    const M m = M::from_bits(static_cast<typename M::storage_type>(c));
    bad += P(m).bits() != r.round_double(static_cast<double>(m));
  }
  for (std::uint64_t c = 0; c < (std::uint64_t(1) << N); c += (N > 16 ? 65521 : 1)) {
    const auto code = static_cast<std::uint32_t>(c);
    const double exact = posit_oracle::decode(code, N, ES);
    const M want(exact);
    const M got = static_cast<M>(P::from_bits(code));
    bad += !(got.bits() == want.bits() || (isnan(got) && isnan(want)));
  }
  EXPECT_EQ(bad, 0);
}
TEST(PositConversions, EveryMinifloat) {
  minifloat_round_trip<lowp::float8_e4m3fn, 8, 2>();
  minifloat_round_trip<lowp::float8_e5m2, 8, 0>();
  minifloat_round_trip<lowp::float8_e4m3fnuz, 16, 2>();
  minifloat_round_trip<lowp::float8_e5m2fnuz, 16, 1>();
  minifloat_round_trip<lowp::float8_e4m3b11fnuz, 8, 2>();
  minifloat_round_trip<lowp::float8_e4m3, 16, 2>();
  minifloat_round_trip<lowp::float8_e3m4, 8, 1>();
  minifloat_round_trip<lowp::float6_e2m3fn, 8, 2>();
  minifloat_round_trip<lowp::float6_e3m2fn, 8, 2>();
  minifloat_round_trip<lowp::float4_e2m1fn, 8, 2>();
  minifloat_round_trip<lowp::float8_e8m0fnu, 32, 2>();
  minifloat_round_trip<lowp::float16, 16, 2>();
  minifloat_round_trip<lowp::bfloat16, 16, 2>();
  minifloat_round_trip<lowp::float16, 32, 2>();
  minifloat_round_trip<lowp::bfloat16, 32, 2>();
}

TEST(PositConversions, BetweenPositConfigurations) {
  const posit_oracle::rounder r8(8, 2), r16(16, 1);
  for (std::uint32_t c = 0; c < 65536; ++c) {
    const auto p = lowp::posit<16, 1>::from_bits(c);
    ASSERT_EQ(posit8(p).bits(), r8.round_double(posit_oracle::decode(c, 16, 1))) << c;
  }
  for (std::uint32_t c = 0; c < 256; ++c) {
    ASSERT_EQ((lowp::posit<16, 1>(posit8::from_bits(c)).bits()),
              r16.round_double(posit_oracle::decode(c, 8, 2)))
        << c;
  }
}

TEST(PositText, ToStringRoundTripsAndPrints) {
  for (std::uint32_t c = 0; c < 65536; c += 7) {
    const posit16 p = posit16::from_bits(c);
    const std::string text = to_string(p);
    if (isnar(p)) {
      EXPECT_EQ(text, "NaR");
      continue;
    }
    ASSERT_EQ(posit16(std::stod(text)), p) << text;
  }
  EXPECT_EQ(to_string(posit16(0.1)), "0.1");
  EXPECT_EQ(to_string(posit32(448)), "448");
  std::ostringstream out;
  out << posit8(-1.5) << " " << posit8::nar();
  EXPECT_EQ(out.str(), "-1.5 NaR");
}

TEST(PositScalar, HashAndMixedArithmetic) {
  std::unordered_set<posit16> seen;
  for (std::uint32_t c = 0; c < 65536; ++c) seen.insert(posit16::from_bits(c));
  EXPECT_EQ(seen.size(), 65536u);
  EXPECT_EQ(std::hash<posit16>{}(posit16(1)), std::hash<posit16>{}(posit16(1.0)));
  const double d = posit16(1.5) + 0.25;
  EXPECT_EQ(d, 1.75);
  const float f = 2.0f * posit16(1.5);
  EXPECT_EQ(f, 3.0f);
  EXPECT_EQ(abs(posit16(-3)), posit16(3));
  EXPECT_EQ(abs(posit16::nar()), posit16::nar());
  EXPECT_EQ(static_cast<double>(exp(posit32(0))), 1.0);
  EXPECT_EQ(fmin(posit32::nar(), posit32(2)), posit32(2));
  posit32 x = 3;
  x += 1;
  x *= 2;
  x -= 2;
  x /= 3;
  EXPECT_EQ(x, posit32(2));
  static_assert(sizeof(posit8) == 1 && sizeof(posit16) == 2 && sizeof(posit32) == 4);
  static_assert(std::is_trivially_copyable_v<posit32>);
  static_assert(lowp::posit8::from_bits(0x40) == lowp::posit8(1), "constexpr codec");
  static_assert(lowp::posit32(1.5) + lowp::posit32(2) == lowp::posit32(3.5), "constexpr arithmetic");
}

}  // namespace
