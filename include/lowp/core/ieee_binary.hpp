// Field layout of the built-in binary floating-point types that values are rounded from and decoded into.
#pragma once

#include <cstdint>
#include <limits>

namespace lowp::core {

template <class Float>
struct ieee_binary;

template <>
struct ieee_binary<float> {
  using bits_type = std::uint32_t;
  static constexpr int mantissa_bits = 23;
  static constexpr int bias = 127;
  static constexpr bits_type exponent_all_ones = 0xff;
};

template <>
struct ieee_binary<double> {
  using bits_type = std::uint64_t;
  static constexpr int mantissa_bits = 52;
  static constexpr int bias = 1023;
  static constexpr bits_type exponent_all_ones = 0x7ff;
};

static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559,
              "lowp needs IEEE 754 binary32 float and binary64 double");

}  // namespace lowp::core
