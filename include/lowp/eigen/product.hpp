// Products and sums of Matrix<T> for every lowp scalar T in the one documented order of
// eigen/scalar_adapter.hpp, whichever Eigen path runs: GEMM and GEMV (the dense products Eigen sends to its
// kernels) are replaced by scalar_adapter<T>'s kernel; sum(), dot(), norm() and the small products Eigen
// evaluates coefficient by coefficient go through sum(), which is made sequential from 0 in the same way;
// the scalar factors of an expression (alpha) are combined as the adapter says. Written once for all types:
// what differs between them (minifloats' SIMD GEMM, lmul_float's L-Mul GEMM and fp32 alpha) is in
// scalar_adapter<T>.
#pragma once

#include <Eigen/Core>

#include "../scalar.hpp"
#include "scalar_adapter.hpp"

namespace Eigen::internal {

// GEMM with a column-major result (Eigen maps a row-major result onto this by transposition).
template <typename Index, lowp::scalar T, int LhsStorageOrder, bool ConjugateLhs, int RhsStorageOrder,
          bool ConjugateRhs, int ResInnerStride>
struct general_matrix_matrix_product<Index, T, LhsStorageOrder, ConjugateLhs, T, RhsStorageOrder,
                                     ConjugateRhs, ColMajor, ResInnerStride> {
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
    lowp::eigen_detail::scalar_adapter<T>::gemm(rows, cols, depth, lhs_at, rhs_at, res_at, alpha);
  }
};

// GEMV: res += alpha * lhs * rhs in the documented order, one specialisation per storage order (Eigen's own
// are per order).
template <typename Index, lowp::scalar T, typename LhsMapper, bool ConjugateLhs, typename RhsMapper,
          bool ConjugateRhs, int Version>
struct general_matrix_vector_product<Index, T, LhsMapper, ColMajor, ConjugateLhs, T, RhsMapper, ConjugateRhs,
                                     Version> {
  static void run(Index rows, Index cols, const LhsMapper& lhs, const RhsMapper& rhs, T* res,
                  Index res_increment, T alpha) {
    lowp::eigen_detail::product_reference<lowp::eigen_detail::scalar_adapter<T>>(
        rows, 1, cols, [&](Index i, Index k) { return lhs(i, k); }, [&](Index k, Index) { return rhs(k, 0); },
        [=](Index i, Index) -> T& { return res[i * res_increment]; }, alpha);
  }
};
template <typename Index, lowp::scalar T, typename LhsMapper, bool ConjugateLhs, typename RhsMapper,
          bool ConjugateRhs, int Version>
struct general_matrix_vector_product<Index, T, LhsMapper, RowMajor, ConjugateLhs, T, RhsMapper, ConjugateRhs,
                                     Version>
    : general_matrix_vector_product<Index, T, LhsMapper, ColMajor, ConjugateLhs, T, RhsMapper, ConjugateRhs,
                                    Version> {};

// sum() (and through it dot(), squaredNorm(), norm() and coefficient-based products): sequential from +0.
template <lowp::scalar T, class Evaluator>
struct redux_impl<scalar_sum_op<T, T>, Evaluator, DefaultTraversal, NoUnrolling> {
  template <typename XprType>
  static T run(const Evaluator& eval, const scalar_sum_op<T, T>&, const XprType& xpr) {
    T sum(0);
    for (Index outer = 0; outer < xpr.outerSize(); ++outer)
      for (Index inner = 0; inner < xpr.innerSize(); ++inner)
        sum = sum + eval.coeffByOuterInner(outer, inner);
    return sum;
  }
};
template <lowp::scalar T, class Evaluator>
struct redux_impl<scalar_sum_op<T, T>, Evaluator, DefaultTraversal, CompleteUnrolling>
    : redux_impl<scalar_sum_op<T, T>, Evaluator, DefaultTraversal, NoUnrolling> {};

// The alpha Eigen hands to GEMM/GEMV: the product of the expression's scalar factors (1 for A * B), in
// Eigen's own association, each * the adapter's.
template <lowp::scalar T, typename Lhs, typename Rhs>
struct combine_scalar_factors_impl<T, Lhs, Rhs> {
  using Adapter = lowp::eigen_detail::scalar_adapter<T>;
  static T run(const Lhs& lhs, const Rhs& rhs) {
    return Adapter::combine_factors(T(blas_traits<Lhs>::extractScalarFactor(lhs)),
                                    T(blas_traits<Rhs>::extractScalarFactor(rhs)));
  }
  static T run(const T& alpha, const Lhs& lhs, const Rhs& rhs) {
    return Adapter::combine_factors(
        Adapter::combine_factors(alpha, T(blas_traits<Lhs>::extractScalarFactor(lhs))),
        T(blas_traits<Rhs>::extractScalarFactor(rhs)));
  }
};

}  // namespace Eigen::internal
