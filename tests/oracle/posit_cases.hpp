// The library side of the posit tests: lowp's result for an operation on codes, next to the oracle's
// (posit_reference.hpp, which never sees lowp), plus small helpers the posit test files share.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include <lowp/posit/posit.hpp>

#include "posit_reference.hpp"

namespace posit_cases {

using posit_oracle::op;

// lowp's result code for operation `o` on codes a, b (and c for fma).
template <int N, int ES>
std::uint32_t library(op o, std::uint32_t a, std::uint32_t b, std::uint32_t c = 0) {
  using P = lowp::posit<N, ES>;
  const P x = P::from_bits(a), y = P::from_bits(b), z = P::from_bits(c);
  switch (o) {
    case op::add:
      return (x + y).bits();
    case op::sub:
      return (x - y).bits();
    case op::mul:
      return (x * y).bits();
    case op::div:
      return (x / y).bits();
    case op::sqrt:
      return sqrt(x).bits();
    case op::fma:
      return fma(x, y, z).bits();
  }
  return 0;
}

inline std::string hex(std::uint64_t v) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%llx", static_cast<unsigned long long>(v));
  return buffer;
}

}  // namespace posit_cases
