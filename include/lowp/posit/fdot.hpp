// lowp::fdot: the quire-fused dot product of two posit vectors, rounded once.
#pragma once

#include <cstddef>
#include <span>  // also std::data and std::size
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

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
namespace detail {
// The element type of a contiguous container (std::vector, std::array, std::span): what std::data points to.
// std::data rather than <ranges>, whose include would double this header's compile time.
template <class C>
using contiguous_element_t = std::remove_cvref_t<decltype(*std::data(std::declval<const C&>()))>;
}  // namespace detail

template <class A, class B>
requires is_posit_v<detail::contiguous_element_t<A>> &&
    std::is_same_v<detail::contiguous_element_t<A>, detail::contiguous_element_t<B>>
auto fdot(const A& a, const B& b) {
  using P = detail::contiguous_element_t<A>;
  return fdot<P>(std::span<const P>(std::data(a), std::size(a)),
                 std::span<const P>(std::data(b), std::size(b)));
}

}  // namespace lowp
