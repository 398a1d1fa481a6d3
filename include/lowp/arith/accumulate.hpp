// Accumulation policies: how a dot product or a GEMM adds its products. Tag types passed to `lowp::gemm`
// and `lowp::dot`, plus `accumulator<Policy>`, the one scalar definition every fast path must reproduce.
//
// Products are exact (a tensor core multiplies exactly; for float inputs a*b is exact in binary64), and the
// sum is sequential along K from +0:
//   accumulate<T>            s = round_T(s + a_k*b_k) after every product: one rounding per step, in T's
//                            rounding policy (e.g. bfloat16, float16, float8_e4m3fn, float);
//   accumulate_chunked<T,N>  the same in T within each chunk of N products (each chunk starts from +0),
//                            and every chunk is then added into an fp32 total: total = fl32(total + chunk)
//                            (DeepSeek-V3's fix for limited-precision FP8 tensor-core accumulation);
//   accumulate_exact         the exact sum of all products, rounded once to float at the end.
// The result of a dot product is the accumulator's value as float.
#pragma once

#include <cmath>
#include <type_traits>

#include "../core/odd_arithmetic.hpp"
#include "../float/minifloat_scalar.hpp"
#include "exact_sum.hpp"

namespace lowp {

namespace detail {
template <class T>
inline constexpr bool is_accumulator_type = std::is_same_v<T, float>;
template <class F, class R, class O>
inline constexpr bool is_accumulator_type<minifloat<F, R, O>> = true;
}  // namespace detail

template <class T = float>
struct accumulate {
  static_assert(
      detail::is_accumulator_type<T>,
      "accumulate<T>: T must be float or a lowp minifloat type (bfloat16, float16, float8_e4m3fn, ...)");
  using type = T;
};

template <class T, int N>
struct accumulate_chunked {
  static_assert(detail::is_accumulator_type<T>,
                "accumulate_chunked<T, N>: T must be float or a lowp minifloat type");
  static_assert(N >= 1, "accumulate_chunked<T, N>: the chunk length N must be at least 1");
  using type = T;
  static constexpr int chunk = N;
};

struct accumulate_exact {};

namespace detail {
template <class P>
struct is_accumulation_policy : std::false_type {};
template <class T>
struct is_accumulation_policy<accumulate<T>> : std::true_type {};
template <class T, int N>
struct is_accumulation_policy<accumulate_chunked<T, N>> : std::true_type {};
template <>
struct is_accumulation_policy<accumulate_exact> : std::true_type {};
}  // namespace detail

template <class P>
inline constexpr bool is_accumulation_policy_v = detail::is_accumulation_policy<P>::value;

namespace detail {
// round_T(s + p) for an exact binary64 product p and a running sum s held as a T value (as double):
// the sum is rounded to odd in binary64 first, so the rounding into T is correct under every policy.
template <class T>
inline double accumulate_step(double s, double p) noexcept {
  const double odd = core::add_odd(s, p);
  if constexpr (std::is_same_v<T, float>) {
    // binary32 under round-to-nearest-even; double rounding through an odd binary64 result is exact.
    return static_cast<double>(static_cast<float>(odd));
  } else {
    return static_cast<double>(T::round_from(odd));
  }
}
}  // namespace detail

// accumulator<Policy>: one dot product under a policy, one product at a time. This is the plain scalar
// statement of the semantics above; every vectorised path of lowp::gemm / lowp::dot reproduces it bit for
// bit.
//   accumulator<accumulate<bfloat16>> acc;  for (k...) acc.add(a[k], b[k]);  float r = acc.result();
template <class Policy>
class accumulator {
  static_assert(
      is_accumulation_policy_v<Policy>,
      "accumulator<Policy>: Policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact");
};

template <class T>
class accumulator<accumulate<T>> {
 public:
  void add(float a, float b) noexcept {
    sum_ = detail::accumulate_step<T>(sum_, static_cast<double>(a) * static_cast<double>(b));
  }
  float result() const noexcept { return static_cast<float>(sum_); }

 private:
  double sum_ = 0.0;  // a value of T
};

template <class T, int N>
class accumulator<accumulate_chunked<T, N>> {
 public:
  void add(float a, float b) noexcept {
    chunk_ = detail::accumulate_step<T>(chunk_, static_cast<double>(a) * static_cast<double>(b));
    if (++count_ == N) {
      total_ += static_cast<float>(chunk_);  // a value of T is a float: one fp32 rounding
      chunk_ = 0.0;
      count_ = 0;
    }
  }
  // The final, partial chunk is added too (an empty one would add +0, which changes nothing).
  float result() const noexcept { return count_ == 0 ? total_ : total_ + static_cast<float>(chunk_); }

 private:
  double chunk_ = 0.0;  // a value of T
  float total_ = 0.0f;
  int count_ = 0;
};

template <>
class accumulator<accumulate_exact> {
 public:
  void add(float a, float b) noexcept { sum_.add_product(a, b); }
  float result() const noexcept { return sum_.to_float(); }

 private:
  exact_sum sum_;
};

}  // namespace lowp
