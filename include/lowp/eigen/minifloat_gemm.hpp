// The SIMD GEMM of Matrix<minifloat> for nearest_even formats of at most 11 significant bits (float16,
// bfloat16, tfloat32 and every 8/6/4-bit format): the documented order of eigen/scalar_adapter.hpp on float
// SIMD lanes, rounding with core::round_float_value_nearest_even (equal to the kernel on all 2^32 floats).
// It is bit-identical to the scalar order: a product of two such values is exact in float, and a float sum
// rounded again to p <= 11 bits is the directly rounded sum (double rounding is innocuous when 24 >= 2p + 2).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../core/lanes.hpp"
#include "../core/round_float_value.hpp"
#include "../float/minifloat.hpp"
#include "../float/round_to.hpp"

namespace lowp::eigen_detail {

using Eigen::Index;

// Whether minifloat_gemm serves T.
template <class T>
inline constexpr bool minifloat_gemm_applies = false;
template <class F, class R, class O>
inline constexpr bool minifloat_gemm_applies<minifloat<F, R, O>> =
    LOWP_HAS_VECTOR_EXTENSIONS&& std::is_same_v<R, rounding::nearest_even>&& F::precision <= 11 &&
    F::has_zero&& core::fits_lanes_of<F, float>;

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
void minifloat_gemm(Index rows, Index cols, Index depth, LhsAt lhs, RhsAt rhs, ResAt res, T alpha) {
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

}  // namespace lowp::eigen_detail
