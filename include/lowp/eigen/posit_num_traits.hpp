// Eigen adapter for posits: NumTraits, mixing with float/double, and products and sums in the same documented
// order as minifloats (eigen/product.hpp):
//
//   C(i, j) = C(i, j) + alpha * s,   s = (((0 + A(i,0)*B(0,j)) + A(i,1)*B(1,j)) + ... + A(i,K-1)*B(K-1,j))
//
// every * and + rounded into the posit, k in increasing order (GEMM, GEMV, sum(), dot(), norm()). The math
// functions Eigen's algorithms call (sqrt, abs, isfinite, exp, ...) are found by ADL from posit/math.hpp.
// For a dot product rounded once, use lowp::fdot (the quire).
#pragma once

#include <limits>

#include <Eigen/Core>

#include "../posit/posit.hpp"
#include "product.hpp"

namespace Eigen {

template <int N, int ES>
struct NumTraits<lowp::posit<N, ES>> : GenericNumTraits<lowp::posit<N, ES>> {
  using T = lowp::posit<N, ES>;
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
    AddCost = 4,  // decode, operate, encode
    MulCost = 4,
  };
  static T epsilon() { return std::numeric_limits<T>::epsilon(); }
  // Tolerance of isApprox / isMuchSmallerThan: a few units of roundoff next to 1.
  static T dummy_precision() { return T(4.0 * static_cast<double>(std::numeric_limits<T>::epsilon())); }
  static T highest() { return std::numeric_limits<T>::max(); }
  static T lowest() { return std::numeric_limits<T>::lowest(); }
  // No infinity: NaR, the single exceptional value.
  static T infinity() { return T::nar(); }
  static T quiet_NaN() { return T::nar(); }
  static int digits10() { return std::numeric_limits<T>::digits10; }
  static int digits() { return std::numeric_limits<T>::digits; }
};

// Mixing with a built-in type promotes to it, as the scalar operators do.
template <int N, int ES, class BinaryOp>
struct ScalarBinaryOpTraits<lowp::posit<N, ES>, float, BinaryOp> {
  using ReturnType = float;
};
template <int N, int ES, class BinaryOp>
struct ScalarBinaryOpTraits<float, lowp::posit<N, ES>, BinaryOp> {
  using ReturnType = float;
};
template <int N, int ES, class BinaryOp>
struct ScalarBinaryOpTraits<lowp::posit<N, ES>, double, BinaryOp> {
  using ReturnType = double;
};
template <int N, int ES, class BinaryOp>
struct ScalarBinaryOpTraits<double, lowp::posit<N, ES>, BinaryOp> {
  using ReturnType = double;
};

namespace internal {

template <typename Index, int N, int ES, int LhsStorageOrder, bool ConjugateLhs, int RhsStorageOrder,
          bool ConjugateRhs, int ResInnerStride>
struct general_matrix_matrix_product<Index, lowp::posit<N, ES>, LhsStorageOrder, ConjugateLhs,
                                     lowp::posit<N, ES>, RhsStorageOrder, ConjugateRhs, ColMajor,
                                     ResInnerStride> {
  using T = lowp::posit<N, ES>;
  using Traits = gebp_traits<T, T>;  // Eigen's gemm_functor sizes its blocking from these
  static void run(Index rows, Index cols, Index depth, const T* lhs, Index lhs_stride, const T* rhs,
                  Index rhs_stride, T* res, Index res_increment, Index res_stride, T alpha,
                  level3_blocking<T, T>& /*blocking*/, GemmParallelInfo<Index>* /*info*/ = nullptr) {
    auto lhs_at = [=](Index i, Index k) {
      return LhsStorageOrder == ColMajor ? lhs[i + k * lhs_stride] : lhs[i * lhs_stride + k];
    };
    auto rhs_at = [=](Index k, Index j) {
      return RhsStorageOrder == ColMajor ? rhs[k + j * rhs_stride] : rhs[k * rhs_stride + j];
    };
    auto res_at = [=](Index i, Index j) -> T& { return res[i * res_increment + j * res_stride]; };
    lowp::eigen_detail::product_reference(rows, cols, depth, lhs_at, rhs_at, res_at, alpha);
  }
};

template <typename Index, int N, int ES, typename LhsMapper, bool ConjugateLhs, typename RhsMapper,
          bool ConjugateRhs, int Version>
struct general_matrix_vector_product<Index, lowp::posit<N, ES>, LhsMapper, ColMajor, ConjugateLhs,
                                     lowp::posit<N, ES>, RhsMapper, ConjugateRhs, Version> {
  using T = lowp::posit<N, ES>;
  static void run(Index rows, Index cols, const LhsMapper& lhs, const RhsMapper& rhs, T* res,
                  Index res_increment, T alpha) {
    lowp::eigen_detail::product_reference(
        rows, 1, cols, [&](Index i, Index k) { return lhs(i, k); }, [&](Index k, Index) { return rhs(k, 0); },
        [=](Index i, Index) -> T& { return res[i * res_increment]; }, alpha);
  }
};
template <typename Index, int N, int ES, typename LhsMapper, bool ConjugateLhs, typename RhsMapper,
          bool ConjugateRhs, int Version>
struct general_matrix_vector_product<Index, lowp::posit<N, ES>, LhsMapper, RowMajor, ConjugateLhs,
                                     lowp::posit<N, ES>, RhsMapper, ConjugateRhs, Version>
    : general_matrix_vector_product<Index, lowp::posit<N, ES>, LhsMapper, ColMajor, ConjugateLhs,
                                    lowp::posit<N, ES>, RhsMapper, ConjugateRhs, Version> {};

template <int N, int ES, class Evaluator>
struct redux_impl<scalar_sum_op<lowp::posit<N, ES>, lowp::posit<N, ES>>, Evaluator, DefaultTraversal,
                  NoUnrolling> {
  using Scalar = lowp::posit<N, ES>;
  template <typename XprType>
  static Scalar run(const Evaluator& eval, const scalar_sum_op<Scalar, Scalar>&, const XprType& xpr) {
    Scalar sum(0);
    for (Index outer = 0; outer < xpr.outerSize(); ++outer)
      for (Index inner = 0; inner < xpr.innerSize(); ++inner)
        sum = sum + eval.coeffByOuterInner(outer, inner);
    return sum;
  }
};
template <int N, int ES, class Evaluator>
struct redux_impl<scalar_sum_op<lowp::posit<N, ES>, lowp::posit<N, ES>>, Evaluator, DefaultTraversal,
                  CompleteUnrolling> : redux_impl<scalar_sum_op<lowp::posit<N, ES>, lowp::posit<N, ES>>,
                                                  Evaluator, DefaultTraversal, NoUnrolling> {};

}  // namespace internal
}  // namespace Eigen
