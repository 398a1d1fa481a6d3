// lowp::lmul<M> against the plain reference of oracle/lmul_reference.hpp, bit for bit (NaN results are
// the default quiet NaN on both sides): 10^7 random pairs for M = 3 and M = 4 (float), a million for other
// widths and for double, and every pair of a dense grid of special values: zeros, subnormals, the normal
// edges, Inf, NaNs, every power of two, mantissas whose sum carries, and exponents whose sum meets the
// range edges. LOWP_TEST_QUICK=1 (sanitizer builds) runs a tenth of the random pairs.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/arith/lmul.hpp>

#include "oracle/lmul_reference.hpp"

namespace {

bool quick() {
  return std::getenv("LOWP_TEST_QUICK") != nullptr;
}

template <class U, class F>
U bits_of(F x) {
  U u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
template <class F, class U>
F from_bits(U u) {
  F x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// Random operands of four kinds, in turn: any bit pattern; any sign/exponent/mantissa with exponents drawn
// uniformly; pairs whose exponent sum lies within 3 of the overflow edge; and within 3 of the underflow edge.
template <class F>
class pair_source {
  using U = typename lmul_oracle::layout<F>::bits;
  static constexpr int SM = lmul_oracle::layout<F>::mantissa_bits;
  static constexpr int bias = lmul_oracle::layout<F>::bias;

 public:
  explicit pair_source(std::uint64_t seed) : engine_(seed) {}
  std::pair<F, F> next() {
    const U sign_x = U(engine_() & 1) << (sizeof(U) * 8 - 1), sign_y = U(engine_() & 1)
                                                                       << (sizeof(U) * 8 - 1);
    const U mx = U(engine_()) & ((U(1) << SM) - 1), my = U(engine_()) & ((U(1) << SM) - 1);
    const int max_field = 2 * bias + 1;
    std::uniform_int_distribution<int> field(0, max_field);
    std::uniform_int_distribution<int> near(-3, 3);
    int fx, fy;
    switch (kind_++ % 4) {
      case 0:
        return {from_bits<F>(U(engine_())), from_bits<F>(U(engine_()))};
      case 1:
        fx = field(engine_), fy = field(engine_);
        break;
      case 2:  // x_e + y_e near bias + 1 (the largest binade is bias): fx + fy near 3 * bias + 1
        fx = std::uniform_int_distribution<int>(bias, max_field - 1)(engine_);
        fy = 3 * bias + 1 + near(engine_) - fx;
        break;
      default:  // x_e + y_e near 1 - bias (the smallest normal binade): fx + fy near bias + 1
        fx = std::uniform_int_distribution<int>(1, bias)(engine_);
        fy = bias + 1 + near(engine_) - fx;
        break;
    }
    if (fy < 0) fy = 0;
    if (fy > max_field) fy = max_field;
    return {from_bits<F>(sign_x | (U(fx) << SM) | mx), from_bits<F>(sign_y | (U(fy) << SM) | my)};
  }

 private:
  std::mt19937_64 engine_;
  unsigned kind_ = 0;
};

template <int M, class F>
void expect_random_pairs_match(long count, std::uint64_t seed) {
  using U = typename lmul_oracle::layout<F>::bits;
  pair_source<F> source(seed);
  long failures = 0;
  for (long i = 0; i < count; ++i) {
    const auto [x, y] = source.next();
    const U got = bits_of<U>(lowp::lmul<M>(x, y)), want = bits_of<U>(lmul_oracle::reference_lmul<F>(M, x, y));
    if (got != want && ++failures <= 10) {
      ADD_FAILURE() << "lmul<" << M << ">(" << x << " [0x" << std::hex << bits_of<U>(x) << "], " << y
                    << " [0x" << bits_of<U>(y) << "]) = 0x" << got << ", reference 0x" << want << std::dec;
    }
  }
  EXPECT_EQ(failures, 0);
}

long scaled(long n) {
  return quick() ? n / 10 : n;
}

TEST(LmulRandom, Float_M3_TenMillionPairs) {
  expect_random_pairs_match<3, float>(scaled(10'000'000), 3);
}
TEST(LmulRandom, Float_M4_TenMillionPairs) {
  expect_random_pairs_match<4, float>(scaled(10'000'000), 4);
}
TEST(LmulRandom, Float_OtherWidths) {
  expect_random_pairs_match<1, float>(scaled(1'000'000), 11);
  expect_random_pairs_match<2, float>(scaled(1'000'000), 12);
  expect_random_pairs_match<5, float>(scaled(1'000'000), 15);
  expect_random_pairs_match<7, float>(scaled(1'000'000), 17);
  expect_random_pairs_match<10, float>(scaled(1'000'000), 20);
  expect_random_pairs_match<23, float>(scaled(1'000'000), 23);
}
TEST(LmulRandom, Double) {
  expect_random_pairs_match<3, double>(scaled(1'000'000), 33);
  expect_random_pairs_match<4, double>(scaled(1'000'000), 34);
  expect_random_pairs_match<10, double>(scaled(1'000'000), 40);
  expect_random_pairs_match<52, double>(scaled(1'000'000), 52);
}

// The grid: both signs of every exponent field near the edges and the middle, each with mantissas that are
// empty, full, carry-prone or only non-zero below the kept bits; every power of two; and NaNs.
template <class F>
std::vector<F> special_grid() {
  using U = typename lmul_oracle::layout<F>::bits;
  constexpr int SM = lmul_oracle::layout<F>::mantissa_bits;
  constexpr int bias = lmul_oracle::layout<F>::bias;
  constexpr int max_field = 2 * bias + 1;
  const std::vector<int> fields = {0,
                                   1,
                                   2,
                                   3,
                                   bias / 2,
                                   bias - 2,
                                   bias - 1,
                                   bias,
                                   bias + 1,
                                   bias + 2,
                                   bias + bias / 2,
                                   max_field - 3,
                                   max_field - 2,
                                   max_field - 1};
  const U top = U(1) << (SM - 1);
  const std::vector<U> mantissas = {0,
                                    1,
                                    top,
                                    top | 1,
                                    top | (top >> 1),
                                    top | (top >> 1) | (top >> 2),
                                    top | (top >> 1) | (top >> 2) | (top >> 3),
                                    top >> 1,
                                    top >> 3,
                                    top >> 4,
                                    top >> 5,
                                    (U(1) << SM) - 1,
                                    (U(1) << (SM - 4)) - 1,
                                    U(0x5555555555555555ull) & ((U(1) << SM) - 1)};
  std::vector<F> values;
  const U sign = U(1) << (sizeof(U) * 8 - 1);
  for (U s : {U(0), sign}) {
    for (int f : fields) {
      for (U m : mantissas) values.push_back(from_bits<F>(s | (U(f) << SM) | m));
    }
    for (int f = 1; f < max_field; ++f) values.push_back(from_bits<F>(s | (U(f) << SM)));  // powers of two
    for (int i = 0; i < SM; ++i) values.push_back(from_bits<F>(s | (U(1) << i)));          // subnormal ones
    values.push_back(from_bits<F>(s | (U(max_field) << SM)));                              // Inf
    values.push_back(from_bits<F>(s | (U(max_field) << SM) | top));                        // quiet NaN
    values.push_back(
        from_bits<F>(s | (U(max_field) << SM) | 1));  // signalling NaN: truncation would make it Inf
  }
  return values;
}

template <int M, class F>
void expect_grid_matches() {
  using U = typename lmul_oracle::layout<F>::bits;
  const std::vector<F> grid = special_grid<F>();
  long failures = 0;
  for (F x : grid) {
    for (F y : grid) {
      const U got = bits_of<U>(lowp::lmul<M>(x, y)),
              want = bits_of<U>(lmul_oracle::reference_lmul<F>(M, x, y));
      if (got != want && ++failures <= 10) {
        ADD_FAILURE() << "lmul<" << M << "> of 0x" << std::hex << bits_of<U>(x) << " and 0x" << bits_of<U>(y)
                      << " = 0x" << got << ", reference 0x" << want << std::dec;
      }
    }
  }
  EXPECT_EQ(failures, 0) << grid.size() * grid.size() << " pairs";
}

TEST(LmulGrid, FloatAllPairs) {
  expect_grid_matches<1, float>();
  expect_grid_matches<2, float>();
  expect_grid_matches<3, float>();
  expect_grid_matches<4, float>();
  expect_grid_matches<5, float>();
  expect_grid_matches<23, float>();
}
TEST(LmulGrid, DoubleAllPairs) {
  expect_grid_matches<3, double>();
  expect_grid_matches<4, double>();
  expect_grid_matches<52, double>();
}

// A few values worked by hand from the paper's formula, as a readable check of the definition itself.
TEST(LmulDefinition, HandWorkedValues) {
  // 1.5 * 1.5 with M = 3 (l = 3): 1 + 0.5 + 0.5 + 0.125 = 2.125 carries: 2 * (0.5 + 0.5 + 0.125) = 2.25.
  EXPECT_EQ(lowp::lmul<3>(1.5f, 1.5f), 2.25f);
  // 1.25 * 1.125 with M = 4 (l = 3): 1 + 0.25 + 0.125 + 0.125 = 1.5.
  EXPECT_EQ(lowp::lmul<4>(1.25f, 1.125f), 1.5f);
  // 1 * 1 with M = 7 (l = 4): 1 + 1/16, sign XOR.
  EXPECT_EQ(lowp::lmul<7>(-1.0f, 1.0f), -1.0625f);
  // Truncation: 1.2 has mantissa 0.0011..., M = 2 keeps 0.00: 1 * 1 + 2^-2 = 1.25.
  EXPECT_EQ(lowp::lmul<2>(1.2f, 1.0f), 1.25f);
  EXPECT_EQ(lowp::lmul<3>(0.0f, -3.0f), -0.0f);
  EXPECT_TRUE(std::signbit(lowp::lmul<3>(0.0f, -3.0f)));
  EXPECT_TRUE(std::isnan(lowp::lmul<3>(std::numeric_limits<float>::infinity(), 0.0f)));
  EXPECT_EQ(lowp::lmul<3>(std::numeric_limits<float>::infinity(), -1e-40f),
            -std::numeric_limits<float>::infinity());
  EXPECT_EQ(lowp::lmul<3>(1e30f, 1e30f), std::numeric_limits<float>::infinity());
  EXPECT_EQ(lowp::lmul<3>(1e-30f, -1e-30f), -0.0f);
  static_assert(lowp::lmul<4>(2.0f, 4.0f) == 9.0f, "lmul is constexpr: 8 * (1 + 1/8)");
}

}  // namespace
