// What one lowp scalar type may change in the Eigen adapter, and the defaults that serve minifloats, posits
// and intn. The adapter itself (eigen/num_traits.hpp, eigen/product.hpp) is written once over the concept
// lowp::scalar and reads everything type-specific from scalar_adapter<T>; a type changes only what differs
// by specialising it (deriving from default_scalar_adapter<T>) next to its own definition, so that the
// specialisation is visible wherever the type is complete.
//
// Products and sums run in one documented order, whichever Eigen path reaches them:
//
//   C(i, j) = add_scaled(C(i, j), alpha, s),   s = (((0 + A(i,0)*B(0,j)) + A(i,1)*B(1,j)) + ... +
//   A(i,K-1)*B(K-1,j))
//
// every * and + the type's own operators (for minifloats and posits: rounded into T), k in increasing order.
// `C = A * B` is Eigen's C = 0 then C += 1 * (A B), which gives exactly s.
#pragma once

#include <limits>

#include <Eigen/Core>

#include "../scalar.hpp"
#include "minifloat_gemm.hpp"

namespace lowp::eigen_detail {

using Eigen::Index;

template <class T>
struct scalar_adapter;

// The documented order with the type's scalar operations: the definition every faster kernel must equal.
template <class Adapter, class T, class LhsAt, class RhsAt, class ResAt>
void product_reference(Index rows, Index cols, Index depth, LhsAt lhs, RhsAt rhs, ResAt res, T alpha) {
  for (Index j = 0; j < cols; ++j) {
    for (Index i = 0; i < rows; ++i) {
      T sum(0);
      for (Index k = 0; k < depth; ++k) sum = sum + lhs(i, k) * rhs(k, j);
      res(i, j) = Adapter::add_scaled(res(i, j), alpha, sum);
    }
  }
}

template <scalar T>
struct default_scalar_adapter {
  // NumTraits' cost model: every operation decodes, computes and rounds.
  static constexpr int add_cost = 4;
  static constexpr int mul_cost = 4;
  // Tolerance of isApprox / isMuchSmallerThan: a few units of roundoff next to 1 (0 for integers).
  static T dummy_precision() { return T(4.0 * static_cast<double>(std::numeric_limits<T>::epsilon())); }

  // Eigen's alpha is the product of an expression's scalar factors (1 for A * B), combined with T's `*`.
  static T combine_factors(T a, T b) { return a * b; }
  // C(i, j) + alpha * s, in T's arithmetic.
  static T add_scaled(T c, T alpha, T s) { return c + alpha * s; }

  // GEMM (res(i, j) is a T&): the documented order; a type with a faster kernel that gives the same bits
  // replaces this.
  template <class LhsAt, class RhsAt, class ResAt>
  static void gemm(Index rows, Index cols, Index depth, LhsAt lhs, RhsAt rhs, ResAt res, T alpha) {
    product_reference<scalar_adapter<T>>(rows, cols, depth, lhs, rhs, res, alpha);
  }
};

// lmul_float specialises this next to its definition (arith/lmul_float.hpp).
template <class T>
struct scalar_adapter : default_scalar_adapter<T> {};

// Minifloats: the SIMD GEMM where it applies (eigen/minifloat_gemm.hpp), the same bits as the definition.
// Kept here, not in a header of its own, so that no translation unit sees the primary template for them.
template <class F, class R, class O>
struct scalar_adapter<minifloat<F, R, O>> : default_scalar_adapter<minifloat<F, R, O>> {
  using T = minifloat<F, R, O>;
  template <class LhsAt, class RhsAt, class ResAt>
  static void gemm(Index rows, Index cols, Index depth, LhsAt lhs, RhsAt rhs, ResAt res, T alpha) {
#if LOWP_HAS_VECTOR_EXTENSIONS
    if constexpr (minifloat_gemm_applies<T>) {
      if (cols > 1 && depth > 0) return minifloat_gemm(rows, cols, depth, lhs, rhs, res, alpha);
    }
#endif
    product_reference<scalar_adapter>(rows, cols, depth, lhs, rhs, res, alpha);
  }
};

}  // namespace lowp::eigen_detail
