// exact_sum: a Kulisch-style fixed-point accumulator for products of two floats. Every such product is
// an integer of at most 48 bits times 2^e with -298 <= e <= 208 (float's smallest subnormal is 2^-149),
// so one fixed-point register from 2^-298 up to 2^586 holds any sum of up to 2^32 products exactly.
// The register is kept in carry-save form: 32-bit digits in signed 64-bit limbs, so adding a product is
// three limb additions and carries are resolved only when the value is read (or every 2^29 products).
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace lowp {

class exact_sum {
 public:
  // Adds a * b exactly. Inf and NaN follow IEEE 754: Inf * 0 and +Inf + -Inf give NaN.
  void add_product(float a, float b) noexcept {
    const std::uint32_t a_bits = std::bit_cast<std::uint32_t>(a), b_bits = std::bit_cast<std::uint32_t>(b);
    const std::uint32_t a_field = (a_bits >> 23) & 0xffu, b_field = (b_bits >> 23) & 0xffu;
    if (a_field == 0xffu || b_field == 0xffu) {
      const double p = static_cast<double>(a) * static_cast<double>(b);  // IEEE decides Inf * 0 etc.
      if (std::isnan(p)) {
        nan_ = true;
      } else if (p > 0) {
        positive_infinity_ = true;
      } else {
        negative_infinity_ = true;
      }
      return;
    }
    // Integer significands and the exponents of their last bits (subnormals: field 0 has weight 2^-149).
    const std::uint64_t a_significand = (a_bits & 0x7fffffu) | (a_field != 0 ? 0x800000u : 0u);
    const std::uint64_t b_significand = (b_bits & 0x7fffffu) | (b_field != 0 ? 0x800000u : 0u);
    const std::uint64_t m = a_significand * b_significand;
    if (m == 0) return;
    const int position = static_cast<int>(a_field + (a_field == 0) + b_field + (b_field == 0)) - 2 * 150 +
                         lowest_exponent_offset;  // 0 ... 506
    const int limb = position >> 5, shift = position & 31;
    const std::uint64_t low = (m & digit_mask) << shift;  // < 2^63
    const std::uint64_t high = (m >> 32) << shift;        // < 2^47
    const auto d0 = static_cast<std::int64_t>(low & digit_mask);
    const auto d1 = static_cast<std::int64_t>((low >> 32) + (high & digit_mask));  // < 2^33
    const auto d2 = static_cast<std::int64_t>(high >> 32);
    if (((a_bits ^ b_bits) >> 31) != 0) {
      limbs_[limb] -= d0;
      limbs_[limb + 1] -= d1;
      limbs_[limb + 2] -= d2;
    } else {
      limbs_[limb] += d0;
      limbs_[limb + 1] += d1;
      limbs_[limb + 2] += d2;
    }
    // Each addition moves a limb by less than 2^34: 2^29 of them stay far from 2^63.
    if (++pending_ == (std::uint32_t(1) << 29)) normalise();
  }

  // The exact sum rounded once to float, to nearest even (overflow gives ±Inf). An exact zero is +0.
  float to_float() const noexcept {
    if (nan_ || (positive_infinity_ && negative_infinity_)) return std::numeric_limits<float>::quiet_NaN();
    if (positive_infinity_) return std::numeric_limits<float>::infinity();
    if (negative_infinity_) return -std::numeric_limits<float>::infinity();
    exact_sum copy = *this;
    copy.normalise();
    const bool negative = copy.limbs_[limb_count - 1] < 0;
    if (negative) {
      for (auto& l : copy.limbs_) l = -l;
      copy.normalise();
    }
    // Digits are now all in [0, 2^32): the magnitude.
    int top = limb_count - 1;
    while (top >= 0 && copy.limbs_[top] == 0) --top;
    if (top < 0) return 0.0f;
    const auto digit = [&](int i) { return i >= 0 ? static_cast<std::uint64_t>(copy.limbs_[i]) : 0u; };
    // The top two digits (33 to 64 significant bits), the rest as a sticky bit: rounded to odd there, and
    // again to odd at 53 bits, the value rounds to float exactly as the exact sum would (Boldo-Melquiond).
    std::uint64_t window = (digit(top) << 32) | digit(top - 1);
    bool sticky = false;
    for (int i = top - 2; i >= 0; --i) sticky = sticky || copy.limbs_[i] != 0;
    const int width = std::bit_width(window);
    const int drop = width > 53 ? width - 53 : 0;
    sticky = sticky || (window & ((std::uint64_t(1) << drop) - 1)) != 0;
    window = (window >> drop) | (sticky ? 1u : 0u);
    const int exponent = 32 * (top - 1) + drop - lowest_exponent_offset;
    const double magnitude = std::ldexp(static_cast<double>(window), exponent);  // exact: <= 53 bits
    return static_cast<float>(negative ? -magnitude : magnitude);
  }

 private:
  static constexpr int lowest_exponent_offset = 298;  // limb 0 digit 0 has weight 2^-298
  static constexpr int limb_count = 20;               // 640 bits: up to 2^(640 - 298 - 1) in magnitude
  static constexpr std::uint64_t digit_mask = 0xffffffffu;

  // Carries out of every limb but the top one: digits in [0, 2^32), the sign in the top limb.
  void normalise() noexcept {
    std::int64_t carry = 0;
    for (int i = 0; i < limb_count - 1; ++i) {
      const std::int64_t v = limbs_[i] + carry;
      limbs_[i] = v & static_cast<std::int64_t>(digit_mask);
      carry = v >> 32;  // arithmetic shift: floor division by 2^32 (C++20 defines it)
    }
    limbs_[limb_count - 1] += carry;
    pending_ = 0;
  }

  std::array<std::int64_t, limb_count> limbs_{};
  std::uint32_t pending_ = 0;
  bool nan_ = false, positive_infinity_ = false, negative_infinity_ = false;
};

}  // namespace lowp
