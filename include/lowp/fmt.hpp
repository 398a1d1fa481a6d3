// fmt::formatter for every lowp scalar: {} shortest round-trip decimal, {:x} hex code, {:b} fields.
// An adapter at the edge: nothing in the library includes this header.
#pragma once

#include <string>

// fmt 9 turns its constexpr off under nvcc, which its own C++20 code (consteval format strings, constexpr
// functions calling FMT_CONSTEXPR ones) does not survive: a .cu file including <fmt/format.h> fails to
// compile. CUDA 12+ handles fmt's constexpr code, so it is turned back on (only CUDA translation units are
// affected, and only when this header is the first to include fmt).
#if defined(__NVCC__) && !defined(FMT_USE_CONSTEXPR)
#define FMT_USE_CONSTEXPR 1
#endif
#include <fmt/format.h>

#include "float/minifloat.hpp"
#include "int/intn.hpp"
#include "posit/posit.hpp"

namespace lowp {

// Sign | exponent | mantissa, e.g. "0|0111|011" for float8_e4m3fn(1.375); e8m0 has no sign field.
template <class F, class R, class O>
std::string binary_fields(minifloat<F, R, O> x) {
  std::string text;
  const auto bits = static_cast<std::uint32_t>(x.bits());
  auto append = [&](int from, int count) {
    for (int i = from + count - 1; i >= from; --i) text.push_back(((bits >> i) & 1) != 0 ? '1' : '0');
  };
  if constexpr (F::is_signed) {
    append(F::bits - 1, 1);
    text.push_back('|');
  }
  append(F::mantissa_bits, F::exponent_bits);
  if constexpr (F::mantissa_bits > 0) {
    text.push_back('|');
    append(0, F::mantissa_bits);
  }
  return text;
}

// "0x7e": the code in hex, as many digits as the format's width needs.
template <class F, class R, class O>
std::string hex_code(minifloat<F, R, O> x) {
  constexpr int digits = (F::bits + 3) / 4;
  return fmt::format("0x{:0{}x}", static_cast<std::uint32_t>(x.bits()), digits);
}

// Posits: sign|regime|exponent|fraction of the code as stored (the 2022 Standard reads the fields of a
// negative posit straight from its two's-complement bits), e.g. "0|10|01|0000" for posit8(2.0). The regime is
// the run of equal bits and its terminator; exponent and fraction fields cut off at the end are left out
// (with their '|'). 0 and NaR print as "0|0000000" and "1|0000000".
template <int N, int ES>
std::string binary_fields(posit<N, ES> x) {
  const auto bits = static_cast<std::uint32_t>(x.bits());
  auto bit = [&](int i) { return ((bits >> i) & 1) != 0 ? '1' : '0'; };
  std::string text(1, bit(N - 1));
  text.push_back('|');
  int i = N - 2;
  if ((bits & ((std::uint32_t(1) << (N - 1)) - 1)) == 0) {
    for (; i >= 0; --i) text.push_back('0');
    return text;
  }
  const char first = bit(i);
  while (i >= 0 && bit(i) == first) text.push_back(bit(i--));
  if (i >= 0) text.push_back(bit(i--));  // the terminator
  if (i >= 0 && ES > 0) {
    text.push_back('|');
    for (int e = 0; e < ES && i >= 0; ++e) text.push_back(bit(i--));
  }
  if (i >= 0) {
    text.push_back('|');
    while (i >= 0) text.push_back(bit(i--));
  }
  return text;
}

template <int N, int ES>
std::string hex_code(posit<N, ES> x) {
  constexpr int digits = (N + 3) / 4;
  return fmt::format("0x{:0{}x}", static_cast<std::uint32_t>(x.bits()), digits);
}

// Narrow integers: the code's bits, sign first ("1101" for int4(-3)); hex of the code ("0xd").
template <int B, bool S, class R>
std::string binary_fields(intn<B, S, R> x) {
  std::string text;
  for (int i = B - 1; i >= 0; --i) text.push_back(((x.bits() >> i) & 1) != 0 ? '1' : '0');
  return text;
}
template <int B, bool S, class R>
std::string hex_code(intn<B, S, R> x) {
  constexpr int digits = (B + 3) / 4;
  return fmt::format("0x{:0{}x}", x.bits(), digits);
}

}  // namespace lowp

namespace lowp::detail {

// The spec every lowp scalar takes: [[fill]align][width][type], align one of < > ^, type x (hex code) or
// b (fields); default: the value. Each scalar's formatter derives from this and supplies the three texts.
struct scalar_formatter {
  char presentation = 'v';
  char fill = ' ';
  char align = '>';
  int width = 0;

  constexpr auto parse(fmt::format_parse_context& context) {
    auto it = context.begin();
    const auto end = context.end();
    auto is_align = [](char c) { return c == '<' || c == '>' || c == '^'; };
    if (it != end && it + 1 != end && *it != '}' && is_align(*(it + 1))) {
      fill = *it;
      align = *(it + 1);
      it += 2;
    } else if (it != end && is_align(*it)) {
      align = *it++;
    }
    while (it != end && *it >= '0' && *it <= '9') width = width * 10 + (*it++ - '0');
    if (it != end && (*it == 'x' || *it == 'b')) presentation = *it++;
    if (it != end && *it != '}') {
      throw fmt::format_error(
          "lowp scalar: bad format spec; use [[fill]align][width] and x (hex code) or b (fields)");
    }
    return it;
  }

  template <class T, class FormatContext>
  auto write(T x, FormatContext& context) const {
    const std::string text = presentation == 'x'   ? lowp::hex_code(x)
                             : presentation == 'b' ? lowp::binary_fields(x)
                                                   : lowp::to_string(x);
    const int padding = width > static_cast<int>(text.size()) ? width - static_cast<int>(text.size()) : 0;
    const int before = align == '>' ? padding : align == '^' ? padding / 2 : 0;
    auto out = context.out();
    for (int i = 0; i < before; ++i) *out++ = fill;
    for (char c : text) *out++ = c;
    for (int i = before; i < padding; ++i) *out++ = fill;
    return out;
  }
};

}  // namespace lowp::detail

template <class F, class R, class O>
struct fmt::formatter<lowp::minifloat<F, R, O>> : lowp::detail::scalar_formatter {
  template <class FormatContext>
  auto format(lowp::minifloat<F, R, O> x, FormatContext& context) const {
    return write(x, context);
  }
};

// Posits: {} shortest round-trip decimal ("NaR" for NaR), {:x} hex code, {:b} sign|regime|exponent|fraction.
template <int N, int ES>
struct fmt::formatter<lowp::posit<N, ES>> : lowp::detail::scalar_formatter {
  template <class FormatContext>
  auto format(lowp::posit<N, ES> x, FormatContext& context) const {
    return write(x, context);
  }
};

// Narrow integers: {} the value, {:x} the two's-complement code, {:b} its bits.
template <int B, bool S, class R>
struct fmt::formatter<lowp::intn<B, S, R>> : lowp::detail::scalar_formatter {
  template <class FormatContext>
  auto format(lowp::intn<B, S, R> x, FormatContext& context) const {
    return write(x, context);
  }
};
