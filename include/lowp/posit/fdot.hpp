// lowp::fdot: the quire-fused dot product of two posit vectors, rounded once.
#pragma once

#include <cstddef>
#include <iterator>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "quire.hpp"

namespace lowp {

// sum a[i] * b[i], computed exactly in a quire and rounded once. Throws std::invalid_argument when the
// lengths differ. Any NaR operand gives NaR.
template <class P>
requires is_posit_v<P> P fdot(std::span<const P> a, std::span<const P> b) {
  if (a.size() != b.size()) {
    throw std::invalid_argument("lowp::fdot: the vectors have different lengths (" +
                                std::to_string(a.size()) + " and " + std::to_string(b.size()) + ")");
  }
  quire<P::format::bits, P::format::exponent_bits> q;
  for (std::size_t i = 0; i < a.size(); ++i) q.fma(a[i], b[i]);
  return q.to_posit();
}

// The same for any two contiguous ranges of one posit type (std::vector, std::array, spans of non-const).
template <class A, class B>
requires std::ranges::contiguous_range<const A&> && std::ranges::contiguous_range<const B&> &&
    is_posit_v<std::ranges::range_value_t<const A&>> &&
    std::is_same_v<std::ranges::range_value_t<const A&>, std::ranges::range_value_t<const B&>>
auto fdot(const A& a, const B& b) {
  using P = std::ranges::range_value_t<const A&>;
  return fdot<P>(std::span<const P>(std::ranges::data(a), std::ranges::size(a)),
                 std::span<const P>(std::ranges::data(b), std::ranges::size(b)));
}

}  // namespace lowp
