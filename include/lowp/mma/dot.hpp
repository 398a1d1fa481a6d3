// lowp::mma::dot<U>: one dot product through a matrix unit, any length K, as the unit chains it: steps of
// U::fused_width products in k order from c, each step's rounded output the next step's c. K = 0 returns c.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/bit.hpp"
#include "../core/config.hpp"
#include "unit.hpp"

namespace lowp::mma {

namespace detail {

template <class Algorithm>
inline constexpr bool is_tree = false;
template <int W, bool F>
inline constexpr bool is_tree<amd_fp32_tree<W, F>> = true;

template <class T>
LOWP_HOST_DEVICE float tree_input(T x, bool flush) noexcept {
  const float v = static_cast<float>(x);
  if constexpr (!std::is_same_v<T, float>) {
    // CDNA2 flushes subnormal inputs (in their own format) to +0.
    if (flush && v != 0.0f && std::fabs(v) < static_cast<float>(T::format::min_normal())) return 0.0f;
  } else {
    if (flush && v != 0.0f && std::fabs(v) < 0x1p-126f) return 0.0f;
  }
  return v;
}
LOWP_HOST_DEVICE constexpr std::size_t min_of(std::size_t a, std::size_t b) noexcept {
  return a < b ? a : b;
}
template <class Algorithm>
inline constexpr bool tree_flushes = false;
template <int W>
inline constexpr bool tree_flushes<amd_fp32_tree<W, true>> = true;

// One step of an operand-based algorithm on decoded operands.
template <class U>
LOWP_HOST_DEVICE typename U::d_type run_step(const operand* a, const operand* b, int count,
                                             typename U::d_type c) noexcept {
  using D = typename U::d_type;
  return U::algorithm::template step<D, fraction_bits_of<typename U::a_type>,
                                     fraction_bits_of<typename U::b_type>, fraction_bits_of<D>>(
      a, b, count, decode_operand(c));
}

// The chain over already decoded operands (the GEMM decodes each operand once).
template <class U>
LOWP_HOST_DEVICE typename U::d_type chain_decoded(const operand* a, const operand* b, std::size_t k,
                                                  typename U::d_type c) noexcept {
  constexpr std::size_t w = U::fused_width;
  for (std::size_t k0 = 0; k0 < k; k0 += w) {
    c = run_step<U>(a + k0, b + k0, int(min_of(w, k - k0)), c);
  }
  return c;
}

// The chain on the operands themselves.
template <class U>
LOWP_HOST_DEVICE typename U::d_type chain(const typename U::a_type* a, const typename U::b_type* b,
                                          std::size_t k, typename U::d_type c) noexcept {
  using Algorithm = typename U::algorithm;
  constexpr int w = U::fused_width;
  if constexpr (std::is_same_v<Algorithm, fma_chain>) {
    for (std::size_t i = 0; i < k; ++i) c = std::fma(a[i], b[i], c);
    return c;
  } else if constexpr (is_tree<Algorithm>) {
    constexpr bool flush = tree_flushes<Algorithm>;
    float x[w], y[w];
    c = tree_input(c, flush);
    for (std::size_t k0 = 0; k0 < k; k0 += w) {
      const int count = int(min_of(w, k - k0));
      for (int i = 0; i < count; ++i) {
        x[i] = tree_input(a[k0 + i], flush);
        y[i] = tree_input(b[k0 + i], flush);
      }
      c = Algorithm::step(x, y, count, c);
    }
    return c;
  } else {
    operand x[w], y[w];
    for (std::size_t k0 = 0; k0 < k; k0 += w) {
      const int count = int(min_of(w, k - k0));
      for (int i = 0; i < count; ++i) {
        x[i] = decode_operand(a[k0 + i]);
        y[i] = decode_operand(b[k0 + i]);
      }
      c = run_step<U>(x, y, count, c);
    }
    return c;
  }
}

// ---- Block-scaled units ---------------------------------------------------------------------------------
// A scale code as an operand: E8M0 is 2^(code - 127) (significand 1, 0 fraction bits); a ue4m3 scale is an
// e4m3 magnitude whose sign bit is ignored (3 fraction bits).
template <class S>
LOWP_HOST_DEVICE constexpr operand decode_scale(S s) noexcept {
  if constexpr (std::is_same_v<S, float8_e8m0fnu>) {
    operand x;
    x.exponent = int(s.bits()) - 127;
    x.significand = 1;
    x.kind = s.bits() == 0xff ? operand_kind::nan : operand_kind::finite;
    return x;
  } else {
    return decode_operand(float8_e4m3fn::from_bits(std::uint8_t(s.bits() & 0x7f)));
  }
}
template <class S>
inline constexpr int scale_fraction_bits = std::is_same_v<S, float8_e8m0fnu> ? 0 : 3;

// Block-scaled chain on decoded elements and scales. A partial last block is padded with zeros under its own
// scale (what a quantized matrix holds); a group of kind::mxf4nvf4 whose block is absent takes no part.
template <class U>
LOWP_HOST_DEVICE float block_chain_decoded(const operand* a, const operand* sa, const operand* b,
                                           const operand* sb, std::size_t k, float c) noexcept {
  using Algorithm = typename U::algorithm;
  constexpr int block = U::block_size;
  const std::size_t blocks = (k + block - 1) / block;
  if constexpr (std::is_same_v<Algorithm, nv_fp4_groups>) {
    constexpr int w = Algorithm::width, g = Algorithm::group;
    constexpr int fs = scale_fraction_bits<typename U::a_scale>;
    operand x[w], y[w], gsa[4], gsb[4];
    for (std::size_t k0 = 0; k0 < k; k0 += w) {
      int groups = 0;
      bool nan = false;
      for (int j = 0; j < 4; ++j) {
        const std::size_t index = (k0 + std::size_t(j) * g) / block;
        if (index >= blocks) break;
        gsa[j] = sa[index];
        gsb[j] = sb[index];
        nan = nan || sa[index].kind == operand_kind::nan || sb[index].kind == operand_kind::nan;
        ++groups;
      }
      const int present = groups * g < w ? groups * g : w;
      for (int i = 0; i < present; ++i) {
        const bool inside = k0 + i < k;
        x[i] = inside ? a[k0 + i] : operand{};
        y[i] = inside ? b[k0 + i] : operand{};
      }
      c = Algorithm::template step<fs>(x, y, present, gsa, gsb, groups, nan, decode_operand(c));
    }
    return c;
  } else {
    constexpr int fa = fraction_bits_of<typename U::a_element>, fb = fraction_bits_of<typename U::b_element>;
    operand x[block], y[block];
    for (std::size_t s = 0; s < blocks; ++s) {
      const std::size_t k0 = s * block;
      for (int i = 0; i < block; ++i) {
        const bool inside = k0 + i < k;
        x[i] = inside ? a[k0 + i] : operand{};
        y[i] = inside ? b[k0 + i] : operand{};
      }
      const bool nan = sa[s].kind == operand_kind::nan || sb[s].kind == operand_kind::nan;
      c = Algorithm::template step<float, fa, fb, 23>(x, y, block, decode_operand(c),
                                                      sa[s].exponent + sb[s].exponent, nan);
    }
    return c;
  }
}

// The promotion's fp32 addition (CUDA cores: nearest even, NaN results are NVIDIA's 0x7FFFFFFF).
LOWP_HOST_DEVICE inline float promote_add(float accumulator, float part) noexcept {
  const float sum = accumulator + part;
  return sum != sum ? nvidia_nan<float>() : sum;
}

[[noreturn]] inline void throw_size_mismatch(const char* what, std::size_t a, std::size_t b) {
  throw std::invalid_argument(std::string("lowp::mma::dot: ") + what + " have different lengths (" +
                              std::to_string(a) + " and " + std::to_string(b) + ")");
}

}  // namespace detail

// D = the unit's chain of a[0..k) . b[0..k) from c; also in CUDA device code.
template <class U>
requires(!U::block_scaled) LOWP_HOST_DEVICE typename U::d_type
    dot(const typename U::a_type* a, const typename U::b_type* b, std::size_t k,
        typename U::d_type c) noexcept {
  return detail::chain<U>(a, b, k, c);
}

// D = the unit's chain of a . b from c.
template <class U>
requires(!U::block_scaled) typename U::d_type
    dot(std::span<const typename U::a_type> a, std::span<const typename U::b_type> b, typename U::d_type c) {
  if (a.size() != b.size()) detail::throw_size_mismatch("a and b", a.size(), b.size());
  return detail::chain<U>(a.data(), b.data(), a.size(), c);
}

// Block-scaled units: elements and one scale per U::block_size elements along K.
template <class U>
requires U::block_scaled float dot(std::span<const typename U::a_element> a,
                                   std::span<const typename U::a_scale> a_scales,
                                   std::span<const typename U::b_element> b,
                                   std::span<const typename U::b_scale> b_scales, float c) {
  if (a.size() != b.size()) detail::throw_size_mismatch("a and b", a.size(), b.size());
  const std::size_t blocks = (a.size() + U::block_size - 1) / U::block_size;
  if (a_scales.size() != blocks)
    detail::throw_size_mismatch("a's scales and a's blocks", a_scales.size(), blocks);
  if (b_scales.size() != blocks)
    detail::throw_size_mismatch("b's scales and b's blocks", b_scales.size(), blocks);
  std::vector<operand> x(a.size()), y(a.size()), sx(blocks), sy(blocks);
  for (std::size_t i = 0; i < a.size(); ++i) {
    x[i] = decode_operand(a[i]);
    y[i] = decode_operand(b[i]);
  }
  for (std::size_t i = 0; i < blocks; ++i) {
    sx[i] = detail::decode_scale(a_scales[i]);
    sy[i] = detail::decode_scale(b_scales[i]);
  }
  return detail::block_chain_decoded<U>(x.data(), sx.data(), y.data(), sy.data(), a.size(), c);
}

// DeepSeek-V3's promotion: the unit restarts from +0 every p.k products; each chunk's result is added into
// an fp32 accumulator that starts at c, with IEEE fp32 nearest even.
template <class U>
requires(!U::block_scaled) float dot(std::span<const typename U::a_type> a,
                                     std::span<const typename U::b_type> b, float c, promote_every p) {
  static_assert(std::is_same_v<typename U::d_type, float>,
                "lowp::mma::promote_every needs a unit with D = float");
  if (a.size() != b.size()) detail::throw_size_mismatch("a and b", a.size(), b.size());
  if (p.k < 1)
    throw std::invalid_argument("lowp::mma::promote_every{k}: k must be at least 1, got " +
                                std::to_string(p.k));
  for (std::size_t k0 = 0; k0 < a.size(); k0 += std::size_t(p.k)) {
    const std::size_t n = detail::min_of(std::size_t(p.k), a.size() - k0);
    c = detail::promote_add(c, detail::chain<U>(a.data() + k0, b.data() + k0, n, 0.0f));
  }
  return c;
}

// Hardware TF32 operands are fp32 bit patterns whose low 13 bits are ignored (truncation, not rounding).
LOWP_HOST_DEVICE inline tfloat32 truncate_to_tfloat32(float x) noexcept {
  return tfloat32::from_bits(std::uint32_t(core::bit_cast<std::uint32_t>(x) >> 13));
}

}  // namespace lowp::mma
