// The value form of the kernel's nearest_even on float lanes: x rounded into a format and returned as a
// float, without going through codes. It is the hot operation of emulated GEMM (two per multiply-add), so
// it uses the float unit itself: adding C = 2^(e + 23 - M), whose ulp is the format's quantum 2^(e - M),
// makes the hardware round |x| to nearest-even at exactly the format's precision, and subtracting C back is
// exact. Formats whose exponent range would push C past float's (bfloat16, tfloat32) round their normal
// range with the integer form instead (add half an ulp minus one plus the kept last bit, clear the rest).
// Assumes the default floating-point environment (round to nearest, no flush-to-zero).
// Equal to decode(round_to_format<F, nearest_even, O, float>(x)) for every float x: tested on all 2^32.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "lanes.hpp"
#include "rounding.hpp"

namespace lowp::core {

// QuietNans: the caller promises that every NaN input is the default quiet NaN (+-0x7fc00000, what float
// arithmetic produces), which saves the guard that keeps an arbitrary NaN payload from rounding into Inf.
template <class Format, class Overflow, class FL, class L, bool QuietNans = false>
constexpr FL round_float_value_nearest_even(FL x) {
  constexpr int M = Format::mantissa_bits;
  static_assert(M <= 22 && Format::has_subnormals,
                "the value form needs a subnormal format narrower than float");
  constexpr std::uint32_t min_normal_bits = std::uint32_t(Format::emin + 127) << 23;
  constexpr std::uint32_t shift_bits = std::uint32_t(23 - M) << 23;
  constexpr float max = static_cast<float>(Format::max());
  constexpr bool saturating = std::is_same_v<Overflow, overflow::saturate>;
  // Overflow gives Inf, else NaN (for fn/fnuz; their decoded NaN), else max.
  constexpr std::uint32_t overflow_bits = saturating || (!Format::has_inf && !Format::has_nan)
                                              ? std::bit_cast<std::uint32_t>(max)
                                          : Format::has_inf ? 0x7f800000u
                                                            : 0x7fc00000u;
  const L bits = bits_of<L>(x);
  if constexpr (Format::emin == -126 && Format::has_inf && !saturating) {
    // bfloat16, tfloat32: float's own exponent range, so the integer form is right everywhere: float
    // subnormals share the format's subnormal quantum, and a carry past max lands exactly on Inf.
    constexpr int dropped = 23 - M;
    L rounded = (bits + ((1u << dropped >> 1) - 1) + ((bits >> dropped) & 1u)) & ~((1u << dropped) - 1);
    if constexpr (!QuietNans)
      rounded = select((bits & 0x7fffffffu) > 0x7f800000u, bits | 0x00400000u, rounded);
    return float_of<FL>(rounded);
  }
#if LOWP_HAS_VECTOR_EXTENSIONS && defined(__AVX512F__)
  // IEEE binary16: the F16C conversion is exactly this rounding (canonical NaNs aside, which it keeps).
  if constexpr (Format::exponent_bits == 5 && M == 10 && Format::bias == 15 && Format::has_inf &&
                !saturating && sizeof(FL) == 64) {
    if (!std::is_constant_evaluated()) {
      // The masked forms with a zero source: the plain ones trip GCC 12's -Wuninitialized.
      const __m256i half = _mm512_mask_cvtps_ph(_mm256_setzero_si256(), 0xffff, (__m512)x,
                                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      return (FL)_mm512_maskz_cvtph_ps(0xffff, half);
    }
  }
#endif
  const L magnitude = bits & 0x7fffffffu;
  const L sign = bits ^ magnitude;
  L rounded;
  if constexpr (Format::emax + 1 + 23 - M <= 127) {
    // One binade constant per lane, clamped below at emin (the subnormal quantum) and above at
    // emax + 1 (anything there overflows anyway).
    constexpr std::uint32_t top_bits = std::uint32_t(Format::emax + 1 + 127) << 23;
    const L exponent =
        lane_min(lane_max(magnitude & 0x7f800000u, splat<L>(min_normal_bits)), splat<L>(top_bits));
    const FL c = float_of<FL>(exponent + shift_bits);
    rounded = bits_of<L>((float_of<FL>(magnitude) + c) - c);
  } else {
    constexpr int dropped = 23 - M;
    constexpr float c_subnormal = std::bit_cast<float>(min_normal_bits + shift_bits);
    const L normal =
        (magnitude + ((1u << dropped >> 1) - 1) + ((magnitude >> dropped) & 1u)) & ~((1u << dropped) - 1);
    const L subnormal = bits_of<L>((float_of<FL>(magnitude) + c_subnormal) - c_subnormal);
    rounded = select(magnitude < min_normal_bits, subnormal, normal);
    // Clearing low bits would turn a NaN with a low payload into Inf: keep it a (quiet) NaN.
    if constexpr (!QuietNans) rounded = select(magnitude > 0x7f800000u, magnitude | 0x00400000u, rounded);
  }
  // Float comparison, so NaN (unordered) passes through.
  rounded = select(float_of<FL>(rounded) > max, splat<L>(overflow_bits), rounded);
  if constexpr (!Format::has_negative_zero) {
    return float_of<FL>(rounded | select(rounded == 0, splat<L>(0), sign));  // fnuz: no -0
  } else {
    return float_of<FL>(rounded | sign);
  }
}

}  // namespace lowp::core
