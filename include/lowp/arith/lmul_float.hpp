// lmul_float<M>: an fp32 value whose multiplication is L-Mul with M mantissa bits (lmul.hpp) and whose every
// other operation is plain float arithmetic. With the Eigen::NumTraits below, any Eigen expression or
// algorithm runs with approximate multiplies: Matrix<lowp::lmul_float<4>, Dynamic, Dynamic>.
//
// Matrix products: GEMM and GEMV of Matrix<lmul_float<M>> are routed to lmul_gemm's order, C(i, j) =
// C(i, j) + alpha * s with s = (((+0 + A(i,0)*B(0,j)) + A(i,1)*B(1,j)) + ...), each * an L-Mul and each + an
// fp32 addition, so `C = A * B` is bit-identical to lowp::lmul_gemm<M>(A, B). Eigen's scaling by alpha is
// bookkeeping, not a data product: it is formed and applied with fp32 multiplies (alpha = 1 changes nothing).
// Everything else Eigen evaluates itself, in its own order: coefficient-wise products and small (lazy)
// products use L-Mul and Eigen's reduction order; kernels Eigen calls directly (its triangular solves inside
// LU) apply their alpha (e.g. -1) with L-Mul too, since there every multiplication is the scalar's `*`.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>

#include <Eigen/Core>

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

namespace Eigen {

template <int M>
struct NumTraits<lowp::lmul_float<M>> : GenericNumTraits<float> {
  using T = lowp::lmul_float<M>;
  using Real = T;
  using NonInteger = T;
  using Literal = T;
  using Nested = T;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 0,
    ReadCost = 1,
    AddCost = 1,
    MulCost = 2,  // an integer add and the selects around it
  };
  static T epsilon() { return std::numeric_limits<float>::epsilon(); }
  // isApprox's tolerance: one L-Mul is off by up to about 2^-l(M) (l <= 4) relative, so float's own
  // precision would make every comparison of results fail.
  static T dummy_precision() { return 0.125f; }
  static T highest() { return std::numeric_limits<float>::max(); }
  static T lowest() { return std::numeric_limits<float>::lowest(); }
  static T infinity() { return std::numeric_limits<float>::infinity(); }
  static T quiet_NaN() { return std::numeric_limits<float>::quiet_NaN(); }
  static int digits10() { return std::numeric_limits<float>::digits10; }
  static int digits() { return std::numeric_limits<float>::digits; }
};

namespace internal {

// The alpha Eigen hands to GEMM/GEMV is the product of the expression's scalar factors (1 for A * B):
// bookkeeping, so combined in fp32. With L-Mul, 1 * 1 would be 1 + 2^-l(M) and every product would be scaled.
template <int M, typename Lhs, typename Rhs>
struct combine_scalar_factors_impl<lowp::lmul_float<M>, Lhs, Rhs> {
  using T = lowp::lmul_float<M>;
  static T run(const Lhs& lhs, const Rhs& rhs) {
    return T(blas_traits<Lhs>::extractScalarFactor(lhs)).value() *
           T(blas_traits<Rhs>::extractScalarFactor(rhs)).value();
  }
  static T run(const T& alpha, const Lhs& lhs, const Rhs& rhs) {
    return alpha.value() * run(lhs, rhs).value();
  }
};

// GEMM with a column-major result (Eigen maps a row-major result onto it by transposition): lmul_gemm's
// order, then C += alpha * S in fp32.
template <typename Index, int M, int LhsStorageOrder, bool ConjugateLhs, int RhsStorageOrder,
          bool ConjugateRhs, int ResInnerStride>
struct general_matrix_matrix_product<Index, lowp::lmul_float<M>, LhsStorageOrder, ConjugateLhs,
                                     lowp::lmul_float<M>, RhsStorageOrder, ConjugateRhs, ColMajor,
                                     ResInnerStride> {
  using T = lowp::lmul_float<M>;
  using Traits = gebp_traits<T, T>;
  static void run(Index rows, Index cols, Index depth, const T* lhs, Index lhs_stride, const T* rhs,
                  Index rhs_stride, T* res, Index res_increment, Index res_stride, T alpha,
                  level3_blocking<T, T>& /*blocking*/, GemmParallelInfo<Index>* /*info*/ = nullptr) {
    Eigen::MatrixXf a(rows, depth), b(depth, cols);
    for (Index k = 0; k < depth; ++k) {
      for (Index i = 0; i < rows; ++i) {
        a(i, k) = (LhsStorageOrder == ColMajor ? lhs[i + k * lhs_stride] : lhs[i * lhs_stride + k]).value();
      }
    }
    for (Index j = 0; j < cols; ++j) {
      for (Index k = 0; k < depth; ++k) {
        b(k, j) = (RhsStorageOrder == ColMajor ? rhs[k + j * rhs_stride] : rhs[k * rhs_stride + j]).value();
      }
    }
    const Eigen::MatrixXf s = lowp::lmul_gemm<M>(a, b);
    for (Index j = 0; j < cols; ++j) {
      for (Index i = 0; i < rows; ++i) {
        T& c = res[i * res_increment + j * res_stride];
        c = c.value() + alpha.value() * s(i, j);
      }
    }
  }
};

// GEMV: res += alpha * lhs * rhs, sequential in k from +0 per element.
template <typename Index, int M, typename LhsMapper, bool ConjugateLhs, typename RhsMapper, bool ConjugateRhs,
          int Version>
struct general_matrix_vector_product<Index, lowp::lmul_float<M>, LhsMapper, ColMajor, ConjugateLhs,
                                     lowp::lmul_float<M>, RhsMapper, ConjugateRhs, Version> {
  using T = lowp::lmul_float<M>;
  static void run(Index rows, Index cols, const LhsMapper& lhs, const RhsMapper& rhs, T* res,
                  Index res_increment, T alpha) {
    for (Index i = 0; i < rows; ++i) {
      float s = 0.0f;
      for (Index k = 0; k < cols; ++k) s += lowp::lmul<M>(T(lhs(i, k)).value(), T(rhs(k, 0)).value());
      T& c = res[i * res_increment];
      c = c.value() + alpha.value() * s;
    }
  }
};
template <typename Index, int M, typename LhsMapper, bool ConjugateLhs, typename RhsMapper, bool ConjugateRhs,
          int Version>
struct general_matrix_vector_product<Index, lowp::lmul_float<M>, LhsMapper, RowMajor, ConjugateLhs,
                                     lowp::lmul_float<M>, RhsMapper, ConjugateRhs, Version>
    : general_matrix_vector_product<Index, lowp::lmul_float<M>, LhsMapper, ColMajor, ConjugateLhs,
                                    lowp::lmul_float<M>, RhsMapper, ConjugateRhs, Version> {};

}  // namespace internal
}  // namespace Eigen
