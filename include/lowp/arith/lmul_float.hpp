// lmul_float<M>: an fp32 value whose multiplication is L-Mul with M mantissa bits (lmul.hpp) and whose every
// other operation is plain float arithmetic. It is a lowp::scalar, so lowp's one Eigen adapter
// (eigen/num_traits.hpp, eigen/product.hpp) makes it an Eigen scalar: any Eigen expression or algorithm runs
// with approximate multiplies, Matrix<lowp::lmul_float<4>, Dynamic, Dynamic>.
//
// Matrix products: GEMM and GEMV of Matrix<lmul_float<M>> run the adapter's documented order, C(i, j) =
// C(i, j) + alpha * s with s = (((+0 + A(i,0)*B(0,j)) + A(i,1)*B(1,j)) + ...), each * an L-Mul and each + an
// fp32 addition, which is lmul_gemm's order, so `C = A * B` is bit-identical to lowp::lmul_gemm<M>(A, B);
// sum(), dot() and norm() add in the same order from +0. Eigen's scaling by alpha is bookkeeping, not a data
// product: it is formed and applied with fp32 multiplies (alpha = 1 changes nothing); the scalar_adapter
// specialisation at the end of this file says so. Everything else Eigen evaluates itself: coefficient-wise
// products use L-Mul, and kernels Eigen calls directly (its triangular solves inside LU) apply their alpha
// (e.g. -1) with L-Mul too, since there every multiplication is the scalar's `*`.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>

#include <Eigen/Core>

#include "../eigen/num_traits.hpp"
#include "../eigen/product.hpp"
#include "lmul.hpp"
#include "lmul_gemm.hpp"

namespace lowp {

template <int M>
class lmul_float {
  static_assert(M >= 1 && M <= 23, "lmul_float<M>: the mantissa width M must be between 1 and 23");

 public:
  constexpr lmul_float() noexcept = default;
  // Implicit from float and integers: the value is the float (nothing is rounded beyond float's own).
  constexpr lmul_float(float value) noexcept : value_(value) {}
  template <std::integral I>
  constexpr lmul_float(I value) noexcept : value_(static_cast<float>(value)) {}
  constexpr explicit lmul_float(double value) noexcept : value_(static_cast<float>(value)) {}
  constexpr explicit operator float() const noexcept { return value_; }
  constexpr explicit operator double() const noexcept { return value_; }
  constexpr float value() const noexcept { return value_; }

  friend constexpr lmul_float operator*(lmul_float a, lmul_float b) noexcept {
    return lmul<M>(a.value_, b.value_);
  }
  friend constexpr lmul_float operator+(lmul_float a, lmul_float b) noexcept { return a.value_ + b.value_; }
  friend constexpr lmul_float operator-(lmul_float a, lmul_float b) noexcept { return a.value_ - b.value_; }
  friend constexpr lmul_float operator/(lmul_float a, lmul_float b) noexcept { return a.value_ / b.value_; }
  constexpr lmul_float& operator*=(lmul_float b) noexcept { return *this = *this * b; }
  constexpr lmul_float& operator+=(lmul_float b) noexcept { return *this = *this + b; }
  constexpr lmul_float& operator-=(lmul_float b) noexcept { return *this = *this - b; }
  constexpr lmul_float& operator/=(lmul_float b) noexcept { return *this = *this / b; }
  constexpr lmul_float operator-() const noexcept { return -value_; }
  constexpr lmul_float operator+() const noexcept { return *this; }

  friend constexpr bool operator==(lmul_float a, lmul_float b) noexcept { return a.value_ == b.value_; }
  friend constexpr bool operator!=(lmul_float a, lmul_float b) noexcept { return a.value_ != b.value_; }
  friend constexpr bool operator<(lmul_float a, lmul_float b) noexcept { return a.value_ < b.value_; }
  friend constexpr bool operator<=(lmul_float a, lmul_float b) noexcept { return a.value_ <= b.value_; }
  friend constexpr bool operator>(lmul_float a, lmul_float b) noexcept { return a.value_ > b.value_; }
  friend constexpr bool operator>=(lmul_float a, lmul_float b) noexcept { return a.value_ >= b.value_; }

  // Found by argument-dependent lookup (Eigen's numext calls them so): fp32 functions.
  friend lmul_float abs(lmul_float x) noexcept { return std::fabs(x.value_); }
  friend lmul_float sqrt(lmul_float x) noexcept { return std::sqrt(x.value_); }
  friend lmul_float exp(lmul_float x) noexcept { return std::exp(x.value_); }
  friend lmul_float log(lmul_float x) noexcept { return std::log(x.value_); }
  friend bool isnan(lmul_float x) noexcept { return std::isnan(x.value_); }
  friend bool isinf(lmul_float x) noexcept { return std::isinf(x.value_); }
  friend bool isfinite(lmul_float x) noexcept { return std::isfinite(x.value_); }
  friend bool signbit(lmul_float x) noexcept { return std::signbit(x.value_); }

 private:
  float value_ = 0.0f;
};

}  // namespace lowp

template <int M>
class std::numeric_limits<lowp::lmul_float<M>> : public std::numeric_limits<float> {
  using T = lowp::lmul_float<M>;

 public:
  static constexpr T min() noexcept { return std::numeric_limits<float>::min(); }
  static constexpr T max() noexcept { return std::numeric_limits<float>::max(); }
  static constexpr T lowest() noexcept { return std::numeric_limits<float>::lowest(); }
  static constexpr T epsilon() noexcept { return std::numeric_limits<float>::epsilon(); }
  static constexpr T round_error() noexcept { return std::numeric_limits<float>::round_error(); }
  static constexpr T infinity() noexcept { return std::numeric_limits<float>::infinity(); }
  static constexpr T quiet_NaN() noexcept { return std::numeric_limits<float>::quiet_NaN(); }
  static constexpr T signaling_NaN() noexcept { return std::numeric_limits<float>::signaling_NaN(); }
  static constexpr T denorm_min() noexcept { return std::numeric_limits<float>::denorm_min(); }
};

// What lmul_float changes in lowp's one Eigen adapter (eigen/scalar_adapter.hpp).
template <int M>
struct lowp::eigen_detail::scalar_adapter<lowp::lmul_float<M>>
    : lowp::eigen_detail::default_scalar_adapter<lowp::lmul_float<M>> {
  using T = lowp::lmul_float<M>;
  static constexpr int add_cost = 1;
  static constexpr int mul_cost = 2;  // an integer add and the selects around it
  // isApprox's tolerance: one L-Mul is off by up to about 2^-l(M) (l <= 4) relative, so float's own
  // precision would make every comparison of results fail.
  static T dummy_precision() { return 0.125f; }

  // Eigen's alpha is bookkeeping, not a data product: combined and applied with fp32 multiplies. With L-Mul,
  // 1 * 1 would be 1 + 2^-l(M) and every product would be scaled.
  static T combine_factors(T a, T b) { return a.value() * b.value(); }
  static T add_scaled(T c, T alpha, T s) { return c.value() + alpha.value() * s.value(); }

  // lmul_gemm's order is the documented one (sequential in k from +0, each * an L-Mul, each + fp32), so
  // GEMM runs lmul_gemm on the decoded floats.
  template <class LhsAt, class RhsAt, class ResAt>
  static void gemm(Eigen::Index rows, Eigen::Index cols, Eigen::Index depth, LhsAt lhs, RhsAt rhs, ResAt res,
                   T alpha) {
    Eigen::MatrixXf a(rows, depth), b(depth, cols);
    for (Eigen::Index k = 0; k < depth; ++k)
      for (Eigen::Index i = 0; i < rows; ++i) a(i, k) = lhs(i, k).value();
    for (Eigen::Index j = 0; j < cols; ++j)
      for (Eigen::Index k = 0; k < depth; ++k) b(k, j) = rhs(k, j).value();
    const Eigen::MatrixXf s = lowp::lmul_gemm<M>(a, b);
    for (Eigen::Index j = 0; j < cols; ++j)
      for (Eigen::Index i = 0; i < rows; ++i) res(i, j) = add_scaled(res(i, j), alpha, s(i, j));
  }
};
