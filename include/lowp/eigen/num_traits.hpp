// Eigen::NumTraits and ScalarBinaryOpTraits for every lowp scalar (the concept lowp::scalar): what makes
// Matrix<lowp::bfloat16, ...>, Matrix<lowp::posit16, ...> or Matrix<lowp::int8, ...> work. Written once: the
// values come from std::numeric_limits<T>, the costs and the isApprox tolerance from scalar_adapter<T>.
#pragma once

#include <concepts>
#include <limits>
#include <utility>

#include <Eigen/Core>

#include "../scalar.hpp"
#include "scalar_adapter.hpp"

namespace Eigen {

template <class T>
requires lowp::scalar<T>
struct NumTraits<T> : GenericNumTraits<T> {
  using Real = T;
  using NonInteger = T;
  using Literal = T;
  using Nested = T;
  using Adapter = lowp::eigen_detail::scalar_adapter<T>;
  enum {
    IsComplex = 0,
    IsInteger = std::numeric_limits<T>::is_integer ? 1 : 0,
    IsSigned = std::numeric_limits<T>::is_signed ? 1 : 0,
    RequireInitialization = 0,
    ReadCost = 1,
    AddCost = Adapter::add_cost,
    MulCost = Adapter::mul_cost,
  };
  static T epsilon() { return T(std::numeric_limits<T>::epsilon()); }
  static T dummy_precision() { return Adapter::dummy_precision(); }
  static T highest() { return T(std::numeric_limits<T>::max()); }
  static T lowest() { return T(std::numeric_limits<T>::lowest()); }
  // As numeric_limits says; for posits that is NaR, the single exceptional value.
  static T infinity() { return T(std::numeric_limits<T>::infinity()); }
  static T quiet_NaN() { return T(std::numeric_limits<T>::quiet_NaN()); }
  static int digits10() { return std::numeric_limits<T>::digits10; }
  static int digits() { return std::numeric_limits<T>::digits; }
};

// Mixing with a built-in floating type gives what the scalar's own mixed operators give (minifloats and
// posits promote to the built-in type); a type without such operators (intn, lmul_float) gets no entry.
template <class T, std::floating_point F, class BinaryOp>
requires lowp::scalar<T> && std::same_as<decltype(std::declval<T>() * std::declval<F>()), F>
struct ScalarBinaryOpTraits<T, F, BinaryOp> {
  using ReturnType = F;
};
template <std::floating_point F, class T, class BinaryOp>
requires lowp::scalar<T> && std::same_as<decltype(std::declval<F>() * std::declval<T>()), F>
struct ScalarBinaryOpTraits<F, T, BinaryOp> {
  using ReturnType = F;
};

}  // namespace Eigen
