// A plain reference of L-Mul, written from the definition in the paper (Luo and Sun 2024, section 3.1) and
// the special-value rules of DESIGN.md, sharing no code with lowp: the operands are split into sign,
// unbiased exponent and integer mantissa, the mantissas are truncated to M bits, and the result is
//   (1 + x_m + y_m + 2^-l(M)) * 2^(x_e + y_e)     with a carry when the mantissa part reaches 2:
//   1 + f with f = x_m + y_m + 2^-l >= 1 becomes (1 + (f - 1)) * 2^(x_e + y_e + 1) (and once more if f - 1 >=
//   1),
// then its exponent is checked against the float type's range and the value is built with std::ldexp.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace lmul_oracle {

template <class Float>
struct layout;
template <>
struct layout<float> {
  using bits = std::uint32_t;
  static constexpr int mantissa_bits = 23, exponent_bits = 8, bias = 127;
};
template <>
struct layout<double> {
  using bits = std::uint64_t;
  static constexpr int mantissa_bits = 52, exponent_bits = 11, bias = 1023;
};

inline int offset_exponent(int m) {
  if (m <= 3) return m;
  if (m == 4) return 3;
  return 4;
}

template <class Float>
Float reference_lmul(int m, Float x, Float y) {
  using L = layout<Float>;
  using U = typename L::bits;
  constexpr int SM = L::mantissa_bits;
  constexpr int max_field = (1 << L::exponent_bits) - 1;
  U xb, yb;
  std::memcpy(&xb, &x, sizeof xb);
  std::memcpy(&yb, &y, sizeof yb);
  const bool negative = ((xb >> (SM + L::exponent_bits)) & 1) != ((yb >> (SM + L::exponent_bits)) & 1);
  const int x_field = static_cast<int>((xb >> SM) & U(max_field));
  const int y_field = static_cast<int>((yb >> SM) & U(max_field));
  const U x_fraction = xb & ((U(1) << SM) - 1), y_fraction = yb & ((U(1) << SM) - 1);
  const Float inf = std::numeric_limits<Float>::infinity();
  const Float signed_zero = negative ? -Float(0) : Float(0);
  const Float signed_inf = negative ? -inf : inf;

  const bool x_nan = x_field == max_field && x_fraction != 0, y_nan = y_field == max_field && y_fraction != 0;
  const bool x_inf = x_field == max_field && x_fraction == 0, y_inf = y_field == max_field && y_fraction == 0;
  const bool x_zero = x_field == 0 && x_fraction == 0, y_zero = y_field == 0 && y_fraction == 0;
  if (x_nan || y_nan) return std::numeric_limits<Float>::quiet_NaN();
  if ((x_inf && y_zero) || (y_inf && x_zero)) return std::numeric_limits<Float>::quiet_NaN();
  if (x_inf || y_inf) return signed_inf;
  if (x_field == 0 || y_field == 0) return signed_zero;  // zero or subnormal

  // Mantissas as integers in units of 2^-SM, truncated to m bits.
  const U drop = (U(1) << (SM - m)) - 1;
  const U x_m = x_fraction & ~drop, y_m = y_fraction & ~drop;
  U f = x_m + y_m + (U(1) << (SM - offset_exponent(m)));
  long exponent = long(x_field - L::bias) + long(y_field - L::bias);
  // For M >= 4 the mantissa part can reach exactly 2 (1 + 15/16 + 15/16 + 1/8 = 3 with M = 4): the integer
  // addition then carries twice, so normalise until the fraction is below 1.
  while (f >= (U(1) << SM)) {
    f -= U(1) << SM;
    exponent += 1;
  }
  const long biased = exponent + L::bias;
  if (biased >= max_field) return signed_inf;
  if (biased <= 0) return signed_zero;
  const Float value = std::ldexp(Float(1) + std::ldexp(Float(f), -SM), static_cast<int>(exponent));
  return negative ? -value : value;
}

}  // namespace lmul_oracle
