// Posit arithmetic through binary64, for the scalar operators on the host.
//
// Every posit of at most 32 bits with ES <= 4 is a normal double, and so are the rounded sum, product and
// quotient of two of them (|scale| <= 480, at most 30 significant bits each). Binary64 also gives the exact
// error of each: TwoSum's error term for a sum, fma(x, y, -p) for a product, the remainder fma(-q, y, x)
// for a quotient. Rounding the double result to the posit is then the rounding of the exact result, once the
// error's sign breaks ties: a posit rounding threshold (the midpoint of two neighbouring codes, at most 32
// significant bits, so a double) cannot lie strictly between the exact value and its double, which would
// then not be the nearest double; and where the double *is* the threshold, the error's sign says on which
// side of it the exact value lies.
//
// The codec here is written for this: decoding builds the double's bits directly (the exponent field's
// low ES bits are the posit's exponent bits, added in place), and encoding builds the posit body from the
// double's bits with one arithmetic shift. With the floating-point unit doing the alignment, normalisation
// and division, an operation is about half the instructions of the integer kernels (posit_lanes.hpp).
// It needs binary64 evaluated as binary64 (no x87 excess precision, no -ffast-math reassociation), a
// hardware fused multiply-add, and the default rounding mode (a program that calls fesetround must not do
// posit arithmetic meanwhile). Where the first two do not hold, in constant evaluation and in device code,
// posit<N, ES> keeps the integer kernels, which give the same codes: posit_span_test holds the scalar
// operators (this path) to the span functions (those kernels), and both are held to an independent oracle.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "../core/bit.hpp"
#include "../core/config.hpp"
#include "../core/lanes.hpp"
#include "posit_format.hpp"
#include "posit_lanes.hpp"

#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ == 0 && !defined(__FAST_MATH__) && \
    (defined(__GNUC__) || defined(__clang__)) && !LOWP_DEVICE_PASS &&                      \
    (defined(__FMA__) || defined(__aarch64__))
#define LOWP_POSIT_BINARY64 1
#else
#define LOWP_POSIT_BINARY64 0
#endif

namespace lowp::posit_detail {

#if LOWP_POSIT_BINARY64

// `test == 0 ? if_zero : otherwise` as one test and one cmov on x86-64. core::blend takes a bool, which
// costs a setcc and a second test; here the flags come from the value itself.
[[gnu::always_inline]] inline std::uint64_t select_if_zero(std::uint64_t test, std::uint64_t if_zero,
                                                           std::uint64_t otherwise) noexcept {
#if defined(__x86_64__)
  asm("test %1, %1\n\tcmovz %2, %0" : "+r"(otherwise) : "r"(test), "r"(if_zero) : "cc");
  return otherwise;
#else
  return core::blend(test == 0, if_zero, otherwise);
#endif
}

// The exact value of a code as a double, times 2 if `Twice`; 0 gives +0.0 and NaR a quiet NaN, which the
// operations carry through to their double result (so does x / 0), where one look at its exponent finds it.
// The operations form twice their result (round_binary64 wants that, see there) by doubling one operand.
template <int N, int ES, bool Twice = false>
[[gnu::always_inline]] inline double binary64_of(std::uint32_t code) noexcept {
  const std::int64_t negative = -static_cast<std::int64_t>((code >> (N - 1)) & 1u);  // 0 or all ones
  const std::uint64_t magnitude = (std::uint64_t{code} ^ negative) - negative;
  const std::uint64_t body = magnitude << (65 - N);  // the N - 1 bits after the sign, left-aligned
  const std::int64_t ones = static_cast<std::int64_t>(body) >> 63;  // all ones when the regime is of ones
  // The regime's run length (the | 1 spares a zero test; 0 and NaR, whose body is 0, are selected below).
  const std::int64_t run = std::countl_zero((body ^ static_cast<std::uint64_t>(ones)) | 1u);
  const std::int64_t regime = -run ^ ones;  // run - 1 for a run of ones, -run for zeros
  // The exponent bits and the fraction after the regime and its terminator; shifted down so the exponent
  // bits land on the low end of the double's exponent field, where they add to 2^ES * regime.
  const std::uint64_t rest = (body << run) << 1;
  const std::uint64_t bits =
      (static_cast<std::uint64_t>((regime << ES) + (Twice ? 1024 : 1023)) << 52) + (rest >> (12 - ES));
  const std::uint64_t value = bits | (static_cast<std::uint64_t>(negative) << 63);
  // 0 and NaR: the sign alone says which (a NaN whose sign bit is set, or +0).
  const std::uint64_t special = static_cast<std::uint64_t>(negative) & 0xfff8000000000000u;
  return core::bit_cast<double>(select_if_zero(body, special, value));
}

// The code nearest to (value + tail) / 2, where tail is the exact rest of the result, below half of value's
// last place (`relative_sign`: bit 63 set when the tail's sign differs from value's). Round to nearest even
// on the unbounded encoding, saturating to ±minpos/±maxpos (values below minpos only where `CanUnderflow`:
// sums cannot, being multiples of minpos); a zero value gives 0, a NaN or an infinity NaR.
// Why twice the result: its biased exponent 1024 + scale then ends in the posit's exponent bits (1024 is a
// multiple of 2^ES), so one shift of the double's bits gives the exponent bits and the fraction together.
template <int N, int ES, bool CanUnderflow>
[[gnu::always_inline]] inline std::uint32_t round_binary64(double value, double tail,
                                                           std::uint64_t relative_sign) noexcept {
  using F = posit_format<N, ES>;
  const auto bits = core::bit_cast<std::uint64_t>(value);
  const std::int64_t negative = static_cast<std::int64_t>(bits) >> 63;
  const std::uint64_t biased = (bits << 1) >> 53;
  std::int64_t scale = static_cast<std::int64_t>(biased) - 1024;
  scale = scale > F::max_scale ? F::max_scale : scale;
  if constexpr (CanUnderflow) scale = scale < F::min_scale ? F::min_scale : scale;
  const std::int64_t regime = scale >> ES;
  const std::int64_t zeros = regime >> 63;  // all ones when the regime is a run of zeros
  // The word: "10" then the exponent bits then the fraction, arithmetic-shifted right by the regime, gives
  // r + 1 ones and a zero for r >= 0; "01" ... shifted by -r - 1 (the top bit is 0, so sar shifts in
  // zeros) gives -r zeros and a one. Either way the shift is regime ^ zeros <= N - 2. The fraction keeps
  // the bits down to one below the guard bit of the widest posit (bit 64 - N of the word); that bit also
  // holds the OR of every fraction bit below it, so that the shift loses nothing but zeros. Above maxpos
  // the exponent and fraction bits follow maxpos's regime and its terminating zero, the guard bit: they do
  // not round. Below minpos they would follow minpos's regime and must be cleared.
  const std::uint64_t head = static_cast<std::uint64_t>(zeros + 2) << 62;
  constexpr int jam_bits = 53 - N + ES;  // the double's fraction bits that land below bit 63 - N
  constexpr std::uint64_t jam_mask = (std::uint64_t(1) << jam_bits) - 1;
  const std::uint64_t jammed = bits | ((bits & jam_mask) + jam_mask);  // bit jam_bits: the sticky
  std::uint64_t tail_field = ((jammed << (12 - ES)) >> 2) & ~((std::uint64_t(1) << (63 - N)) - 1);
  if constexpr (CanUnderflow) {
    tail_field = core::blend(biased < 1024 + F::min_scale, std::uint64_t{0}, tail_field);
  }
  const std::uint64_t word = head | tail_field;
  // (The mask keeps a zero sum, whose scale is not clamped below, from shifting out of range; it is
  // selected away at the end, and x86's shifts mask the count anyway.)
  auto body = static_cast<std::uint64_t>(static_cast<std::int64_t>(word) >> ((regime ^ zeros) & 63));
  // Bit 0 of body is clear (the sticky bit lands at 65 - 2N or above): one unit there is the tail,
  // added or taken (round to nearest sees a value just above, or just below, the double).
  const auto tail_bits = core::bit_cast<std::uint64_t>(tail);
  const std::uint64_t tail_step =
      static_cast<std::uint64_t>(static_cast<std::int64_t>(relative_sign) >> 63) | 1u;
  body += select_if_zero(tail_bits << 1, 0, tail_step);
  // Keep the top N - 1 bits, rounded to nearest even: add just under half a unit, plus the kept lowest bit.
  constexpr int cut = 65 - N;
  const std::uint64_t magnitude = (body + ((std::uint64_t(1) << (cut - 1)) - 1) + ((body >> cut) & 1)) >> cut;
  const std::uint64_t code = ((magnitude ^ negative) - negative) & F::code_mask;
  const std::uint64_t finite = select_if_zero(biased, 0, code);
  return static_cast<std::uint32_t>(select_if_zero(biased ^ 0x7ff, F::nar_code, finite));
}

template <int N, int ES>
[[gnu::always_inline]] inline std::uint32_t add_binary64(std::uint32_t a, std::uint32_t b) noexcept {
  const double x = binary64_of<N, ES, true>(a), y = binary64_of<N, ES, true>(b);
  // TwoSum (Knuth): sum + error == x + y exactly, whatever the order of magnitudes.
  const double sum = x + y;
  const double y_part = sum - x;
  const double error = (x - (sum - y_part)) + (y - y_part);
  // A zero sum has a zero error; a NaR operand made the sum a NaN.
  return round_binary64<N, ES, false>(
      sum, error, core::bit_cast<std::uint64_t>(error) ^ core::bit_cast<std::uint64_t>(sum));
}

template <int N, int ES>
[[gnu::always_inline]] inline std::uint32_t multiply_binary64(std::uint32_t a, std::uint32_t b) noexcept {
  const double x = binary64_of<N, ES, true>(a), y = binary64_of<N, ES>(b);
  const double product = x * y;
  const double error = __builtin_fma(x, y, -product);  // exact
  // A zero factor makes the product 0 (never a nonzero underflow: the smallest is 2^-960); a NaR one
  // makes it a NaN, 0 times NaR included.
  return round_binary64<N, ES, true>(
      product, error, core::bit_cast<std::uint64_t>(error) ^ core::bit_cast<std::uint64_t>(product));
}

template <int N, int ES>
[[gnu::always_inline]] inline std::uint32_t divide_binary64(std::uint32_t a, std::uint32_t b) noexcept {
  const double x = binary64_of<N, ES, true>(a), y = binary64_of<N, ES>(b);
  const double quotient = x / y;
  // x - quotient * y, exact for a correctly rounded quotient. The tail is remainder / y: its sign relative
  // to the quotient's (x's sign times y's) is the remainder's relative to x's.
  const double remainder = __builtin_fma(-quotient, y, x);
  // x / 0 is an infinity and 0 / 0 a NaN: NaR, as NaR operands give; 0 / y is 0.
  return round_binary64<N, ES, true>(
      quotient, remainder, core::bit_cast<std::uint64_t>(remainder) ^ core::bit_cast<std::uint64_t>(x));
}

#endif  // LOWP_POSIT_BINARY64

// What the scalar operators call: binary64 where it is exact and available at run time, the lane kernels
// otherwise (constant evaluation, device code, no FMA). The two give the same codes.
template <int N, int ES>
LOWP_HOST_DEVICE constexpr std::uint32_t add(std::uint32_t a, std::uint32_t b) noexcept {
#if LOWP_POSIT_BINARY64
  if (!std::is_constant_evaluated()) return add_binary64<N, ES>(a, b);
#endif
  return static_cast<std::uint32_t>(add_codes<N, ES>(std::uint64_t{a}, std::uint64_t{b}));
}
template <int N, int ES>
LOWP_HOST_DEVICE constexpr std::uint32_t multiply(std::uint32_t a, std::uint32_t b) noexcept {
#if LOWP_POSIT_BINARY64
  if (!std::is_constant_evaluated()) return multiply_binary64<N, ES>(a, b);
#endif
  return static_cast<std::uint32_t>(multiply_codes<N, ES>(std::uint64_t{a}, std::uint64_t{b}));
}
template <int N, int ES>
LOWP_HOST_DEVICE constexpr std::uint32_t divide(std::uint32_t a, std::uint32_t b) noexcept {
#if LOWP_POSIT_BINARY64
  if (!std::is_constant_evaluated()) return divide_binary64<N, ES>(a, b);
#endif
  return static_cast<std::uint32_t>(divide_codes<N, ES>(std::uint64_t{a}, std::uint64_t{b}));
}

}  // namespace lowp::posit_detail
