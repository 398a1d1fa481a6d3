// Elementary functions of posits, found by argument-dependent lookup (as Eigen's algorithms call them).
// Each is computed in binary64 from the exact value and rounded once: binary64 carries 24+ more bits than
// any posit of at most 32 bits, so the result is the correctly rounded one except in rare hard-to-round
// cases of the transcendental functions; min, max, floor, ceil, trunc and round are exact. NaR in, NaR out
// (a NaN from binary64 becomes NaR).
#pragma once

#include "../core/config.hpp"
#include "../core/libm.hpp"
#include "posit_scalar.hpp"

namespace lowp {

#define LOWP_POSIT_UNARY(name)                                                 \
  template <int N, int ES>                                                     \
  LOWP_HOST_DEVICE posit<N, ES> name(posit<N, ES> x) noexcept {                \
    return posit<N, ES>::round_from(core::libm::name(static_cast<double>(x))); \
  }
LOWP_POSIT_UNARY(exp)
LOWP_POSIT_UNARY(expm1)
LOWP_POSIT_UNARY(exp2)
LOWP_POSIT_UNARY(log)
LOWP_POSIT_UNARY(log1p)
LOWP_POSIT_UNARY(log2)
LOWP_POSIT_UNARY(log10)
LOWP_POSIT_UNARY(sin)
LOWP_POSIT_UNARY(cos)
LOWP_POSIT_UNARY(tan)
LOWP_POSIT_UNARY(asin)
LOWP_POSIT_UNARY(acos)
LOWP_POSIT_UNARY(atan)
LOWP_POSIT_UNARY(sinh)
LOWP_POSIT_UNARY(cosh)
LOWP_POSIT_UNARY(tanh)
LOWP_POSIT_UNARY(cbrt)
LOWP_POSIT_UNARY(floor)
LOWP_POSIT_UNARY(ceil)
LOWP_POSIT_UNARY(trunc)
LOWP_POSIT_UNARY(round)
LOWP_POSIT_UNARY(rint)
#undef LOWP_POSIT_UNARY

template <int N, int ES>
LOWP_HOST_DEVICE posit<N, ES> pow(posit<N, ES> x, posit<N, ES> y) noexcept {
  return posit<N, ES>::round_from(core::libm::pow(static_cast<double>(x), static_cast<double>(y)));
}
template <int N, int ES>
LOWP_HOST_DEVICE posit<N, ES> atan2(posit<N, ES> y, posit<N, ES> x) noexcept {
  return posit<N, ES>::round_from(core::libm::atan2(static_cast<double>(y), static_cast<double>(x)));
}
template <int N, int ES>
LOWP_HOST_DEVICE posit<N, ES> hypot(posit<N, ES> x, posit<N, ES> y) noexcept {
  return posit<N, ES>::round_from(core::libm::hypot(static_cast<double>(x), static_cast<double>(y)));
}
// A NaR operand is ignored, as IEEE minNum/maxNum ignore a NaN.
template <int N, int ES>
LOWP_HOST_DEVICE posit<N, ES> fmin(posit<N, ES> x, posit<N, ES> y) noexcept {
  return isnar(x) ? y : isnar(y) ? x : (y < x ? y : x);
}
template <int N, int ES>
LOWP_HOST_DEVICE posit<N, ES> fmax(posit<N, ES> x, posit<N, ES> y) noexcept {
  return isnar(x) ? y : isnar(y) ? x : (x < y ? y : x);
}

}  // namespace lowp
