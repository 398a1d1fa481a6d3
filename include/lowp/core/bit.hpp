// The <bit> functions the scalar layer uses, callable from host and CUDA device code. Without a CUDA
// compiler these are the standard functions themselves (using-declarations: the host build is unchanged).
// Under nvcc, std::bit_cast and friends are constexpr __host__ functions that device code may not call, so
// each becomes a LOWP_HOST_DEVICE function that forwards to the standard one on the host pass and uses the
// compiler builtins (which nvcc, clang and GCC all accept, also in constant expressions) on the device pass.
#pragma once

#include <bit>
#include <limits>
#include <type_traits>

#include "config.hpp"

namespace lowp::core {

#if defined(__CUDACC__)
template <class To, class From>
LOWP_HOST_DEVICE constexpr To bit_cast(const From& from) noexcept {
  static_assert(sizeof(To) == sizeof(From), "bit_cast: both types must have the same size");
  return __builtin_bit_cast(To, from);
}

template <class U>
LOWP_HOST_DEVICE constexpr int countl_zero(U x) noexcept {
  static_assert(std::is_unsigned_v<U>, "countl_zero takes an unsigned integer");
#if LOWP_DEVICE_PASS
  constexpr int digits = sizeof(U) * 8;
  if (x == 0) return digits;
  if constexpr (sizeof(U) <= 4) {
    return __builtin_clz(static_cast<unsigned>(x)) - (32 - digits);
  } else {
    return __builtin_clzll(static_cast<unsigned long long>(x));
  }
#else
  return std::countl_zero(x);
#endif
}

template <class U>
LOWP_HOST_DEVICE constexpr int countr_zero(U x) noexcept {
  static_assert(std::is_unsigned_v<U>, "countr_zero takes an unsigned integer");
#if LOWP_DEVICE_PASS
  if (x == 0) return sizeof(U) * 8;
  return __builtin_ctzll(static_cast<unsigned long long>(x));
#else
  return std::countr_zero(x);
#endif
}

template <class U>
LOWP_HOST_DEVICE constexpr int bit_width(U x) noexcept {
  return static_cast<int>(sizeof(U) * 8) - core::countl_zero(x);
}
#else
using std::bit_cast;
using std::bit_width;
using std::countl_zero;
using std::countr_zero;
#endif

}  // namespace lowp::core
