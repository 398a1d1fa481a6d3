// Elementwise posit arithmetic over arrays: lowp::add, subtract, multiply, divide and fma over spans of one
// posit type, out[i] = a[i] op b[i], and sqrt(in, out). Named and shaped like the minifloat span functions
// (round_to(in, out), convert(in, out)): inputs first, the output span last, equal sizes or
// std::invalid_argument.
//
// Every result is bit-identical to the scalar operator. The spans run the integer lane kernels
// (posit_lanes.hpp) on native SIMD vectors of 64-bit lanes, and sums and differences, where the scalar
// operators go through binary64, the binary64 codec (posit_binary64.hpp) on double lanes. For posits of at
// most 8 bits the binary operations read a 64 K-entry table of the kernels' results instead (one load per
// element beats any computation there), and sqrt a 256-entry one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "../core/lanes.hpp"
#include "operations.hpp"
#include "posit_lanes.hpp"
#include "posit_scalar.hpp"

namespace lowp {

namespace posit_detail {

[[noreturn]] inline void throw_span_sizes(const char* function, std::size_t a, std::size_t b,
                                          std::size_t out) {
  throw std::invalid_argument(std::string("lowp::") + function + ": the spans have different sizes (" +
                              std::to_string(a) + ", " + std::to_string(b) + " and output " +
                              std::to_string(out) + ")");
}

template <int N, int ES, operation Op>
void binary_span(const char* name, std::span<const posit<N, ES>> a, std::span<const posit<N, ES>> b,
                 std::span<posit<N, ES>> out) {
  using Code = typename posit_format<N, ES>::storage_type;
  static_assert(sizeof(posit<N, ES>) == sizeof(Code), "a posit holds exactly its code");
  if (a.size() != b.size() || a.size() != out.size()) throw_span_sizes(name, a.size(), b.size(), out.size());
  const std::size_t n = a.size();
  const Code* x = reinterpret_cast<const Code*>(a.data());
  const Code* y = reinterpret_cast<const Code*>(b.data());
  Code* target = reinterpret_cast<Code*>(out.data());
  std::size_t i = 0;
  if constexpr (N <= 8) {
    const std::uint8_t* table = operation_table<N, ES, Op>().data();
    for (; i < n; ++i) target[i] = table[(std::size_t{x[i]} << 8) | y[i]];
  } else {
#if LOWP_HAS_VECTOR_EXTENSIONS
    // One vector load of codes feeds `parts` vectors of 64-bit lanes.
    using L = core::u64_lanes;
    constexpr std::size_t lanes = core::lane_count<L>;
    constexpr std::size_t parts = sizeof(std::uint64_t) / sizeof(Code);
    for (; i + parts * lanes <= n; i += parts * lanes) {
      L packed_x, packed_y;
      std::memcpy(&packed_x, x + i, sizeof packed_x);
      std::memcpy(&packed_y, y + i, sizeof packed_y);
      [&]<std::size_t... Part>(std::index_sequence<Part...>) {
        (core::store_narrowed(target + i + Part * lanes,
                              apply_vector<N, ES, Op>(core::widen_part<Part, Code>(packed_x),
                                                      core::widen_part<Part, Code>(packed_y))),
         ...);
      }
      (std::make_index_sequence<parts>{});
    }
#endif
    for (; i < n; ++i)
      target[i] = static_cast<Code>(apply<N, ES, Op>(std::uint64_t{x[i]}, std::uint64_t{y[i]}));
  }
}

}  // namespace posit_detail

// out[i] = a[i] + b[i], one rounding each; the same bits as the scalar operator.
template <int N, int ES>
void add(std::span<const posit<N, ES>> a, std::span<const posit<N, ES>> b, std::span<posit<N, ES>> out) {
  posit_detail::binary_span<N, ES, posit_detail::operation::add>("add", a, b, out);
}
// out[i] = a[i] - b[i].
template <int N, int ES>
void subtract(std::span<const posit<N, ES>> a, std::span<const posit<N, ES>> b, std::span<posit<N, ES>> out) {
  posit_detail::binary_span<N, ES, posit_detail::operation::subtract>("subtract", a, b, out);
}
// out[i] = a[i] * b[i].
template <int N, int ES>
void multiply(std::span<const posit<N, ES>> a, std::span<const posit<N, ES>> b, std::span<posit<N, ES>> out) {
  posit_detail::binary_span<N, ES, posit_detail::operation::multiply>("multiply", a, b, out);
}
// out[i] = a[i] / b[i] (x / 0 is NaR).
template <int N, int ES>
void divide(std::span<const posit<N, ES>> a, std::span<const posit<N, ES>> b, std::span<posit<N, ES>> out) {
  posit_detail::binary_span<N, ES, posit_detail::operation::divide>("divide", a, b, out);
}

// out[i] = fma(a[i], b[i], c[i]): a[i] * b[i] + c[i] with one rounding.
template <int N, int ES>
void fma(std::span<const posit<N, ES>> a, std::span<const posit<N, ES>> b, std::span<const posit<N, ES>> c,
         std::span<posit<N, ES>> out) {
  using Code = typename posit_format<N, ES>::storage_type;
  if (a.size() != b.size() || a.size() != c.size() || a.size() != out.size()) {
    posit_detail::throw_span_sizes("fma", a.size(), b.size() == c.size() ? b.size() : c.size(), out.size());
  }
  const std::size_t n = a.size();
  const Code* x = reinterpret_cast<const Code*>(a.data());
  const Code* y = reinterpret_cast<const Code*>(b.data());
  const Code* z = reinterpret_cast<const Code*>(c.data());
  Code* target = reinterpret_cast<Code*>(out.data());
  std::size_t i = 0;
#if LOWP_HAS_VECTOR_EXTENSIONS
  using L = core::u64_lanes;
  constexpr std::size_t lanes = core::lane_count<L>;
  constexpr std::size_t parts = sizeof(std::uint64_t) / sizeof(Code);
  for (; i + parts * lanes <= n; i += parts * lanes) {
    L packed_x, packed_y, packed_z;
    std::memcpy(&packed_x, x + i, sizeof packed_x);
    std::memcpy(&packed_y, y + i, sizeof packed_y);
    std::memcpy(&packed_z, z + i, sizeof packed_z);
    [&]<std::size_t... Part>(std::index_sequence<Part...>) {
      (core::store_narrowed(target + i + Part * lanes,
                            posit_detail::fma_codes<N, ES>(core::widen_part<Part, Code>(packed_x),
                                                           core::widen_part<Part, Code>(packed_y),
                                                           core::widen_part<Part, Code>(packed_z))),
       ...);
    }
    (std::make_index_sequence<parts>{});
  }
#endif
  for (; i < n; ++i) {
    target[i] = static_cast<Code>(
        posit_detail::fma_codes<N, ES>(std::uint64_t{x[i]}, std::uint64_t{y[i]}, std::uint64_t{z[i]}));
  }
}

// The same for contiguous ranges of one posit type (std::vector, std::array, spans of non-const): deduction
// does not see through their conversions to spans, so these forward.
namespace posit_detail {
// What std::data of a contiguous container points to: std::data rather than <ranges>, which would be the
// heaviest include of posit.hpp (scripts/compile_time.sh).
template <class R>
using element_reference_t = decltype(*std::data(std::declval<R&>()));
template <class R>
using element_t = std::remove_cvref_t<element_reference_t<R>>;
}  // namespace posit_detail

template <class R>
concept posit_range = is_posit_v<posit_detail::element_t<R>>;

#define LOWP_POSIT_RANGE_OPERATION(name)                                                            \
  template <posit_range A, posit_range B, posit_range Out>                                          \
  requires(!std::is_const_v<std::remove_reference_t<posit_detail::element_reference_t<Out>>> &&     \
           std::is_same_v<posit_detail::element_t<A>, posit_detail::element_t<Out>> &&              \
           std::is_same_v<posit_detail::element_t<B>, posit_detail::element_t<Out>>) void           \
  name(const A& a, const B& b, Out&& out) {                                                         \
    using P = posit_detail::element_t<Out>;                                                         \
    name<P::format::bits, P::format::exponent_bits>(std::span<const P>(std::data(a), std::size(a)), \
                                                    std::span<const P>(std::data(b), std::size(b)), \
                                                    std::span<P>(std::data(out), std::size(out)));  \
  }
LOWP_POSIT_RANGE_OPERATION(add)
LOWP_POSIT_RANGE_OPERATION(subtract)
LOWP_POSIT_RANGE_OPERATION(multiply)
LOWP_POSIT_RANGE_OPERATION(divide)
#undef LOWP_POSIT_RANGE_OPERATION

// out[i] = sqrt(in[i]) (NaR for negative values).
template <int N, int ES>
void sqrt(std::span<const posit<N, ES>> in, std::span<posit<N, ES>> out) {
  if (in.size() != out.size()) posit_detail::throw_span_sizes("sqrt", in.size(), in.size(), out.size());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = sqrt(in[i]);
}

}  // namespace lowp
