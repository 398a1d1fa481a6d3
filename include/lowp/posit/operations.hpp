// Which implementation each posit operation runs, in one place. The same codes come out of all of them:
//   - the integer lane kernels (posit_lanes.hpp): constant evaluation, device code, builds without FMA, and
//     the multiply and divide spans on SIMD lanes;
//   - binary64 with an exact error term (posit_binary64.hpp): the scalar + - * / at run time on a host with
//     FMA, and the add and subtract spans on double lanes;
//   - a 64 K-entry table of every result, built once from the lane kernel: posits of at most 8 bits on the
//     host, scalar and spans (one load beats any computation there).
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

#include "../core/config.hpp"
#include "posit_binary64.hpp"
#include "posit_format.hpp"
#include "posit_lanes.hpp"

namespace lowp::posit_detail {

enum class operation { add, subtract, multiply, divide };

// The operation on codes, over lanes or one std::uint64_t: the lane kernels.
template <int N, int ES, operation Op, class L>
LOWP_HOST_DEVICE constexpr L apply(L a, L b) {
  if constexpr (Op == operation::add) {
    return add_codes<N, ES>(a, b);
  } else if constexpr (Op == operation::subtract) {
    // a - b = a + (-b); negation is the two's complement of the code (0 and NaR are their own negatives).
    return add_codes<N, ES>(a, (L{} - b) & std::uint64_t{posit_format<N, ES>::code_mask});
  } else if constexpr (Op == operation::multiply) {
    return multiply_codes<N, ES>(a, b);
  } else {
    return divide_codes<N, ES>(a, b);
  }
}

// The operation on SIMD lanes in the span loop: sums through binary64 lanes where the scalar operators go
// through binary64 (about 1.5x the lane kernel's speed), everything else the lane kernel.
template <int N, int ES, operation Op, class L>
L apply_vector(L a, L b) {
#if LOWP_POSIT_BINARY64
  if constexpr (Op == operation::add) {
    return add_binary64<N, ES>(a, b);
  } else if constexpr (Op == operation::subtract) {
    return add_binary64<N, ES>(a, (L{} - b) & std::uint64_t{posit_format<N, ES>::code_mask});
  }
#endif
  return apply<N, ES, Op>(a, b);
}

// Every result of the operation on posits of at most 8 bits, indexed by (a << 8) | b; built once from the
// lane kernel (host only: a function-local static).
template <int N, int ES, operation Op>
const std::array<std::uint8_t, 65536>& operation_table() {
  static_assert(N <= 8, "tables only for posits of at most 8 bits");
  static const std::array<std::uint8_t, 65536> table = [] {
    std::array<std::uint8_t, 65536> results{};
    for (std::uint32_t a = 0; a < 256; ++a) {
      for (std::uint32_t b = 0; b < 256; ++b) {
        const std::uint64_t mask = posit_format<N, ES>::code_mask;
        results[(a << 8) | b] =
            static_cast<std::uint8_t>(apply<N, ES, Op>(std::uint64_t{a} & mask, std::uint64_t{b} & mask));
      }
    }
    return results;
  }();
  return table;
}

// What the scalar operators call (Op is add, multiply or divide; they subtract by adding the negation).
template <int N, int ES, operation Op>
LOWP_HOST_DEVICE constexpr std::uint32_t scalar_operation(std::uint32_t a, std::uint32_t b) noexcept {
  if (!std::is_constant_evaluated()) {
#if !LOWP_DEVICE_PASS
    if constexpr (N <= 8) return operation_table<N, ES, Op>()[(a << 8) | b];
#endif
#if LOWP_POSIT_BINARY64
    if constexpr (Op == operation::add) {
      return static_cast<std::uint32_t>(add_binary64<N, ES>(std::uint64_t{a}, std::uint64_t{b}));
    } else if constexpr (Op == operation::multiply) {
      return static_cast<std::uint32_t>(multiply_binary64<N, ES>(a, b));
    } else if constexpr (Op == operation::divide) {
      return static_cast<std::uint32_t>(divide_binary64<N, ES>(a, b));
    }
#endif
  }
  return static_cast<std::uint32_t>(apply<N, ES, Op>(std::uint64_t{a}, std::uint64_t{b}));
}

}  // namespace lowp::posit_detail
