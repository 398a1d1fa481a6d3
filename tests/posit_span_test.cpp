// The posit span functions (posit/elementwise.hpp: lowp::add, subtract, multiply, divide, fma, sqrt over
// spans; SIMD lanes, and 64 K-entry tables for posits of at most 8 bits) against the scalar operators, which
// posit_exhaustive_test and posit_random_test hold to the independent oracle bit for bit. The two are
// different code where the build has FMA: the scalar + - * / run through binary64 (posit_binary64.hpp),
// the spans' multiply and divide the integer lane kernels (posit_lanes.hpp), their add and subtract the
// binary64 codec on SIMD lanes, and the integer add kernel is checked beside them:
//   posit<8, ES>, ES = 0..3:  every pair (the tables, which the scalar operators read too:
//                             posit_exhaustive_test holds them to the oracle);
//   posit16, posit<16, 1>:    every b against every 41st a (every 997th under LOWP_TEST_QUICK=1, every a,
//                             all 2^32 pairs, under LOWP_TEST_FULL=1: 17 minutes on the 2-core
//                             development machine under load);
//   posit32:                  10^7 random pairs and fma triples, posit<32, 0> and <32, 4> 10^6 (2% of
//                             each under LOWP_TEST_QUICK=1), mixing
//                             uniform codes, log-uniform values over 2^±8, near-cancelling pairs and the
//                             special codes;
// spans whose length is no multiple of any vector width and misaligned subspans; unequal sizes throw.
#include <cstdint>
#include <cstdlib>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/posit/elementwise.hpp>
#include <lowp/posit/posit.hpp>

namespace {

bool quick_mode() {
  return std::getenv("LOWP_TEST_QUICK") != nullptr;
}

template <class P>
struct mismatch_log {
  long count = 0;
  void check(const char* what, P a, P b, P got, P want) {
    if (got != want && ++count <= 8) {
      ADD_FAILURE() << what << " of codes 0x" << std::hex << a.bits() << ", 0x" << b.bits() << ": span 0x"
                    << got.bits() << ", scalar 0x" << want.bits();
    }
  }
};

// Every operation over the spans a, b against the scalar operators, element by element.
template <class P>
long compare_binary(const std::vector<P>& a, const std::vector<P>& b) {
  std::vector<P> out(a.size());
  mismatch_log<P> log;
  lowp::add(a, b, out);
  for (std::size_t i = 0; i < a.size(); ++i) log.check("add", a[i], b[i], out[i], a[i] + b[i]);
  // The spans add through binary64 lanes like the scalar operator; the integer lane kernel, which constant
  // evaluation, device code and builds without FMA run instead, is held to the operator here (every
  // fourth element: the posit8 tables already hold it to every pair).
  for (std::size_t i = 0; i < a.size(); i += 4) {
    const auto kernel = lowp::posit_detail::add_codes<P::format::bits, P::format::exponent_bits>(
        std::uint64_t{a[i].bits()}, std::uint64_t{b[i].bits()});
    log.check("add_codes", a[i], b[i], P::from_bits(static_cast<std::uint32_t>(kernel)), a[i] + b[i]);
  }
  lowp::subtract(a, b, out);
  for (std::size_t i = 0; i < a.size(); ++i) log.check("subtract", a[i], b[i], out[i], a[i] - b[i]);
  lowp::multiply(a, b, out);
  for (std::size_t i = 0; i < a.size(); ++i) log.check("multiply", a[i], b[i], out[i], a[i] * b[i]);
  lowp::divide(a, b, out);
  for (std::size_t i = 0; i < a.size(); ++i) log.check("divide", a[i], b[i], out[i], a[i] / b[i]);
  return log.count;
}

template <int ES>
void every_posit8_pair() {
  using P = lowp::posit<8, ES>;
  std::vector<P> a, b;
  for (std::uint32_t x = 0; x < 256; ++x) {
    for (std::uint32_t y = 0; y < 256; ++y) {
      a.push_back(P::from_bits(x));
      b.push_back(P::from_bits(y));
    }
  }
  EXPECT_EQ(compare_binary(a, b), 0);
  std::vector<P> roots(256), codes(a.begin(), a.begin() + 256);
  for (std::uint32_t x = 0; x < 256; ++x) codes[x] = P::from_bits(x);
  lowp::sqrt<8, ES>(codes, roots);
  for (std::uint32_t x = 0; x < 256; ++x) EXPECT_EQ(roots[x], sqrt(codes[x])) << x;
}

TEST(PositSpan, Posit8EveryPairEveryEs) {
  every_posit8_pair<0>();
  every_posit8_pair<1>();
  every_posit8_pair<2>();
  every_posit8_pair<3>();
}

template <int ES>
void posit16_pairs() {
  using P = lowp::posit<16, ES>;
  const std::uint32_t a_step = std::getenv("LOWP_TEST_FULL") ? 1 : quick_mode() ? 997 : 41;
  std::vector<P> a(65536), b(65536);
  long mismatches = 0;
  for (std::uint32_t x = 0; x < 65536; x += a_step) {
    for (std::uint32_t y = 0; y < 65536; ++y) {
      a[y] = P::from_bits(x);
      b[y] = P::from_bits(y);
    }
    mismatches += compare_binary(a, b);
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(PositSpan, Posit16EveryBAgainstEvery41stA) {
  posit16_pairs<2>();
  posit16_pairs<1>();
}

// Random posit32 codes of the kinds that exercise different paths.
template <int ES>
class operand_source {
 public:
  explicit operand_source(std::uint64_t seed) : engine_(seed) {}
  lowp::posit<32, ES> next(lowp::posit<32, ES> previous) {
    using P = lowp::posit<32, ES>;
    switch (engine_() % 6) {
      case 0:  // the special codes and the ends of the range
      {
        const std::uint32_t specials[] = {0u, 0x80000000u, 1u, 0xffffffffu, 0x7fffffffu, 0x80000001u};
        return P::from_bits(specials[engine_() % 6]);
      }
      case 1:  // close to ±previous: cancellation
        return P::from_bits((engine_() % 2 ? previous.bits() : 0u - previous.bits()) +
                            static_cast<std::uint32_t>(engine_() % 9) - 4u);
      case 2:
      case 3:  // log-uniform over 2^±8
        return P(std::exp2(exponent_(engine_)) * (engine_() % 2 ? -1.0 : 1.0));
      default:
        return P::from_bits(static_cast<std::uint32_t>(engine_()));
    }
  }

 private:
  std::mt19937_64 engine_;
  std::uniform_real_distribution<double> exponent_{-8.0, 8.0};
};

template <int ES>
void posit32_random(std::size_t full_count) {
  using P = lowp::posit<32, ES>;
  const std::size_t count = quick_mode() ? full_count / 50 : full_count;
  operand_source<ES> source(20 + ES);
  std::vector<P> a(count), b(count), c(count);
  for (std::size_t i = 0; i < count; ++i) {
    a[i] = source.next(i ? b[i - 1] : P(1));
    b[i] = source.next(a[i]);
    c[i] = source.next(a[i] * b[i]);
  }
  EXPECT_EQ(compare_binary(a, b), 0);
  std::vector<P> out(count);
  lowp::fma<32, ES>(a, b, c, out);
  mismatch_log<P> log;
  for (std::size_t i = 0; i < count; ++i) log.check("fma", a[i], b[i], out[i], fma(a[i], b[i], c[i]));
  EXPECT_EQ(log.count, 0);
}

TEST(PositSpan, Posit32RandomPairs) {
  posit32_random<2>(10'000'000);
}
TEST(PositSpan, Posit32Es0AndEs4RandomPairs) {
  posit32_random<0>(1'000'000);
  posit32_random<4>(1'000'000);
}

TEST(PositSpan, TailsAndMisalignedSubspans) {
  using P = lowp::posit32;
  std::mt19937_64 engine(5);
  std::vector<P> a(1000), b(1000), out(1000, P(7));
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = P::from_bits(static_cast<std::uint32_t>(engine()));
    b[i] = P::from_bits(static_cast<std::uint32_t>(engine()));
  }
  for (std::size_t offset = 0; offset < 3; ++offset) {
    for (std::size_t length : {0u, 1u, 7u, 15u, 16u, 17u, 63u, 997u}) {
      const std::span<const P> x = std::span<const P>(a).subspan(offset, length);
      const std::span<const P> y = std::span<const P>(b).subspan(2 - offset, length);
      const std::span<P> z = std::span<P>(out).subspan(offset, length);
      lowp::multiply<32, 2>(x, y, z);
      for (std::size_t i = 0; i < length; ++i)
        ASSERT_EQ(z[i], x[i] * y[i]) << offset << " " << length << " " << i;
      // Nothing past the output span is written.
      if (offset + length < out.size()) {
        out[offset + length] = P(7);
        lowp::add<32, 2>(x, y, z);
        EXPECT_EQ(out[offset + length], P(7));
      }
    }
  }
}

TEST(PositSpan, UnequalSizesThrowNamingTheFunction) {
  std::vector<lowp::posit16> a(4), b(5), out(4);
  try {
    lowp::add(a, b, out);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("lowp::add"), std::string::npos) << e.what();
  }
  EXPECT_THROW(lowp::divide(a, a, b), std::invalid_argument);
  EXPECT_THROW((lowp::sqrt<16, 2>(a, b)), std::invalid_argument);
}

}  // namespace
