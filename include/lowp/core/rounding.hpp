// Rounding and overflow policies: empty tag types passed as template parameters.
#pragma once

#include <type_traits>

namespace lowp {

namespace rounding {

struct nearest_even {};  // IEEE 754 roundTiesToEven (the default everywhere)
struct nearest_away {};  // IEEE 754 roundTiesToAway
struct toward_zero {};   // truncation
struct upward {};        // toward +Inf
struct downward {};      // toward -Inf
struct to_odd {};        // inexact results take the neighbour with an odd last bit (Boldo-Melquiond)

// Rounds the magnitude up with probability proportional to the distance from the lower neighbour.
// RandomBits = 0: the probability is exact to the width of the random word (32 bits for float sources,
// 64 for double). RandomBits = B > 0: the hardware scheme: B random bits are added just below the kept
// precision and the sum is truncated; the remainder beyond B bits is ignored, which biases small B.
template <int RandomBits = 0>
struct stochastic {
  static_assert(RandomBits >= 0 && RandomBits <= 31,
                "stochastic<B>: B must be 0 (exact) or 1..31 random bits");
  static constexpr int random_bits = RandomBits;
};

// Either neighbour with probability 1/2 (exact values stay exact): the biased baseline of the SR literature.
struct stochastic_equal {};

template <class R>
struct is_stochastic : std::false_type {};
template <int B>
struct is_stochastic<stochastic<B>> : std::true_type {};
template <>
struct is_stochastic<stochastic_equal> : std::true_type {};
template <class R>
inline constexpr bool is_stochastic_v = is_stochastic<R>::value;

// Random bits of stochastic<B> (0 for every other policy).
template <class R>
inline constexpr int random_bits_v = 0;
template <int B>
inline constexpr int random_bits_v<stochastic<B>> = B;

template <class R>
inline constexpr bool is_policy_v =
    std::is_same_v<R, nearest_even> || std::is_same_v<R, nearest_away> || std::is_same_v<R, toward_zero> ||
    std::is_same_v<R, upward> || std::is_same_v<R, downward> || std::is_same_v<R, to_odd> ||
    is_stochastic_v<R>;

// Both nearest modes: the only ones for which rounding through binary64 first is innocuous (53 >= 2p+2).
template <class R>
inline constexpr bool is_nearest_v = std::is_same_v<R, nearest_even> || std::is_same_v<R, nearest_away>;

}  // namespace rounding

namespace overflow {

// IEEE 754's rule: a direction pointing away from zero overflows to Inf (NaN where the format has NaN but
// no Inf, max where it has neither); one pointing toward zero gives max. to_odd never overflows.
struct ieee {};
// Finite overflow and +-Inf go to +-max finite (CUDA satfinite, ONNX saturate=1); NaN stays NaN.
struct saturate {};

template <class O>
inline constexpr bool is_policy_v = std::is_same_v<O, ieee> || std::is_same_v<O, saturate>;

}  // namespace overflow

}  // namespace lowp
