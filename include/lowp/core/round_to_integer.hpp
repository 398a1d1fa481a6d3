// Rounding a binary64 value to an integer under any rounding policy: the one integer rounding step behind
// narrow integers (intn) and integer block elements (MXINT8, INT groups).
#pragma once

#include <cstdint>
#include <type_traits>

#include "config.hpp"
#include "libm.hpp"
#include "rounding.hpp"

namespace lowp::core {

// Rounds y (|y| < 2^52) to an integer-valued double. Stochastic policies act on |y| (sign-magnitude, as
// for every format) and use the top bits of `random`, a Word of 32 or 64 random bits: stochastic<0> rounds
// the magnitude up with probability floor(f * 2^P) / 2^P, P = min(bits of Word, 52), f = |y| - floor(|y|)
// (exact: a double's fraction has at most 52 bits); stochastic<B> adds B random bits below the point and
// truncates; stochastic_equal goes up with probability 1/2 when y is not an integer.
template <class Rounding, class Word>
LOWP_HOST_DEVICE inline double round_to_integer(double y, [[maybe_unused]] Word random) noexcept {
  static_assert(rounding::is_policy_v<Rounding>, "Rounding must be one of the lowp::rounding policies");
  static_assert(std::is_same_v<Word, std::uint32_t> || std::is_same_v<Word, std::uint64_t>,
                "the random word must be 32 or 64 bits");
  constexpr int W = sizeof(Word) * 8;
  const bool negative = core::libm::signbit(y);
  const double magnitude = core::libm::fabs(y);
  const double low = core::libm::floor(magnitude);
  const double fraction = magnitude - low;  // exact: Sterbenz for |y| >= 1, and floor is 0 below
  bool up = false;
  if (fraction != 0.0) {
    if constexpr (std::is_same_v<Rounding, rounding::nearest_even>) {
      up = fraction > 0.5 || (fraction == 0.5 && core::libm::fmod(low, 2.0) != 0.0);
    } else if constexpr (std::is_same_v<Rounding, rounding::nearest_away>) {
      up = fraction >= 0.5;
    } else if constexpr (std::is_same_v<Rounding, rounding::toward_zero>) {
      up = false;
    } else if constexpr (std::is_same_v<Rounding, rounding::upward>) {
      up = !negative;
    } else if constexpr (std::is_same_v<Rounding, rounding::downward>) {
      up = negative;
    } else if constexpr (std::is_same_v<Rounding, rounding::to_odd>) {
      up = core::libm::fmod(low, 2.0) == 0.0;
    } else if constexpr (std::is_same_v<Rounding, rounding::stochastic_equal>) {
      up = (random >> (W - 1)) != 0;
    } else {
      constexpr int B = rounding::random_bits_v<Rounding>;
      if constexpr (B == 0) {
        constexpr int P = W < 52 ? W : 52;
        const auto threshold = static_cast<std::uint64_t>(core::libm::ldexp(fraction, P));  // floor(f * 2^P)
        up = static_cast<std::uint64_t>(random >> (W - P)) < threshold;
      } else {
        const auto kept = static_cast<std::uint64_t>(core::libm::ldexp(fraction, B));  // floor(f * 2^B)
        up = kept + static_cast<std::uint64_t>(random >> (W - B)) >= (std::uint64_t{1} << B);
      }
    }
  }
  const double rounded = low + (up ? 1.0 : 0.0);
  return negative ? -rounded : rounded;
}

}  // namespace lowp::core
