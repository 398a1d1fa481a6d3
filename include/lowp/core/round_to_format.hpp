// The rounding kernel: one function rounds a float or double (already the exact value, or a binary64
// result computed with round-to-odd) into any small binary format under any rounding and overflow policy.
//
// A format is described by a type with these static members (float_format provides them):
//   mantissa_bits M        stored fraction bits; the precision is M + 1
//   emin, emax             unbiased exponents of the smallest normal and of the largest binade
//   bits, is_signed        code width; whether the top bit is a sign bit
//   has_subnormals         false: no subnormals and no zero; values below 2^emin clamp to the smallest
//   has_negative_zero      false (fnuz): a result that rounds to zero is +0
//   max_code               magnitude code of the largest finite value
//   overflow_code          magnitude code an overflow away from zero gives (Inf, else NaN, else max)
//   nan_code, has_nan      magnitude code of the canonical quiet NaN (the sign bit is or-ed in)
//   nan_flips_sign         formats without NaN: a NaN input gives a zero of the opposite sign (ml_dtypes)
//
// The code is written over lanes (see lanes.hpp) so the same body is the scalar and the SIMD path.
#pragma once

#include <cstdint>
#include <type_traits>

#include "bit.hpp"
#include "config.hpp"
#include "ieee_binary.hpp"
#include "lanes.hpp"
#include "rounding.hpp"

namespace lowp::core {

// The lane kernels assume the format's smallest normal binade is a normal binade of the source/target
// type. Only e8m0 (2^-127) misses that for float; its float paths go through double.
template <class Format, class Float>
inline constexpr bool fits_lanes_of = Format::emin + ieee_binary<Float>::bias >= 1;

// Returns the format's code for each lane of `source_bits` (bit patterns of Source = float or double).
// `random` supplies the random word of each lane for stochastic policies (ignored otherwise): the top bits
// are used first, so a B-bit draw is random >> (W - B).
template <class Format, class Rounding, class Overflow, class Source, class L>
LOWP_HOST_DEVICE constexpr L round_to_format(L source_bits, [[maybe_unused]] L random) {
  using binary = ieee_binary<Source>;
  using U = lane_element_t<L>;
  static_assert(std::is_same_v<U, typename binary::bits_type>, "lanes must be as wide as the source type");
  static_assert(rounding::is_policy_v<Rounding>, "Rounding must be one of the lowp::rounding policies");
  static_assert(overflow::is_policy_v<Overflow>, "Overflow must be lowp::overflow::ieee or saturate");
  constexpr int W = sizeof(U) * 8;
  constexpr int SM = binary::mantissa_bits;
  constexpr int M = Format::mantissa_bits;
  static_assert(M <= SM, "the format must not be wider than the source type");
  constexpr U hidden = U(1) << SM;
  constexpr U emin_b = U(Format::emin + binary::bias);  // exponents biased as in the source type
  constexpr U emax_b = U(Format::emax + binary::bias);
  static_assert(fits_lanes_of<Format, Source>, "the format reaches below the source's normal range");

  const L one = splat<L>(1), zero = splat<L>(0);
  const L negative = source_bits >> (W - 1);
  const L absolute = source_bits & (~U(0) >> 1);  // |x|: Inf and NaN are the patterns from `infinity` up
  constexpr U infinity = U(binary::exponent_all_ones) << SM;
  const L biased = absolute >> SM;
  const L mantissa = source_bits & (hidden - 1);
  // Source subnormals have exponent 1 and no hidden bit.
  const L exponent = lane_max(biased, one);
  const L significand = select(biased == 0, mantissa, mantissa | hidden);

  // The quantum of the result: the binade of x, but never below the format's smallest normal binade.
  const L binade = lane_max(exponent, splat<L>(emin_b));
  const L shift = binade - exponent + U(SM - M);  // source ulps per result ulp, as a power of two
  // Beyond SM + 2 every bit of the significand is below half a result ulp: same decision, no UB shift.
  const L short_shift = lane_min(shift, splat<L>(SM + 2));
  L kept = significand >> short_shift;
  const L remainder = significand & ((one << short_shift) - one);
  const L half = (one << short_shift) >> 1;
  const auto inexact = remainder != 0;

  // An exact result has remainder 0 < half, so the nearest modes need no `inexact` unless the shift can
  // be 0 (a format as precise as the source), where half is 0 too.
  L up = zero;
  if constexpr (std::is_same_v<Rounding, rounding::nearest_even>) {
    if constexpr (M < SM) {
      // The dropped bits moved to the top (short_shift >= 1 here): above half, or at half with kept odd,
      // is one unsigned compare with the last kept bit or-ed in below them.
      const L dropped = significand << (U(W) - short_shift);
      up = select((dropped | (kept & one)) > (U(1) << (W - 1)), one, zero);
    } else {
      up = select(inexact & (remainder + (kept & one) > half), one, zero);
    }
  } else if constexpr (std::is_same_v<Rounding, rounding::nearest_away>) {
    if constexpr (M < SM) {
      up = select(remainder >= half, one, zero);
    } else {
      up = select(inexact & (remainder >= half), one, zero);
    }
  } else if constexpr (std::is_same_v<Rounding, rounding::upward>) {
    up = select(inexact & (negative == 0), one, zero);
  } else if constexpr (std::is_same_v<Rounding, rounding::downward>) {
    up = select(inexact & (negative == 1), one, zero);
  } else if constexpr (std::is_same_v<Rounding, rounding::to_odd>) {
    kept = kept | select(inexact, one, zero);
  } else if constexpr (std::is_same_v<Rounding, rounding::stochastic_equal>) {
    up = select(inexact, random >> (W - 1), zero);
  } else if constexpr (rounding::is_stochastic_v<Rounding> && rounding::random_bits_v<Rounding> == 0) {
    // Up with probability remainder / 2^shift: compare a W-bit draw with the remainder scaled to W bits.
    const L threshold = select(shift <= U(W), remainder << lane_min(U(W) - shift, splat<L>(W - 1)),
                               remainder >> lane_min(shift - U(W), splat<L>(W - 1)));
    up = select(random < threshold, one, zero);
  } else if constexpr (rounding::is_stochastic_v<Rounding>) {
    // The hardware scheme: add B random bits just below the kept precision, carry, truncate.
    constexpr int B = rounding::random_bits_v<Rounding>;
    static_assert(B < W, "stochastic<B> needs B below the source width");
    const L top_bits = select(shift >= U(B), remainder >> lane_min(shift - U(B), splat<L>(W - 1)),
                              remainder << (U(B) - lane_min(shift, splat<L>(B))));
    up = ((top_bits + (random >> (W - B))) >> B) & one;
  }
  kept = kept + up;

  // Codes are monotone in magnitude, so the code is the binade offset plus the significand; a carry out
  // of the significand moves into the exponent field by itself.
  L magnitude;
  if constexpr (Format::has_subnormals) {
    magnitude = ((binade - emin_b) << M) + kept;
  } else {
    // No subnormals and no zero: field 0 is the smallest normal binade; anything below clamps to it.
    magnitude = select(exponent < emin_b, zero, ((binade - emin_b) << M) + kept - (one << M));
  }

  // Overflow: rounded past max. A value beyond the largest binade has at least the magnitude of the binade
  // after it, which is past max in every format (checked here), so one compare covers both.
  constexpr bool beyond_binade_is_past_max =
      Format::has_subnormals ? (std::uint64_t(Format::emax - Format::emin + 2) << M) > Format::max_code
                             : (std::uint64_t(Format::emax - Format::emin + 1) << M) > Format::max_code;
  L overflow_magnitude = magnitude;
  if constexpr (!beyond_binade_is_past_max) {
    overflow_magnitude = select(exponent > emax_b, splat<L>(U(Format::max_code) + 1), magnitude);
  }
  const auto overflows = overflow_magnitude > U(Format::max_code);
  constexpr bool saturating = std::is_same_v<Overflow, overflow::saturate>;
  L away;  // 1 where rounding points away from zero, so IEEE overflow goes to Inf rather than max
  if constexpr (std::is_same_v<Rounding, rounding::toward_zero> ||
                std::is_same_v<Rounding, rounding::to_odd>) {
    away = zero;
  } else if constexpr (std::is_same_v<Rounding, rounding::upward>) {
    away = one - negative;
  } else if constexpr (std::is_same_v<Rounding, rounding::downward>) {
    away = negative;
  } else {
    away = one;
  }
  const L max_code = splat<L>(U(Format::max_code));
  if constexpr (saturating) {
    magnitude = select(overflows, max_code, magnitude);
  } else {
    magnitude =
        select(overflows, select(away == one, splat<L>(U(Format::overflow_code)), max_code), magnitude);
  }

  // Specials of the source.
  const auto is_nan = absolute > infinity;
  const auto is_inf = absolute == infinity;
  magnitude = select(is_inf, saturating ? max_code : splat<L>(U(Format::overflow_code)), magnitude);
  magnitude = select(is_nan, splat<L>(U(Format::nan_code)), magnitude);

  if constexpr (Format::is_signed && Format::has_negative_zero && !Format::nan_flips_sign) {
    // The sign bit moved straight into place (a shift and one and-or).
    return magnitude | ((source_bits >> (W - Format::bits)) & (U(1) << (Format::bits - 1)));
  } else if constexpr (Format::is_signed) {
    L sign = negative;
    if constexpr (Format::nan_flips_sign) sign = select(is_nan, one - negative, sign);
    if constexpr (!Format::has_negative_zero) sign = select(magnitude == 0, zero, sign);
    return magnitude | (sign << (Format::bits - 1));
  } else {
    // No sign: negative inputs and zero (which the format lacks) are invalid: NaN, or the smallest value
    // when saturating (ml_dtypes' behaviour for e8m0).
    constexpr U invalid = saturating || !Format::has_nan ? 0 : U(Format::nan_code);
    const auto invalid_input = ((negative == 1) | (significand == 0)) & (is_nan == 0);
    return select(invalid_input, splat<L>(invalid), magnitude);
  }
}

// The value of each code, as bit patterns of Target (float or double). Exact: every value of a format
// whose range lies inside Target's is representable in Target. NaN codes decode to the canonical quiet
// NaN with the code's sign bit (fnuz's NaN code 0x80 has it set).
template <class Format, class Target, class L>
LOWP_HOST_DEVICE constexpr L decode_format(L code) {
  using binary = ieee_binary<Target>;
  using U = lane_element_t<L>;
  static_assert(std::is_same_v<U, typename binary::bits_type>, "lanes must be as wide as the target type");
  constexpr int W = sizeof(U) * 8;
  constexpr int SM = binary::mantissa_bits;
  constexpr int M = Format::mantissa_bits;
  constexpr U magnitude_mask =
      Format::is_signed ? (U(1) << (Format::bits - 1)) - 1 : (U(1) << Format::bits) - 1;
  // Exponent field 1 (or 0 without subnormals) is emin.
  constexpr int field_of_emin = Format::has_subnormals ? 1 : 0;
  static_assert(fits_lanes_of<Format, Target>, "the format reaches below the target's normal range");
  constexpr U rebias = U(binary::bias + Format::emin - field_of_emin);

  const L zero = splat<L>(0);
  const L magnitude = code & magnitude_mask;
  const L sign = Format::is_signed ? (code >> (Format::bits - 1)) << (W - 1) : zero;
  const L field = magnitude >> M;
  const L fraction = magnitude & ((U(1) << M) - 1);
  L bits = ((field + rebias) << SM) | (fraction << (SM - M));
  if constexpr (Format::has_subnormals) {
    // fraction * 2^(emin - M) = (1.fraction - 1) * 2^emin: an exact subtraction in Target.
    const L normalised = ((rebias + 1) << SM) | (fraction << (SM - M));
    constexpr U implicit_one = (rebias + 1) << SM;
    L difference;
    if constexpr (std::is_arithmetic_v<L>) {
      difference =
          core::bit_cast<L>(core::bit_cast<Target>(normalised) - core::bit_cast<Target>(implicit_one));
    } else {
      using F = std::conditional_t<sizeof(U) == 4, f32_lanes, f64_lanes>;
      difference = (L)((F)normalised - core::bit_cast<Target>(implicit_one));
    }
    bits = select(field == 0, difference, bits);
  }
  constexpr U infinity = U(binary::exponent_all_ones) << SM;
  constexpr U quiet_nan = infinity | (U(1) << (SM - 1));
  if constexpr (Format::has_inf) {
    bits = select(magnitude == U(Format::overflow_code), splat<L>(infinity), bits);
  }
  if constexpr (Format::has_nan) {
    if constexpr (Format::has_inf) {
      bits = select(magnitude > U(Format::overflow_code), splat<L>(quiet_nan), bits);
    } else if constexpr (Format::is_signed && !Format::has_negative_zero) {
      bits = select(code == U(Format::nan_code), splat<L>(quiet_nan), bits);  // fnuz: 0x80, sign bit set
    } else {
      bits = select(magnitude == U(Format::nan_code), splat<L>(quiet_nan), bits);
    }
  }
  return bits | sign;
}

}  // namespace lowp::core
