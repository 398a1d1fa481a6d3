// Scale rules: how a block's shared scale follows from its largest magnitude amax. Policies as tag types.
//
// The four power-of-two rules produce an E8M0 exponent s, clamped to E8M0's range [-127, 127]; the block is
// then stored as elements V / 2^s. With emax_elem the exponent of the element's largest binade and
// max_elem its largest value:
//   floor   s = floor(log2 amax) - emax_elem                      OCP MX v1.0, section 6.3 (the default)
//   ceil    s = ceil(log2(amax / max_elem)), computed exactly      never saturates (TransformerEngine MXFP4)
//   rceil   s = ceil(log2(fl32(amax * fl32(1 / max_elem))))       the float32 steps of cuBLAS/TE's cast
//   kernel
//           (cvt.rp.satfinite.ue8m0 of amax times the rounded reciprocal), so it may differ from ceil by one
//   even    s = floor(log2 amax') - emax_elem, where amax' is amax with its significand rounded half-up to
//           the element's mantissa bits (torchao's EVEN; Modular's "even" MXFP4 scale): the exponent goes up
//           exactly when amax itself would round into the next binade of the element format.
// All exponents come from the bits of amax (never from a floating-point log2). An all-zero block gets
// s = -127 (scale code 0) and zero elements.
// The other rules are not powers of two:
//   amax_over_max     scale = amax / max_elem rounded once (to nearest even) into the Scale type (INT groups)
//   nvfp4_two_level   NVIDIA's NVFP4 recipe: an e4m3 block scale under an fp32 tensor scale (quantize.hpp
//                     spells out its float32 steps)
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

namespace lowp {

namespace scale_rule {
struct floor {};
struct ceil {};
struct rceil {};
struct even {};
struct amax_over_max {};
struct nvfp4_two_level {};

template <class R>
inline constexpr bool is_power_of_two_v = std::is_same_v<R, floor> || std::is_same_v<R, ceil> ||
                                          std::is_same_v<R, rceil> || std::is_same_v<R, even>;
template <class R>
inline constexpr bool is_rule_v =
    is_power_of_two_v<R> || std::is_same_v<R, amax_over_max> || std::is_same_v<R, nvfp4_two_level>;
}  // namespace scale_rule

namespace detail {

// A positive finite float as significand * 2^(exponent - 23), significand in [2^23, 2^24) (subnormals
// normalised).
struct float_parts {
  int exponent;
  std::uint32_t significand;
};
constexpr float_parts decompose_positive(std::uint32_t bits) noexcept {
  const std::uint32_t field = bits >> 23, fraction = bits & 0x7fffffu;
  if (field != 0) return {int(field) - 127, fraction | (1u << 23)};
  const int shift = std::countl_zero(fraction) - 8;
  return {-126 - shift, fraction << shift};
}

inline constexpr int e8m0_min_exponent = -127;  // code 0
inline constexpr int e8m0_max_exponent = 127;   // code 254 (255 is NaN)

// The shared exponent s of a block whose amax has the float bit pattern `amax_bits` (finite, sign cleared),
// for an element with largest binade emax, `mantissa_bits` fraction bits there, and largest value
// max_elem = max_significand * 2^(emax - 23) (max_significand a 24-bit integer).
template <class Rule>
constexpr int shared_exponent(std::uint32_t amax_bits, int emax, int mantissa_bits,
                              std::uint32_t max_significand, float max_elem) noexcept {
  static_assert(scale_rule::is_power_of_two_v<Rule>, "shared_exponent: a power-of-two scale rule is needed");
  if (amax_bits == 0) return e8m0_min_exponent;
  const float_parts a = decompose_positive(amax_bits);
  int s = 0;
  if constexpr (std::is_same_v<Rule, scale_rule::floor>) {
    s = a.exponent - emax;
  } else if constexpr (std::is_same_v<Rule, scale_rule::ceil>) {
    // amax <= max_elem * 2^s holds for s = e - emax exactly when amax's significand is at most max's.
    s = a.exponent - emax + (a.significand > max_significand ? 1 : 0);
  } else if constexpr (std::is_same_v<Rule, scale_rule::rceil>) {
    const float q = std::bit_cast<float>(amax_bits) * (1.0f / max_elem);
    if (q == 0.0f) return e8m0_min_exponent;
    const float_parts p = decompose_positive(std::bit_cast<std::uint32_t>(q));
    s = p.exponent + (p.significand != (1u << 23) ? 1 : 0);
  } else {
    const std::uint32_t rounded = a.significand + (std::uint32_t(1) << (23 - mantissa_bits - 1));
    s = a.exponent + (rounded >= (1u << 24) ? 1 : 0) - emax;
  }
  return s < e8m0_min_exponent ? e8m0_min_exponent : s > e8m0_max_exponent ? e8m0_max_exponent : s;
}

}  // namespace detail
}  // namespace lowp
