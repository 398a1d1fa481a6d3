// Posits too wide to test exhaustively, against the independent oracle (oracle/posit_reference.hpp: MPFR for
// the exact result; the Standard's cut-point rule applied with a sorted table of every value for 16 bits and
// a bit-by-bit truncated 33-bit encoding for posit32):
//   posit<16, 1>, posit16 and posit32: 10^7 random operand pairs per operation (+ - * /), 10^6 fma triples;
//   posit32: conversion from 10^7 random doubles, sqrt of 2.5 * 10^6 random codes, 10^6 codes to double.
// Operands mix uniform random codes, log-uniform values over 2^±8 (the "unpredictable regime" range), close
// pairs b = ±(a + small code offset) for cancellation, and the special codes. LOWP_TEST_QUICK=1 runs 2%.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include <lowp/posit/posit.hpp>

#include "oracle/posit_cases.hpp"
#include "oracle/posit_reference.hpp"

namespace {

using posit_cases::hex;
using posit_cases::library;
using posit_oracle::op;

long scaled(long full) {
  return posit_oracle::quick_mode() ? full / 50 : full;
}

// Random codes of an N-bit posit.
template <int N>
class code_source {
 public:
  explicit code_source(std::uint64_t seed, int es) : engine_(seed), es_(es) {}
  std::uint32_t any() {
    switch (engine_() % 8) {
      case 0:
        return special();
      case 1:
      case 2:
        return log_uniform();
      default:
        return static_cast<std::uint32_t>(engine_()) & mask;
    }
  }
  // A second operand: often close to the first (or to its negative) for cancellation.
  std::uint32_t partner(std::uint32_t a) {
    const auto choice = engine_() % 8;
    if (choice < 2) {
      const std::uint32_t offset = static_cast<std::uint32_t>(engine_() % 129) - 64;
      const std::uint32_t near = (a + offset) & mask;
      return choice == 0 ? near : (0u - near) & mask;
    }
    return any();
  }

 private:
  static constexpr std::uint32_t mask = N == 32 ? 0xffffffffu : (std::uint32_t(1) << N) - 1;
  std::uint32_t special() {
    const std::uint32_t nar = std::uint32_t(1) << (N - 1);
    const std::uint32_t one = nar >> 1;
    const std::uint32_t table[] = {0,       nar,     one,     (0u - one) & mask, 1, mask,
                                   nar - 1, nar + 1, one + 1, one - 1,           2};
    return table[engine_() % (sizeof table / sizeof table[0])];
  }
  // |x| log-uniform in [2^-8, 2^8], random sign, encoded by the oracle (not by lowp).
  std::uint32_t log_uniform() {
    static thread_local posit_oracle::rounder r(N, 2);
    std::uniform_real_distribution<double> exponent(-8.0, 8.0);
    const double x = std::exp2(exponent(engine_)) * ((engine_() & 1) != 0 ? -1.0 : 1.0);
    if (es_ != 2) return static_cast<std::uint32_t>(engine_()) & mask;
    return r.round_double(x);
  }
  std::mt19937_64 engine_;
  int es_;
};

template <int N, int ES>
void random_cases(op o, long count, std::uint64_t seed) {
  const posit_oracle::rounder r(N, ES);
  posit_oracle::exact_arithmetic exact;
  code_source<N> source(seed, ES);
  long bad = 0;
  std::string text;
  for (long i = 0; i < count; ++i) {
    const std::uint32_t a = source.any();
    const std::uint32_t b = o == op::sqrt ? 0 : source.partner(a);
    const std::uint32_t c = o == op::fma ? source.partner(a) : 0;
    const std::uint32_t want = posit_oracle::expected(r, exact, o, a, b, c);
    const std::uint32_t got = library<N, ES>(o, a, b, c);
    if (got != want && bad++ < 12) {
      text += std::string(posit_oracle::op_name(o)) + "(" + hex(a) + ", " + hex(b) + ", " + hex(c) +
              "): got " + hex(got) + ", want " + hex(want) + "\n";
    }
  }
  EXPECT_EQ(bad, 0) << "posit<" << N << ", " << ES << "> " << posit_oracle::op_name(o) << " over " << count
                    << " cases\n"
                    << text;
}

constexpr long pairs = 10'000'000;

TEST(Posit16Es1Random, Add) {
  random_cases<16, 1>(op::add, scaled(pairs), 11);
}
TEST(Posit16Es1Random, Sub) {
  random_cases<16, 1>(op::sub, scaled(pairs), 12);
}
TEST(Posit16Es1Random, Mul) {
  random_cases<16, 1>(op::mul, scaled(pairs), 13);
}
TEST(Posit16Es1Random, Div) {
  random_cases<16, 1>(op::div, scaled(pairs), 14);
}
TEST(Posit16Es1Random, Fma) {
  random_cases<16, 1>(op::fma, scaled(pairs / 10), 15);
}

TEST(Posit16Random, Add) {
  random_cases<16, 2>(op::add, scaled(pairs), 21);
}
TEST(Posit16Random, Sub) {
  random_cases<16, 2>(op::sub, scaled(pairs), 22);
}
TEST(Posit16Random, Mul) {
  random_cases<16, 2>(op::mul, scaled(pairs), 23);
}
TEST(Posit16Random, Div) {
  random_cases<16, 2>(op::div, scaled(pairs), 24);
}
TEST(Posit16Random, Fma) {
  random_cases<16, 2>(op::fma, scaled(pairs / 10), 25);
}

TEST(Posit32Random, Add) {
  random_cases<32, 2>(op::add, scaled(pairs), 31);
}
TEST(Posit32Random, Sub) {
  random_cases<32, 2>(op::sub, scaled(pairs), 32);
}
TEST(Posit32Random, Mul) {
  random_cases<32, 2>(op::mul, scaled(pairs), 33);
}
TEST(Posit32Random, Div) {
  random_cases<32, 2>(op::div, scaled(pairs), 34);
}
TEST(Posit32Random, Sqrt) {
  random_cases<32, 2>(op::sqrt, scaled(pairs / 4), 35);
}
TEST(Posit32Random, Fma) {
  random_cases<32, 2>(op::fma, scaled(pairs / 10), 36);
}
// Other exponent sizes of the widest posits: fewer cases, same oracle.
TEST(Posit32OtherEsRandom, AllOperations) {
  for (op o : {op::add, op::sub, op::mul, op::div, op::sqrt, op::fma}) {
    random_cases<32, 0>(o, scaled(pairs / 50), 40);
    random_cases<32, 3>(o, scaled(pairs / 50), 41);
    random_cases<24, 1>(o, scaled(pairs / 50), 42);
  }
}

// Conversion of random doubles to posit32: half log-uniform over 2^±130 (beyond minpos and maxpos), a quarter
// random bit patterns (all exponents, NaN and Inf included), a quarter the cut points of random codes and
// their binary64 neighbours.
TEST(Posit32Random, FromDouble) {
  using P = lowp::posit32;
  const posit_oracle::rounder r(32, 2);
  std::mt19937_64 engine(37);
  std::uniform_real_distribution<double> exponent(-130.0, 130.0);
  const long count = scaled(pairs);
  long bad = 0;
  std::string text;
  for (long i = 0; i < count; ++i) {
    double x;
    switch (engine() % 4) {
      case 0:
      case 1:
        x = std::exp2(exponent(engine));
        break;
      case 2:
        x = std::bit_cast<double>(engine());
        break;
      default: {
        const std::uint32_t c = static_cast<std::uint32_t>(engine() % (r.maxpos_code() - 1)) + 1;
        x = r.cut(c);
        const auto step = engine() % 3;
        if (step == 1) x = std::nextafter(x, 0.0);
        if (step == 2) x = std::nextafter(x, 1e300);
      }
    }
    if ((engine() & 1) != 0) x = -x;
    const std::uint32_t want = r.round_double(x);
    const std::uint32_t got = P(x).bits();
    if (got != want && bad++ < 12)
      text +=
          "from " + hex(std::bit_cast<std::uint64_t>(x)) + ": got " + hex(got) + ", want " + hex(want) + "\n";
  }
  EXPECT_EQ(bad, 0) << text;
}

// posit32 to double is exact: every code against the oracle's bit-by-bit decoder, on random codes.
TEST(Posit32Random, CodesRoundTripThroughDouble) {
  using P = lowp::posit32;
  std::mt19937_64 engine(38);
  const long count = scaled(pairs / 10);
  long bad = 0;
  for (long i = 0; i < count; ++i) {
    const auto c = static_cast<std::uint32_t>(engine());
    const double want = posit_oracle::decode(c, 32, 2);
    const double got = static_cast<double>(P::from_bits(c));
    if (!(got == want || (std::isnan(got) && std::isnan(want))) || P(got).bits() != c) ++bad;
  }
  EXPECT_EQ(bad, 0);
}

}  // namespace
