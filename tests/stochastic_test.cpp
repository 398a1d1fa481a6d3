// Stochastic rounding: the generator (known answers), reproducibility, unbiasedness (a 4-standard-error
// bound on the mean), the two-neighbour property, and the documented bias of stochastic<B>.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>

namespace {

namespace rounding = lowp::rounding;

// Random123's published known-answer vectors for Philox4x32-10 (kat_vectors in its distribution).
TEST(Philox, KnownAnswers) {
  using lowp::core::philox4x32_10;
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, 0),
            (lowp::core::philox_block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32_10({~0u, ~0u, ~0u, ~0u}, ~std::uint64_t{0}),
            (lowp::core::philox_block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, 0x299f31d0a4093822ull),
            (lowp::core::philox_block{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

template <class T>
std::vector<std::uint32_t> scalar_codes(const std::vector<float>& in) {
  std::vector<std::uint32_t> codes;
  for (float x : in) codes.push_back(T(x).bits());
  return codes;
}

std::vector<float> sample_inputs(std::size_t n) {
  std::mt19937 engine(7);
  std::uniform_real_distribution<float> uniform(-100.0f, 100.0f);
  std::vector<float> in(n);
  for (auto& x : in) x = uniform(engine);
  return in;
}

TEST(StochasticRounding, SameSeedSameBitsDifferentSeedDifferentBits) {
  using T = lowp::with_rounding<lowp::bfloat16, rounding::stochastic<>>;
  const auto in = sample_inputs(1001);
  lowp::seed_stochastic_rounding(42);
  const auto first = scalar_codes<T>(in);
  lowp::seed_stochastic_rounding(42);
  const auto second = scalar_codes<T>(in);
  lowp::seed_stochastic_rounding(43);
  const auto other = scalar_codes<T>(in);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, other);

  // Spans: thread stream and explicit stream, float -> float and float -> packed codes.
  std::vector<float> out1(in.size()), out2(in.size()), out3(in.size());
  lowp::seed_stochastic_rounding(5);
  lowp::round_to<T>(in, out1);
  lowp::seed_stochastic_rounding(5);
  lowp::round_to<T>(in, out2);
  lowp::seed_stochastic_rounding(6);
  lowp::round_to<T>(in, out3);
  EXPECT_EQ(out1, out2);
  EXPECT_NE(out1, out3);

  lowp::sr_stream a(99), b(99), c(100);
  std::vector<T> codes_a(in.size()), codes_b(in.size()), codes_c(in.size());
  lowp::convert<T>(in, std::span<T>(codes_a), a);
  lowp::convert<T>(in, std::span<T>(codes_b), b);
  lowp::convert<T>(in, std::span<T>(codes_c), c);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(codes_a[i].bits(), codes_b[i].bits());
    differ += codes_a[i].bits() != codes_c[i].bits();
  }
  EXPECT_GT(differ, 0u);
}

// For x strictly between neighbours lo < x < hi, stochastic<> must give hi with probability (x-lo)/(hi-lo).
// The mean of n roundings is within 4 standard errors of x (false alarm ~6e-5 per check).
template <class T, class Source>
void expect_unbiased(Source x, int n) {
  using Down = lowp::with_rounding<T, rounding::toward_zero>;
  const double lo = static_cast<double>(Down(x));
  const double hi = x > 0 ? static_cast<double>(lowp::with_rounding<T, rounding::upward>(x))
                          : static_cast<double>(lowp::with_rounding<T, rounding::downward>(x));
  ASSERT_NE(lo, hi) << "pick a value that is not representable";
  const double p = (static_cast<double>(x) - lo) / (hi - lo);
  double sum = 0.0;
  for (int i = 0; i < n; ++i) {
    const double r = static_cast<double>(T(x));
    ASSERT_TRUE(r == lo || r == hi) << "stochastic rounding left the two neighbours of " << x;
    sum += r;
  }
  const double mean = sum / n;
  const double standard_error = std::fabs(hi - lo) * std::sqrt(p * (1 - p) / n);
  EXPECT_NEAR(mean, static_cast<double>(x), 4 * standard_error) << "x = " << x;
}

TEST(StochasticRounding, MeanOf100000RoundingsIsWithinFourStandardErrors) {
  lowp::seed_stochastic_rounding(2026);
  using SR = rounding::stochastic<>;
  expect_unbiased<lowp::with_rounding<lowp::bfloat16, SR>>(1.0f + 0.3f / 128, 100000);
  expect_unbiased<lowp::with_rounding<lowp::bfloat16, SR>>(-3.14159, 100000);
  expect_unbiased<lowp::with_rounding<lowp::float16, SR>>(1e-6f, 100000);  // subnormal range
  expect_unbiased<lowp::with_rounding<lowp::float8_e4m3fn, SR>>(0.3, 100000);
  expect_unbiased<lowp::with_rounding<lowp::float8_e5m2, SR>>(-1000.0f, 100000);
  expect_unbiased<lowp::with_rounding<lowp::float4_e2m1fn, SR>>(2.2f, 100000);
  expect_unbiased<lowp::with_rounding<lowp::float6_e3m2fn, SR>>(0.01, 100000);
  // Far below the smallest subnormal: up with probability ~2^-10 (needs the full-width comparison).
  expect_unbiased<lowp::with_rounding<lowp::float8_e4m3fn, SR>>(std::ldexp(1.0, -19), 100000);
}

TEST(StochasticRounding, EveryResultIsOneOfTheTwoNeighbours) {
  lowp::seed_stochastic_rounding(1);
  std::mt19937 engine(11);
  std::uniform_real_distribution<float> uniform(-500.0f, 500.0f);
  auto check = [&](auto tag) {
    using T = decltype(tag);
    using Down = lowp::with_rounding<T, rounding::downward>;
    using Up = lowp::with_rounding<T, rounding::upward>;
    for (int i = 0; i < 20000; ++i) {
      const float x = uniform(engine) * std::ldexp(1.0f, static_cast<int>(engine() % 20) - 10);
      const float r = static_cast<float>(T(x));
      const float lo = static_cast<float>(Down(x)), hi = static_cast<float>(Up(x));
      ASSERT_TRUE(r == lo || r == hi || (std::isnan(r) && (std::isnan(lo) || std::isnan(hi))) ||
                  (std::isinf(r) && (std::isinf(lo) || std::isinf(hi))))
          << x << " -> " << r << " not in {" << lo << ", " << hi << "}";
    }
  };
  check(lowp::with_rounding<lowp::bfloat16, rounding::stochastic<1>>{});
  check(lowp::with_rounding<lowp::bfloat16, rounding::stochastic<3>>{});
  check(lowp::with_rounding<lowp::float16, rounding::stochastic<8>>{});
  check(lowp::with_rounding<lowp::float16, rounding::stochastic<23>>{});
  check(lowp::with_rounding<lowp::float8_e4m3fn, rounding::stochastic<4>>{});
  check(lowp::with_rounding<lowp::float8_e5m2, rounding::stochastic<16>>{});
  check(lowp::with_rounding<lowp::float4_e2m1fn, rounding::stochastic<2>>{});
  check(lowp::with_rounding<lowp::bfloat16, rounding::stochastic_equal>{});
  check(lowp::with_rounding<lowp::float8_e4m3fn, rounding::stochastic<>>{});
}

// stochastic<B> sees only the B bits below the kept precision: a remainder r (in ulps) rounds up with
// probability floor(r * 2^B) / 2^B. With B = 1 and r = 0.4 that is 0: never up, a bias of -0.4 ulp.
TEST(StochasticRounding, FewRandomBitsAreBiasedAsDocumented) {
  lowp::seed_stochastic_rounding(3);
  const float x = 1.0f + 0.4f / 128;  // 0.4 ulp above 1 in bfloat16
  using B1 = lowp::with_rounding<lowp::bfloat16, rounding::stochastic<1>>;
  using B2 = lowp::with_rounding<lowp::bfloat16, rounding::stochastic<2>>;
  int up1 = 0, up2 = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    up1 += static_cast<float>(B1(x)) > 1.0f;
    up2 += static_cast<float>(B2(x)) > 1.0f;
  }
  EXPECT_EQ(up1, 0);
  // B = 2: floor(0.4 * 4) / 4 = 0.25; binomial standard deviation sqrt(n p (1-p)) ~ 137.
  EXPECT_NEAR(up2, n / 4, 4 * 137);
}

// Either neighbour with probability 1/2, whatever the distance: its mean is biased toward the midpoint.
TEST(StochasticRounding, StochasticEqualIsFairCoinAndKeepsExactValues) {
  lowp::seed_stochastic_rounding(4);
  using T = lowp::with_rounding<lowp::float8_e4m3fn, rounding::stochastic_equal>;
  const int n = 100000;
  int up = 0;
  for (int i = 0; i < n; ++i) up += static_cast<double>(T(0.29)) == 0.3125;  // 0.29 is 0.28 ulp above 0.28125
  EXPECT_NEAR(up, n / 2, 4 * 158);                                           // sqrt(n/4) ~ 158
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(static_cast<double>(T(0.3125)), 0.3125);
}

}  // namespace

#include <lowp/eigen.hpp>
#include <lowp/float/parallel.hpp>

namespace {

// The random word of element i depends on (seed, i) only: 1, 2 and 3 threads give the same bits as the
// single-threaded span call, and the stream ends in the same state.
TEST(StochasticRounding, SpansGiveTheSameBitsOnAnyThreadCount) {
  using T = lowp::with_rounding<lowp::float16, rounding::stochastic<>>;
  const auto in = sample_inputs(100003);  // not a multiple of any chunk or vector size
  std::vector<float> one(in.size()), two(in.size()), three(in.size());
  lowp::sr_stream a(17), b(17), c(17);
  lowp::round_to<T>(in, one, a);
  lowp::round_to<T>(in, two, b, lowp::threads{2});
  lowp::round_to<T>(in, three, c, lowp::threads{3});
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, three);
  const std::uint64_t next = a.next_u64();
  EXPECT_EQ(b.next_u64(), next);
  EXPECT_EQ(c.next_u64(), next);

  std::vector<double> wide(in.begin(), in.end()), wide_one(in.size()), wide_two(in.size());
  lowp::sr_stream d(5), e(5);
  lowp::round_to<lowp::with_rounding<lowp::bfloat16, rounding::stochastic<7>>>(wide, wide_one, d);
  lowp::round_to<lowp::with_rounding<lowp::bfloat16, rounding::stochastic<7>>>(wide, wide_two, e,
                                                                               lowp::threads{2});
  EXPECT_EQ(wide_one, wide_two);

  std::vector<T> codes_one(in.size()), codes_two(in.size());
  lowp::sr_stream f(9), g(9);
  lowp::convert<T>(in, std::span<T>(codes_one), f);
  lowp::convert<T>(in, std::span<T>(codes_two), g, lowp::threads{2});
  for (std::size_t i = 0; i < in.size(); ++i) ASSERT_EQ(codes_one[i].bits(), codes_two[i].bits()) << i;
  EXPECT_THROW(lowp::round_to<T>(in, one, a, lowp::threads{0}), std::invalid_argument);
}

TEST(StochasticRounding, EigenPathIsReproducibleAndIndexedByElement) {
  using T = lowp::with_rounding<lowp::bfloat16, rounding::stochastic<>>;
  const Eigen::MatrixXf x = Eigen::MatrixXf::Random(37, 23) * 10.0f;
  lowp::sr_stream s1(3), s2(3), s3(4);
  const Eigen::MatrixXf a = lowp::round_to<T>(x, s1), b = lowp::round_to<T>(x, s2),
                        c = lowp::round_to<T>(x, s3);
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
  // Element (i, j) uses the word of column-major index i + j * rows: the span of the same values agrees.
  std::vector<float> flat(x.data(), x.data() + x.size()), rounded(flat.size());
  lowp::sr_stream s4(3);
  lowp::round_to<T>(flat, rounded, s4);
  EXPECT_TRUE(Eigen::Map<const Eigen::MatrixXf>(rounded.data(), 37, 23) == a);
}

}  // namespace
