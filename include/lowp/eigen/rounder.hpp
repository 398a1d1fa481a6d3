// Rounding as an Eigen functor: X.unaryExpr(lowp::rounder<T>{}) and lowp::round_to<T>(X) on any float or
// double expression. Lazy: it composes with the rest of the expression and rounds coefficient by coefficient.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include <Eigen/Core>

#include "../core/random.hpp"
#include "../core/round_to_format.hpp"
#include "../float/minifloat.hpp"

namespace lowp {

template <class T>
struct rounder {
  float operator()(float x) const { return round_to<T>(x); }
  double operator()(double x) const { return round_to<T>(x); }
};

// Matrix and array expressions alike (both are DenseBase).
template <class T, class Derived>
auto round_to(const Eigen::DenseBase<Derived>& x) {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>,
                "round_to<T>(expression): the expression must be of float or double");
  return x.unaryExpr(rounder<T>{});
}

// Stochastic rounding of an expression from an explicit stream: the random word of element (i, j) is a
// pure function of the stream's seed and the column-major index i + j * rows, so the result does not
// depend on evaluation order or threads. The expression is evaluated once; the rounding stays lazy.
template <class T, class Derived>
auto round_to(const Eigen::MatrixBase<Derived>& x, sr_stream& stream) {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>,
                "round_to<T>(expression, stream): the expression must be of float or double");
  using Bits = typename core::ieee_binary<Scalar>::bits_type;
  using Plain = typename Derived::PlainObject;
  const std::uint64_t first_block =
      stream.take_blocks(detail::blocks_for<Bits>(static_cast<std::size_t>(x.size())));
  return Plain::NullaryExpr(
      x.rows(), x.cols(),
      [values = Plain(x.derived()), generator = stream, first_block](Eigen::Index i, Eigen::Index j) {
        const auto index = static_cast<std::size_t>(i + j * values.rows());
        const Bits random = detail::random_word<Bits>(generator, first_block, index);
        return detail::round_with_random<T, Scalar>(values(i, j), random);
      });
}

}  // namespace lowp
