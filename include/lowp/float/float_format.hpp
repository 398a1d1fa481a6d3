// float_format: a descriptor of a small binary floating-point format. It holds no code that rounds; the
// kernel in core/round_to_format.hpp reads these constants.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/config.hpp"

namespace lowp {

// Where a format keeps its special values.
enum class encoding {
  ieee,               // Inf and NaNs at the all-ones exponent (float16, bfloat16, e5m2, e4m3, e3m4)
  fn,                 // no Inf; NaN only at the all-ones magnitude S.1111.111 (e4m3fn)
  fnuz,               // no Inf, no -0: the -0 code is the only NaN (e4m3fnuz, e5m2fnuz, e4m3b11fnuz)
  finite,             // neither Inf nor NaN (e2m1, e2m3, e3m2 of OCP MX)
  unsigned_exponent,  // no sign, no mantissa, no zero: 2^(code - bias); all-ones is NaN (e8m0 scales)
};

namespace detail {
template <int Bits>
using smallest_unsigned_t =
    std::conditional_t<(Bits <= 8), std::uint8_t,
                       std::conditional_t<(Bits <= 16), std::uint16_t, std::uint32_t>>;

LOWP_HOST_DEVICE constexpr double power_of_two(int exponent) {
  double result = 1.0;
  for (; exponent > 0; --exponent) result *= 2.0;
  for (; exponent < 0; ++exponent) result *= 0.5;
  return result;
}
}  // namespace detail

// Bias defaults to the IEEE one, 2^(ExpBits-1) - 1 (guarded so a bad ExpBits reaches the static_assert).
template <int ExpBits, int ManBits, encoding Enc = encoding::ieee,
          int Bias = (ExpBits >= 1 && ExpBits <= 31 ? (1 << (ExpBits - 1)) - 1 : 0)>
struct float_format {
  // First, since Clang reports only the first failing assertion of a class template.
  static_assert(Enc == encoding::unsigned_exponent || 1 + ExpBits + ManBits <= 32,
                "float_format: a format has at most 32 bits (sign + ExpBits + ManBits)");
  static_assert(ExpBits >= 1 && ExpBits <= 8,
                "float_format: ExpBits must be 1..8 (every value must be exactly a float)");
  static_assert(ManBits >= 0 && ManBits <= 23,
                "float_format: ManBits must be 0..23 (precision at most float's 24 bits)");
  static_assert(Enc != encoding::ieee || ExpBits >= 2,
                "float_format: an IEEE encoding needs ExpBits >= 2 (the all-ones exponent is Inf/NaN)");
  static_assert(Enc != encoding::ieee || ManBits >= 1,
                "float_format: an IEEE encoding needs ManBits >= 1 to tell NaN from Inf");
  static_assert(Enc != encoding::fn || ManBits + ExpBits >= 2,
                "float_format: fn needs at least 2 bits besides the sign (one code is NaN)");
  static_assert(Enc != encoding::unsigned_exponent || ManBits == 0,
                "float_format: unsigned_exponent formats have no mantissa (ManBits = 0)");

  using storage_type =
      detail::smallest_unsigned_t<(Enc == encoding::unsigned_exponent ? 0 : 1) + ExpBits + ManBits>;

  static constexpr encoding enc = Enc;
  static constexpr bool is_signed = Enc != encoding::unsigned_exponent;
  static constexpr int exponent_bits = ExpBits;
  static constexpr int mantissa_bits = ManBits;
  static constexpr int bits = (is_signed ? 1 : 0) + ExpBits + ManBits;
  static constexpr int precision = ManBits + 1;
  static constexpr int bias = Bias;
  static constexpr bool has_inf = Enc == encoding::ieee;
  static constexpr bool has_nan = Enc != encoding::finite;
  static constexpr bool has_subnormals = Enc != encoding::unsigned_exponent;
  static constexpr bool has_zero = has_subnormals;
  static constexpr bool has_negative_zero = is_signed && Enc != encoding::fnuz;

  static constexpr int max_field = (1 << ExpBits) - 1;
  // Exponent field 0 holds subnormals (emin is field 1's exponent), except without subnormals.
  static constexpr int emin = (has_subnormals ? 1 : 0) - Bias;
  static constexpr int emax =
      (Enc == encoding::ieee || Enc == encoding::unsigned_exponent ? max_field - 1 : max_field) - Bias;

  static constexpr std::uint32_t magnitude_mask = (std::uint32_t(1) << (ExpBits + ManBits)) - 1;
  static constexpr std::uint32_t sign_mask = is_signed ? std::uint32_t(1) << (ExpBits + ManBits) : 0;
  // Codes of the largest finite magnitude, of an overflow away from zero, and of the quiet NaN.
  static constexpr std::uint32_t max_code = Enc == encoding::ieee ? (std::uint32_t(max_field) << ManBits) - 1
                                            : Enc == encoding::fn || Enc == encoding::unsigned_exponent
                                                ? magnitude_mask - 1
                                                : magnitude_mask;
  static constexpr std::uint32_t infinity_code = std::uint32_t(max_field)
                                                 << ManBits;  // meaningful if has_inf
  static constexpr std::uint32_t nan_code =
      Enc == encoding::ieee ? infinity_code | (std::uint32_t(1) << (ManBits - 1))
      : Enc == encoding::fn || Enc == encoding::unsigned_exponent ? magnitude_mask
      : Enc == encoding::fnuz                                     ? sign_mask
                                                                  : 0;
  static constexpr std::uint32_t overflow_code = has_inf ? infinity_code : has_nan ? nan_code : max_code;
  // ml_dtypes: NaN into a format without NaN gives the zero of the opposite sign.
  static constexpr bool nan_flips_sign = !has_nan;

  static_assert(emin - ManBits >= -149 && emax <= 127,
                "float_format: Bias puts values outside float's range; every value must be exactly a float");

  LOWP_HOST_DEVICE static constexpr double max() {
    const std::uint32_t significand =
        (max_code & ((std::uint32_t(1) << ManBits) - 1)) | (std::uint32_t(1) << ManBits);
    return double(significand) * detail::power_of_two(emax - ManBits);
  }
  LOWP_HOST_DEVICE static constexpr double lowest() { return is_signed ? -max() : min_normal(); }
  LOWP_HOST_DEVICE static constexpr double min_normal() { return detail::power_of_two(emin); }
  LOWP_HOST_DEVICE static constexpr double min_subnormal() {
    return detail::power_of_two(has_subnormals ? emin - ManBits : emin);
  }
  LOWP_HOST_DEVICE static constexpr double epsilon() { return detail::power_of_two(-ManBits); }
};

}  // namespace lowp
