// Rounding as an Eigen functor: X.unaryExpr(lowp::rounder<T>{}) and lowp::round_to<T>(X) on any float or
// double expression. Lazy: it composes with the rest of the expression and rounds coefficient by coefficient.
#pragma once

#include <Eigen/Core>

#include "../float/minifloat.hpp"

namespace lowp {

template <class T>
struct rounder {
  float operator()(float x) const { return round_to<T>(x); }
  double operator()(double x) const { return round_to<T>(x); }
};

template <class T, class Derived>
auto round_to(const Eigen::MatrixBase<Derived>& x) {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>,
                "round_to<T>(expression): the expression must be of float or double");
  return x.unaryExpr(rounder<T>{});
}
template <class T, class Derived>
auto round_to(const Eigen::ArrayBase<Derived>& x) {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>,
                "round_to<T>(expression): the expression must be of float or double");
  return x.unaryExpr(rounder<T>{});
}

}  // namespace lowp
