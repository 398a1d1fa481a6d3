// The C math functions the scalar layer calls, without <cmath>: in libstdc++ that header also declares the
// C++17 special functions (Bessel, Legendre, zeta: some 10,000 lines of templates), which made <cmath> alone
// cost a fifth of an iostream-only translation unit, as much as the whole minifloat type. GCC and Clang
// offer every one of these functions as a builtin (the same libm function, or the instruction it stands
// for, with the same rounding and errno behaviour), so with them no header is needed; other compilers, and
// CUDA compilers (whose device code has its own math functions), get <cmath>.
#pragma once

#include <cstdint>

#include "bit.hpp"
#include "config.hpp"

#if (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#define LOWP_LIBM_BUILTINS 1
#else
#define LOWP_LIBM_BUILTINS 0
#include <cmath>
#endif

namespace lowp::core::libm {

#if LOWP_LIBM_BUILTINS
#define LOWP_LIBM_UNARY(name)             \
  inline double name(double x) noexcept { \
    return __builtin_##name(x);           \
  }
#define LOWP_LIBM_BINARY(name)                      \
  inline double name(double x, double y) noexcept { \
    return __builtin_##name(x, y);                  \
  }
#else
#define LOWP_LIBM_UNARY(name)                              \
  LOWP_HOST_DEVICE inline double name(double x) noexcept { \
    return std::name(x);                                   \
  }
#define LOWP_LIBM_BINARY(name)                                       \
  LOWP_HOST_DEVICE inline double name(double x, double y) noexcept { \
    return std::name(x, y);                                          \
  }
#endif

LOWP_LIBM_UNARY(sqrt)
LOWP_LIBM_UNARY(fabs)
LOWP_LIBM_UNARY(floor)
LOWP_LIBM_UNARY(ceil)
LOWP_LIBM_UNARY(trunc)
LOWP_LIBM_UNARY(round)
LOWP_LIBM_UNARY(rint)
LOWP_LIBM_UNARY(exp)
LOWP_LIBM_UNARY(expm1)
LOWP_LIBM_UNARY(exp2)
LOWP_LIBM_UNARY(log)
LOWP_LIBM_UNARY(log1p)
LOWP_LIBM_UNARY(log2)
LOWP_LIBM_UNARY(log10)
LOWP_LIBM_UNARY(sin)
LOWP_LIBM_UNARY(cos)
LOWP_LIBM_UNARY(tan)
LOWP_LIBM_UNARY(asin)
LOWP_LIBM_UNARY(acos)
LOWP_LIBM_UNARY(atan)
LOWP_LIBM_UNARY(sinh)
LOWP_LIBM_UNARY(cosh)
LOWP_LIBM_UNARY(tanh)
LOWP_LIBM_UNARY(cbrt)
LOWP_LIBM_BINARY(fmod)
LOWP_LIBM_BINARY(pow)
LOWP_LIBM_BINARY(atan2)
LOWP_LIBM_BINARY(hypot)
#undef LOWP_LIBM_UNARY
#undef LOWP_LIBM_BINARY

#if LOWP_LIBM_BUILTINS
inline double fma(double x, double y, double z) noexcept {
  return __builtin_fma(x, y, z);
}
inline double ldexp(double x, int e) noexcept {
  return __builtin_ldexp(x, e);
}
// Classification: constant-foldable builtins, so these are constexpr as std:: ones are not (before C++23);
// the sign from the bits, since Clang 14 cannot fold __builtin_signbit.
constexpr bool isnan(double x) noexcept {
  return __builtin_isnan(x);
}
constexpr bool isinf(double x) noexcept {
  return __builtin_isinf(x);
}
constexpr bool isfinite(double x) noexcept {
  return __builtin_isfinite(x);
}
constexpr bool signbit(double x) noexcept {
  return (core::bit_cast<std::uint64_t>(x) >> 63) != 0;
}
#else
LOWP_HOST_DEVICE inline double fma(double x, double y, double z) noexcept {
  return std::fma(x, y, z);
}
LOWP_HOST_DEVICE inline double ldexp(double x, int e) noexcept {
  return std::ldexp(x, e);
}
LOWP_HOST_DEVICE inline bool isnan(double x) noexcept {
  return std::isnan(x);
}
LOWP_HOST_DEVICE inline bool isinf(double x) noexcept {
  return std::isinf(x);
}
LOWP_HOST_DEVICE inline bool isfinite(double x) noexcept {
  return std::isfinite(x);
}
LOWP_HOST_DEVICE inline bool signbit(double x) noexcept {
  return std::signbit(x);
}
#endif

}  // namespace lowp::core::libm
