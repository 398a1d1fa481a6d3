// lowp::dot under every accumulation policy against independent oracles (oracle/lmul_accumulation.hpp:
// MPFR's exact sums rounded by the MPFR-based rounder that knows formats as plain numbers), bit for bit:
//   accumulate<T> for bfloat16, float16, float8_e4m3fn, float8_e5m2, float (and bfloat16 rounded toward
//   zero and upward), on N(0,1), log-uniform and cancelling data, lengths 0 .. 4096;
//   accumulate<bfloat16> also against a plain loop through round_to<bfloat16> on data whose sums are exact
//   in binary64; accumulate<float> against a plain std::fma loop;
//   accumulate_chunked<T, N> for several N; accumulate_exact, including Inf/NaN, overflow, subnormal and
//   cancelling sums. NaN results compare as NaN (payloads are not specified).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/arith/gemm.hpp>
#include <lowp/float/named_formats.hpp>
#include <lowp/float/round_to.hpp>

#include "oracle/lmul_accumulation.hpp"

namespace {

using accumulation_oracle::chain;
using mpfr_oracle::encoding;
using mpfr_oracle::format;
using mpfr_oracle::rounding;

bool quick() {
  return std::getenv("LOWP_TEST_QUICK") != nullptr;
}

// Oracle descriptions as plain numbers (IEEE 754, OCP FP8), not read from lowp.
constexpr format oracle_bfloat16{8, 7, 127, encoding::ieee};
constexpr format oracle_float16{5, 10, 15, encoding::ieee};
constexpr format oracle_e4m3fn{4, 3, 7, encoding::fn};
constexpr format oracle_e5m2{5, 2, 15, encoding::ieee};
constexpr format oracle_binary32{8, 23, 127, encoding::ieee};

std::uint32_t bits(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

bool same(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || bits(a) == bits(b);
}

enum class data { normal, log_uniform, cancelling };

struct vectors {
  std::vector<float> x, y;
};

vectors make(data kind, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> exponent(-20.0f, 20.0f);
  vectors v;
  for (std::size_t k = 0; k < n; ++k) {
    float a, b;
    if (kind == data::normal) {
      a = normal(engine);
      b = normal(engine);
    } else {
      a = std::exp2(exponent(engine)) * (engine() & 1 ? -1.0f : 1.0f);
      b = std::exp2(exponent(engine)) * (engine() & 1 ? -1.0f : 1.0f);
    }
    if (kind == data::cancelling && k % 2 == 1) {
      a = -v.x.back();  // the previous product again, negated, plus a little
      b = v.y.back() * (1.0f + std::ldexp(1.0f, -10));
    }
    v.x.push_back(a);
    v.y.push_back(b);
  }
  return v;
}

std::vector<std::size_t> lengths() {
  if (quick()) return {0, 1, 2, 7, 100, 1000};
  return {0, 1, 2, 3, 7, 31, 100, 257, 1000, 4096};
}

template <class Policy>
void expect_matches_chain(format f, rounding r, std::size_t chunk = 0) {
  chain c(f, r);
  long cases = 0;
  for (data kind : {data::normal, data::log_uniform, data::cancelling}) {
    for (std::size_t n : lengths()) {
      for (std::uint64_t seed = 0; seed < (quick() ? 1u : 4u); ++seed) {
        const vectors v = make(kind, n, 1000 * n + 10 * seed + static_cast<std::uint64_t>(kind));
        const float got = lowp::dot(std::span<const float>(v.x), std::span<const float>(v.y), Policy{});
        const float want = chunk == 0 ? accumulation_oracle::sequential_dot(c, v.x, v.y)
                                      : accumulation_oracle::chunked_dot(c, chunk, v.x, v.y);
        EXPECT_TRUE(same(got, want)) << "length " << n << ", data " << static_cast<int>(kind) << ": got "
                                     << got << ", oracle " << want;
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 0);
}

TEST(AccumulateDot, Bfloat16) {
  expect_matches_chain<lowp::accumulate<lowp::bfloat16>>(oracle_bfloat16, rounding::nearest_even);
}
TEST(AccumulateDot, Float16) {
  expect_matches_chain<lowp::accumulate<lowp::float16>>(oracle_float16, rounding::nearest_even);
}
TEST(AccumulateDot, Float8E4m3fn) {
  expect_matches_chain<lowp::accumulate<lowp::float8_e4m3fn>>(oracle_e4m3fn, rounding::nearest_even);
}
TEST(AccumulateDot, Float8E5m2) {
  expect_matches_chain<lowp::accumulate<lowp::float8_e5m2>>(oracle_e5m2, rounding::nearest_even);
}
TEST(AccumulateDot, Float) {
  expect_matches_chain<lowp::accumulate<float>>(oracle_binary32, rounding::nearest_even);
}
TEST(AccumulateDot, Bfloat16OtherRoundings) {
  using lowp::rounding::toward_zero;
  using lowp::rounding::upward;
  expect_matches_chain<lowp::accumulate<lowp::with_rounding<lowp::bfloat16, toward_zero>>>(
      oracle_bfloat16, rounding::toward_zero);
  expect_matches_chain<lowp::accumulate<lowp::with_rounding<lowp::bfloat16, upward>>>(oracle_bfloat16,
                                                                                      rounding::upward);
}

TEST(AccumulateChunkedDot, SeveralChunkLengths) {
  expect_matches_chain<lowp::accumulate_chunked<lowp::float8_e4m3fn, 1>>(oracle_e4m3fn,
                                                                         rounding::nearest_even, 1);
  expect_matches_chain<lowp::accumulate_chunked<lowp::float8_e4m3fn, 32>>(oracle_e4m3fn,
                                                                          rounding::nearest_even, 32);
  expect_matches_chain<lowp::accumulate_chunked<lowp::bfloat16, 128>>(oracle_bfloat16, rounding::nearest_even,
                                                                      128);
  expect_matches_chain<lowp::accumulate_chunked<lowp::float16, 7>>(oracle_float16, rounding::nearest_even, 7);
  expect_matches_chain<lowp::accumulate_chunked<float, 100>>(oracle_binary32, rounding::nearest_even, 100);
}

// The loop the issue asks for, written plainly: with bfloat16-valued operands in [2^-4, 2^4] every partial
// sum s + x*y is exact in binary64 (at most 2^15 down to 2^-23), so round_to<bfloat16>(double) of it is
// the one rounding of the exact value.
TEST(AccumulateDot, Bfloat16PlainRoundToLoop) {
  std::mt19937 engine(7);
  std::uniform_real_distribution<float> magnitude(-4.0f, 4.0f);
  for (std::size_t n : lengths()) {
    std::vector<float> x(n), y(n);
    for (std::size_t k = 0; k < n; ++k) {
      x[k] = lowp::round_to<lowp::bfloat16>(std::exp2(magnitude(engine)) * (engine() & 1 ? -1.0f : 1.0f));
      y[k] = lowp::round_to<lowp::bfloat16>(std::exp2(magnitude(engine)));
    }
    double s = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      s = lowp::round_to<lowp::bfloat16>(s + static_cast<double>(x[k]) * static_cast<double>(y[k]));
    }
    EXPECT_TRUE(same(
        lowp::dot(std::span<const float>(x), std::span<const float>(y), lowp::accumulate<lowp::bfloat16>{}),
        static_cast<float>(s)))
        << "length " << n;
  }
}

TEST(AccumulateDot, FloatIsAPlainFmaChain) {
  for (data kind : {data::normal, data::log_uniform, data::cancelling}) {
    for (std::size_t n : lengths()) {
      const vectors v = make(kind, n, 77 + n);
      float s = 0.0f;
      for (std::size_t k = 0; k < n; ++k) s = std::fma(v.x[k], v.y[k], s);
      EXPECT_TRUE(same(lowp::dot(std::span<const float>(v.x), std::span<const float>(v.y)), s))
          << "length " << n;
    }
  }
}

// (1 + 2^-23) + (-2^-24 + 2^-70): one rounding gives 1 + 2^-23; binary64 first, then float, gives 1.
TEST(AccumulateDot, FloatDoubleRoundingTrap) {
  const std::vector<float> x = {1.0f + 0x1p-23f, -0x1p-24f * (1.0f + 0x1p-23f)}, y = {1.0f, 1.0f - 0x1p-23f};
  const std::span<const float> xs(x), ys(y);
  EXPECT_EQ(lowp::dot(xs, ys), 1.0f + 0x1p-23f);
  EXPECT_EQ(lowp::dot(xs, ys, lowp::accumulate_chunked<float, 2>{}), 1.0f + 0x1p-23f);
  EXPECT_EQ(lowp::dot(xs, ys, lowp::accumulate_exact{}), 1.0f + 0x1p-23f);
}

void expect_exact(const std::vector<float>& x, const std::vector<float>& y, const char* what) {
  const float got = lowp::dot(std::span<const float>(x), std::span<const float>(y), lowp::accumulate_exact{});
  const float want = accumulation_oracle::exact_dot(x, y);
  EXPECT_TRUE(same(got, want)) << what << ": got " << got << " (0x" << std::hex << bits(got) << "), oracle "
                               << want << " (0x" << bits(want) << ")";
}

TEST(AccumulateExactDot, RandomData) {
  for (data kind : {data::normal, data::log_uniform, data::cancelling}) {
    for (std::size_t n : lengths()) {
      const vectors v = make(kind, n, 4242 + n);
      expect_exact(v.x, v.y, ("random length " + std::to_string(n)).c_str());
    }
  }
}

TEST(AccumulateExactDot, FullExponentRange) {
  // Any finite float pattern: products from 2^-298 to 2^256, sums that overflow float, cancel, or end
  // subnormal.
  std::mt19937 engine(99);
  const int rounds = quick() ? 200 : 2000;
  for (int round = 0; round < rounds; ++round) {
    const std::size_t n = 1 + engine() % 64;
    std::vector<float> x(n), y(n);
    for (std::size_t k = 0; k < n; ++k) {
      std::uint32_t a, b;
      do {
        a = static_cast<std::uint32_t>(engine());
        b = static_cast<std::uint32_t>(engine());
      } while (((a >> 23) & 0xff) == 0xff || ((b >> 23) & 0xff) == 0xff);
      if (round % 3 == 1) b = (b & 0x807fffffu) | ((253u - ((a >> 23) & 0xffu)) << 23);  // products near 1
      if (round % 3 == 2) b = (b & 0x807fffffu) | (std::uint32_t(engine() % 4) << 23);   // tiny products
      std::memcpy(&x[k], &a, 4);
      std::memcpy(&y[k], &b, 4);
    }
    expect_exact(x, y, ("round " + std::to_string(round)).c_str());
    // The same products in reverse sign after them: an exact zero, then one small residue.
    std::vector<float> x2 = x, y2 = y;
    for (std::size_t k = 0; k < n; ++k) {
      x2.push_back(-x[k]);
      y2.push_back(y[k]);
    }
    expect_exact(x2, y2, "cancelled to zero");
    x2.push_back(1e-45f);
    y2.push_back(0.5f);
    expect_exact(x2, y2, "cancelled, then a product below float's range");
  }
}

TEST(AccumulateExactDot, Specials) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const float max = std::numeric_limits<float>::max(), tiny = std::numeric_limits<float>::denorm_min();
  const std::vector<std::pair<std::vector<float>, std::vector<float>>> cases = {
      {{}, {}},
      {{-0.0f}, {1.0f}},
      {{-0.0f, 0.0f}, {1.0f, -1.0f}},
      {{inf, 1.0f}, {1.0f, 2.0f}},
      {{inf, -inf}, {1.0f, 1.0f}},
      {{inf, 0.0f}, {0.0f, 1.0f}},
      {{nan, 1.0f}, {1.0f, 1.0f}},
      {{max, max}, {2.0f, -2.0f}},
      {{max, max}, {1.0f, 1.0f}},
      {{max, max, -max}, {1.0f, 1.0f, 1.0f}},
      {{tiny, tiny}, {0.5f, 0.5f}},
      {{tiny, tiny, tiny}, {0.5f, 0.25f, 0.25f}},
      {{tiny}, {0.75f}},
      {{1e30f, 1.0f, -1e30f}, {1e30f, 1.0f, 1e30f}},
      {{1.0f, 1e-30f}, {1.0f, 1e-20f}},
      // A tie for float (1 + 2^-24) decided by a far smaller term: below every window of the top bits.
      {{1.0f, 0x1p-24f, 0x1p-100f}, {1.0f, 1.0f, 1.0f}},
      {{1.0f, 0x1p-24f, -0x1p-100f}, {1.0f, 1.0f, 1.0f}},
      {{-1.0f, -0x1p-24f, -0x1p-126f}, {1.0f, 1.0f, 0x1p-23f}},
      {{0x1p100f, 0x1p76f, 0x1p-100f}, {1.0f, 1.0f, 0x1p-20f}},
  };
  for (const auto& [x, y] : cases) expect_exact(x, y, "special case");
}

TEST(DotErrors, LengthMismatchNamesBoth) {
  const std::vector<float> x(3), y(4);
  try {
    (void)lowp::dot(std::span<const float>(x), std::span<const float>(y));
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find('3'), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find('4'), std::string::npos) << e.what();
  }
  const Eigen::VectorXf a = Eigen::VectorXf::Ones(5), b = Eigen::VectorXf::Ones(6);
  EXPECT_THROW((void)lowp::dot(a, b, lowp::accumulate_exact{}), std::invalid_argument);
  const Eigen::MatrixXf m = Eigen::MatrixXf::Ones(2, 3);
  EXPECT_THROW((void)lowp::dot(m, m), std::invalid_argument);
}

TEST(DotEigen, VectorsMatchSpans) {
  const vectors v = make(data::normal, 513, 5);
  const Eigen::Map<const Eigen::VectorXf> x(v.x.data(), 513), y(v.y.data(), 513);
  const float from_span =
      lowp::dot(std::span<const float>(v.x), std::span<const float>(v.y), lowp::accumulate<lowp::float16>{});
  EXPECT_TRUE(same(lowp::dot(x, y, lowp::accumulate<lowp::float16>{}), from_span));
  EXPECT_TRUE(same(lowp::dot(x.transpose(), y, lowp::accumulate<lowp::float16>{}), from_span));
}

}  // namespace
