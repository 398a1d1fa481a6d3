// lowp::gemm on block-quantized operands: C = A * B with A blocked along its rows and B along its columns
// (both along K), as block-scaled tensor cores take them.
//
// accumulate<float> (the default) is the fast path: both operands are decoded to fp32 and Eigen's own float
// GEMM kernel multiplies them. Decoded MX values are exact in fp32 and so is the product of two of them (at
// most 8 + 8 significant bits) unless it leaves fp32's range, so every product enters the sum exactly, as in
// MX hardware; only the order of the fp32 additions differs from a given device. The order: K is cut into
// panels of 512; each panel is decoded and multiplied by Eigen's kernel, which sums every C(i, j) as a
// sequential chain of fused multiply-adds along k from zero (Eigen may split a panel further at its own depth
// blocking kc, a few hundred, chosen from the cache sizes), and the panel results are added into C(i, j) in
// fp32, in order of K. Any other accumulation policy dequantizes both operands and runs the float-input
// lowp::gemm of <lowp/arith/gemm.hpp> (products exact, sequential along K, one rounding per step).
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>

#include <Eigen/Core>

#include "../arith/accumulate.hpp"
#include "../arith/gemm.hpp"
#include "quantized_matrix.hpp"

namespace lowp {

template <class FA, class FB, class Policy = accumulate<float>>
Eigen::MatrixXf gemm(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b, Policy policy = {}) {
  static_assert(is_accumulation_policy_v<Policy>,
                "lowp::gemm: the policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact");
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
  if constexpr (std::is_same_v<Policy, accumulate<float>>) {
    // Panels of K: decoded into two reused buffers (whole decoded operands would cost page faults), each
    // panel's product added into C by Eigen's kernel.
    const Eigen::Index m = a.rows(), k = a.cols(), n = b.cols();
    constexpr Eigen::Index panel = 512;  // a multiple of 4 (dequantize_block); C is revisited K / 512 times
    Eigen::MatrixXf c = Eigen::MatrixXf::Zero(m, n);
    Eigen::MatrixXf a_panel(m, std::min(panel, k)), b_panel(std::min(panel, k), n);
    for (Eigen::Index k0 = 0; k0 < k; k0 += panel) {
      const Eigen::Index depth = std::min(panel, k - k0);
      a.dequantize_block(0, k0, m, depth, a_panel.data(), m);
      b.dequantize_block(k0, 0, depth, n, b_panel.data(), b_panel.rows());
      c.noalias() += a_panel.leftCols(depth) * b_panel.topRows(depth);
    }
    return c;
  } else {
    return gemm(a.dequantize(), b.dequantize(), policy);
  }
}

}  // namespace lowp
