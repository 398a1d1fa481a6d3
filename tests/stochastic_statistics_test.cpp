// Statistical tests of stochastic rounding (SR) for every named format of at most 16 bits, against the
// independent value tables of tests/oracle/value_table.hpp (built from the formats' definitions; no lowp
// code). The neighbour search, the expected probabilities and the overflow rule below are written here
// from the semantics text (API.md), not taken from lowp:
//   - stochastic<> rounds |x| up with probability (|x| - lo) / (hi - lo), for x spread over each format's
//     whole range (subnormals and the underflow interval (0, minsub) included), float and double sources;
//   - the mean error of 10^6 roundings of one value is zero for stochastic<> and (lo + hi)/2 - x for
//     stochastic_equal; stochastic<B> rounds up with probability floor(r 2^B) / 2^B, r = (|x| - lo)/(hi -
//     lo);
//   - every result is one of the two neighbours (x itself when representable), with x's sign, and beyond
//     max the documented overflow rule holds, for 2^20 inputs per format and policy;
//   - the scalar path, the span path and convert are reproducible for a seed and differ between seeds.
//
// Every statistical assertion states its false-alarm probability (for a correct library and a random
// seed); the seeds are fixed, so the outcome is deterministic. Counts are tested with the Chernoff bound
// P(K >= k) <= exp(-n D(k/n || p)) (and its mirror image below), D the Kullback-Leibler divergence of two
// Bernoulli laws: it holds for every p, including p near 0 or 1 where a normal approximation does not.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>

#include "oracle/named_formats.hpp"
#include "oracle/value_table.hpp"

namespace {

namespace rounding = lowp::rounding;
using oracle::value_table;

// --- Statistics ------------------------------------------------------------------------------------------

// Kullback-Leibler divergence D(q || p) of Bernoulli(q) from Bernoulli(p), 0 < p < 1, with 0 log 0 = 0.
double bernoulli_divergence(double q, double p) {
  double d = 0;
  if (q > 0) d += q * std::log(q / p);
  if (q < 1) d += (1 - q) * std::log((1 - q) / (1 - p));
  return d;
}

// Whether k successes in n Bernoulli(p) trials pass a two-sided Chernoff test at level 2 exp(-bound):
// a correct p fails with probability at most 2 exp(-bound). p = 0 or 1 must be met exactly.
bool binomial_plausible(long k, long n, double p, double bound) {
  if (p == 0) return k == 0;
  if (p == 1) return k == n;
  return n * bernoulli_divergence(static_cast<double>(k) / n, p) <= bound;
}

// --- The oracle's neighbours -----------------------------------------------------------------------------

// The nonnegative finite values of T in increasing order, with their codes (from the oracle's table).
struct magnitudes {
  const value_table* table;
  std::vector<double> value;
  std::vector<std::uint32_t> code;
};

template <class T>
const magnitudes& magnitudes_of() {
  static const magnitudes m = [] {
    const value_table& t = oracle::table_for<T>();
    magnitudes result{&t, {}, {}};
    for (const auto& e : t.sorted_finite()) {
      if (e.value >= 0) {
        result.value.push_back(e.value);
        result.code.push_back(e.code);
      }
    }
    return result;
  }();
  return m;
}

// Index of the first value >= a (a <= max).
std::size_t first_not_below(const magnitudes& m, double a) {
  return static_cast<std::size_t>(std::lower_bound(m.value.begin(), m.value.end(), a) - m.value.begin());
}

// The code of magnitude code `magnitude` with the sign of x (fnuz: zero is +0 only).
std::uint32_t with_sign(const value_table& t, std::uint32_t magnitude, bool negative) {
  if (!t.is_signed()) return magnitude;
  if (magnitude == 0) return t.zero_code(negative);
  return magnitude | (negative ? t.sign_mask() : 0u);
}

// What SR of x may give, as two codes (equal when only one result is allowed), from API.md:
//  - |x| representable: x itself;
//  - lo < |x| < hi for neighbours lo, hi of the value table: lo or hi, with x's sign;
//  - max < |x| < max + ulp(max) (max + ulp(max) is the next value with an unbounded exponent range):
//    max or "overflow"; |x| >= max + ulp(max) or |x| = Inf: "overflow" only. Overflow is Inf, else NaN, else
//    max under overflow::ieee, and max under overflow::saturate, with x's sign;
//  - e8m0 (no sign, no zero): 0, -0 and negative x are invalid: NaN (ieee) or code 0x00 (saturate);
//    0 < x < 2^-127 gives 2^-127 (code 0x00) in every mode.
struct allowed_codes {
  std::uint32_t a, b;
};

allowed_codes sr_allowed(const magnitudes& m, double x, bool saturate) {
  const value_table& t = *m.table;
  const bool negative = std::signbit(x);
  const double a = std::fabs(x);
  const std::uint32_t max_code = t.max_code(negative);
  const std::uint32_t overflow = saturate ? max_code : t.overflow_code(negative);
  if (!t.is_signed()) {
    if (negative || a == 0) {
      const std::uint32_t invalid = saturate ? 0u : t.quiet_nan_code(false);
      return {invalid, invalid};
    }
    if (a < m.value.front()) return {m.code.front(), m.code.front()};
  }
  if (std::isinf(a) || a >= t.max() + t.ulp_of_max()) return {overflow, overflow};
  if (a > t.max()) return {max_code, overflow};
  const std::size_t i = first_not_below(m, a);
  const std::uint32_t hi = with_sign(t, m.code[i], negative);
  if (m.value[i] == a) return {hi, hi};
  return {with_sign(t, m.code[i - 1], negative), hi};
}

template <class S>
using bits_of_t = std::conditional_t<sizeof(S) == 4, std::uint32_t, std::uint64_t>;

// The bits of the value of a code as S (canonical NaN with the code's sign), from the oracle.
template <class S>
bits_of_t<S> value_bits(const value_table& t, std::uint32_t code) {
  if constexpr (sizeof(S) == 4) {
    return t.float_bits(code);
  } else {
    return t.double_bits(code);
  }
}

template <class S>
bits_of_t<S> bits_of(S x) {
  return std::bit_cast<bits_of_t<S>>(x);
}

template <class T, class R, class O = lowp::overflow::ieee>
using with_policy = lowp::with_overflow<lowp::with_rounding<T, R>, O>;

// A seed per format (FNV-1a of its name), so that formats do not share random inputs.
template <class T>
std::uint64_t format_seed() {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char* c = oracle::named<T>::spec.name; *c != '\0'; ++c)
    h = (h ^ std::uint8_t(*c)) * 0x100000001b3ull;
  return h;
}

template <class T>
class StochasticStatistics : public ::testing::Test {};
TYPED_TEST_SUITE(StochasticStatistics, oracle::formats_up_to_16_bits, oracle::format_name);

// --- 1. P(up) = (|x| - lo) / (hi - lo) --------------------------------------------------------------------

// 1000 values per format, log-uniform in magnitude from minsub/4 (minsub for e8m0, which has no zero) up
// to max, both signs (e8m0: positive), none representable; each rounded n = 2000 times with stochastic<>.
// Even-numbered values are doubles rounded one at a time (round_to<T>(x, stream): 64 random bits), odd ones
// floats rounded as a span of n copies (round_to<T>(in, out, stream): SIMD lanes, 32 random bits; e8m0,
// whose smallest value is not a normal float, goes through double there too).
// Checks:
//  - every result is lo or hi with x's sign (exact; no false alarm);
//  - per value, the number of ups passes the two-sided Chernoff test at bound 18: false alarm <= 2 e^-18
//    = 3.0e-8 per value, <= 4.0e-4 for all 13 x 1000 values (Bonferroni);
//  - per format, the total excess of ups, sum(k - n p) / sqrt(sum n p (1 - p)), is within 5 (a sum of 1000
//    independent binomials: normal to high accuracy): false alarm 5.7e-7 per format, 7.5e-6 for all 13.
//    It catches a small systematic bias (a truncated random word, an off-by-one comparison) that the
//    per-value test is too coarse for.
TYPED_TEST(StochasticStatistics, ProbabilityOfRoundingUpIsTheDistanceFromTheLowerNeighbour) {
  using T = TypeParam;
  using SR = with_policy<T, rounding::stochastic<>>;
  const magnitudes& m = magnitudes_of<T>();
  const value_table& t = *m.table;
  constexpr int values = 1000;
  constexpr int n = 2000;
  constexpr double chernoff_bound = 18;

  std::mt19937_64 engine(format_seed<T>());
  const double smallest = t.has_zero() ? t.smallest_positive() / 4 : t.smallest_positive();
  std::uniform_real_distribution<double> log2_magnitude(std::log2(smallest), std::log2(t.max()));
  lowp::sr_stream stream(format_seed<T>() + 1);
  std::vector<float> in(n), out(n);

  double excess = 0, variance = 0;
  int implausible = 0;
  for (int i = 0; i < values; ++i) {
    const bool from_float = i % 2 == 1;
    // A value strictly between two neighbours, exactly a float when it is to be rounded from float.
    double x;
    std::size_t hi_index;
    do {
      x = std::exp2(log2_magnitude(engine));
      if (from_float) x = static_cast<float>(x);
      hi_index = first_not_below(m, x);
    } while (hi_index == 0 || hi_index == m.value.size() || m.value[hi_index] == x);
    if (t.is_signed() && engine() % 2 == 1) x = -x;
    const bool negative = x < 0;
    const double lo = m.value[hi_index - 1], hi = m.value[hi_index];
    const double p = (std::fabs(x) - lo) / (hi - lo);  // exact subtraction (Sterbenz), one rounding
    const std::uint32_t lo_code = with_sign(t, m.code[hi_index - 1], negative);
    const std::uint32_t hi_code = with_sign(t, m.code[hi_index], negative);

    long up = 0, other = 0;
    if (from_float) {
      std::fill(in.begin(), in.end(), static_cast<float>(x));
      lowp::round_to<SR>(std::span<const float>(in), std::span<float>(out), stream);
      const auto lo_bits = value_bits<float>(t, lo_code), hi_bits = value_bits<float>(t, hi_code);
      for (float r : out) {
        up += bits_of(r) == hi_bits;
        other += bits_of(r) != hi_bits && bits_of(r) != lo_bits;
      }
    } else {
      const auto lo_bits = value_bits<double>(t, lo_code), hi_bits = value_bits<double>(t, hi_code);
      for (int j = 0; j < n; ++j) {
        const double r = lowp::round_to<SR>(x, stream);
        up += bits_of(r) == hi_bits;
        other += bits_of(r) != hi_bits && bits_of(r) != lo_bits;
      }
    }
    EXPECT_EQ(other, 0) << "x = " << x << " (" << (from_float ? "float" : "double") << "): " << other
                        << " results are neither " << lo << " nor " << hi << " with x's sign";
    if (!binomial_plausible(up, n, p, chernoff_bound) && ++implausible <= 10) {
      ADD_FAILURE() << "x = " << x << " (" << (from_float ? "float" : "double") << "), neighbours " << lo
                    << ", " << hi << ": rounded up " << up << " times in " << n << ", expected " << n * p;
    }
    excess += up - n * p;
    variance += n * p * (1 - p);
  }
  EXPECT_EQ(implausible, 0);
  EXPECT_LT(std::fabs(excess / std::sqrt(variance)), 5.0)
      << "ups exceed their expectation by " << excess << " over " << values << " values";
}

// --- 2. Every result is a neighbour; overflow follows the rule ------------------------------------------

// Inputs: magnitudes log-uniform from minsub/16 to 4 max (the underflow interval, the whole range and the
// overflow region), 1/16 of them exactly representable values, 1/16 in (max, max + 2 ulp(max)) where SR
// may or may not overflow, both signs (e8m0: 1/32 negative); the first ones are ±0, ±Inf, ±max, ±minsub.
template <class T>
double random_input(const magnitudes& m, std::mt19937_64& engine, std::size_t i) {
  const value_table& t = *m.table;
  const double inf = std::numeric_limits<double>::infinity();
  const std::array<double, 8> specials = {
      0.0, -0.0, inf, -inf, t.max(), -t.max(), t.smallest_positive(), -t.smallest_positive()};
  if (i < specials.size()) return specials[i];
  std::uniform_real_distribution<double> unit(0, 1);
  const unsigned kind = engine() % 16;
  double a;
  if (kind == 0) {
    a = m.value[engine() % m.value.size()];
  } else if (kind == 1) {
    a = t.max() + 2 * t.ulp_of_max() * unit(engine);
  } else {
    const double low = std::log2(t.smallest_positive()) - 4, high = std::log2(t.max()) + 2;
    a = std::exp2(low + (high - low) * unit(engine));
  }
  const bool negative = t.is_signed() ? engine() % 2 == 1 : engine() % 32 == 0;
  return negative ? -a : a;
}

template <class S>
struct checked_inputs {
  std::vector<S> x;
  std::vector<allowed_codes> ieee, saturate;
};

template <class T, class S>
checked_inputs<S> make_checked_inputs(std::size_t n, std::uint64_t seed) {
  const magnitudes& m = magnitudes_of<T>();
  std::mt19937_64 engine(seed);
  checked_inputs<S> c;
  for (std::size_t i = 0; i < n; ++i) {
    const S x = static_cast<S>(random_input<T>(m, engine, i));  // a float may overflow to Inf: still valid
    c.x.push_back(x);
    c.ieee.push_back(sr_allowed(m, x, false));
    c.saturate.push_back(sr_allowed(m, x, true));
  }
  return c;
}

// Rounds the inputs with policy R and overflow O (float: round_to on spans, values out; double: convert
// to codes) and checks each result against the allowed codes. No statistics: no false alarm.
template <class T, class R, class O, class S>
void expect_neighbours(const checked_inputs<S>& c, lowp::sr_stream& stream, const char* policy) {
  using U = with_policy<T, R, O>;
  const value_table& t = *magnitudes_of<T>().table;
  const auto& allowed = std::is_same_v<O, lowp::overflow::saturate> ? c.saturate : c.ieee;
  const std::size_t n = c.x.size();
  std::vector<std::uint32_t> codes(n);
  std::vector<bits_of_t<S>> results(n);
  if constexpr (sizeof(S) == 4) {
    std::vector<float> out(n);
    lowp::round_to<U>(std::span<const float>(c.x), std::span<float>(out), stream);
    for (std::size_t i = 0; i < n; ++i) results[i] = bits_of(out[i]);
  } else {
    std::vector<U> out(n);
    lowp::convert<U>(std::span<const double>(c.x), std::span<U>(out), stream);
    for (std::size_t i = 0; i < n; ++i) results[i] = out[i].bits();
  }
  int wrong = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto [a, b] = allowed[i];
    const bool ok = sizeof(S) == 4 ? results[i] == value_bits<S>(t, a) || results[i] == value_bits<S>(t, b)
                                   : results[i] == a || results[i] == b;
    if (!ok && ++wrong <= 5) {
      std::ostringstream got;
      if constexpr (sizeof(S) == 4) {
        got << std::bit_cast<float>(results[i]);
      } else {
        got << "code 0x" << std::hex << results[i] << std::dec << " = " << t.value(results[i]);
      }
      ADD_FAILURE() << policy << (std::is_same_v<O, lowp::overflow::saturate> ? ", saturate" : ", ieee")
                    << ", " << (sizeof(S) == 4 ? "float" : "double") << " x = " << c.x[i] << ": got "
                    << got.str() << ", allowed " << t.value(a) << " (0x" << std::hex << a << ") or "
                    << std::dec << t.value(b) << " (0x" << std::hex << b << ")";
    }
  }
  EXPECT_EQ(wrong, 0) << policy;
}

TYPED_TEST(StochasticStatistics, EveryResultIsANeighbourAndOverflowFollowsTheRule) {
  using T = TypeParam;
  constexpr std::size_t half = std::size_t(1) << 19;  // 2^19 float + 2^19 double inputs per policy
  const auto floats = make_checked_inputs<T, float>(half, format_seed<T>() + 2);
  const auto doubles = make_checked_inputs<T, double>(half, format_seed<T>() + 3);
  lowp::sr_stream stream(format_seed<T>() + 4);
  auto run = [&]<class R>(const char* policy) {
    expect_neighbours<T, R, lowp::overflow::ieee>(floats, stream, policy);
    expect_neighbours<T, R, lowp::overflow::saturate>(floats, stream, policy);
    expect_neighbours<T, R, lowp::overflow::ieee>(doubles, stream, policy);
    expect_neighbours<T, R, lowp::overflow::saturate>(doubles, stream, policy);
  };
  run.template operator()<rounding::stochastic<>>("stochastic<>");
  run.template operator()<rounding::stochastic<3>>("stochastic<3>");
  run.template operator()<rounding::stochastic<23>>("stochastic<23>");
  run.template operator()<rounding::stochastic_equal>("stochastic_equal");
}

// --- 3. Reproducibility ------------------------------------------------------------------------------------

// 1001 values (an odd count: SIMD body and scalar tail) inside the range (down to 2^-100), not representable.
template <class T, class S>
std::vector<S> reproducibility_inputs() {
  const magnitudes& m = magnitudes_of<T>();
  const value_table& t = *m.table;
  std::mt19937_64 engine(format_seed<T>() + 5);
  const double low = std::log2(std::max(t.smallest_positive(), std::ldexp(1.0, -100))),
               high = std::log2(t.max());
  std::uniform_real_distribution<double> log2_magnitude(low, high);
  std::vector<S> in;
  while (in.size() < 1001) {
    const S a = static_cast<S>(std::exp2(log2_magnitude(engine)));
    const std::size_t i = first_not_below(m, a);
    if (i == 0 || i == m.value.size() || m.value[i] == a) continue;
    in.push_back(t.is_signed() && engine() % 2 == 1 ? -a : a);
  }
  return in;
}

// The three explicit-stream paths, as bit patterns of the results.
template <class U, class S>
std::vector<std::uint64_t> scalar_path(const std::vector<S>& in, std::uint64_t seed) {
  lowp::sr_stream stream(seed);
  std::vector<std::uint64_t> bits;
  for (S x : in) bits.push_back(bits_of(lowp::round_to<U>(x, stream)));
  return bits;
}
template <class U, class S>
std::vector<std::uint64_t> span_path(const std::vector<S>& in, std::uint64_t seed) {
  lowp::sr_stream stream(seed);
  std::vector<S> out(in.size());
  lowp::round_to<U>(std::span<const S>(in), std::span<S>(out), stream);
  std::vector<std::uint64_t> bits;
  for (S r : out) bits.push_back(bits_of(r));
  return bits;
}
template <class U, class S>
std::vector<std::uint64_t> convert_path(const std::vector<S>& in, std::uint64_t seed) {
  lowp::sr_stream stream(seed);
  std::vector<U> out(in.size());
  lowp::convert<U>(std::span<const S>(in), std::span<U>(out), stream);
  std::vector<S> values(in.size());
  lowp::convert<U>(std::span<const U>(out), std::span<S>(values));
  std::vector<std::uint64_t> bits;
  for (S r : values) bits.push_back(bits_of(r));
  return bits;
}
// The thread's stream, through the constructor T(x).
template <class U, class S>
std::vector<std::uint64_t> thread_path(const std::vector<S>& in, std::uint64_t seed) {
  lowp::seed_stochastic_rounding(seed);
  std::vector<std::uint64_t> bits;
  for (S x : in) bits.push_back(bits_of(static_cast<S>(U(x))));
  return bits;
}

std::size_t count_differences(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::size_t d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d += a[i] != b[i];
  return d;
}

// Same seed twice: identical bits. Another seed: different bits somewhere. Every input rounds up with
// probability p in (0, 1) under each policy except where stochastic<3>'s top 3 remainder bits are 0, so
// the chance that all 1001 results agree under another seed is below 10^-30 (false alarm ~0).
TYPED_TEST(StochasticStatistics, EachPathIsReproducibleForASeedAndDiffersBetweenSeeds) {
  using T = TypeParam;
  auto check = [&]<class R, class S>(const char* policy) {
    using U = with_policy<T, R>;
    const auto in = reproducibility_inputs<T, S>();
    const char* source = sizeof(S) == 4 ? "float" : "double";
    auto same_and_different = [&](auto path, const char* name) {
      const auto first = path(in, 42), second = path(in, 42), other = path(in, 43);
      EXPECT_EQ(count_differences(first, second), 0u) << name << ", " << policy << ", " << source;
      EXPECT_GT(count_differences(first, other), 0u) << name << ", " << policy << ", " << source;
    };
    same_and_different(scalar_path<U, S>, "round_to<T>(x, stream)");
    same_and_different(span_path<U, S>, "round_to<T>(in, out, stream)");
    same_and_different(convert_path<U, S>, "convert<T>(in, out, stream)");
    same_and_different(thread_path<U, S>, "T(x) after seed_stochastic_rounding");
  };
  check.template operator()<rounding::stochastic<>, float>("stochastic<>");
  check.template operator()<rounding::stochastic<>, double>("stochastic<>");
  check.template operator()<rounding::stochastic<3>, float>("stochastic<3>");
  check.template operator()<rounding::stochastic<3>, double>("stochastic<3>");
  check.template operator()<rounding::stochastic_equal, float>("stochastic_equal");
  check.template operator()<rounding::stochastic_equal, double>("stochastic_equal");
}

// The paths draw the same words in the same order: element i of a span uses word i of a fresh stream,
// as the i-th scalar rounding does (random.hpp: block b is philox(b, stream id); a float takes one 32-bit
// word, a double two). So on a fresh stream all four paths agree bit for bit; this checks the SIMD Philox
// lanes of the span paths against the scalar generator. (It pins the current draw order: a deliberate
// change of that order would change this test, not the ones above.)
TYPED_TEST(StochasticStatistics, ScalarSpanAndConvertPathsDrawTheSameWords) {
  using T = TypeParam;
  auto check = [&]<class R, class S>(const char* policy) {
    using U = with_policy<T, R>;
    const auto in = reproducibility_inputs<T, S>();
    const auto scalar = scalar_path<U, S>(in, 7);
    const char* source = sizeof(S) == 4 ? "float" : "double";
    EXPECT_EQ(count_differences(scalar, span_path<U, S>(in, 7)), 0u) << "span, " << policy << ", " << source;
    EXPECT_EQ(count_differences(scalar, convert_path<U, S>(in, 7)), 0u)
        << "convert, " << policy << ", " << source;
    EXPECT_EQ(count_differences(scalar, thread_path<U, S>(in, 7)), 0u)
        << "thread, " << policy << ", " << source;
  };
  check.template operator()<rounding::stochastic<>, float>("stochastic<>");
  check.template operator()<rounding::stochastic<>, double>("stochastic<>");
  check.template operator()<rounding::stochastic<5>, float>("stochastic<5>");
  check.template operator()<rounding::stochastic<5>, double>("stochastic<5>");
  check.template operator()<rounding::stochastic_equal, float>("stochastic_equal");
  check.template operator()<rounding::stochastic_equal, double>("stochastic_equal");
}

// --- 4. Means and the documented biases, 10^6 roundings at a time ----------------------------------------

// Rounds n copies of x with T's policy through the span path and returns the results as doubles.
template <class U, class S>
std::vector<double> round_copies(S x, std::size_t n, lowp::sr_stream& stream) {
  std::vector<S> in(n, x), out(n);
  lowp::round_to<U>(std::span<const S>(in), std::span<S>(out), stream);
  return std::vector<double>(out.begin(), out.end());
}

// The oracle's neighbours of a non-representable finite x inside the range.
template <class T>
std::pair<double, double> magnitude_neighbours(double x) {
  const magnitudes& m = magnitudes_of<T>();
  const std::size_t i = first_not_below(m, std::fabs(x));
  EXPECT_TRUE(i > 0 && i < m.value.size() && m.value[i] != std::fabs(x))
      << x << " must lie between two values";
  return {m.value[i - 1], m.value[i]};
}

// stochastic<>: the mean of 10^6 results is x within 4 standard errors, sigma = (hi - lo) sqrt(p (1 - p)),
// p = (|x| - lo) / (hi - lo) in [0.05, 0.95], so n p (1 - p) >= 47500 and the mean is normal to high
// accuracy: false alarm 6.3e-5 per case, 1.3e-3 for the 20 cases.
template <class T, class S>
void expect_unbiased_mean(S x, lowp::sr_stream& stream) {
  using SR = with_policy<T, rounding::stochastic<>>;
  constexpr std::size_t n = 1000000;
  const auto [lo, hi] = magnitude_neighbours<T>(x);
  const double p = (std::fabs(x) - lo) / (hi - lo);
  ASSERT_TRUE(p >= 0.05 && p <= 0.95) << "pick x with p in [0.05, 0.95]; x = " << x << ", p = " << p;
  double error = 0;
  for (double r : round_copies<SR>(x, n, stream)) error += r - static_cast<double>(x);
  const double mean_error = error / n;
  const double standard_error = (hi - lo) * std::sqrt(p * (1 - p) / n);
  EXPECT_LT(std::fabs(mean_error), 4 * standard_error)
      << oracle::named<T>::spec.name << ", " << (sizeof(S) == 4 ? "float" : "double") << " x = " << x
      << ": mean error " << mean_error << " = " << mean_error / standard_error << " standard errors";
}

TEST(StochasticMeans, MeanErrorOfAMillionRoundingsIsWithinFourStandardErrors) {
  lowp::sr_stream stream(2027);
  for (const double x : {3.14159, -0.7003, 1.0 + 0.3 / 128}) {
    expect_unbiased_mean<lowp::bfloat16>(x, stream);
    expect_unbiased_mean<lowp::bfloat16>(static_cast<float>(x), stream);
  }
  for (const double x : {1e-6, -12345.678, 0.1}) {  // 1e-6: float16's subnormal range
    expect_unbiased_mean<lowp::float16>(x, stream);
    expect_unbiased_mean<lowp::float16>(static_cast<float>(x), stream);
  }
  expect_unbiased_mean<lowp::float8_e4m3fn>(0.3, stream);
  expect_unbiased_mean<lowp::float8_e4m3fn>(-300.0f, stream);
  expect_unbiased_mean<lowp::float8_e5m2fnuz>(-1e-5, stream);  // subnormal range
  expect_unbiased_mean<lowp::float8_e4m3b11fnuz>(0.0123f, stream);
  expect_unbiased_mean<lowp::float4_e2m1fn>(-2.2, stream);
  expect_unbiased_mean<lowp::float6_e3m2fn>(0.07f, stream);
  expect_unbiased_mean<lowp::float8_e3m4>(1.3, stream);
  expect_unbiased_mean<lowp::float8_e8m0fnu>(3.0e-20f, stream);
}

// stochastic_equal: either neighbour with probability 1/2, so the mean is the midpoint (lo + hi)/2, not
// x: within 4 standard errors ((hi - lo)/2 / sqrt(n)) of the midpoint (false alarm 6.3e-5 per case,
// 5e-4 for the 8 cases), and more than 100 standard errors from x (the bias reproduced: |x - midpoint| is
// at least 0.22 (hi - lo) here, 440 standard errors).
template <class T, class S>
void expect_midpoint_mean(S x, lowp::sr_stream& stream) {
  using SE = with_policy<T, rounding::stochastic_equal>;
  constexpr std::size_t n = 1000000;
  const auto [lo, hi] = magnitude_neighbours<T>(x);
  const double midpoint = std::copysign((lo + hi) / 2, static_cast<double>(x));
  double sum = 0;
  for (double r : round_copies<SE>(x, n, stream)) sum += r;
  const double mean = sum / n;
  const double standard_error = (hi - lo) / 2 / std::sqrt(static_cast<double>(n));
  const char* source = sizeof(S) == 4 ? "float" : "double";
  EXPECT_LT(std::fabs(mean - midpoint), 4 * standard_error)
      << oracle::named<T>::spec.name << ", " << source << " x = " << x << ": mean " << mean << ", midpoint "
      << midpoint;
  EXPECT_GT(std::fabs(mean - static_cast<double>(x)), 100 * standard_error)
      << oracle::named<T>::spec.name << ", " << source << " x = " << x << ": mean " << mean;
}

TEST(StochasticMeans, StochasticEqualMeanIsTheMidpointNotX) {
  lowp::sr_stream stream(2028);
  expect_midpoint_mean<lowp::bfloat16>(1.0 + 0.1 / 128, stream);     // p = 0.1: mean 1 + 0.5 ulp
  expect_midpoint_mean<lowp::bfloat16>(-1.0f - 0.9f / 128, stream);  // p = 0.9
  expect_midpoint_mean<lowp::float16>(3e-7, stream);                 // subnormal range
  expect_midpoint_mean<lowp::float16>(-1000.1f, stream);
  expect_midpoint_mean<lowp::float8_e4m3fn>(0.29, stream);  // 0.28 ulp above 0.28125
  expect_midpoint_mean<lowp::float8_e5m2>(-5000.0f, stream);
  expect_midpoint_mean<lowp::float4_e2m1fn>(2.2f, stream);
  expect_midpoint_mean<lowp::float8_e4m3fnuz>(-0.0021, stream);  // subnormal range (minsub 2^-10)
}

// stochastic<B> adds B random bits just below the kept precision and truncates: with r = (|x| - lo) /
// (hi - lo), it rounds up with probability floor(r 2^B) / 2^B exactly (0 when r < 2^-B: always down).
// 10^5 roundings per case, the two-sided Chernoff test at bound 18 (zero ups required where the
// probability is 0): false alarm <= 3.0e-8 per case, <= 1.7e-5 for the 540 cases (Bonferroni).
template <class T, int B, class S>
void expect_truncated_probability(S x, lowp::sr_stream& stream) {
  using SRB = with_policy<T, rounding::stochastic<B>>;
  constexpr long n = 100000;
  const auto [lo, hi] = magnitude_neighbours<T>(x);
  const double r = (std::fabs(x) - lo) / (hi - lo);  // exact: hi - lo is a power of two
  const double p = std::floor(std::ldexp(r, B)) / std::ldexp(1.0, B);
  long up = 0, other = 0;
  for (double v : round_copies<SRB>(x, n, stream)) {
    up += std::fabs(v) == hi;
    other += std::fabs(v) != hi && std::fabs(v) != lo;
  }
  const char* source = sizeof(S) == 4 ? "float" : "double";
  EXPECT_EQ(other, 0) << oracle::named<T>::spec.name << ", stochastic<" << B << ">, x = " << x;
  EXPECT_TRUE(binomial_plausible(up, n, p, 18))
      << oracle::named<T>::spec.name << ", stochastic<" << B << ">, " << source << " x = " << x
      << " (r = " << r << "): rounded up " << up << " times in " << n << ", expected " << n * p;
}

template <class T>
void truncated_probability_cases(double lo, double hi, lowp::sr_stream& stream) {
  // Remainders below, at and above multiples of 1/16, 1/4 and 1/2, both signs, both source types.
  for (const double r : {0.03, 0.0625, 0.2, 0.25, 0.3, 0.4, 0.5, 0.55, 0.625, 0.74, 0.8125, 0.99}) {
    for (const double sign : {1.0, -1.0}) {
      const double x = sign * (lo + r * (hi - lo));
      expect_truncated_probability<T, 1>(x, stream);
      expect_truncated_probability<T, 2>(x, stream);
      expect_truncated_probability<T, 4>(static_cast<float>(x), stream);
      if (sign > 0) {
        expect_truncated_probability<T, 1>(static_cast<float>(x), stream);
        expect_truncated_probability<T, 2>(static_cast<float>(x), stream);
        expect_truncated_probability<T, 4>(x, stream);
      }
    }
  }
}

TEST(StochasticMeans, FewRandomBitsRoundUpWithProbabilityFloorOfScaledRemainder) {
  lowp::sr_stream stream(2029);
  truncated_probability_cases<lowp::bfloat16>(1.5, 1.5 + 1.0 / 128, stream);
  truncated_probability_cases<lowp::float16>(std::ldexp(37.0, -24), std::ldexp(38.0, -24),
                                             stream);  // subnormal
  truncated_probability_cases<lowp::float8_e4m3fn>(13.0, 14.0, stream);
  truncated_probability_cases<lowp::float4_e2m1fn>(4.0, 6.0, stream);
  truncated_probability_cases<lowp::float8_e5m2fnuz>(std::ldexp(1.0, -17), std::ldexp(2.0, -17),
                                                     stream);  // subnormal
}

}  // namespace
