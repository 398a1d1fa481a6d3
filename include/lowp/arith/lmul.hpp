// L-Mul: approximate multiplication by one integer addition (Luo and Sun, "Addition is All You Need for
// Energy-efficient Language Models", arXiv:2410.00907, 2024). With operand mantissas truncated to M bits,
//   L-Mul(x, y) = (1 + x_m + y_m + 2^-l(M)) * 2^(x_e + y_e),  sign x_s XOR y_s,
//   l(M) = M for M <= 3, 3 for M = 4, 4 for M > 4,
// computed as the paper's implementation does: the two encodings are added as integers and the constant
// bias - 2^-l(M) (in encoding units) is subtracted, so a mantissa sum >= 1 carries into the exponent
// (the result is then 2^(x_e + y_e + 1) * (x_m + y_m + 2^-l(M)), Mitchell's logarithmic approximation).
//
// Operands are truncated (toward zero), not rounded, to M mantissa bits: the paper's operands are already
// M-bit values, and truncation is what its bit-level simulation does when it masks the low bits.
// Specials, in this order:
//   NaN operand -> NaN (the default quiet NaN, sign clear);
//   Inf x 0 -> NaN;  Inf x nonzero (subnormals included) -> Inf with the XOR sign;
//   zero or subnormal operand (with a finite other operand) -> zero with the XOR sign;
//   a result encoding at or above Inf's -> Inf; below the smallest normal's -> zero (both with the XOR sign).
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "../core/ieee_binary.hpp"
#include "../core/lanes.hpp"

namespace lowp {

namespace detail {

// The paper's offset exponent l(M), section 3.1.
constexpr int lmul_offset_exponent(int mantissa_bits) {
  return mantissa_bits <= 3 ? mantissa_bits : (mantissa_bits == 4 ? 3 : 4);
}

template <int M, class Float>
struct lmul_constants {
  using binary = core::ieee_binary<Float>;
  using bits_type = typename binary::bits_type;
  static constexpr int W = sizeof(bits_type) * 8;
  static constexpr int SM = binary::mantissa_bits;
  static_assert(std::is_same_v<Float, float> || std::is_same_v<Float, double>,
                "L-Mul is defined on float or double");
  static_assert(
      M >= 1 && M <= SM,
      "lmul<M>: the mantissa width M must be between 1 and the float type's mantissa width (23 or 52)");

  static constexpr bits_type sign = bits_type(1) << (W - 1);
  static constexpr bits_type magnitude = sign - 1;
  static constexpr bits_type infinity = bits_type(binary::exponent_all_ones) << SM;
  static constexpr bits_type quiet_nan = infinity | (bits_type(1) << (SM - 1));
  static constexpr bits_type min_normal = bits_type(1) << SM;
  // Keeps the sign, the exponent and the top M mantissa bits.
  static constexpr bits_type truncation_mask = ~((bits_type(1) << (SM - M)) - 1);
  // bias in the exponent field, less 2^-l(M) in mantissa units: encoding(x) + encoding(y) - offset is
  // the encoding of (1 + x_m + y_m + 2^-l) * 2^(x_e + y_e) when no carry and no range edge intervene.
  static constexpr bits_type offset =
      (bits_type(binary::bias) << SM) - (bits_type(1) << (SM - lmul_offset_exponent(M)));
  // Limits on the magnitude sum |x|_t + |y|_t (a non-wrapping unsigned add: both are below 2^(W-1)).
  static constexpr bits_type sum_underflows_below = offset + min_normal;
  static constexpr bits_type sum_overflows_from = offset + infinity;
};

// L-Mul on lanes of bit patterns (one unsigned integer, or a vector of them: see core/lanes.hpp).
template <int M, class Float, class L>
constexpr L lmul_bits(L a, L b) {
  using C = lmul_constants<M, Float>;
  using core::select;
  using core::splat;
  const L zero = splat<L>(0);
  const L sign = (a ^ b) & C::sign;
  const L a_magnitude = a & C::magnitude, b_magnitude = b & C::magnitude;
  const L sum = (a_magnitude & C::truncation_mask) + (b_magnitude & C::truncation_mask);
  L result = sum - C::offset;
  result = select(sum >= C::sum_overflows_from, splat<L>(C::infinity), result);
  result = select(sum < C::sum_underflows_below, zero, result);
  // Specials of the operands, in reverse order of precedence.
  const auto a_tiny = a_magnitude < C::min_normal, b_tiny = b_magnitude < C::min_normal;
  result = select(a_tiny | b_tiny, zero, result);
  const auto a_inf = a_magnitude == C::infinity, b_inf = b_magnitude == C::infinity;
  result = select(a_inf | b_inf, splat<L>(C::infinity), result);
  result = result | sign;
  const auto invalid = (a_magnitude > C::infinity) | (b_magnitude > C::infinity) |
                       (a_inf & (b_magnitude == 0)) | (b_inf & (a_magnitude == 0));
  return select(invalid, splat<L>(C::quiet_nan), result);
}

}  // namespace detail

// L-Mul of a and b with M mantissa bits (see the top of this header).
template <int M>
constexpr float lmul(float a, float b) noexcept {
  return std::bit_cast<float>(
      detail::lmul_bits<M, float>(std::bit_cast<std::uint32_t>(a), std::bit_cast<std::uint32_t>(b)));
}

template <int M>
constexpr double lmul(double a, double b) noexcept {
  return std::bit_cast<double>(
      detail::lmul_bits<M, double>(std::bit_cast<std::uint64_t>(a), std::bit_cast<std::uint64_t>(b)));
}

}  // namespace lowp
