// quire<N, ES>: the Posit Standard's exact accumulator. A two's-complement fixed-point number whose unit in
// the last place is minpos^2 and whose range holds maxpos^2 with carry bits to spare, so that sums of
// products of posits are exact; only to_posit() rounds, once.
//
// Size: 4 * max_scale + 32 bits, where max_scale = (N - 2) * 2^ES is log2(maxpos). For ES = 2 that is the
// Standard's 16 * N bits (1 sign bit, 31 carry-guard bits, then the 16(N-2) bits that span minpos^2 ..
// maxpos^2). Other ES use the same layout: every product of two posits is exact and at least 2^31 products
// of magnitude maxpos^2 can be added before the sum could overflow. The storage is rounded up to whole
// 64-bit limbs; the spare bits only lengthen the carry guard.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "../core/bit.hpp"
#include "../core/config.hpp"
#include "posit_scalar.hpp"

namespace lowp {

template <int N, int ES>
class quire {
  using format = posit_format<N, ES>;

 public:
  using posit_type = posit<N, ES>;
  // Bits of the fixed-point value: 16 * N for ES = 2, as the Standard sizes it.
  static constexpr int bits = 4 * format::max_scale + 32;
  static constexpr int limb_count = (bits + 63) / 64;
  // Weight of bit 0: minpos^2 = 2^-fraction_bits.
  static constexpr int fraction_bits = 2 * format::max_scale;

  constexpr quire() noexcept = default;
  LOWP_HOST_DEVICE constexpr explicit quire(posit_type p) noexcept { *this += p; }

  // Adds a * b exactly (no rounding). A NaR operand makes the quire NaR until clear().
  LOWP_HOST_DEVICE constexpr quire& fma(posit_type a, posit_type b) noexcept {
    const std::uint32_t ca = a.bits(), cb = b.bits();
    if (ca == format::nar_code || cb == format::nar_code) {
      nar_ = true;
      return *this;
    }
    if (ca == 0 || cb == 0) return *this;
    const auto x = posit_detail::decode<N, ES>(ca);
    const auto y = posit_detail::decode<N, ES>(cb);
    // a * b = product * 2^(x.scale + y.scale - 62): bit 0 of product sits at quire bit
    // x.scale + y.scale - 62 + fraction_bits, never below 0 for the bits that are set.
    add_at(x.negative != y.negative, std::uint64_t{x.sig} * y.sig, x.scale + y.scale - 62 + fraction_bits);
    return *this;
  }
  // Subtracts a * b exactly.
  LOWP_HOST_DEVICE constexpr quire& fms(posit_type a, posit_type b) noexcept { return fma(-a, b); }

  LOWP_HOST_DEVICE constexpr quire& operator+=(posit_type p) noexcept {
    const std::uint32_t code = p.bits();
    if (code == format::nar_code) {
      nar_ = true;
      return *this;
    }
    if (code == 0) return *this;
    const auto x = posit_detail::decode<N, ES>(code);
    add_at(x.negative, x.sig, x.scale - 31 + fraction_bits);
    return *this;
  }
  LOWP_HOST_DEVICE constexpr quire& operator-=(posit_type p) noexcept { return *this += -p; }
  // Adds another quire exactly.
  LOWP_HOST_DEVICE constexpr quire& operator+=(const quire& other) noexcept {
    nar_ = nar_ || other.nar_;
    std::uint64_t carry = 0;
    for (int i = 0; i < limb_count; ++i) limbs_[i] = add_with_carry(limbs_[i], other.limbs_[i], carry);
    return *this;
  }

  LOWP_HOST_DEVICE constexpr void clear() noexcept { *this = quire(); }
  LOWP_HOST_DEVICE constexpr bool is_nar() const noexcept { return nar_; }
  LOWP_HOST_DEVICE constexpr bool is_zero() const noexcept {
    if (nar_) return false;
    for (std::uint64_t limb : limbs_) {
      if (limb != 0) return false;
    }
    return true;
  }
  // The two's-complement limbs, least significant first (bit 0 of limb 0 has weight minpos^2).
  // (Host only; a copy, since the limbs are kept as a plain array, which device code can index.)
  constexpr std::array<std::uint64_t, limb_count> limbs() const noexcept {
    std::array<std::uint64_t, limb_count> copy{};
    for (int i = 0; i < limb_count; ++i) copy[i] = limbs_[i];
    return copy;
  }

  // The value rounded once: round to nearest even on the posit encoding, saturating to ±minpos/±maxpos.
  LOWP_HOST_DEVICE constexpr posit_type to_posit() const noexcept {
    if (nar_) return posit_type::nar();
    std::uint64_t magnitude[limb_count];
    for (int i = 0; i < limb_count; ++i) magnitude[i] = limbs_[i];
    const bool negative = (limbs_[limb_count - 1] >> 63) != 0;
    if (negative) {
      std::uint64_t carry = 1;
      for (int i = 0; i < limb_count; ++i) magnitude[i] = add_with_carry(~magnitude[i], 0, carry);
    }
    int top = limb_count - 1;
    while (top >= 0 && magnitude[top] == 0) --top;
    if (top < 0) return posit_type();
    const int lead = core::countl_zero(magnitude[top]);
    std::uint64_t sig = magnitude[top] << lead;
    bool sticky = false;
    if (top > 0) {
      if (lead > 0) sig |= magnitude[top - 1] >> (64 - lead);
      sticky = (magnitude[top - 1] << lead) != 0;  // the bits of the next limb that sig did not take
      for (int i = top - 2; i >= 0 && !sticky; --i) sticky = magnitude[i] != 0;
    }
    const int position = 64 * top + 63 - lead;  // of the leading one
    return posit_type::from_bits(
        posit_detail::encode<N, ES>(negative, position - fraction_bits, sig, sticky));
  }

 private:
  LOWP_HOST_DEVICE static constexpr std::uint64_t add_with_carry(std::uint64_t a, std::uint64_t b,
                                                                 std::uint64_t& carry) noexcept {
    const std::uint64_t sum = a + b;
    const std::uint64_t result = sum + carry;
    carry = std::uint64_t{sum < a} | std::uint64_t{result < sum};
    return result;
  }

  // Adds (or subtracts) value * 2^position, where the bits of value below -position (if any) are zero.
  // Branch-free over the limbs: the addend is zero except in two limbs, and a negative addend is added as
  // its two's complement (~v + 1 across the whole width).
  LOWP_HOST_DEVICE constexpr void add_at(bool negative, std::uint64_t value, int position) noexcept {
    if (position < 0) {
      value >>= -position;
      position = 0;
    }
    const int limb = position >> 6;
    const int shift = position & 63;
    const std::uint64_t low = value << shift;
    const std::uint64_t high = shift == 0 ? 0 : value >> (64 - shift);
    const std::uint64_t flip = negative ? ~std::uint64_t(0) : 0;
    std::uint64_t carry = negative ? 1 : 0;
    for (int i = 0; i < limb_count; ++i) {
      const std::uint64_t addend = (i == limb ? low : 0) | (i == limb + 1 ? high : 0);
      limbs_[i] = add_with_carry(limbs_[i], addend ^ flip, carry);
    }
  }

  std::uint64_t limbs_[limb_count]{};
  bool nar_ = false;
};

}  // namespace lowp
