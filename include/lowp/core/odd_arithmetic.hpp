// Binary64 arithmetic rounded to odd (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums:
// proved algorithms using rounding to odd", IEEE TC 2008). For a target of p <= 51 bits, rounding the
// round-to-odd binary64 result once more, under any direction, equals rounding the exact result directly:
// an inexact odd result is never a p-bit number and lies strictly between the same p-bit neighbours.
// Plain binary64 results (round to nearest) are enough only for the nearest modes with 53 >= 2p + 2.
#pragma once

#include <bit>
#include <cstdint>

#include "bit.hpp"
#include "config.hpp"
#include "libm.hpp"

namespace lowp::core {

// Moves a round-to-nearest result r of an exact value x to the odd neighbour of x when x != r.
// `x_above` says whether x > r. Overflow is out of scope: callers' operands are far inside binary64.
LOWP_HOST_DEVICE inline double make_odd(double r, bool inexact, bool x_above) noexcept {
  if (!inexact) return r;
  std::uint64_t bits = core::bit_cast<std::uint64_t>(r);
  if ((bits & 1) != 0) return r;  // r is already the odd neighbour
  // Step one ulp toward x: magnitude up when x is farther from zero than r.
  const bool negative = (bits >> 63) != 0;
  const bool magnitude_up = x_above != negative;
  if (r == 0.0) {
    // x is a nonzero tiny value: the odd neighbour is the smallest subnormal with x's sign.
    return x_above ? core::bit_cast<double>(std::uint64_t(1)) : -core::bit_cast<double>(std::uint64_t(1));
  }
  bits = magnitude_up ? bits + 1 : bits - 1;
  return core::bit_cast<double>(bits);
}

// a + b, exact or odd (TwoSum recovers the rounding error exactly).
LOWP_HOST_DEVICE inline double add_odd(double a, double b) noexcept {
  const double s = a + b;
  const double bv = s - a;
  const double av = s - bv;
  const double error = (a - av) + (b - bv);
  if (!core::libm::isfinite(s)) return s;
  return make_odd(s, error != 0.0, error > 0.0);
}

// a * b for operands of at most 26 significant bits each: exact in binary64, nothing to do.
LOWP_HOST_DEVICE inline double multiply_exact(double a, double b) noexcept {
  return a * b;
}

// a / b, odd: the remainder a - q*b is exact with one fma.
LOWP_HOST_DEVICE inline double divide_odd(double a, double b) noexcept {
  const double q = a / b;
  if (!core::libm::isfinite(q) || q == 0.0) {
    if (q == 0.0 && a != 0.0 && core::libm::isfinite(b))
      return make_odd(q, true, core::libm::signbit(a) == core::libm::signbit(b));
    return q;
  }
  const double remainder = core::libm::fma(-q, b, a);
  // x = a/b = q + remainder/b.
  return make_odd(q, remainder != 0.0, (remainder > 0.0) == (b > 0.0));
}

// sqrt(a), odd.
LOWP_HOST_DEVICE inline double sqrt_odd(double a) noexcept {
  const double r = core::libm::sqrt(a);
  if (!core::libm::isfinite(r) || r == 0.0) return r;
  const double remainder = core::libm::fma(-r, r, a);
  return make_odd(r, remainder != 0.0, remainder > 0.0);
}

// a * b + c with one rounding to odd: the product is exact (narrow operands), so only the sum rounds.
LOWP_HOST_DEVICE inline double fma_odd(double a, double b, double c) noexcept {
  return add_odd(a * b, c);
}

}  // namespace lowp::core
