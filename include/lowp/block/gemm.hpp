// lowp::gemm on block-quantized operands: C = A * B with A blocked along its rows and B along its columns
// (both along K), as block-scaled tensor cores take them.
//
// accumulate<float> (the default) runs one of two fast paths, each with its own documented order:
// - MX operands with integer elements (MXFP4, MXFP6 e2m3, MXINT8, any mix of them, any E8M0 scale rule):
//   the OCP MX Dot of integer_gemm.hpp: every block's dot product exact in int32, scaled once (one fp32
//   rounding), the blocks summed in fp32 in order of K from +0.
// - every other format: both operands are decoded to fp32 and Eigen's own float GEMM kernel multiplies them.
//   Decoded MX values are exact in fp32 and so is the product of two of them (at most 8 + 8 significant bits)
//   unless it leaves fp32's range, so every product enters the sum exactly, as in MX hardware; only the order
//   of the fp32 additions differs from a given device. The order: C is computed in slices of 256 columns
//   (whatever the thread count); within a slice K is cut into panels of 512; each panel is decoded and
//   multiplied by Eigen's kernel, which sums every C(i, j) as a sequential chain of fused multiply-adds along
//   k from zero (Eigen may split a panel further at its own depth blocking kc, a few hundred, chosen from the
//   cache sizes and the slice's shape), and the panel results are added into C(i, j) in fp32, in order of K.
// Any other accumulation policy dequantizes both operands and runs the float-input lowp::gemm of
// <lowp/arith/gemm.hpp> (products exact, sequential along K, one rounding per step).
// lowp::threads{n} splits C's columns over n threads (and, on the decoded-panel path, the decoding of each
// panel of A by its columns); every C(i, j) is computed by the same operations whatever n is, so the result
// is bit-identical for every n.
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>

#include <Eigen/Core>

#include "../arith/accumulate.hpp"
#include "../arith/gemm.hpp"
#include "../arith/parallel_ranges.hpp"
#include "integer_gemm.hpp"
#include "quantized_matrix.hpp"

namespace lowp {

namespace detail {

template <class FA, class FB>
void check_quantized_product(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b) {
  const std::string shapes = "A is " + detail::shape_of(a.rows(), a.cols()) + " (blocked along " +
                             name_of(a.axis()) + "s) but B is " + detail::shape_of(b.rows(), b.cols()) +
                             " (blocked along " + name_of(b.axis()) + "s)";
  if (a.cols() != b.rows()) {
    throw std::invalid_argument("lowp::gemm: " + shapes + "; A's column count must equal B's row count");
  }
  // Square tiles serve either side; 1-D blocks must run along K.
  if ((FA::tile_rows == 1 && a.axis() != block_axis::row) ||
      (FB::tile_rows == 1 && b.axis() != block_axis::column)) {
    throw std::invalid_argument("lowp::gemm: " + shapes +
                                "; A must be blocked along rows and B along columns (both along K)");
  }
}

// The decoded-panel path: slices of 256 columns of C, panels of 512 of K, Eigen's float kernel on each. With
// threads, each panel of A is decoded once (its columns split over the threads), then every thread multiplies
// it into its own slices of C.
template <class FA, class FB>
Eigen::MatrixXf decoded_panel_gemm(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b,
                                   threads workers) {
  const Eigen::Index m = a.rows(), k = a.cols(), n = b.cols();
  constexpr Eigen::Index panel = 512;  // a multiple of 4 (dequantize_block); C is revisited K / 512 times
  constexpr Eigen::Index slice = 256;  // C's columns per slice: fixed, so that Eigen's blocking is too
  Eigen::MatrixXf c(m, n);
  if (k == 0) {
    c.setZero();
    return c;
  }
  // Panels of K decoded into reused buffers (whole decoded operands would cost page faults).
  Eigen::MatrixXf a_panel(m, std::min(panel, k));
  for (Eigen::Index k0 = 0; k0 < k; k0 += panel) {
    const Eigen::Index depth = std::min(panel, k - k0);
    parallel_ranges(depth, workers, 32, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
      a.dequantize_block(0, k0 + first, m, last - first, a_panel.data() + first * m, m);
    });
    parallel_ranges(n, workers, slice, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
      Eigen::MatrixXf b_panel(depth, std::min<Eigen::Index>(slice, last - first));
      if (k0 == 0) c.middleCols(first, last - first).setZero();
      for (Eigen::Index j0 = first; j0 < last; j0 += slice) {
        const Eigen::Index width = std::min<Eigen::Index>(slice, last - j0);
        b.dequantize_block(k0, j0, depth, width, b_panel.data(), depth);
        c.middleCols(j0, width).noalias() += a_panel.leftCols(depth) * b_panel.leftCols(width);
      }
    });
  }
  return c;
}

}  // namespace detail

template <class FA, class FB, class Policy = accumulate<float>>
Eigen::MatrixXf gemm(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b, Policy policy,
                     threads workers) {
  static_assert(is_accumulation_policy_v<Policy>,
                "lowp::gemm: the policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact");
  detail::check_quantized_product(a, b);
  detail::check_thread_count(workers, "gemm");
  if constexpr (std::is_same_v<Policy, accumulate<float>> && detail::mx_integer_gemm_applies<FA, FB>) {
    return detail::mx_integer_gemm(a, b, workers);
  } else if constexpr (std::is_same_v<Policy, accumulate<float>>) {
    return detail::decoded_panel_gemm(a, b, workers);
  } else {
    return gemm(a.dequantize(), b.dequantize(), policy, workers);
  }
}

template <class FA, class FB, class Policy = accumulate<float>>
Eigen::MatrixXf gemm(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b, Policy policy = {}) {
  static_assert(is_accumulation_policy_v<Policy>,
                "lowp::gemm: the policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact");
  return gemm(a, b, policy, threads{1});
}

template <class FA, class FB>
Eigen::MatrixXf gemm(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b, threads workers) {
  return gemm(a, b, accumulate<float>{}, workers);
}

}  // namespace lowp
