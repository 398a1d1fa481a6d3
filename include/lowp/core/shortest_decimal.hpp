// Shortest decimal printing for formats narrower than double: the fewest significant digits whose decimal
// value rounds back to the same code. The caller supplies the round-trip test.
#pragma once

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

namespace lowp::core {

template <class RoundsBack>
std::string shortest_decimal(double value, RoundsBack rounds_back) {
  if (std::isnan(value)) return std::signbit(value) ? "-nan" : "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  if (value == 0.0) return std::signbit(value) ? "-0" : "0";
  char buffer[64];
  // Whole numbers print in full: "448" reads better than the equally short-round-tripping "450".
  if (std::fabs(value) < 1e9 && value == std::trunc(value)) {
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value)).ptr;
    return std::string(buffer, end);
  }
  for (int digits = 1; digits <= 17; ++digits) {
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, digits);
    double parsed = 0.0;
    std::from_chars(buffer, result.ptr, parsed);
    if (rounds_back(parsed)) return std::string(buffer, result.ptr);
  }
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;  // exact shortest for double
  return std::string(buffer, end);
}

}  // namespace lowp::core
