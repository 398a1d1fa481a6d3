// Elementary functions of minifloats, found by argument-dependent lookup (as Eigen's algorithms call them).
// Each is computed in binary64 and rounded once with the type's policy. Binary64 carries 29+ more bits than
// any minifloat, so the result is the correctly rounded one except in rare hard-to-round cases of the
// transcendental functions (exp, log, pow, sin, ...); min, max, floor, ceil, trunc and round are exact.
// In CUDA device code the binary64 functions are CUDA's (a few ulps of binary64 for some), so a device
// result can differ from the host's in those same rare cases.
#pragma once

#include "../core/config.hpp"
#include "../core/libm.hpp"
#include "minifloat_scalar.hpp"

namespace lowp {

#define LOWP_MINIFLOAT_UNARY(name)                                                   \
  template <class F, class R, class O>                                               \
  LOWP_HOST_DEVICE minifloat<F, R, O> name(minifloat<F, R, O> x) noexcept {          \
    return minifloat<F, R, O>::round_from(core::libm::name(static_cast<double>(x))); \
  }
LOWP_MINIFLOAT_UNARY(exp)
LOWP_MINIFLOAT_UNARY(expm1)
LOWP_MINIFLOAT_UNARY(exp2)
LOWP_MINIFLOAT_UNARY(log)
LOWP_MINIFLOAT_UNARY(log1p)
LOWP_MINIFLOAT_UNARY(log2)
LOWP_MINIFLOAT_UNARY(log10)
LOWP_MINIFLOAT_UNARY(sin)
LOWP_MINIFLOAT_UNARY(cos)
LOWP_MINIFLOAT_UNARY(tan)
LOWP_MINIFLOAT_UNARY(asin)
LOWP_MINIFLOAT_UNARY(acos)
LOWP_MINIFLOAT_UNARY(atan)
LOWP_MINIFLOAT_UNARY(sinh)
LOWP_MINIFLOAT_UNARY(cosh)
LOWP_MINIFLOAT_UNARY(tanh)
LOWP_MINIFLOAT_UNARY(cbrt)
LOWP_MINIFLOAT_UNARY(floor)
LOWP_MINIFLOAT_UNARY(ceil)
LOWP_MINIFLOAT_UNARY(trunc)
LOWP_MINIFLOAT_UNARY(round)
LOWP_MINIFLOAT_UNARY(rint)
#undef LOWP_MINIFLOAT_UNARY

template <class F, class R, class O>
LOWP_HOST_DEVICE minifloat<F, R, O> pow(minifloat<F, R, O> x, minifloat<F, R, O> y) noexcept {
  return minifloat<F, R, O>::round_from(core::libm::pow(static_cast<double>(x), static_cast<double>(y)));
}
template <class F, class R, class O>
LOWP_HOST_DEVICE minifloat<F, R, O> atan2(minifloat<F, R, O> y, minifloat<F, R, O> x) noexcept {
  return minifloat<F, R, O>::round_from(core::libm::atan2(static_cast<double>(y), static_cast<double>(x)));
}
template <class F, class R, class O>
LOWP_HOST_DEVICE minifloat<F, R, O> hypot(minifloat<F, R, O> x, minifloat<F, R, O> y) noexcept {
  return minifloat<F, R, O>::round_from(core::libm::hypot(static_cast<double>(x), static_cast<double>(y)));
}
// IEEE minNum/maxNum: a NaN operand is ignored.
template <class F, class R, class O>
LOWP_HOST_DEVICE minifloat<F, R, O> fmin(minifloat<F, R, O> x, minifloat<F, R, O> y) noexcept {
  return isnan(x) ? y : isnan(y) ? x : (y < x ? y : x);
}
template <class F, class R, class O>
LOWP_HOST_DEVICE minifloat<F, R, O> fmax(minifloat<F, R, O> x, minifloat<F, R, O> y) noexcept {
  return isnan(x) ? y : isnan(y) ? x : (x < y ? y : x);
}
template <class F, class R, class O>
LOWP_HOST_DEVICE minifloat<F, R, O> fabs(minifloat<F, R, O> x) noexcept {
  return abs(x);
}

}  // namespace lowp
