// posit_format<N, ES>: the constants of an N-bit posit with ES exponent bits (Posit Standard 2022, with ES
// free as in the 2017 draft) and its codec: decode a code into (sign, scale, significand) and encode such a
// triple back with one rounding, round-to-nearest-even on the unbounded encoding.
//
// Both directions are branch-free in the common path: the regime length is a count of leading zeros of
// the code XOR its own sign-extended top bit, and rounding is an integer add on the kept bits.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace lowp {

template <int N, int ES>
struct posit_format {
  static_assert(N >= 2 && N <= 32, "posit<N, ES>: N (the width in bits) must be between 2 and 32");
  static_assert(ES >= 0 && ES <= 4, "posit<N, ES>: ES (the exponent field width) must be between 0 and 4");

  static constexpr int bits = N;
  static constexpr int exponent_bits = ES;
  // Smallest unsigned integer that holds a code.
  using storage_type =
      std::conditional_t<(N <= 8), std::uint8_t, std::conditional_t<(N <= 16), std::uint16_t, std::uint32_t>>;
  static constexpr std::uint32_t code_mask = N == 32 ? 0xffffffffu : (std::uint32_t(1) << N) - 1;
  static constexpr std::uint32_t nar_code = std::uint32_t(1) << (N - 1);  // also the sign bit
  static constexpr std::uint32_t maxpos_code = nar_code - 1;
  static constexpr std::uint32_t minpos_code = 1;
  // useed = 2^(2^ES); maxpos = useed^(N-2), minpos = its reciprocal.
  static constexpr int max_scale = (N - 2) << ES;
  static constexpr int min_scale = -max_scale;
  // Most fraction bits any value has (next to 1, where the regime is 2 bits long); 0 if none.
  static constexpr int max_fraction_bits = N - 3 - ES > 0 ? N - 3 - ES : 0;
};

namespace posit_detail {

// The code sign-extended from N bits, as the Standard orders posits: as two's-complement integers.
template <int N>
constexpr std::int32_t signed_code(std::uint32_t code) noexcept {
  return static_cast<std::int32_t>(code << (32 - N)) >> (32 - N);
}

// Decodes a code that is neither 0 nor NaR. The significand has its hidden bit at bit 31 (fractions of
// N <= 32 posits have at most 29 bits, so the low bits are zero); |x| = sig * 2^(scale - 31).
struct decoded {
  bool negative;
  int scale;
  std::uint32_t sig;
};

template <int N, int ES>
constexpr decoded decode(std::uint32_t code) noexcept {
  const std::uint32_t sign = (code >> (N - 1)) & 1;
  const std::uint32_t magnitude = (sign != 0 ? 0u - code : code) & posit_format<N, ES>::code_mask;
  // The N-1 bits after the sign, left-aligned in 64 bits.
  const std::uint64_t body = std::uint64_t{magnitude} << (65 - N);
  // Run length of the regime: leading bits equal to the first.
  const std::uint64_t flipped = body ^ static_cast<std::uint64_t>(static_cast<std::int64_t>(body) >> 63);
  const int run = std::countl_zero(flipped);
  const int regime = (body >> 63) != 0 ? run - 1 : -run;
  // Drop regime and terminator (run <= N - 1 <= 31, so the shift is in range); what is left is exponent
  // then fraction, zeros beyond the code's end (a truncated exponent field reads as zeros, as specified).
  const std::uint64_t rest = body << (run + 1);
  int exponent = 0;
  if constexpr (ES > 0) exponent = static_cast<int>(rest >> (64 - ES));
  const std::uint64_t fraction = rest << ES;  // left-aligned fraction bits
  return {sign != 0, (regime << ES) + exponent,
          static_cast<std::uint32_t>((fraction >> 33) | (std::uint64_t(1) << 31))};
}

// Encodes ±sig * 2^(scale - 63) (bit 63 of sig set) with round-to-nearest-even on the unbounded encoding;
// bits of sig below what fits, and `sticky`, decide ties. Values beyond maxpos give maxpos and nonzero
// values below minpos give minpos (the Standard: no overflow to NaR, no underflow to zero).
template <int N, int ES>
constexpr std::uint32_t encode(bool negative, int scale, std::uint64_t sig, bool sticky = false) noexcept {
  using F = posit_format<N, ES>;
  std::uint32_t magnitude;
  if (scale > F::max_scale) {
    magnitude = F::maxpos_code;
  } else if (scale < F::min_scale) {
    magnitude = F::minpos_code;
  } else {
    const int regime = scale >> ES;  // floor(scale / 2^ES): arithmetic shift
    const std::uint64_t exponent = static_cast<std::uint64_t>(scale) & ((std::uint64_t(1) << ES) - 1);
    // Regime: r >= 0 is r+1 ones then a zero, r < 0 is -r zeros then a one. length <= N.
    const int length = regime >= 0 ? regime + 2 : 1 - regime;
    // r >= 0: ones in bits 63..63-r (the zero after them is implicit); r < 0: a one at bit 64 - length.
    const std::uint64_t regime_field =
        regime >= 0 ? ~std::uint64_t(0) << (63 - regime) : std::uint64_t(1) << (64 - length);
    std::uint64_t body = regime_field;
    if constexpr (ES > 0) body |= exponent << (64 - length - ES);
    const std::uint64_t fraction = sig << 1;  // drop the hidden bit
    const int shift = length + ES;            // 2 <= shift <= N + ES <= 36
    body |= fraction >> shift;
    sticky = sticky || (fraction << (64 - shift)) != 0;
    // Keep the first N-1 bits; round on the next (guard) bit with the rest as sticky.
    const std::uint64_t kept = body >> (65 - N);
    const std::uint64_t below = body << (N - 1);
    const std::uint64_t guard = below >> 63;
    const std::uint64_t round_up =
        guard & (static_cast<std::uint64_t>(sticky || (below << 1) != 0) | (kept & 1));
    magnitude = static_cast<std::uint32_t>(kept + round_up);
  }
  return (negative ? 0u - magnitude : magnitude) & F::code_mask;
}

// Adds ±a and ±b given as (negative, scale, sig) with bit 62 of each sig set and the lowest bit clear, and
// |x| = sig * 2^(scale - 62). Returns the exactly rounded code. The smaller operand's bits shifted out are
// folded into its lowest bit ("jamming"): with 30+ spare bits below any N <= 32 posit's precision and no
// loss at all for shifts of 0 or 1 (where cancellation can happen), the rounding sees the exact sum.
template <int N, int ES>
constexpr std::uint32_t add_aligned(bool a_negative, int a_scale, std::uint64_t a_sig, bool b_negative,
                                    int b_scale, std::uint64_t b_sig) noexcept {
  if (a_scale < b_scale || (a_scale == b_scale && a_sig < b_sig)) {
    std::swap(a_negative, b_negative);
    std::swap(a_scale, b_scale);
    std::swap(a_sig, b_sig);
  }
  const int distance = a_scale - b_scale;
  const std::uint64_t b_aligned =
      distance >= 63
          ? std::uint64_t{b_sig != 0}
          : (b_sig >> distance) | std::uint64_t{distance > 0 && (b_sig << ((64 - distance) & 63)) != 0};
  const std::uint64_t sum = a_negative == b_negative ? a_sig + b_aligned : a_sig - b_aligned;
  if (sum == 0) return 0;
  const int lead = std::countl_zero(sum);
  return encode<N, ES>(a_negative, a_scale + 1 - lead, sum << lead);
}

}  // namespace posit_detail
}  // namespace lowp
