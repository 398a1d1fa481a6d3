// The quire and fdot against MPFR: sums of products computed exactly by MPFR (at a precision that holds the
// whole quire range) and rounded once by the independent oracle (oracle/posit_reference.hpp).
//   - one dot product of 10^5 random posit16 pairs, and 2000 of 64 pairs each (nearly cancelling halves,
//     tiny products below minpos, huge ones near maxpos^2) for posit8, posit16, posit32, posit<16, 1> and
//     posit<32, 4> (whose quire spans 2^±960);
//   - NaR is sticky, an exact zero sum gives 0, q += p and q -= p are exact, quire sizes are the Standard's.
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/posit/posit.hpp>

#include "oracle/posit_reference.hpp"

namespace {

// MPFR's exact value of sum a[i] * b[i], rounded once by the oracle.
template <int N, int ES>
std::uint32_t exact_dot(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b,
                        const std::vector<std::uint32_t>& added = {}) {
  static const posit_oracle::rounder r(N, ES);
  const int max_scale = (N - 2) << ES;
  // Every product is a multiple of minpos^2 = 2^(-2 max_scale) below 2^(2 max_scale + 1): 4 max_scale + 64
  // bits (with carries for 2^40 terms) hold every partial sum exactly.
  mpfr_t sum, product, x, y;
  mpfr_init2(sum, 4 * max_scale + 64);
  mpfr_inits2(128, product, x, y, static_cast<mpfr_ptr>(nullptr));
  mpfr_set_zero(sum, 1);
  bool nar = false;
  auto term = [&](double u, double v) {
    mpfr_set_d(x, u, MPFR_RNDN);
    mpfr_set_d(y, v, MPFR_RNDN);
    mpfr_mul(product, x, y, MPFR_RNDN);  // exact: at most 60 significant bits
    if (mpfr_add(sum, sum, product, MPFR_RNDN) != 0) ADD_FAILURE() << "oracle sum inexact";
  };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == r.nar() || b[i] == r.nar()) nar = true;
    if (!nar) term(r.value(a[i]), r.value(b[i]));
  }
  for (std::uint32_t p : added) {
    if (p == r.nar()) nar = true;
    if (!nar) term(r.value(p), 1.0);
  }
  const double truncated = mpfr_get_d(sum, MPFR_RNDZ);
  const bool exact = mpfr_cmp_d(sum, truncated) == 0;
  mpfr_clears(sum, product, x, y, static_cast<mpfr_ptr>(nullptr));
  if (nar) return r.nar();
  if (truncated == 0.0 && exact) return 0;
  return r.round({truncated, exact});
}

template <int N, int ES>
std::uint32_t library_dot(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  using P = lowp::posit<N, ES>;
  std::vector<P> x, y;
  for (std::uint32_t c : a) x.push_back(P::from_bits(c));
  for (std::uint32_t c : b) y.push_back(P::from_bits(c));
  return lowp::fdot(x, y).bits();
}

// Random codes by kind: 0 uniform, 1 near 1, 2 tiny, 3 huge.
template <int N>
std::uint32_t random_code(std::mt19937_64& engine, int kind) {
  constexpr std::uint32_t mask = N == 32 ? 0xffffffffu : (std::uint32_t(1) << N) - 1;
  constexpr std::uint32_t one = std::uint32_t(1) << (N - 2);
  const std::uint32_t spread = std::uint32_t(1) << (N / 2);
  std::uint32_t c;
  switch (kind) {
    case 1:
      c = one + static_cast<std::uint32_t>(engine() % (2 * spread)) - spread;
      break;
    case 2:
      c = 1 + static_cast<std::uint32_t>(engine() % spread);
      break;
    case 3:
      c = (one << 1) - 1 - static_cast<std::uint32_t>(engine() % spread);
      break;
    default:
      c = static_cast<std::uint32_t>(engine()) & mask;
      break;
  }
  if ((engine() & 1) != 0) c = 0u - c;
  c &= mask;
  return c == (one << 1) ? 0 : c;  // no NaR unless asked for
}

template <int N, int ES>
void many_dot_products(int count, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  long bad = 0;
  for (int t = 0; t < count; ++t) {
    const int kind = t % 4;
    std::vector<std::uint32_t> a, b;
    for (int i = 0; i < 64; ++i) {
      a.push_back(random_code<N>(engine, kind));
      b.push_back(random_code<N>(engine, (t / 4) % 4));
    }
    if (t % 3 == 0) {  // the second half cancels the first but for the last pair
      for (int i = 32; i < 63; ++i) {
        a[i] = a[i - 32];
        b[i] = (0u - b[i - 32]) & (N == 32 ? 0xffffffffu : (std::uint32_t(1) << N) - 1);
      }
    }
    const std::uint32_t want = exact_dot<N, ES>(a, b);
    const std::uint32_t got = library_dot<N, ES>(a, b);
    if (got != want && bad++ < 8) ADD_FAILURE() << "case " << t << ": got " << got << ", want " << want;
  }
  EXPECT_EQ(bad, 0);
}

TEST(PositQuire, Posit16LongDotProduct) {
  const int length = posit_oracle::quick_mode() ? 10'000 : 100'000;
  std::mt19937_64 engine(5);
  std::vector<std::uint32_t> a, b;
  for (int i = 0; i < length; ++i) {
    a.push_back(random_code<16>(engine, i % 2 == 0 ? 0 : 1));
    b.push_back(random_code<16>(engine, 1));
  }
  EXPECT_EQ((library_dot<16, 2>(a, b)), (exact_dot<16, 2>(a, b)));
}

TEST(PositQuire, Posit8DotProducts) {
  many_dot_products<8, 2>(2000, 1);
}
TEST(PositQuire, Posit16DotProducts) {
  many_dot_products<16, 2>(2000, 2);
}
TEST(PositQuire, Posit32DotProducts) {
  many_dot_products<32, 2>(2000, 3);
}
TEST(PositQuire, OtherExponentSizes) {
  many_dot_products<16, 1>(500, 4);
  many_dot_products<32, 4>(500, 5);
  many_dot_products<8, 0>(500, 6);
  many_dot_products<12, 3>(500, 7);
}

TEST(PositQuire, AddsPositsExactly) {
  using P = lowp::posit32;
  std::mt19937_64 engine(9);
  for (int t = 0; t < 500; ++t) {
    std::vector<std::uint32_t> a, b, added;
    lowp::quire32 q;
    for (int i = 0; i < 16; ++i) {
      a.push_back(random_code<32>(engine, t % 4));
      b.push_back(random_code<32>(engine, 1));
      added.push_back(random_code<32>(engine, (t / 4) % 4));
      q.fma(P::from_bits(a.back()), P::from_bits(b.back()));
      if (i % 2 == 0) {
        q += P::from_bits(added.back());
      } else {
        q -= P::from_bits((0u - added.back()));
      }
    }
    ASSERT_EQ(q.to_posit().bits(), (exact_dot<32, 2>(a, b, added))) << "case " << t;
  }
}

TEST(PositQuire, Semantics) {
  using P = lowp::posit16;
  static_assert(lowp::quire8::bits == 128 && lowp::quire16::bits == 256 && lowp::quire32::bits == 512,
                "the Standard's quire sizes: 16 N bits");
  lowp::quire16 q;
  EXPECT_TRUE(q.is_zero());
  EXPECT_EQ(q.to_posit().bits(), 0u);
  q.fma(P(3), P(5));
  q.fms(P(5), P(3));
  EXPECT_TRUE(q.is_zero());
  EXPECT_EQ(q.to_posit().bits(), 0u);  // an exact zero sum is zero
  q.fma(P::maxpos(), P::maxpos());
  q.fma(P::minpos(), P::minpos());
  q.fms(P::maxpos(), P::maxpos());
  EXPECT_EQ(q.to_posit(), P::minpos());  // minpos^2 alone rounds up to minpos (no underflow to zero)
  q.fma(P::nar(), P(1));
  EXPECT_TRUE(q.is_nar());
  q.fma(P(1), P(1));
  EXPECT_EQ(q.to_posit(), P::nar());  // sticky until cleared
  q.clear();
  q += P(2);
  q += lowp::quire16(P(0.5));
  EXPECT_EQ(q.to_posit(), P(2.5));
  // 2^31 - 1 products of maxpos^2 could be added before the carry guard overflows; a few are plenty here.
  lowp::quire16 big;
  for (int i = 0; i < 1000; ++i) big.fma(P::maxpos(), P::maxpos());
  EXPECT_EQ(big.to_posit(), P::maxpos());
  for (int i = 0; i < 1000; ++i) big.fma(-P::maxpos(), P::maxpos());
  EXPECT_TRUE(big.is_zero());
}

// A sum exactly at a cut point plus a term hundreds of bits below: only that far term breaks the tie.
// posit32 next to 1 has 27 fraction bits, so 1 + 2^-28 is the cut point between 1 and 1 + 2^-27.
TEST(PositQuire, StickyBitsFarBelowTheTop) {
  using P = posit_oracle::rounder;
  const P r(32, 2);
  for (int sign : {1, -1}) {
    std::vector<std::uint32_t> a, b;
    auto code = [&](double x) { return r.round_double(x); };
    a = {code(sign * 1.0), code(sign * std::ldexp(1.0, -28)), code(std::ldexp(1.0, -120))};
    b = {code(1.0), code(1.0), code(sign * std::ldexp(1.0, -120))};
    const std::uint32_t want = exact_dot<32, 2>(a, b);
    EXPECT_EQ(want, code(sign * (1.0 + std::ldexp(1.0, -27))));
    EXPECT_EQ((library_dot<32, 2>(a, b)), want);
    b[2] = code(-sign * std::ldexp(1.0, -120));  // now just below the cut point: rounds to 1
    EXPECT_EQ((library_dot<32, 2>(a, b)), (exact_dot<32, 2>(a, b)));
    EXPECT_EQ((exact_dot<32, 2>(a, b)), code(sign * 1.0));
  }
}

TEST(PositQuire, FdotRejectsDifferentLengths) {
  std::vector<lowp::posit32> a(3), b(4);
  EXPECT_THROW(lowp::fdot(a, b), std::invalid_argument);
  try {
    lowp::fdot(std::span<const lowp::posit32>(a), std::span<const lowp::posit32>(b));
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("3 and 4"), std::string::npos) << e.what();
  }
  EXPECT_EQ(
      lowp::fdot<lowp::posit32>(std::span<const lowp::posit32>(), std::span<const lowp::posit32>()).bits(),
      0u);
}

}  // namespace
