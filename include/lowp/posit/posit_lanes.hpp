// The posit codec and the four operations, written once over 64-bit lanes (core/lanes.hpp): L is either
// std::uint64_t, which is what the scalar posit<N, ES> operators run, or a native SIMD vector of them, which
// is what the span functions (elementwise.hpp) run. So the array paths are the scalar path, lane by lane.
//
// Nothing here branches on the data: the regime is a leading-zero count, every case (zero, NaR, a scale
// beyond maxpos or below minpos, a zero sum) is computed alongside the common one and picked with `blend`
// and every shift amount is clamped into range first so that no lane, used or not, shifts out of range.
//
// A decoded operand is (negative, scale, sig) with negative 0 or 1, the scale biased by scale_bias<ES> so
// that every scale any operation forms is a nonnegative lane (unsigned compares and min/max then order
// scales), and sig the significand with its hidden bit at bit 31: |x| = sig * 2^(scale - bias - 31).
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "../core/config.hpp"
#include "../core/lanes.hpp"
#include "posit_format.hpp"

// The kernels are inlined whatever the size of the translation unit: GCC stops inlining large functions once
// a unit has grown enough (a TU with Eigen or another big library in it), and a vector kernel called out of
// line passes its lanes through memory, which measured 1.4-2.3x slower spans.
#if defined(__GNUC__) || defined(__clang__)
#define LOWP_POSIT_KERNEL LOWP_HOST_DEVICE __attribute__((always_inline)) inline constexpr
#else
#define LOWP_POSIT_KERNEL LOWP_HOST_DEVICE inline constexpr
#endif

namespace lowp::posit_detail {

// 4096 * 2^ES: larger than any |scale| an operation forms (from_double's are within 1100, products of two
// posit32 within 2 * 480 + 2) and a multiple of 2^ES, so that the biased regime is (biased scale) >> ES.
template <int ES>
inline constexpr std::uint64_t scale_bias = std::uint64_t(4096) << ES;
inline constexpr std::uint64_t regime_bias = 4096;

template <class L>
struct unpacked {
  L negative;  // 0 or 1
  L scale;     // biased by scale_bias<ES>
  L sig;       // hidden bit at bit 31
};

// Decodes every lane. Zero and NaR lanes decode to some finite value (no shift is out of range); callers
// select their own results for those lanes.
template <int N, int ES, class L>
LOWP_POSIT_KERNEL unpacked<L> decode_lanes(L code) {
  using core::splat;
  using F = posit_format<N, ES>;
  const L sign = (code >> (N - 1)) & 1u;
  const L magnitude = ((code ^ (L{} - sign)) + sign) & std::uint64_t{F::code_mask};
  // The N-1 bits after the sign, left-aligned in 64 bits (zero and NaR both give 0 here).
  const L body = magnitude << (65 - N);
  const L top = body >> 63;
  // Run length of the regime: leading bits equal to the first. At most N - 1 <= 31 for a real posit; the
  // clamp only keeps the shift below in range for the zero/NaR lanes, whose run reads as 63.
  const L run = core::lane_min(core::countl_zero_lanes(body ^ (L{} - top)), splat<L>(62));
  // Regime r = run - 1 (ones) or -run (zeros), times 2^ES, biased; wraps as two's complement in U.
  const L regime = core::blend(top != 0, run - 1u, L{} - run);
  // Drop regime and terminator; then exponent, then fraction, zeros past the code's end (a truncated
  // exponent field reads as zeros, as the Standard specifies).
  const L rest = body << (run + 1u);
  L scale = (regime << ES) + scale_bias<ES>;
  L fraction = rest;
  if constexpr (ES > 0) {
    scale = scale + (rest >> (64 - ES));
    fraction = rest << ES;
  }
  return {sign, scale, (fraction >> 33) | (std::uint64_t(1) << 31)};
}

// Encodes ±sig * 2^(scale - bias - 63) (bit 63 of sig set) with round-to-nearest-even on the unbounded
// encoding; the bits of sig below what fits, and `sticky` (0 or 1), decide ties. Scales beyond maxpos give
// maxpos and nonzero values below minpos give minpos (the Standard: no overflow to NaR, no underflow to 0).
template <int N, int ES, class L>
LOWP_POSIT_KERNEL L encode_lanes(L negative, L scale, L sig, L sticky) {
  using core::blend;
  using core::splat;
  using F = posit_format<N, ES>;
  constexpr std::uint64_t lowest = scale_bias<ES> - F::max_scale, highest = scale_bias<ES> + F::max_scale;
  const L clamped = core::lane_min(core::lane_max(scale, splat<L>(lowest)), splat<L>(highest));
  const L regime = clamped >> ES;  // floor(scale / 2^ES) + regime_bias
  const auto non_negative = regime >= regime_bias;
  // Regime field: r >= 0 is r+1 ones then a zero, r < 0 is -r zeros then a one; 2 <= length <= N.
  const L length = blend(non_negative, regime - (regime_bias - 2), splat<L>(regime_bias + 1) - regime);
  // r >= 0: ones in the top length-1 bits (the zero after them is implicit); r < 0: a one at 64 - length.
  L body = blend(non_negative, splat<L>(~std::uint64_t(0)) << (65u - length), splat<L>(1) << (64u - length));
  if constexpr (ES > 0) body = body | ((clamped & ((1u << ES) - 1)) << (64u - ES - length));
  const L fraction = sig << 1;  // the hidden bit dropped
  const L shift = length + ES;  // 2 <= shift <= N + ES <= 36
  body = body | (fraction >> shift);
  const L lost = core::bit_of<L>((fraction << (64u - shift)) != 0) | sticky;
  // Keep the first N-1 bits; round on the next (guard) bit with the rest as sticky.
  const L kept = body >> (65 - N);
  const L below = body << (N - 1);
  const L more = core::bit_of<L>((below << 1) != 0);
  L magnitude = kept + ((below >> 63) & (lost | more | (kept & 1u)));
  // A scale clamped down to maxpos's encodes as maxpos by itself: the regime fills all N-1 bits and the
  // guard bit is its terminating zero. One clamped up to minpos's has a zero exponent field, so for ES > 0
  // the guard bit is zero too and it encodes as minpos; only ES = 0 needs the select.
  if constexpr (ES == 0) magnitude = blend(scale < lowest, splat<L>(F::minpos_code), magnitude);
  return ((magnitude ^ (L{} - negative)) + negative) & std::uint64_t{F::code_mask};
}

// ±big + ±small for (negative, scale, sig) with |big| >= |small|, bit 62 of each sig set and bit 0 clear,
// |x| = sig * 2^(scale - bias - 62). The smaller operand's bits shifted out are folded into its lowest bit
// ("jamming"): with 30+ spare bits below any N <= 32 posit's precision and no loss at all for shifts of 0
// or 1 (where cancellation can happen), the rounding sees the exact sum.
template <int N, int ES, class L>
LOWP_POSIT_KERNEL L add_ordered_lanes(L big_negative, L big_scale, L big_sig, L small_negative, L small_scale,
                                      L small_sig) {
  // Beyond 63 the small operand is all below the big one's lowest bit: sticky only, as at 63.
  const L distance = core::lane_min(big_scale - small_scale, core::splat<L>(63));
  const L aligned = (small_sig >> distance) | core::bit_of<L>(((small_sig << (63u - distance)) << 1) != 0);
  const L opposite = big_negative ^ small_negative;
  const L sum = big_sig + ((aligned ^ (L{} - opposite)) + opposite);
  const L lead = core::countl_zero_lanes(sum);  // 63 for a zero sum, whose lane is replaced below
  const L code = encode_lanes<N, ES>(big_negative, big_scale + 1u - lead, sum << lead, L{});
  return core::blend(sum == 0, L{}, code);
}

// The same for operands in either order.
template <int N, int ES, class L>
LOWP_POSIT_KERNEL L add_lanes(L a_negative, L a_scale, L a_sig, L b_negative, L b_scale, L b_sig) {
  using core::blend;
  const auto swap = (a_scale < b_scale) | ((a_scale == b_scale) & (a_sig < b_sig));
  return add_ordered_lanes<N, ES>(blend(swap, b_negative, a_negative), blend(swap, b_scale, a_scale),
                                  blend(swap, b_sig, a_sig), blend(swap, a_negative, b_negative),
                                  blend(swap, a_scale, b_scale), blend(swap, a_sig, b_sig));
}

// Lanes where the code is 0 or NaR: the codes whose low N-1 bits are all zero.
template <int N, int ES, class L>
LOWP_POSIT_KERNEL auto special_lanes(L code) {
  return (code & std::uint64_t{posit_format<N, ES>::maxpos_code}) == 0;
}

// |code| as a code: posits are ordered as their codes are, so this orders magnitudes.
template <int N, int ES, class L>
LOWP_POSIT_KERNEL L magnitude_code(L code) {
  const L sign = (code >> (N - 1)) & 1u;
  return ((code ^ (L{} - sign)) + sign) & std::uint64_t{posit_format<N, ES>::code_mask};
}

template <int N, int ES, class L>
LOWP_POSIT_KERNEL L add_codes(L a, L b) {
  using core::blend;
  constexpr std::uint64_t nar = posit_format<N, ES>::nar_code;
  // Order the operands by magnitude on their codes, before decoding: two selects instead of six after.
  const auto swap = magnitude_code<N, ES>(a) < magnitude_code<N, ES>(b);
  const auto x = decode_lanes<N, ES>(blend(swap, b, a));
  const auto y = decode_lanes<N, ES>(blend(swap, a, b));
  const L sum = add_ordered_lanes<N, ES>(x.negative, x.scale, x.sig << 31, y.negative, y.scale, y.sig << 31);
  // 0 + b = b, a + 0 = a, NaR + anything = NaR.
  const auto a_special = special_lanes<N, ES>(a), b_special = special_lanes<N, ES>(b);
  const L special = blend(a_special, b, a);
  return blend(a_special | b_special, blend((a == nar) | (b == nar), core::splat<L>(nar), special), sum);
}

template <int N, int ES, class L>
LOWP_POSIT_KERNEL L multiply_codes(L a, L b) {
  using core::blend;
  constexpr std::uint64_t nar = posit_format<N, ES>::nar_code;
  const auto x = decode_lanes<N, ES>(a);
  const auto y = decode_lanes<N, ES>(b);
  const L product = core::multiply_32x32(x.sig, y.sig);  // exact, in [2^62, 2^64)
  const L lead = ~product >> 63;                         // 1 when bit 63 is clear
  const L code = encode_lanes<N, ES>(x.negative ^ y.negative, x.scale + y.scale - scale_bias<ES> + 1u - lead,
                                     product << lead, L{});
  // 0 or NaR: NaR where either is NaR (its code is the one bit N-1), else 0.
  const auto a_special = special_lanes<N, ES>(a), b_special = special_lanes<N, ES>(b);
  return blend(a_special | b_special, core::bit_of<L>((a == nar) | (b == nar)) << (N - 1), code);
}

template <int N, int ES, class L>
LOWP_POSIT_KERNEL L divide_codes(L a, L b) {
  using core::blend;
  using core::splat;
  constexpr std::uint64_t nar = posit_format<N, ES>::nar_code;
  const auto x = decode_lanes<N, ES>(a);
  const auto y = decode_lanes<N, ES>(b);
  // floor((x.sig * 2^32) / y.sig) lies in (2^31, 2^33): 32+ quotient bits, more than any N <= 32 posit keeps
  // plus its guard bit; a nonzero remainder is the sticky bit. Both significands are exact in double and
  // the double quotient is within 2^-20 of the real one, so its nearest integer is the floor or one above;
  // the remainder, exact modulo 2^64 and below y.sig in magnitude, says which.
  const L dividend = x.sig << 32;
  L quotient =
      core::nearest_integer_of<L>(core::exact_double_of(x.sig) * 0x1p32 / core::exact_double_of(y.sig));
  L remainder = dividend - quotient * y.sig;
  const L over = remainder >> 63;  // 1 where the remainder is negative: one too many
  quotient = quotient - over;
  remainder = remainder + (y.sig & (L{} - over));
  const L lead = core::countl_zero_lanes(quotient);  // 31 or 32
  const L code = encode_lanes<N, ES>(x.negative ^ y.negative, x.scale - y.scale + scale_bias<ES> + 31u - lead,
                                     quotient << lead, core::bit_of<L>(remainder != 0));
  // x/0 and NaR operands give NaR; 0/y gives 0.
  return blend((b == 0) | (a == nar) | (b == nar), splat<L>(nar), blend(a == 0, L{}, code));
}

// a * b + c with one rounding.
template <int N, int ES, class L>
LOWP_POSIT_KERNEL L fma_codes(L a, L b, L c) {
  using core::blend;
  constexpr std::uint64_t nar = posit_format<N, ES>::nar_code;
  const auto x = decode_lanes<N, ES>(a);
  const auto y = decode_lanes<N, ES>(b);
  const auto z = decode_lanes<N, ES>(c);
  const L product = core::multiply_32x32(x.sig, y.sig);  // in [2^62, 2^64), low 4+ bits zero
  const L lead = ~product >> 63;
  const L product_sig = product >> (1u - lead);  // bit 62 set, exact
  const L product_scale = x.scale + y.scale - scale_bias<ES> + 1u - lead;
  const L product_negative = x.negative ^ y.negative;
  const L sum =
      add_lanes<N, ES>(product_negative, product_scale, product_sig, z.negative, z.scale, z.sig << 31);
  const L product_only = encode_lanes<N, ES>(product_negative, product_scale, product_sig << 1, L{});
  // NaR anywhere gives NaR; a zero factor gives c; c = 0 gives the rounded product.
  L result = blend(c == 0, product_only, sum);
  result = blend((a == 0) | (b == 0), c, result);
  return blend((a == nar) | (b == nar) | (c == nar), core::splat<L>(nar), result);
}

// --- the scalar forms that posit<N, ES>, the quire and the conversions call -----------------------------

// Decodes a code that is neither 0 nor NaR. The significand has its hidden bit at bit 31 (fractions of
// N <= 32 posits have at most 29 bits, so the low bits are zero); |x| = sig * 2^(scale - 31).
template <int N, int ES>
LOWP_HOST_DEVICE constexpr decoded decode(std::uint32_t code) noexcept {
  const auto d = decode_lanes<N, ES>(std::uint64_t{code});
  return {d.negative != 0, static_cast<int>(static_cast<std::int64_t>(d.scale - scale_bias<ES>)),
          static_cast<std::uint32_t>(d.sig)};
}

// Encodes ±sig * 2^(scale - 63) (bit 63 of sig set); see encode_lanes.
template <int N, int ES>
LOWP_HOST_DEVICE constexpr std::uint32_t encode(bool negative, int scale, std::uint64_t sig,
                                                bool sticky = false) noexcept {
  return static_cast<std::uint32_t>(encode_lanes<N, ES>(std::uint64_t{negative},
                                                        static_cast<std::uint64_t>(scale) + scale_bias<ES>,
                                                        sig, std::uint64_t{sticky}));
}

}  // namespace lowp::posit_detail
