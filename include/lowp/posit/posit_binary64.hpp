// Posit arithmetic through binary64: the scalar operators on the host, and the add/subtract spans.
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

// (-fassociative-math without -ffast-math defines __ASSOCIATIVE_MATH__ in GCC; it would fold TwoSum away.)
#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ == 0 && !defined(__FAST_MATH__) &&              \
    !defined(__ASSOCIATIVE_MATH__) && (defined(__GNUC__) || defined(__clang__)) && !LOWP_DEVICE_PASS && \
    (defined(__FMA__) || defined(__aarch64__))
#define LOWP_POSIT_BINARY64 1
#else
#define LOWP_POSIT_BINARY64 0
#endif

namespace lowp::posit_detail {

#if LOWP_POSIT_BINARY64

// Written over lanes L (core/lanes.hpp) with F = the double lanes of the same width: L = std::uint64_t for
// the scalar operators, a SIMD vector for the add and subtract spans (elementwise.hpp). Multiply and
// divide need a fused multiply-add, which GCC's vector extensions do not spell: scalar only.

// `test == 0 ? if_zero : otherwise`. On one x86-64 lane one test and one cmov: core::blend takes a bool,
// which costs a setcc and a second test; here the flags come from the value itself.
template <class L>
[[gnu::always_inline]] inline L select_if_zero(L test, L if_zero, L otherwise) noexcept {
#if defined(__x86_64__)
  if constexpr (std::is_arithmetic_v<L>) {
    asm("test %1, %1\n\tcmovz %2, %0" : "+r"(otherwise) : "r"(test), "r"(if_zero) : "cc");
    return otherwise;
  }
#endif
  return core::blend(test == 0, if_zero, otherwise);
}

// x >> count with copies of the top bit shifted in (count below 64).
template <class L, class Count>
[[gnu::always_inline]] inline L shift_right_arithmetic(L x, Count count) noexcept {
  if constexpr (std::is_arithmetic_v<L>) {
    return static_cast<L>(static_cast<std::int64_t>(x) >> count);
  } else {
    typedef long long signed_lanes __attribute__((vector_size(sizeof(L))));
    if constexpr (std::is_arithmetic_v<Count>) {
      return (L)((signed_lanes)x >> count);
    } else {
      return (L)((signed_lanes)x >> (signed_lanes)count);
    }
  }
}

// The exact value of a code as a double, times 2 if `Twice`; 0 gives +0.0 and NaR a quiet NaN, which the
// operations carry through to their double result (so does x / 0), where one look at its exponent finds it.
// The operations form twice their result (round_binary64 wants that, see there) by doubling one operand.
template <int N, int ES, bool Twice = false, class L>
[[gnu::always_inline]] inline core::f64_lanes_for<L> binary64_of(L code) noexcept {
  const L top = code << (64 - N);                      // the sign at bit 63
  const L negative = shift_right_arithmetic(top, 63);  // 0 or all ones
  // |code| (two's complement negation commutes with the shift), then the N - 1 bits after the sign.
  const L body = ((top ^ negative) - negative) << 1;
  const L ones = shift_right_arithmetic(body, 63);  // all ones when the regime is a run of ones
  // The regime's run length (0 and NaR, whose body is 0, read 63 and are selected below).
  const L run = core::countl_zero_lanes(body ^ ones);
  const L regime = (L{} - run) ^ ones;  // run - 1 for a run of ones, -run for zeros
  // The exponent bits and the fraction after the regime and its terminator; shifted down so the exponent
  // bits land on the low end of the double's exponent field, where they add to 2^ES * regime.
  const L rest = (body << run) << 1;
  const L bits = (((regime << ES) + (Twice ? 1024u : 1023u)) << 52) + (rest >> (12 - ES));
  const L value = bits | (negative << 63);
  // 0 and NaR: the sign alone says which (a NaN whose sign bit is set, or +0).
  const L special = negative & 0xfff8000000000000u;
  return core::float_of<core::f64_lanes_for<L>>(select_if_zero(body, special, value));
}

// The code nearest to (value + tail) / 2, where tail is the exact rest of the result, below half of value's
// last place (`relative_sign`: bit 63 set when the tail's sign differs from value's). Round to nearest even
// on the unbounded encoding, saturating to ±minpos/±maxpos (values below minpos only where `CanUnderflow`:
// sums cannot, being multiples of minpos); a zero value gives 0, a NaN or an infinity NaR.
// Why twice the result: its biased exponent 1024 + scale then ends in the posit's exponent bits (1024 is a
// multiple of 2^ES), so one shift of the double's bits gives the exponent bits and the fraction together.
template <int N, int ES, bool CanUnderflow, class L>
[[gnu::always_inline]] inline L round_binary64(core::f64_lanes_for<L> value, core::f64_lanes_for<L> tail,
                                               L relative_sign) noexcept {
  using F = posit_format<N, ES>;
  const L bits = core::bits_of<L>(value);
  const L negative = shift_right_arithmetic(bits, 63);
  const L biased = (bits << 1) >> 53;
  // The scale clamped into the posit's range, kept biased by 1024 so that unsigned min/max order it.
  L clamped = core::lane_min(biased, core::splat<L>(1024 + F::max_scale));
  if constexpr (CanUnderflow) clamped = core::lane_max(clamped, core::splat<L>(1024 + F::min_scale));
  const L regime = shift_right_arithmetic(clamped - 1024u, ES);
  const L zeros = shift_right_arithmetic(regime, 63);  // all ones when the regime is a run of zeros
  // The word: "10" then the exponent bits then the fraction, arithmetic-shifted right by the regime, gives
  // r + 1 ones and a zero for r >= 0; "01" ... shifted by -r - 1 (the top bit is 0, so sar shifts in
  // zeros) gives -r zeros and a one. Either way the shift is regime ^ zeros <= N - 2. The fraction keeps
  // the bits down to one below the guard bit of the widest posit (bit 64 - N of the word); that bit also
  // holds the OR of every fraction bit below it, so that the shift loses nothing but zeros. Above maxpos
  // the exponent and fraction bits follow maxpos's regime and its terminating zero, the guard bit: they do
  // not round. Below minpos they would follow minpos's regime and must be cleared.
  const L head = (zeros + 2u) << 62;
  constexpr int jam_bits = 53 - N + ES;  // the double's fraction bits that land below bit 63 - N
  constexpr std::uint64_t jam_mask = (std::uint64_t(1) << jam_bits) - 1;
  const L jammed = bits | ((bits & jam_mask) + jam_mask);  // bit jam_bits: the sticky
  L tail_field = ((jammed << (12 - ES)) >> 2) & ~((std::uint64_t(1) << (63 - N)) - 1);
  if constexpr (CanUnderflow) tail_field = core::blend(biased < 1024u + F::min_scale, L{}, tail_field);
  // (The mask keeps a zero sum, whose scale is not clamped below, from shifting out of range; it is
  // selected away at the end, and x86's shifts mask the count anyway.)
  L body = shift_right_arithmetic(head | tail_field, (regime ^ zeros) & 63u);
  // Bit 0 of body is clear (the sticky bit lands at 65 - 2N or above): one unit there is the tail,
  // added or taken (round to nearest sees a value just above, or just below, the double).
  const L tail_step = shift_right_arithmetic(relative_sign, 63) | 1u;
  body += select_if_zero(core::bits_of<L>(tail) << 1, L{}, tail_step);
  // Keep the top N - 1 bits, rounded to nearest even: add just under half a unit, plus the kept lowest bit.
  constexpr int cut = 65 - N;
  const L magnitude = (body + ((std::uint64_t(1) << (cut - 1)) - 1) + ((body >> cut) & 1u)) >> cut;
  const L code = ((magnitude ^ negative) - negative) & F::code_mask;
  const L finite = select_if_zero(biased, L{}, code);
  return select_if_zero(biased ^ 0x7ffu, core::splat<L>(F::nar_code), finite);
}

template <int N, int ES, class L>
[[gnu::always_inline]] inline L add_binary64(L a, L b) noexcept {
  const auto x = binary64_of<N, ES, true>(a), y = binary64_of<N, ES, true>(b);
  // TwoSum (Knuth): sum + error == x + y exactly, whatever the order of magnitudes.
  const auto sum = x + y;
  const auto y_part = sum - x;
  const auto error = (x - (sum - y_part)) + (y - y_part);
  // A zero sum has a zero error; a NaR operand made the sum a NaN.
  return round_binary64<N, ES, false>(sum, error, core::bits_of<L>(error) ^ core::bits_of<L>(sum));
}

template <int N, int ES>
[[gnu::always_inline]] inline std::uint64_t multiply_binary64(std::uint64_t a, std::uint64_t b) noexcept {
  const double x = binary64_of<N, ES, true>(a), y = binary64_of<N, ES>(b);
  const double product = x * y;
  const double error = __builtin_fma(x, y, -product);  // exact
  // A zero factor makes the product 0 (never a nonzero underflow: the smallest is 2^-960); a NaR one
  // makes it a NaN, 0 times NaR included.
  return round_binary64<N, ES, true>(
      product, error, core::bit_cast<std::uint64_t>(error) ^ core::bit_cast<std::uint64_t>(product));
}

template <int N, int ES>
[[gnu::always_inline]] inline std::uint64_t divide_binary64(std::uint64_t a, std::uint64_t b) noexcept {
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

}  // namespace lowp::posit_detail
