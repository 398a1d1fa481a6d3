// lmul_gemm<M>(A, B): C = A * B where every product is lowp::lmul<M> and the sums are fp32, each C(i, j) a
// chain over k = 0 .. K-1 from +0 (`s = s + lmul<M>(A(i,k), B(k,j))`, one fp32 rounding per addition), so the
// result is bit-identical to that triple loop.
//
// How it is fast: operands are truncated once while they are packed, and B's patterns carry L-Mul's offset,
// so one product is one integer addition of whole bit patterns: a + (b - offset). The sign bits then add as
// XOR (the carry out of bit 31 is dropped), and while |a| + |b| - offset stays inside the normal range the
// sum is exactly the L-Mul encoding. The driver records the range of magnitudes of every packed panel; a pair
// of panels whose nonzero extremes keep every product inside the normal range (no subnormals, Inf, NaN, and
// no overflow or underflow) runs that one-add path, with products of zero elements masked out where a panel
// has zeros (a masked add: a product with a zero is +-0, which changes no chain from +0); any other pair runs
// the full lmul_bits kernel with its compares and selects (about 20x slower, and exact in every case).
// lmul_gemm<M>(A, B, lowp::threads{n}) splits C's columns over n threads: which columns share a panel changes
// only which (exact) tile mode runs, so the result is bit-identical for every n.
#pragma once

#include <bit>
#include <cstdint>

#include <Eigen/Core>

#include "blocked_gemm.hpp"
#include "gemm.hpp"
#include "lmul.hpp"

namespace lowp {

namespace detail {

template <int M>
struct lmul_gemm_kernel {
  using C = lmul_constants<M, float>;
  static constexpr int tile_columns = gemm_vector_lanes >= 16 ? 12 : 6;

  // Truncation must not change which special an operand is (lmul_bits tests the untruncated operand):
  // a NaN becomes the default quiet NaN (a signalling NaN's payload could truncate to Inf), and a subnormal
  // the subnormal with only the top mantissa bit (its low bits could truncate to zero, and Inf * 0 is NaN
  // while Inf * subnormal is Inf).
  static std::uint32_t truncated(float x) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(x), magnitude = bits & C::magnitude;
    const std::uint32_t subnormal = (bits & C::sign) | (C::min_normal >> 1);
    const std::uint32_t normal = bits & C::truncation_mask;
    return magnitude > C::infinity ? C::quiet_nan
                                   : (magnitude != 0 && magnitude < C::min_normal ? subnormal : normal);
  }
  static std::uint32_t pack_a(float x) { return truncated(x); }
  static std::uint32_t pack_b(float x) { return truncated(x) - C::offset; }
  static std::uint32_t magnitude(float x) { return truncated(x) & C::magnitude; }
  static constexpr std::uint32_t padding_a = 0x3f800000u;  // 1.0: results of padding are discarded
  static constexpr std::uint32_t padding_b = 0x3f800000u - C::offset;

  // The one-add form is exact where every pair of nonzero magnitudes is normal and finite and so is their
  // truncated sum less the offset; zeros are then masked out (zeros_in_a / zeros_in_a_and_b). Any other
  // special value, or a product that may leave the normal range, takes the checked path.
  static constexpr bool has_zero_modes = true;
  static tile_mode choose_mode(panel_range a, panel_range b) {
    const auto normal_finite = [](panel_range r) {
      return r.smallest() >= C::min_normal && r.largest < C::infinity;
    };
    const bool one_add_is_exact = normal_finite(a) && normal_finite(b) &&
                                  std::uint64_t(a.smallest()) + b.smallest() >= C::sum_underflows_below &&
                                  std::uint64_t(a.largest) + b.largest < C::sum_overflows_from;
    if (!one_add_is_exact) return tile_mode::checked;
    if (b.has_zero()) return tile_mode::zeros_in_a_and_b;
    return a.has_zero() ? tile_mode::zeros_in_a : tile_mode::unchecked;
  }
  // All ones in the lanes of nonzero (packed) elements.
  static core::u32_lanes nonzero_lanes(core::u32_lanes a) {
    return core::select((a & C::magnitude) != 0u, core::splat<core::u32_lanes>(~0u),
                        core::splat<core::u32_lanes>(0u));
  }

  template <bool Unchecked>
  static core::f32_lanes step(core::f32_lanes sum, core::u32_lanes a, std::uint32_t b_less_offset) {
    if constexpr (Unchecked) {
      return sum + core::float_of<core::f32_lanes>(a + b_less_offset);
    } else {
      const core::u32_lanes b = core::splat<core::u32_lanes>(b_less_offset + C::offset);
      return sum + core::float_of<core::f32_lanes>(lmul_bits<M, float>(a, b));
    }
  }
};

}  // namespace detail

// C = A * B with L-Mul products (M mantissa bits) and fp32 sums in k order; A, B dense float expressions.
template <int M, class DA, class DB>
Eigen::MatrixXf lmul_gemm(const Eigen::MatrixBase<DA>& a, const Eigen::MatrixBase<DB>& b,
                          threads workers = {}) {
  static_assert(M >= 1 && M <= 23, "lmul_gemm<M>: the mantissa width M must be between 1 and 23");
  static_assert(detail::is_float_expression<DA> && detail::is_float_expression<DB>,
                "lmul_gemm: A and B must be float Eigen expressions (use .cast<float>() for others)");
  detail::check_product_shapes("lmul_gemm", a.rows(), a.cols(), b.rows(), b.cols());
  detail::check_thread_count(workers, "lmul_gemm");
  return detail::blocked_gemm<detail::lmul_gemm_kernel<M>>(a.derived(), b.derived(), workers);
}

}  // namespace lowp
