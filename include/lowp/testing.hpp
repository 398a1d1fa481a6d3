// Helpers for people who unit-test their own kernels against lowp: ULP distances, QSNR, and GoogleTest
// matchers that compare scalars or Eigen matrices bit for bit (or within n ULPs of a format) and name the
// first mismatching index with both values as sign|exponent|mantissa fields.
// An adapter at the edge: needs GoogleMock, fmt and Eigen; nothing in the library includes it.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <span>
#include <string>
#include <type_traits>

#include <Eigen/Core>
#include <gmock/gmock.h>

#include "eigen.hpp"
#include "error_metrics.hpp"
#include "fmt.hpp"

namespace lowp {

namespace testing_detail {

using lowp::detail::is_minifloat;

// Position of a value on T's grid: consecutive values get consecutive integers, +0 and -0 both 0.
template <class T>
std::int64_t ordinal(T x) {
  using F = typename T::format;
  const std::int64_t magnitude = x.bits() & F::magnitude_mask;
  return (x.bits() & F::sign_mask) != 0 ? -magnitude : magnitude;
}

}  // namespace testing_detail

// The number of steps between a and b on T's grid, after rounding each into T (nearest_even; values of T
// are unchanged). 0 for equal values (+0 and -0 included); max int64 if either is NaN.
template <class T, class A>
std::int64_t ulp_distance(A a, A b) {
  static_assert(testing_detail::is_minifloat<T>::value, "ulp_distance<T>: T must be a lowp minifloat type");
  using N = minifloat<typename T::format>;
  const N x = [&] {
    if constexpr (std::is_arithmetic_v<A>)
      return N(a);
    else
      return N(static_cast<double>(a));
  }();
  const N y = [&] {
    if constexpr (std::is_arithmetic_v<A>)
      return N(b);
    else
      return N(static_cast<double>(b));
  }();
  if (isnan(x) || isnan(y)) return std::numeric_limits<std::int64_t>::max();
  const std::int64_t d = testing_detail::ordinal(x) - testing_detail::ordinal(y);
  return d < 0 ? -d : d;
}

namespace testing {

namespace detail {

// "1.5 (0|0111|100)": the value and its fields.
template <class S>
std::string describe(S x) {
  if constexpr (testing_detail::is_minifloat<S>::value) {
    return fmt::format("{} ({:b})", x, x);
  } else if constexpr (std::is_same_v<S, float>) {
    const auto bits = std::bit_cast<std::uint32_t>(x);
    return fmt::format("{} ({:01b}|{:08b}|{:023b})", x, bits >> 31, (bits >> 23) & 0xff, bits & 0x7fffff);
  } else if constexpr (std::is_same_v<S, double>) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    return fmt::format("{} ({:01b}|{:011b}|{:052b})", x, bits >> 63, (bits >> 52) & 0x7ff,
                       bits & 0xfffffffffffffull);
  } else {
    return fmt::format("{}", x);
  }
}

template <class S>
bool same_bits(S a, S b) {
  if constexpr (testing_detail::is_minifloat<S>::value) {
    return a.bits() == b.bits();
  } else if constexpr (std::is_floating_point_v<S>) {
    using U = std::conditional_t<sizeof(S) == 4, std::uint32_t, std::uint64_t>;
    return std::bit_cast<U>(a) == std::bit_cast<U>(b);
  } else {
    return a == b;
  }
}

template <class X>
constexpr bool is_eigen = std::is_base_of_v<Eigen::EigenBase<X>, X>;

// Compares element by element with `equal(actual, expected)`; on the first mismatch explains where.
template <class Actual, class Expected, class Equal>
bool compare(const Actual& actual, const Expected& expected, Equal equal,
             ::testing::MatchResultListener* listener) {
  if constexpr (is_eigen<Actual> || is_eigen<Expected>) {
    static_assert(is_eigen<Actual> && is_eigen<Expected>,
                  "compare a matrix with a matrix, a scalar with a scalar");
    if (actual.rows() != expected.rows() || actual.cols() != expected.cols()) {
      *listener << "which is " << actual.rows() << "x" << actual.cols() << ", expected " << expected.rows()
                << "x" << expected.cols();
      return false;
    }
    const auto a = actual.eval();
    const auto e = expected.eval();
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
      for (Eigen::Index i = 0; i < a.rows(); ++i) {
        if (!equal(a(i, j), e(i, j))) {
          *listener << "whose first mismatch is at (" << i << ", " << j << "): " << describe(a(i, j))
                    << " vs expected " << describe(e(i, j));
          return false;
        }
      }
    }
    return true;
  } else {
    if (!equal(actual, static_cast<Actual>(expected))) {
      *listener << "which is " << describe(actual) << " vs expected "
                << describe(static_cast<Actual>(expected));
      return false;
    }
    return true;
  }
}

template <class Expected>
class bit_exact_matcher {
 public:
  explicit bit_exact_matcher(Expected expected) : expected_(std::move(expected)) {}
  template <class Actual>
  bool MatchAndExplain(const Actual& actual, ::testing::MatchResultListener* listener) const {
    return compare(
        actual, expected_, [](auto a, auto e) { return same_bits(a, e); }, listener);
  }
  void DescribeTo(std::ostream* os) const { *os << "is bit-identical to the expected value"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "differs in some bit from the expected value"; }

 private:
  Expected expected_;
};

template <class T, class Expected>
class within_ulps_matcher {
 public:
  within_ulps_matcher(Expected expected, std::int64_t ulps) : expected_(std::move(expected)), ulps_(ulps) {}
  template <class Actual>
  bool MatchAndExplain(const Actual& actual, ::testing::MatchResultListener* listener) const {
    const std::int64_t ulps = ulps_;
    return compare(
        actual, expected_,
        [ulps](auto a, auto e) {
          return ulp_distance<T>(static_cast<double>(a), static_cast<double>(e)) <= ulps;
        },
        listener);
  }
  void DescribeTo(std::ostream* os) const {
    *os << "is within " << ulps_ << " ULPs (of the format) of the expected value";
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "is more than " << ulps_ << " ULPs from the expected value";
  }

 private:
  Expected expected_;
  std::int64_t ulps_;
};

template <class X>
auto stored(const X& x) {
  if constexpr (is_eigen<X>) {
    return x.eval();  // matchers outlive the expression they were built from
  } else {
    return x;
  }
}

}  // namespace detail

// Matches when every bit agrees (scalars: float, double, any lowp scalar; or Eigen matrices of them).
template <class Expected>
auto BitExact(const Expected& expected) {
  return ::testing::MakePolymorphicMatcher(
      detail::bit_exact_matcher<decltype(detail::stored(expected))>(detail::stored(expected)));
}

// Matches when every element is within `ulps` steps of T's grid of the expected one.
template <class T, class Expected>
auto WithinUlps(const Expected& expected, std::int64_t ulps) {
  return ::testing::MakePolymorphicMatcher(
      detail::within_ulps_matcher<T, decltype(detail::stored(expected))>(detail::stored(expected), ulps));
}

}  // namespace testing

}  // namespace lowp
