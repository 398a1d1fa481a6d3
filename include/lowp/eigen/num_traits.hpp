// Eigen::NumTraits and ScalarBinaryOpTraits for minifloats: what makes Matrix<lowp::bfloat16, ...> work.
#pragma once

#include <limits>

#include <Eigen/Core>

#include "../float/minifloat.hpp"

namespace Eigen {

template <class F, class R, class O>
struct NumTraits<lowp::minifloat<F, R, O>> : GenericNumTraits<lowp::minifloat<F, R, O>> {
  using T = lowp::minifloat<F, R, O>;
  using Real = T;
  using NonInteger = T;
  using Literal = T;
  using Nested = T;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = F::is_signed ? 1 : 0,
    RequireInitialization = 0,
    ReadCost = 1,
    AddCost = 4,  // an operation and a rounding
    MulCost = 4,
  };
  static T epsilon() { return std::numeric_limits<T>::epsilon(); }
  // Tolerance of isApprox / isMuchSmallerThan: a few units of roundoff.
  static T dummy_precision() { return T(4.0 * static_cast<double>(std::numeric_limits<T>::epsilon())); }
  static T highest() { return std::numeric_limits<T>::max(); }
  static T lowest() { return std::numeric_limits<T>::lowest(); }
  static T infinity() { return std::numeric_limits<T>::infinity(); }
  static T quiet_NaN() { return std::numeric_limits<T>::quiet_NaN(); }
  static int digits10() { return std::numeric_limits<T>::digits10; }
  static int digits() { return std::numeric_limits<T>::digits; }
};

// Mixing with a built-in type promotes to it, as the scalar operators do.
template <class F, class R, class O, class BinaryOp>
struct ScalarBinaryOpTraits<lowp::minifloat<F, R, O>, float, BinaryOp> {
  using ReturnType = float;
};
template <class F, class R, class O, class BinaryOp>
struct ScalarBinaryOpTraits<float, lowp::minifloat<F, R, O>, BinaryOp> {
  using ReturnType = float;
};
template <class F, class R, class O, class BinaryOp>
struct ScalarBinaryOpTraits<lowp::minifloat<F, R, O>, double, BinaryOp> {
  using ReturnType = double;
};
template <class F, class R, class O, class BinaryOp>
struct ScalarBinaryOpTraits<double, lowp::minifloat<F, R, O>, BinaryOp> {
  using ReturnType = double;
};

}  // namespace Eigen
