// The named formats of lowp, each paired with its oracle description written as plain numbers
// (exponent bits, mantissa bits, bias, encoding) from the public definitions of the formats (OCP FP8 and
// MX v1.0, IEEE 754, ml_dtypes' documentation), not read from lowp's float_format. The tests cross-check
// these numbers against lowp's constants, and the hand-known max below against both.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>

#include "value_table.hpp"
#include "vectors_dir.hpp"

namespace oracle {

template <class T>
struct named;  // spec: the plain description; known_max: the largest finite value as published

#define ORACLE_NAMED(TYPE, EXP, MAN, BIAS, ENC, MAX)                              \
  template <>                                                                     \
  struct named<lowp::TYPE> {                                                      \
    static constexpr format_spec spec{#TYPE, EXP, MAN, BIAS, encoding_kind::ENC}; \
    static constexpr double known_max = MAX;                                      \
  }

ORACLE_NAMED(float8_e4m3fn, 4, 3, 7, fn, 448.0);
ORACLE_NAMED(float8_e5m2, 5, 2, 15, ieee, 57344.0);
ORACLE_NAMED(float8_e4m3fnuz, 4, 3, 8, fnuz, 240.0);
ORACLE_NAMED(float8_e5m2fnuz, 5, 2, 16, fnuz, 57344.0);
ORACLE_NAMED(float8_e4m3b11fnuz, 4, 3, 11, fnuz, 30.0);
ORACLE_NAMED(float8_e4m3, 4, 3, 7, ieee, 240.0);
ORACLE_NAMED(float8_e3m4, 3, 4, 3, ieee, 15.5);
ORACLE_NAMED(float6_e2m3fn, 2, 3, 1, finite, 7.5);
ORACLE_NAMED(float6_e3m2fn, 3, 2, 3, finite, 28.0);
ORACLE_NAMED(float4_e2m1fn, 2, 1, 1, finite, 6.0);
ORACLE_NAMED(float8_e8m0fnu, 8, 0, 127, unsigned_exponent, 0x1p127);
ORACLE_NAMED(float16, 5, 10, 15, ieee, 65504.0);
ORACLE_NAMED(bfloat16, 8, 7, 127, ieee, 0x1.fep127);
ORACLE_NAMED(tfloat32, 8, 10, 127, ieee, 0x1.ffcp127);

#undef ORACLE_NAMED

// The oracle's table of a named format, built once.
template <class T>
const value_table& table_for() {
  static const value_table table(named<T>::spec);
  return table;
}

// Every named format of at most 16 bits (tfloat32, 19 bits, is sampled separately).
using formats_up_to_16_bits =
    ::testing::Types<lowp::float8_e4m3fn, lowp::float8_e5m2, lowp::float8_e4m3fnuz, lowp::float8_e5m2fnuz,
                     lowp::float8_e4m3b11fnuz, lowp::float8_e4m3, lowp::float8_e3m4, lowp::float6_e2m3fn,
                     lowp::float6_e3m2fn, lowp::float4_e2m1fn, lowp::float8_e8m0fnu, lowp::float16,
                     lowp::bfloat16>;
// The formats for which ml_dtypes reference vectors exist.
using formats_with_mldtypes_vectors =
    ::testing::Types<lowp::float8_e4m3fn, lowp::float8_e5m2, lowp::float8_e4m3fnuz, lowp::float8_e5m2fnuz,
                     lowp::float8_e4m3b11fnuz, lowp::float8_e4m3, lowp::float8_e3m4, lowp::float6_e2m3fn,
                     lowp::float6_e3m2fn, lowp::float4_e2m1fn, lowp::float8_e8m0fnu>;

struct format_name {
  template <class T>
  static std::string GetName(int) {
    return named<T>::spec.name;
  }
};

// lowp's policy tags mapped to the oracle's enums.
template <class R>
constexpr round_mode mode_of() {
  namespace r = lowp::rounding;
  if constexpr (std::is_same_v<R, r::nearest_even>)
    return round_mode::nearest_even;
  else if constexpr (std::is_same_v<R, r::nearest_away>)
    return round_mode::nearest_away;
  else if constexpr (std::is_same_v<R, r::toward_zero>)
    return round_mode::toward_zero;
  else if constexpr (std::is_same_v<R, r::upward>)
    return round_mode::upward;
  else if constexpr (std::is_same_v<R, r::downward>)
    return round_mode::downward;
  else {
    static_assert(std::is_same_v<R, r::to_odd>, "not a deterministic rounding policy");
    return round_mode::to_odd;
  }
}
template <class O>
constexpr overflow_mode overflow_of() {
  return std::is_same_v<O, lowp::overflow::saturate> ? overflow_mode::saturate : overflow_mode::ieee;
}

// T with rounding R and overflow O.
template <class T, class R, class O>
using with_policy = lowp::with_overflow<lowp::with_rounding<T, R>, O>;

// Calls f.template operator()<R, O>() for every deterministic rounding policy R and both overflow
// policies O (12 combinations).
template <class F>
void for_each_policy(F&& f) {
  namespace r = lowp::rounding;
  auto per_overflow = [&]<class O>() {
    f.template operator()<r::nearest_even, O>();
    f.template operator()<r::nearest_away, O>();
    f.template operator()<r::toward_zero, O>();
    f.template operator()<r::upward, O>();
    f.template operator()<r::downward, O>();
    f.template operator()<r::to_odd, O>();
  };
  per_overflow.template operator()<lowp::overflow::ieee>();
  per_overflow.template operator()<lowp::overflow::saturate>();
}

// --- ml_dtypes reference vectors ---------------------------------------------------------------------

// Where the reference vectors live (see vectors_dir.hpp); empty if absent.
inline std::filesystem::path vectors_dir() {
  return test_vectors::find_vectors_dir("mldtypes_decode_float8_e4m3fn.txt");
}

// The data lines of a vector file: pairs of hexadecimal numbers (comment lines start with '#').
struct vector_file {
  bool found = false;
  std::string path;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> rows;
};

inline vector_file read_pairs(const std::string& file_name) {
  vector_file result;
  const auto dir = vectors_dir();
  if (dir.empty()) return result;
  result.path = (dir / file_name).string();
  std::ifstream in(result.path);
  if (!in) return result;
  result.found = true;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::uint64_t a = 0, b = 0;
    fields >> std::hex >> a >> b;
    if (!fields) throw std::runtime_error("bad vector line in " + result.path + ": " + line);
    result.rows.emplace_back(a, b);
  }
  return result;
}

}  // namespace oracle
