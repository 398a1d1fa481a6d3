// Posits against an independent oracle (oracle/posit_reference.hpp: a bit-by-bit decoder written from the
// Posit Standard, a sorted table of every posit value with the Standard's cut points, and MPFR for exact
// results), exhaustively where the format is small:
//   posit<8, ES> for ES = 0..3: every pair for + - * /, sqrt, decoding and the double round trip of every
//   code,
//                               fma on every triple for ES = 0 and 2 (16.7 M each);
//   posit<16, 1> and posit16:   decoding and the double round trip of every code, sqrt of every code, and
//                               every cut point and its binary64 neighbours converted from double;
//   posit<N, ES> for every 2 <= N <= 12, 0 <= ES <= 4: every pair for + and *, every code's decode and sqrt.
// Every comparison is bit for bit; the first mismatches are printed in full.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include <lowp/posit/posit.hpp>

#include "oracle/posit_cases.hpp"
#include "oracle/posit_reference.hpp"

namespace {

using posit_cases::hex;
using posit_cases::library;
using posit_oracle::op;

struct mismatches {
  long count = 0;
  std::string text;
  void record(const std::string& line) {
    if (count++ < 12) text += line + "\n";
  }
};

template <int N, int ES>
void all_pairs(op o) {
  const posit_oracle::rounder r(N, ES);
  posit_oracle::exact_arithmetic exact;
  mismatches log;
  constexpr std::uint32_t codes = std::uint32_t(1) << N;
  for (std::uint32_t a = 0; a < codes; ++a) {
    for (std::uint32_t b = 0; b < codes; ++b) {
      const std::uint32_t want = posit_oracle::expected(r, exact, o, a, b);
      const std::uint32_t got = library<N, ES>(o, a, b);
      if (got != want) {
        log.record(hex(a) + " " + posit_oracle::op_name(o) + " " + hex(b) + ": got " + hex(got) + ", want " +
                   hex(want));
      }
    }
  }
  EXPECT_EQ(log.count, 0) << "posit<" << N << ", " << ES << "> " << posit_oracle::op_name(o) << "\n"
                          << log.text;
}

// Decoding, the double round trip and sqrt of every code.
template <int N, int ES>
void every_code() {
  using P = lowp::posit<N, ES>;
  const posit_oracle::rounder r(N, ES);
  posit_oracle::exact_arithmetic exact;
  mismatches log;
  constexpr std::uint64_t codes = std::uint64_t(1) << N;
  for (std::uint64_t code = 0; code < codes; ++code) {
    const auto c = static_cast<std::uint32_t>(code);
    const P p = P::from_bits(c);
    const double want = r.value(c);
    const double got = static_cast<double>(p);
    if (!(got == want || (std::isnan(got) && std::isnan(want)))) {
      log.record("decode " + hex(c) + ": got " + std::to_string(got) + ", want " + std::to_string(want));
    }
    if (P(got).bits() != c) log.record("round trip " + hex(c) + " -> " + hex(P(got).bits()));
    if (static_cast<double>(static_cast<float>(p)) != static_cast<double>(static_cast<float>(want)) &&
        !std::isnan(want)) {
      log.record("to float " + hex(c));
    }
    const std::uint32_t root = posit_oracle::expected(r, exact, op::sqrt, c);
    if (sqrt(p).bits() != root)
      log.record("sqrt " + hex(c) + ": got " + hex(sqrt(p).bits()) + ", want " + hex(root));
  }
  EXPECT_EQ(log.count, 0) << "posit<" << N << ", " << ES << ">\n" << log.text;
}

// Every cut point between adjacent posits, its binary64 neighbours, the posit values themselves and the
// out-of-range neighbours of minpos and maxpos, with both signs, converted from double.
template <int N, int ES>
void conversion_boundaries() {
  using P = lowp::posit<N, ES>;
  const posit_oracle::rounder r(N, ES);
  mismatches log;
  long cases = 0;
  auto check = [&](double x) {
    for (double v : {x, -x}) {
      ++cases;
      const std::uint32_t want = r.round_double(v);
      const std::uint32_t got = P(v).bits();
      if (got != want)
        log.record("from double " + std::to_string(v) + ": got " + hex(got) + ", want " + hex(want));
    }
  };
  for (std::uint32_t c = 0; c < r.maxpos_code(); ++c) {
    const double cut = r.cut(c);
    check(cut);
    check(std::nextafter(cut, 0.0));
    check(std::nextafter(cut, 1e300));
    check(r.value(c + 1));
  }
  for (double x : {r.minpos() / 2, std::nextafter(r.minpos(), 0.0), r.minpos() / 1024, 4.9e-324,
                   r.maxpos() * 2, std::nextafter(r.maxpos(), 1e300), 1.7e308}) {
    check(x);
  }
  EXPECT_EQ(P(std::nan("")).bits(), r.nar());
  EXPECT_EQ(P(HUGE_VAL).bits(), r.nar());
  EXPECT_EQ(P(-HUGE_VAL).bits(), r.nar());
  EXPECT_EQ(P(-0.0).bits(), 0u);
  EXPECT_EQ(log.count, 0) << "posit<" << N << ", " << ES << "> (" << cases << " cases)\n" << log.text;
}

// fma on every triple of an 8-bit format (or a stride of them in quick mode).
template <int N, int ES>
void all_triples() {
  const posit_oracle::rounder r(N, ES);
  posit_oracle::exact_arithmetic exact;
  mismatches log;
  const std::uint32_t stride = posit_oracle::quick_mode() ? 7 : 1;
  constexpr std::uint32_t codes = std::uint32_t(1) << N;
  for (std::uint32_t a = 0; a < codes; a += stride) {
    for (std::uint32_t b = 0; b < codes; ++b) {
      for (std::uint32_t c = 0; c < codes; ++c) {
        const std::uint32_t want = posit_oracle::expected(r, exact, op::fma, a, b, c);
        const std::uint32_t got = library<N, ES>(op::fma, a, b, c);
        if (got != want) {
          log.record("fma(" + hex(a) + ", " + hex(b) + ", " + hex(c) + "): got " + hex(got) + ", want " +
                     hex(want));
        }
      }
    }
  }
  EXPECT_EQ(log.count, 0) << "posit<" << N << ", " << ES << "> fma\n" << log.text;
}

#define POSIT8_PAIRS(ES)                                                   \
  TEST(Posit8Exhaustive, AllPairsEs##ES) {                                 \
    for (op o : {op::add, op::sub, op::mul, op::div}) all_pairs<8, ES>(o); \
  }                                                                        \
  TEST(Posit8Exhaustive, EveryCodeEs##ES) {                                \
    every_code<8, ES>();                                                   \
  }                                                                        \
  TEST(Posit8Exhaustive, ConversionBoundariesEs##ES) {                     \
    conversion_boundaries<8, ES>();                                        \
  }
POSIT8_PAIRS(0)
POSIT8_PAIRS(1)
POSIT8_PAIRS(2)
POSIT8_PAIRS(3)
#undef POSIT8_PAIRS

TEST(Posit8Exhaustive, FmaAllTriplesEs0) {
  all_triples<8, 0>();
}
TEST(Posit8Exhaustive, FmaAllTriplesEs2) {
  all_triples<8, 2>();
}

TEST(Posit16Exhaustive, EveryCodeEs1) {
  every_code<16, 1>();
}
TEST(Posit16Exhaustive, EveryCodeEs2) {
  every_code<16, 2>();
}
TEST(Posit16Exhaustive, ConversionBoundariesEs1) {
  conversion_boundaries<16, 1>();
}
TEST(Posit16Exhaustive, ConversionBoundariesEs2) {
  conversion_boundaries<16, 2>();
}

// Small widths, every exponent size: the codec at the edges (N = 2 and 3, regimes that leave no room for
// the exponent field, ES = 4).
template <int N, int ES>
void small_format() {
  every_code<N, ES>();
  all_pairs<N, ES>(op::add);
  all_pairs<N, ES>(op::mul);
  all_pairs<N, ES>(op::div);
  conversion_boundaries<N, ES>();
}
template <int N>
void small_format_every_es() {
  small_format<N, 0>();
  small_format<N, 1>();
  small_format<N, 2>();
  small_format<N, 3>();
  small_format<N, 4>();
}
TEST(PositSmallFormats, Width2To6) {
  small_format_every_es<2>();
  small_format_every_es<3>();
  small_format_every_es<4>();
  small_format_every_es<5>();
  small_format_every_es<6>();
}
TEST(PositSmallFormats, Width7To10) {
  small_format_every_es<7>();
  small_format_every_es<9>();
  small_format_every_es<10>();
}
TEST(PositSmallFormats, Width8Es4) {
  small_format<8, 4>();
}

// The oracle's two floor-code methods (sorted table, bit-by-bit truncated encoding) agree on every cut point
// and value of posit16, so the truncated encoding used for posit32 is checked too.
TEST(PositOracle, TruncatedEncodingAgreesWithTable) {
  const posit_oracle::rounder r(16, 2);
  long bad = 0;
  for (std::uint32_t c = 1; c < r.maxpos_code(); ++c) {
    for (double x :
         {r.value(c), r.cut(c), std::nextafter(r.cut(c), 0.0), std::nextafter(r.value(c + 1), 0.0)}) {
      if (r.floor_code(x) != r.truncated_encoding(x, 17) >> 1) ++bad;
    }
  }
  EXPECT_EQ(bad, 0);
}

// Hand-checked points of the oracle from the Standard's text and the vectors' README.
TEST(PositOracle, KnownValues) {
  EXPECT_EQ(posit_oracle::decode(0x4000, 16, 1), 1.0);
  EXPECT_EQ(posit_oracle::decode(0x7fff, 16, 1), std::ldexp(1.0, 28));
  EXPECT_EQ(posit_oracle::decode(0x0001, 16, 1), std::ldexp(1.0, -28));
  EXPECT_EQ(posit_oracle::decode(0x7f, 8, 0), 64.0);
  EXPECT_EQ(posit_oracle::decode(0x40000000, 32, 2), 1.0);
  EXPECT_EQ(posit_oracle::decode(0x7fffffff, 32, 2), std::ldexp(1.0, 120));
  // posit<8, 2>: 0x70 = 0|1110|00|0 (k = 2): 2^8; 0x71 = 1.5 * 2^8; 0xc0 = -1.
  EXPECT_EQ(posit_oracle::decode(0x70, 8, 2), 256.0);
  EXPECT_EQ(posit_oracle::decode(0x71, 8, 2), 384.0);  // fraction bit 1: 1.5 * 2^8
  EXPECT_EQ(posit_oracle::decode(0xc0, 8, 2), -1.0);
  // Where exponent bits are cut off the cut point is not the midpoint: in posit<8, 2>, 0x7d = 0|111110|1(0)
  // = 2^(4*4 + 2) = 2^18 and 0x7e = 0|1111110 = 2^20; the cut point is the 9-bit 0|111110|11 = 2^19, well
  // below the arithmetic midpoint 2.5 * 2^18.
  const posit_oracle::rounder r(8, 2);
  EXPECT_EQ(r.value(0x7d), std::ldexp(1.0, 18));
  EXPECT_EQ(r.value(0x7e), std::ldexp(1.0, 20));
  EXPECT_EQ(r.cut(0x7d), std::ldexp(1.0, 19));
  EXPECT_EQ(r.round_double(std::ldexp(1.1, 19)), 0x7eu);  // nearer to 2^18 in value, above the cut point
  EXPECT_EQ(r.round_double(std::ldexp(0.9, 19)), 0x7du);
  EXPECT_EQ(r.round_double(std::ldexp(1.0, 19)), 0x7eu);  // the tie goes to the even code
  EXPECT_EQ(r.round_double(1e-30), 1u);                   // no underflow to zero
  EXPECT_EQ(r.round_double(-1e30), 0x81u);                // no overflow to NaR: -maxpos
}

}  // namespace
