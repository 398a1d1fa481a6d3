// posit_format<N, ES>: the constants of an N-bit posit with ES exponent bits (Posit Standard 2022, with ES
// free as in the 2017 draft). The codec and the arithmetic, branch-free over lanes, are in posit_lanes.hpp.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../core/config.hpp"

namespace lowp {

template <int N, int ES>
struct posit_format {
  static_assert(N >= 2 && N <= 32, "posit<N, ES>: N (the width in bits) must be between 2 and 32");
  static_assert(ES >= 0 && ES <= 4, "posit<N, ES>: ES (the exponent field width) must be between 0 and 4");

  static constexpr int bits = N;
  static constexpr int exponent_bits = ES;
  // Smallest unsigned integer that holds a code.
  using storage_type =
      std::conditional_t<(N <= 8), std::uint8_t, std::conditional_t<(N <= 16), std::uint16_t, std::uint32_t>>;
  static constexpr std::uint32_t code_mask = N == 32 ? 0xffffffffu : (std::uint32_t(1) << N) - 1;
  static constexpr std::uint32_t nar_code = std::uint32_t(1) << (N - 1);  // also the sign bit
  static constexpr std::uint32_t maxpos_code = nar_code - 1;
  static constexpr std::uint32_t minpos_code = 1;
  // useed = 2^(2^ES); maxpos = useed^(N-2), minpos = its reciprocal.
  static constexpr int max_scale = (N - 2) << ES;
  static constexpr int min_scale = -max_scale;
  // Most fraction bits any value has (next to 1, where the regime is 2 bits long); 0 if none.
  static constexpr int max_fraction_bits = N - 3 - ES > 0 ? N - 3 - ES : 0;
};

namespace posit_detail {

// The code sign-extended from N bits, as the Standard orders posits: as two's-complement integers.
template <int N>
LOWP_HOST_DEVICE constexpr std::int32_t signed_code(std::uint32_t code) noexcept {
  return static_cast<std::int32_t>(code << (32 - N)) >> (32 - N);
}

// A code that is neither 0 nor NaR, decoded (posit_lanes.hpp): |x| = sig * 2^(scale - 31), the hidden bit
// of sig at bit 31.
struct decoded {
  bool negative;
  int scale;
  std::uint32_t sig;
};

}  // namespace posit_detail
}  // namespace lowp
