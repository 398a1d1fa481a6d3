// Shortest decimal printing for formats narrower than double: the fewest significant digits whose decimal
// value rounds back to the same code. The caller supplies the round-trip test.
#pragma once

#include <charconv>
#include <string>
#include <system_error>

#include "libm.hpp"

namespace lowp::core {

template <class RoundsBack>
std::string shortest_decimal(double value, RoundsBack rounds_back) {
  if (core::libm::isnan(value)) return core::libm::signbit(value) ? "-nan" : "nan";
  if (core::libm::isinf(value)) return value < 0 ? "-inf" : "inf";
  if (value == 0.0) return core::libm::signbit(value) ? "-0" : "0";
  char buffer[64];
  // Whole numbers print in full: "448" reads better than the equally short-round-tripping "450".
  if (core::libm::fabs(value) < 1e9 && value == core::libm::trunc(value)) {
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value)).ptr;
    return std::string(buffer, end);
  }
  // At each length try the nearest decimal and its two neighbours in the last digit: next to a power of
  // two the interval that rounds back is lopsided, so the nearest may miss while a neighbour fits.
  for (int digits = 1; digits <= 17; ++digits) {
    const auto nearest =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific, digits - 1);
    // buffer holds d.ddd...e+XX: read the digits as an integer and the decimal exponent.
    long long mantissa = 0;
    const char* p = buffer;
    for (; p != nearest.ptr && *p != 'e'; ++p) {
      if (*p >= '0' && *p <= '9') mantissa = mantissa * 10 + (*p - '0');
    }
    int exponent = 0;
    if (p != nearest.ptr) std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), nearest.ptr, exponent);
    exponent -= digits - 1;
    const bool negative = value < 0;
    double best = 0.0;
    bool found = false;
    for (long long candidate_mantissa : {mantissa, mantissa - 1, mantissa + 1}) {
      if (candidate_mantissa <= 0) continue;
      char candidate_text[48];
      char* end = candidate_text;
      if (negative) *end++ = '-';
      // A 64-bit mantissa, 'e' and an exponent always fit; the checks keep GCC's -Wstringop-overflow
      // from reasoning about a failed to_chars (which returns the buffer's end).
      const auto mantissa_end =
          std::to_chars(end, candidate_text + sizeof candidate_text - 8, candidate_mantissa);
      if (mantissa_end.ec != std::errc{}) continue;
      end = mantissa_end.ptr;
      *end++ = 'e';
      end = std::to_chars(end, candidate_text + sizeof candidate_text, exponent).ptr;
      double candidate = 0.0;
      std::from_chars(candidate_text, end, candidate);
      if (rounds_back(candidate) &&
          (!found || core::libm::fabs(candidate - value) < core::libm::fabs(best - value))) {
        best = candidate;
        found = true;
      }
    }
    if (found) {
      const auto result =
          std::to_chars(buffer, buffer + sizeof buffer, best, std::chars_format::general, digits);
      return std::string(buffer, result.ptr);
    }
  }
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;  // exact shortest for double
  return std::string(buffer, end);
}

}  // namespace lowp::core
