// An operand as a matrix unit sees it: sign, exponent E(x) = max(floor(log2 |x|), emin) and the integer
// significand m with |x| = m * 2^(E - f), f the format's fraction bits (MMA.md section 1). A zero gets
// E = -126 whatever its format (MMA-Sim's convention: a zero factor still takes part in the alignment).
// Operands are decoded once, then every step works on these integers.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "../core/bit.hpp"
#include "../core/config.hpp"
#include "../float/minifloat_scalar.hpp"

namespace lowp::mma {

enum class operand_kind : std::uint8_t { finite, infinity, nan };

struct operand {
  std::int32_t exponent = -126;   // E(x); -126 for zeros
  std::uint32_t significand = 0;  // m: at most 11 bits for the input formats, 24 for an fp32 addend
  bool negative = false;
  operand_kind kind = operand_kind::finite;
};

// The exponent of a zero operand (MMA.md section 1).
inline constexpr int zero_exponent = -126;

namespace detail {

// Field layout of a format as the decoder needs it; minifloat formats and the IEEE float addend share it.
template <int ExponentBits, int FractionBits, int Bias, bool HasInf, int NanRule>
struct operand_layout {
  static constexpr int exponent_bits = ExponentBits;
  static constexpr int fraction_bits = FractionBits;
  static constexpr int bias = Bias;
  static constexpr bool has_inf = HasInf;
  // 0: no NaN; 1: IEEE (all-ones exponent, non-zero fraction); 2: all-ones magnitude (fn); 3: the -0 code
  // (fnuz).
  static constexpr int nan_rule = NanRule;
};

template <class T>
struct layout_of;
template <class F, class R, class O>
struct layout_of<minifloat<F, R, O>> {
  static_assert(F::is_signed, "lowp::mma: matrix-unit operands are signed formats");
  using type = operand_layout<F::exponent_bits, F::mantissa_bits, F::bias, F::has_inf,
                              !F::has_nan                ? 0
                              : F::enc == encoding::ieee ? 1
                              : F::enc == encoding::fn   ? 2
                                                         : 3>;
};
template <>
struct layout_of<float> {
  using type = operand_layout<8, 23, 127, true, 1>;
};

template <class Layout>
LOWP_HOST_DEVICE constexpr operand decode_bits(std::uint32_t code) noexcept {
  constexpr int f = Layout::fraction_bits;
  constexpr int e = Layout::exponent_bits;
  constexpr std::uint32_t fraction_mask = (std::uint32_t(1) << f) - 1;
  constexpr std::uint32_t field_max = (std::uint32_t(1) << e) - 1;
  constexpr std::uint32_t sign_bit = std::uint32_t(1) << (e + f);
  const std::uint32_t field = (code >> f) & field_max;
  const std::uint32_t fraction = code & fraction_mask;
  operand x;
  x.negative = (code & sign_bit) != 0;
  if constexpr (Layout::nan_rule == 1) {
    if (field == field_max) {
      x.kind = fraction != 0 ? operand_kind::nan : operand_kind::infinity;
      return x;
    }
  } else if constexpr (Layout::nan_rule == 2) {
    if (field == field_max && fraction == fraction_mask) {
      x.kind = operand_kind::nan;
      return x;
    }
  } else if constexpr (Layout::nan_rule == 3) {
    if (code == sign_bit) {
      x.kind = operand_kind::nan;
      return x;
    }
  }
  if (field == 0) {
    x.exponent = fraction == 0 ? zero_exponent : 1 - Layout::bias;
    x.significand = fraction;
  } else {
    x.exponent = int(field) - Layout::bias;
    x.significand = fraction | (std::uint32_t(1) << f);
  }
  return x;
}

}  // namespace detail

// Fraction bits f of an operand type (|x| = m * 2^(E - f)).
template <class T>
inline constexpr int fraction_bits_of = detail::layout_of<T>::type::fraction_bits;

template <class T>
LOWP_HOST_DEVICE constexpr operand decode_operand(T x) noexcept {
  if constexpr (std::is_same_v<T, float>) {
    static_assert(sizeof(float) == 4);
    return detail::decode_bits<detail::layout_of<float>::type>(core::bit_cast<std::uint32_t>(x));
  } else {
    return detail::decode_bits<typename detail::layout_of<T>::type>(std::uint32_t(x.bits()));
  }
}

}  // namespace lowp::mma
