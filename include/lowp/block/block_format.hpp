// block_format: a descriptor of a block-scaled format (element type, scale type, block size, scale rule),
// and the formats people know by name: OCP MX v1.0 (MXFP8, MXFP6, MXFP4, MXINT8), NVIDIA's NVFP4 and
// GPTQ/AWQ-style INT groups.
#pragma once

#include <cstdint>
#include <type_traits>

#include "../float/named_formats.hpp"
#include "element.hpp"
#include "scale_rule.hpp"

namespace lowp {

namespace detail {
template <class S>
inline constexpr bool is_scale_type = std::is_same_v<S, float>;
template <class F, class R, class O>
inline constexpr bool is_scale_type<minifloat<F, R, O>> = true;
}  // namespace detail

// BlockSize consecutive elements along the blocked axis share one scale. TileRows > 1 makes a block a
// TileRows x BlockSize tile instead (one scale for a square tile: nvfp4_2d), so that the same codes serve
// a matrix and its transpose.
template <class Element, class Scale, int BlockSize, class ScaleRule, int TileRows = 1>
struct block_format {
  static_assert(BlockSize >= 1 && BlockSize <= 4096, "block_format: BlockSize must be 1..4096");
  static_assert(TileRows == 1 || TileRows == BlockSize,
                "block_format: a tile must be square (TileRows == BlockSize)");
  static_assert(
      scale_rule::is_rule_v<ScaleRule>,
      "block_format: ScaleRule must be one of lowp::scale_rule::floor, ceil, rceil, even, amax_over_max, "
      "nvfp4_two_level");
  static_assert(detail::is_scale_type<Scale>, "block_format: Scale must be float or a lowp minifloat type");
  static_assert(!scale_rule::is_power_of_two_v<ScaleRule> || std::is_same_v<Scale, float8_e8m0fnu>,
                "block_format: the power-of-two scale rules (floor, ceil, rceil, even) need the E8M0 scale "
                "float8_e8m0fnu");
  static_assert(
      !std::is_same_v<ScaleRule, scale_rule::amax_over_max> || !std::is_same_v<Scale, float8_e8m0fnu>,
      "block_format: amax_over_max needs a scale type with a mantissa (float, float16, bfloat16, e4m3)");
  static_assert(
      !std::is_same_v<ScaleRule, scale_rule::nvfp4_two_level> ||
          (std::is_same_v<Element, float4_e2m1fn> && std::is_same_v<Scale, float8_e4m3fn>),
      "block_format: nvfp4_two_level is defined for float4_e2m1fn elements with float8_e4m3fn scales");

  using element_type = Element;
  using scale_type = Scale;
  using rule = ScaleRule;
  static constexpr int block_size = BlockSize;
  static constexpr int tile_rows = TileRows;
  static constexpr int element_bits = detail::element_traits<Element>::bits;
  static constexpr bool has_tensor_scale = std::is_same_v<ScaleRule, scale_rule::nvfp4_two_level>;
};

// OCP Microscaling Formats (MX) v1.0: blocks of 32, E8M0 shared scale, the floor rule.
using mxfp8_e4m3 = block_format<float8_e4m3fn, float8_e8m0fnu, 32, scale_rule::floor>;
using mxfp8_e5m2 = block_format<float8_e5m2, float8_e8m0fnu, 32, scale_rule::floor>;
using mxfp6_e3m2 = block_format<float6_e3m2fn, float8_e8m0fnu, 32, scale_rule::floor>;
using mxfp6_e2m3 = block_format<float6_e2m3fn, float8_e8m0fnu, 32, scale_rule::floor>;
using mxfp4 = block_format<float4_e2m1fn, float8_e8m0fnu, 32, scale_rule::floor>;
using mxint8 = block_format<int_element<8, 6>, float8_e8m0fnu, 32, scale_rule::floor>;

namespace detail {
template <class F, class Rule>
struct rebind_scale_rule;
template <class E, class S, int B, class R0, int T, class Rule>
struct rebind_scale_rule<block_format<E, S, B, R0, T>, Rule> {
  using type = block_format<E, S, B, Rule, T>;
};
}  // namespace detail

// F with another scale rule: with_scale_rule<mxfp4, scale_rule::ceil>.
template <class F, class Rule>
using with_scale_rule = typename detail::rebind_scale_rule<F, Rule>::type;

// NVFP4: e2m1 elements in blocks of 16 with an e4m3 scale each, under one fp32 scale for the tensor.
using nvfp4 = block_format<float4_e2m1fn, float8_e4m3fn, 16, scale_rule::nvfp4_two_level>;
// The same with 16x16 tiles (one e4m3 scale per tile), as the NVFP4 pretraining recipe uses for weights.
using nvfp4_2d = block_format<float4_e2m1fn, float8_e4m3fn, 16, scale_rule::nvfp4_two_level, 16>;

// Symmetric absmax INT quantisation in groups (GPTQ/AWQ style): scale = amax / (2^(Bits-1) - 1) rounded
// into Scale, codes clipped to +-(2^(Bits-1) - 1) (INT4: -7..7).
template <int Bits, int Group, class Scale = float16>
using int_group = block_format<int_element<Bits, 0>, Scale, Group, scale_rule::amax_over_max>;

template <class F>
struct is_block_format : std::false_type {};
template <class E, class S, int B, class R, int T>
struct is_block_format<block_format<E, S, B, R, T>> : std::true_type {};
template <class F>
inline constexpr bool is_block_format_v = is_block_format<F>::value;

}  // namespace lowp
