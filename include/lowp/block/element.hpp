// Element types of block formats: what a block format needs to know about the numbers inside a block.
// Minifloat elements (e4m3, e5m2, e3m2, e2m3, e2m1) are the lowp scalar types; integer elements are
// `int_element<Bits, FractionBits>`, symmetric two's complement codes k with value k * 2^-FractionBits.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <type_traits>

#include "../core/round_to_format.hpp"
#include "../float/named_formats.hpp"

namespace lowp {

// A symmetric integer element: codes are Bits-bit two's complement, the value of code k is k *
// 2^-FractionBits, and quantisation clips to +-(2^(Bits-1) - 1), so the most negative code is never produced
// (it still decodes). MXINT8 is int_element<8, 6> (OCP MX v1.0: an implicit scale of 2^-6, emax 0);
// GPTQ-style groups use F = 0.
template <int Bits, int FractionBits = 0>
struct int_element {
  static_assert(Bits >= 2 && Bits <= 8,
                "int_element<Bits, F>: Bits must be 2..8 (codes are stored in a byte)");
  static_assert(FractionBits >= 0 && FractionBits < Bits, "int_element<Bits, F>: F must be 0..Bits-1");
  static constexpr int bits = Bits;
  static constexpr int fraction_bits = FractionBits;
  static constexpr int max_integer = (1 << (Bits - 1)) - 1;
};

namespace detail {

template <class E>
struct element_traits {
  static_assert(
      sizeof(E) == 0,
      "block_format: the element must be a lowp minifloat of at most 8 bits (float8_e4m3fn, float4_e2m1fn, "
      "...) or an int_element<Bits, F>");
};

// Common description: `bits` (code width), `max` (largest finite value), `emax` (exponent of max's binade),
// `max_significand_bits` (max as significand * 2^(emax - mantissa_bits), significand an integer) and
// `mantissa_bits` (fraction bits of max's binade: what scale_rule::even rounds amax to).
template <class F, class R, class O>
struct element_traits<minifloat<F, R, O>> {
  static_assert(F::is_signed && F::bits <= 8,
                "block_format: minifloat elements must be signed and at most 8 bits");
  static constexpr bool is_integer = false;
  static constexpr int bits = F::bits;
  static constexpr int mantissa_bits = F::mantissa_bits;
  static constexpr int emax = F::emax;
  static constexpr double max = F::max();
  using format = F;
  // The value of every code (NaN codes decode to NaN); used by dequantisation.
  static constexpr std::array<float, 256> values = [] {
    std::array<float, 256> table{};
    for (std::uint32_t code = 0; code < (1u << F::bits); ++code) {
      table[code] = std::bit_cast<float>(core::decode_format<F, float>(code));
    }
    return table;
  }();
};

template <int Bits, int FractionBits>
struct element_traits<int_element<Bits, FractionBits>> {
  static constexpr bool is_integer = true;
  static constexpr int bits = Bits;
  static constexpr int fraction_bits = FractionBits;
  static constexpr int max_integer = int_element<Bits, FractionBits>::max_integer;
  // max = (2^(Bits-1) - 1) * 2^-F lies in the binade [2^(Bits-2-F), 2^(Bits-1-F)) with Bits-2 fraction bits.
  static constexpr int mantissa_bits = Bits - 2;
  static constexpr int emax = Bits - 2 - FractionBits;
  static constexpr double max = double(max_integer) / double(1 << FractionBits);
  static constexpr std::array<float, 256> values = [] {
    std::array<float, 256> table{};
    for (std::uint32_t code = 0; code < (1u << Bits); ++code) {
      const int k = code >= (1u << (Bits - 1)) ? int(code) - (1 << Bits) : int(code);  // two's complement
      table[code] = float(k) / float(1 << FractionBits);
    }
    return table;
  }();
};

}  // namespace detail
}  // namespace lowp
