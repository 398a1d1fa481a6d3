// Products and sums of Matrix<minifloat> in one documented order, whichever Eigen path runs:
//
//   C(i, j) = C(i, j) + alpha * s,   s = (((0 + A(i,0)*B(0,j)) + A(i,1)*B(1,j)) + ... + A(i,K-1)*B(K-1,j))
//
// every * and + rounded into T with T's policies, k in increasing order. `C = A * B` is Eigen's C = 0 then
// C += 1 * (A B), which gives exactly s. GEMM and GEMV (the dense products Eigen sends to its kernels) are
// replaced by this loop; sum(), dot(), norm() and the small products Eigen evaluates coefficient by
// coefficient go through sum(), which is made sequential from 0 in the same way.
//
// The fast path (nearest_even, precision <= 11 bits: float16, bfloat16, tfloat32 and every 8/6/4-bit
// format) runs that same order on float SIMD lanes, rounding with core::round_float_value_nearest_even
// (equal to the kernel on all 2^32 floats). It is bit-identical: a product of two such values is exact in
// float, and a float sum rounded again to p <= 11 bits is the directly rounded sum (double rounding is
// innocuous when 24 >= 2p + 2).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../core/lanes.hpp"
#include "../core/round_float_value.hpp"
#include "../float/minifloat.hpp"

namespace lowp::eigen_detail {

using Eigen::Index;

template <class T>
struct product_traits {
  static constexpr bool fast = false;
};
template <class F, class R, class O>
struct product_traits<minifloat<F, R, O>> {
  static constexpr bool fast = LOWP_HAS_VECTOR_EXTENSIONS && std::is_same_v<R, rounding::nearest_even> &&
                               F::precision <= 11 && F::has_zero && core::fits_lanes_of<F, float>;
};

// The documented order with scalar lowp operations: the definition, and the path for every other policy.
template <class T, class LhsAt, class RhsAt, class ResAt>
void product_reference(Index rows, Index cols, Index depth, LhsAt lhs, RhsAt rhs, ResAt res, T alpha) {
  for (Index j = 0; j < cols; ++j) {
    for (Index i = 0; i < rows; ++i) {
      T sum(0);
      for (Index k = 0; k < depth; ++k) sum = sum + lhs(i, k) * rhs(k, j);
      res(i, j) = res(i, j) + alpha * sum;
    }
  }
}

#if LOWP_HAS_VECTOR_EXTENSIONS
// One row of C over Vectors * lanes columns: acc = round(acc + round(a * b)) for k = 0..depth-1.
template <class T, int Vectors>
inline void product_row_panel(const float* a_row, const float* b_panel, Index b_stride, Index depth,
                              float* out) {
  using FL = core::f32_lanes;
  using L = core::u32_lanes;
  using F = typename T::format;
  using O = typename T::overflow_policy;
  constexpr int N = core::lane_count<FL>;
  // Unrolled over the accumulators by a fold, so they live in registers.
  [&]<int... V>(std::integer_sequence<int, V...>) {
    FL acc[Vectors] = {};
    for (Index k = 0; k < depth; ++k) {
      const FL a = FL{} + a_row[k];
      const float* b = b_panel + k * b_stride;
      auto step = [&](int v) {
        FL bv;
        std::memcpy(&bv, b + v * N, sizeof bv);
        const FL product = core::round_float_value_nearest_even<F, O, FL, L, true>(a * bv);
        acc[v] = core::round_float_value_nearest_even<F, O, FL, L, true>(acc[v] + product);
      };
      (step(V), ...);
    }
    std::memcpy(out, acc, sizeof acc);
  }
  (std::make_integer_sequence<int, Vectors>{});
}

template <class T, class LhsAt, class RhsAt, class ResAt>
void product_fast(Index rows, Index cols, Index depth, LhsAt lhs, RhsAt rhs, ResAt res, T alpha) {
  constexpr int N = core::lane_count<core::f32_lanes>;
  constexpr int panel_vectors = 4;  // independent accumulators hide the rounding latency
  const Index padded = (cols + N - 1) / N * N;
  // Decode once: A row-major, B row-major with padded rows (the padding lanes compute zeros, discarded).
  std::vector<float> a(static_cast<std::size_t>(rows * depth)),
      b(static_cast<std::size_t>(depth * padded), 0.0f);
  for (Index i = 0; i < rows; ++i)
    for (Index k = 0; k < depth; ++k) a[i * depth + k] = static_cast<float>(lhs(i, k));
  for (Index k = 0; k < depth; ++k)
    for (Index j = 0; j < cols; ++j) b[k * padded + j] = static_cast<float>(rhs(k, j));
  float out[panel_vectors * N];
  T sums[panel_vectors * N];
  const bool unit_alpha = alpha.bits() == T(1).bits();
  for (Index j0 = 0; j0 < cols; j0 += panel_vectors * N) {
    const Index vectors = std::min<Index>(panel_vectors, (padded - j0) / N);
    const Index width = std::min<Index>(panel_vectors * N, cols - j0);
    for (Index i = 0; i < rows; ++i) {
      const float* a_row = a.data() + i * depth;
      const float* b_panel = b.data() + j0;
      switch (vectors) {
        case 4:
          product_row_panel<T, 4>(a_row, b_panel, padded, depth, out);
          break;
        case 3:
          product_row_panel<T, 3>(a_row, b_panel, padded, depth, out);
          break;
        case 2:
          product_row_panel<T, 2>(a_row, b_panel, padded, depth, out);
          break;
        default:
          product_row_panel<T, 1>(a_row, b_panel, padded, depth, out);
          break;
      }
      // C = C + alpha * s. With alpha = 1 and C = +0 (what C = A * B does) that is exactly s, since s is
      // never -0 here (sums from +0 round to nearest); skip the two roundings, convert with SIMD.
      convert<T>(std::span<const float>(out, static_cast<std::size_t>(width)),
                 std::span<T>(sums, static_cast<std::size_t>(width)));
      for (Index j = 0; j < width; ++j) {
        T& c = res(i, j0 + j);
        c = unit_alpha && c.bits() == 0 ? sums[j] : c + alpha * sums[j];
      }
    }
  }
}
#endif

template <class T, class LhsAt, class RhsAt, class ResAt>
void product(Index rows, Index cols, Index depth, LhsAt lhs, RhsAt rhs, ResAt res, T alpha) {
#if LOWP_HAS_VECTOR_EXTENSIONS
  if constexpr (product_traits<T>::fast) {
    if (cols > 1 && depth > 0) return product_fast(rows, cols, depth, lhs, rhs, res, alpha);
  }
#endif
  product_reference(rows, cols, depth, lhs, rhs, res, alpha);
}

}  // namespace lowp::eigen_detail

namespace Eigen::internal {

// GEMM with a column-major result (Eigen maps a row-major result onto this by transposition).
template <typename Index, class F, class R, class O, int LhsStorageOrder, bool ConjugateLhs,
          int RhsStorageOrder, bool ConjugateRhs, int ResInnerStride>
struct general_matrix_matrix_product<Index, lowp::minifloat<F, R, O>, LhsStorageOrder, ConjugateLhs,
                                     lowp::minifloat<F, R, O>, RhsStorageOrder, ConjugateRhs, ColMajor,
                                     ResInnerStride> {
  using T = lowp::minifloat<F, R, O>;
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
    lowp::eigen_detail::product(rows, cols, depth, lhs_at, rhs_at, res_at, alpha);
  }
};

// GEMV: res += alpha * lhs * rhs, one specialisation per storage order (Eigen's own are per order).
template <typename Index, class F, class R, class O, typename LhsMapper, bool ConjugateLhs,
          typename RhsMapper, bool ConjugateRhs, int Version>
struct general_matrix_vector_product<Index, lowp::minifloat<F, R, O>, LhsMapper, ColMajor, ConjugateLhs,
                                     lowp::minifloat<F, R, O>, RhsMapper, ConjugateRhs, Version> {
  using T = lowp::minifloat<F, R, O>;
  static void run(Index rows, Index cols, const LhsMapper& lhs, const RhsMapper& rhs, T* res,
                  Index res_increment, T alpha) {
    lowp::eigen_detail::product_reference(
        rows, 1, cols, [&](Index i, Index k) { return lhs(i, k); }, [&](Index k, Index) { return rhs(k, 0); },
        [=](Index i, Index) -> T& { return res[i * res_increment]; }, alpha);
  }
};
template <typename Index, class F, class R, class O, typename LhsMapper, bool ConjugateLhs,
          typename RhsMapper, bool ConjugateRhs, int Version>
struct general_matrix_vector_product<Index, lowp::minifloat<F, R, O>, LhsMapper, RowMajor, ConjugateLhs,
                                     lowp::minifloat<F, R, O>, RhsMapper, ConjugateRhs, Version>
    : general_matrix_vector_product<Index, lowp::minifloat<F, R, O>, LhsMapper, ColMajor, ConjugateLhs,
                                    lowp::minifloat<F, R, O>, RhsMapper, ConjugateRhs, Version> {};

// sum() (and through it dot(), squaredNorm(), norm() and coefficient-based products): sequential from +0.
template <class F, class R, class O, class Evaluator>
struct redux_impl<scalar_sum_op<lowp::minifloat<F, R, O>, lowp::minifloat<F, R, O>>, Evaluator,
                  DefaultTraversal, NoUnrolling> {
  using Scalar = lowp::minifloat<F, R, O>;
  template <typename XprType>
  static Scalar run(const Evaluator& eval, const scalar_sum_op<Scalar, Scalar>&, const XprType& xpr) {
    Scalar sum(0);
    for (Index outer = 0; outer < xpr.outerSize(); ++outer)
      for (Index inner = 0; inner < xpr.innerSize(); ++inner)
        sum = sum + eval.coeffByOuterInner(outer, inner);
    return sum;
  }
};
template <class F, class R, class O, class Evaluator>
struct redux_impl<scalar_sum_op<lowp::minifloat<F, R, O>, lowp::minifloat<F, R, O>>, Evaluator,
                  DefaultTraversal, CompleteUnrolling>
    : redux_impl<scalar_sum_op<lowp::minifloat<F, R, O>, lowp::minifloat<F, R, O>>, Evaluator,
                 DefaultTraversal, NoUnrolling> {};

}  // namespace Eigen::internal
