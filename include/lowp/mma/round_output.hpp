// The one rounding of a matrix-unit step: an exact fixed-point sum T * 2^scale rounded to the output grid
// (fp32, FP8's e8m13 or fp16; toward zero or to nearest even), with the units' special rules: a zero result
// is +0 whatever the signs, and overflow gives Inf even when rounding toward zero (MMA.md section 2).
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

#include "../core/bit.hpp"
#include "../core/config.hpp"
#include "../float/named_formats.hpp"

namespace lowp::mma::detail {

// An output grid: KeptFraction fraction bits, normal exponents Emin..Emax, subnormals below.
template <int KeptFraction, int Emin, int Emax, bool NearestEven>
struct output_grid {
  static constexpr int kept_fraction = KeptFraction;
  static constexpr int emin = Emin;
  static constexpr int emax = Emax;
  static constexpr bool nearest_even = NearestEven;
};
using fp32_toward_zero = output_grid<23, -126, 127, false>;
using e8m13_toward_zero = output_grid<13, -126, 127, false>;  // FP8 sums on Ada and Hopper
using fp32_nearest_even = output_grid<23, -126, 127, true>;   // AMD
using fp16_nearest_even = output_grid<10, -14, 15, true>;

// 2^e as a double, for -1022 <= e <= 1023, built from its bits: this runs once per step on the hot path
// (float_format's detail::power_of_two multiplies in a loop, for constant tables).
LOWP_HOST_DEVICE constexpr double power_of_two(int e) noexcept {
  return core::bit_cast<double>(std::uint64_t(e + 1023) << 52);
}

// T * 2^scale rounded to the grid, as a double (exact: every grid value is a double), or +-Inf.
template <class Grid>
LOWP_HOST_DEVICE constexpr double round_fixed(std::int64_t t, int scale) noexcept {
  if (t == 0) return 0.0;
  const bool negative = t < 0;
  std::uint64_t magnitude = negative ? 0 - std::uint64_t(t) : std::uint64_t(t);
  const int top = int(core::bit_width(magnitude)) - 1 + scale;  // exponent of the leading bit
  int grid = top - Grid::kept_fraction;
  if (grid < Grid::emin - Grid::kept_fraction) grid = Grid::emin - Grid::kept_fraction;
  if (grid > scale) {
    const int drop = grid - scale;
    if (drop >= 64) {
      magnitude = 0;  // below half of the grid step: nothing survives either rounding
    } else {
      const std::uint64_t rest = magnitude & ((std::uint64_t(1) << drop) - 1);
      magnitude >>= drop;
      if constexpr (Grid::nearest_even) {
        const std::uint64_t half = std::uint64_t(1) << (drop - 1);
        if (rest > half || (rest == half && (magnitude & 1))) ++magnitude;
      }
    }
    scale = grid;
  }
  if (magnitude == 0) return 0.0;  // a result that rounds to zero is +0
  // Rounding up may carry into a new binade; beyond emax the units give Inf in every mode.
  if (int(core::bit_width(magnitude)) - 1 + scale > Grid::emax) {
    return core::bit_cast<double>(negative ? 0xfff0000000000000u : 0x7ff0000000000000u);
  }
  const double value = double(magnitude) * power_of_two(scale);
  return negative ? -value : value;
}

// NVIDIA's NaN results.
inline constexpr std::uint32_t nvidia_fp32_nan = 0x7fffffffu;
inline constexpr std::uint16_t nvidia_fp16_nan = 0x7fff;
// AMD's: the canonical quiet NaN (MMA.md section 7).
inline constexpr std::uint32_t canonical_fp32_nan = 0x7fc00000u;

template <class D>
LOWP_HOST_DEVICE constexpr D from_exact(double value) noexcept {
  if constexpr (std::is_same_v<D, float>) {
    return static_cast<float>(value);
  } else {
    return D(value);  // exact: the value lies on D's grid
  }
}

template <class D>
LOWP_HOST_DEVICE constexpr D nvidia_nan() noexcept {
  if constexpr (std::is_same_v<D, float>) {
    return core::bit_cast<float>(nvidia_fp32_nan);
  } else {
    return D::from_bits(nvidia_fp16_nan);
  }
}

template <class D>
LOWP_HOST_DEVICE constexpr D infinity(bool negative) noexcept {
  return from_exact<D>(core::bit_cast<double>(negative ? 0xfff0000000000000u : 0x7ff0000000000000u));
}

}  // namespace lowp::mma::detail
