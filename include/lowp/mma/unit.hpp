// lowp::mma::unit<Arch, A, B, D>: which matrix units exist and which algorithm of MMA.md each runs.
// A combination that no unit of Arch computes fails to compile with a message that lists what Arch has.
#pragma once

#include <type_traits>

#include "../block/block_format.hpp"
#include "../float/named_formats.hpp"
#include "algorithms.hpp"
#include "architectures.hpp"

namespace lowp::mma {

namespace detail {

template <class T, class... U>
inline constexpr bool one_of = (std::is_same_v<T, U> || ...);

template <class T>
inline constexpr bool nvidia_fp8 = one_of<T, float8_e4m3fn, float8_e5m2>;
template <class T>
inline constexpr bool nvidia_f8f6f4 =
    one_of<T, float8_e4m3fn, float8_e5m2, float6_e3m2fn, float6_e2m3fn, float4_e2m1fn>;
template <class T>
inline constexpr bool amd_fp8 = one_of<T, float8_e4m3fnuz, float8_e5m2fnuz>;
template <class D>
inline constexpr bool f32_or_f16 = one_of<D, float, float16>;

// Block formats the Blackwell kinds take: OCP MX elements with E8M0 scales per 32 (kind::mxf8f6f4) and
// the e2m1 layouts of kind::mxf4nvf4 (E8M0 per 32 or 16, E4M3 per 16; E4M3 per 32 on sm_120 only).
template <class F>
struct block_traits {
  static constexpr bool is_block = false, mx = false, fp4 = false, scale_e4m3_32 = false;
};
template <class E, class S, int Block, class Rule, int Tile>
struct block_traits<block_format<E, S, Block, Rule, Tile>> {
  static constexpr bool is_block = true;
  static constexpr bool mx = nvidia_f8f6f4<E> && std::is_same_v<S, float8_e8m0fnu> && Block == 32;
  static constexpr bool fp4 = std::is_same_v<E, float4_e2m1fn> &&
                              ((std::is_same_v<S, float8_e8m0fnu> && (Block == 32 || Block == 16)) ||
                               (std::is_same_v<S, float8_e4m3fn> && (Block == 16 || Block == 32)));
  static constexpr bool scale_e4m3_32 = std::is_same_v<S, float8_e4m3fn> && Block == 32;
};
// kind::mxf4 / mxf4nvf4 when both sides are the same e2m1 layout; kind::mxf8f6f4 otherwise.
template <class FA, class FB>
inline constexpr bool fp4_kind = std::is_same_v<FA, FB>&& block_traits<FA>::fp4;
template <class FA, class FB>
inline constexpr bool mx_kind = block_traits<FA>::mx&& block_traits<FB>::mx && !fp4_kind<FA, FB>;

template <class Arch, class A, class B, class D, class Algorithm>
struct unit_definition {
  using arch = Arch;
  using a_type = A;
  using b_type = B;
  using d_type = D;
  using algorithm = Algorithm;
  static constexpr bool block_scaled = false;
  static constexpr int fused_width = Algorithm::width;
  static constexpr int fraction_bits = Algorithm::fraction_bits;
};

template <class Arch, class FA, class FB, class Algorithm>
struct block_unit_definition : unit_definition<Arch, FA, FB, float, Algorithm> {
  static constexpr bool block_scaled = true;
  using a_element = typename FA::element_type;
  using b_element = typename FB::element_type;
  using a_scale = typename FA::scale_type;
  using b_scale = typename FB::scale_type;
  static constexpr int block_size = FA::block_size;
};

template <class T>
inline constexpr bool always_false = false;

}  // namespace detail

// Unsupported combinations land here.
template <class Arch, class A, class B, class D>
struct unit {
  static_assert(
      !std::is_same_v<Arch, volta> || detail::always_false<A>,
      "lowp::mma::unit<volta, A, B, D>: Volta (sm_70 mma.m8n8k4) has A = B = float16 with D = float "
      "or float16");
  static_assert(!std::is_same_v<Arch, turing> || detail::always_false<A>,
                "lowp::mma::unit<turing, A, B, D>: Turing (sm_75) has A = B = float16 with D = float or "
                "float16");
  static_assert(
      !detail::one_of<Arch, ampere> || detail::always_false<A>,
      "lowp::mma::unit<ampere, A, B, D>: Ampere has float16 x float16 -> float or float16, bfloat16 x "
      "bfloat16 -> float, tfloat32 x tfloat32 -> float, double x double -> double");
  static_assert(!detail::one_of<Arch, ada> || detail::always_false<A>,
                "lowp::mma::unit<ada, A, B, D>: Ada has float16 x float16 -> float or float16, bfloat16 -> "
                "float, tfloat32 -> float, and A, B each float8_e4m3fn or float8_e5m2 -> float or float16");
  static_assert(
      !detail::one_of<Arch, hopper> || detail::always_false<A>,
      "lowp::mma::unit<hopper, A, B, D>: Hopper has float16 x float16 -> float or float16, bfloat16 "
      "-> float, tfloat32 -> float, A, B each float8_e4m3fn or float8_e5m2 -> float or float16, "
      "double x double -> double");
  static_assert(
      !detail::one_of<Arch, blackwell, rtx_blackwell> || detail::always_false<A>,
      "lowp::mma::unit<blackwell or rtx_blackwell, A, B, D>: kind::f16 (float16 -> float or float16, "
      "bfloat16 -> float), kind::tf32 (tfloat32 -> float), kind::f8f6f4 (A, B each float8_e4m3fn, "
      "float8_e5m2, float6_e3m2fn, float6_e2m3fn or float4_e2m1fn -> float or float16), "
      "kind::mxf8f6f4 (A, B each mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3 or mxfp4 -> float), "
      "kind::mxf4nvf4 (mxfp4 x mxfp4, e2m1 with E8M0 scales per 16, nvfp4 x nvfp4 -> float; E4M3 "
      "scales per 32 on rtx_blackwell only)");
  static_assert(
      !detail::one_of<Arch, blackwell_mma_sync> || detail::always_false<A>,
      "lowp::mma::unit<blackwell_mma_sync, A, B, D>: sm_100 mma.sync has float16 -> float or float16, "
      "bfloat16 -> float, tfloat32 -> float, and A, B each float8_e4m3fn or float8_e5m2 -> float "
      "(provisional); FP8 -> float16 through mma.sync is not understood (MMA.md 9.3)");
  static_assert(
      !detail::one_of<Arch, cdna1> || detail::always_false<A>,
      "lowp::mma::unit<cdna1, A, B, D>: CDNA1 has float x float -> float, float16 x float16 -> float, "
      "bfloat16 x bfloat16 -> float");
  static_assert(!detail::one_of<Arch, cdna2> || detail::always_false<A>,
                "lowp::mma::unit<cdna2, A, B, D>: CDNA2 has float -> float, double -> double, float16 -> "
                "float, bfloat16 -> float");
  static_assert(!detail::one_of<Arch, cdna3> || detail::always_false<A>,
                "lowp::mma::unit<cdna3, A, B, D>: CDNA3 has float16 -> float, bfloat16 -> float, tfloat32 "
                "(xf32) -> float, A, B each float8_e4m3fnuz or float8_e5m2fnuz -> float, float -> float, "
                "double -> double");
  static_assert(
      detail::one_of<Arch, volta, turing, ampere, ada, hopper, blackwell, blackwell_mma_sync, rtx_blackwell,
                     cdna1, cdna2, cdna3>,
      "lowp::mma::unit<Arch, ...>: Arch must be one of lowp::mma::volta, turing, ampere, ada, hopper, "
      "blackwell, blackwell_mma_sync, rtx_blackwell, cdna1, cdna2, cdna3");
};

// ---- NVIDIA -------------------------------------------------------------------------------------------
namespace detail {
template <int W, int N, class D>
using nv_fused_for =
    nv_fused_dot_add<W, N, std::conditional_t<std::is_same_v<D, float>, fp32_toward_zero, fp16_nearest_even>>;
template <int W, int N, class D>
using nv_fp8_for =
    nv_fused_dot_add<W, N,
                     std::conditional_t<std::is_same_v<D, float>, e8m13_toward_zero, fp16_nearest_even>>;
}  // namespace detail

template <class D>
requires detail::f32_or_f16<D>
struct unit<volta, float16, float16, D>
    : detail::unit_definition<volta, float16, float16, D, detail::nv_fused_for<4, 23, D>> {
};
template <class D>
requires detail::f32_or_f16<D>
struct unit<turing, float16, float16, D>
    : detail::unit_definition<turing, float16, float16, D, detail::nv_fused_for<8, 24, D>> {
};

// Ampere and Ada: steps of 8 (tf32: 4) with 24 fraction bits; Ada's FP8: steps of 16, 13-bit sums.
template <class Arch, class D>
requires(detail::one_of<Arch, ampere, ada>&& detail::f32_or_f16<D>) struct unit<Arch, float16, float16, D>
    : detail::unit_definition<Arch, float16, float16, D, detail::nv_fused_for<8, 24, D>> {
};
template <class Arch>
requires detail::one_of<Arch, ampere, ada>
struct unit<Arch, bfloat16, bfloat16, float>
    : detail::unit_definition<Arch, bfloat16, bfloat16, float, detail::nv_fused_for<8, 24, float>> {
};
template <class Arch>
requires detail::one_of<Arch, ampere, ada>
struct unit<Arch, tfloat32, tfloat32, float>
    : detail::unit_definition<Arch, tfloat32, tfloat32, float, detail::nv_fused_for<4, 24, float>> {
};
template <class A, class B, class D>
requires(detail::nvidia_fp8<A>&& detail::nvidia_fp8<B>&& detail::f32_or_f16<D>) struct unit<ada, A, B, D>
    : detail::unit_definition<ada, A, B, D, detail::nv_fp8_for<16, 13, D>> {
};

// Hopper, Blackwell, RTX Blackwell: the whole instruction fused (k16 / tf32 k8), 25 fraction bits.
template <class Arch, class D>
requires(detail::one_of<Arch, hopper, blackwell, blackwell_mma_sync, rtx_blackwell>&&
             detail::f32_or_f16<D>) struct unit<Arch, float16, float16, D>
    : detail::unit_definition<Arch, float16, float16, D, detail::nv_fused_for<16, 25, D>> {
};
template <class Arch>
requires detail::one_of<Arch, hopper, blackwell, blackwell_mma_sync, rtx_blackwell>
struct unit<Arch, bfloat16, bfloat16, float>
    : detail::unit_definition<Arch, bfloat16, bfloat16, float, detail::nv_fused_for<16, 25, float>> {
};
template <class Arch>
requires detail::one_of<Arch, hopper, blackwell, blackwell_mma_sync, rtx_blackwell>
struct unit<Arch, tfloat32, tfloat32, float>
    : detail::unit_definition<Arch, tfloat32, tfloat32, float, detail::nv_fused_for<8, 25, float>> {
};
// Hopper FP8 (wgmma k32; mma.sync k32 gives the same fp32 results on the H100 data): one 32-product step
// with 13-bit sums.
template <class A, class B, class D>
requires(detail::nvidia_fp8<A>&& detail::nvidia_fp8<B>&& detail::f32_or_f16<D>) struct unit<hopper, A, B, D>
    : detail::unit_definition<hopper, A, B, D, detail::nv_fp8_for<32, 13, D>> {
};
// tcgen05 kind::f8f6f4 and sm_120 mma kind::f8f6f4: 32 products, 25 fraction bits.
template <class Arch, class A, class B, class D>
requires(detail::one_of<Arch, blackwell, rtx_blackwell>&& detail::nvidia_f8f6f4<A>&&
             detail::nvidia_f8f6f4<B>&& detail::f32_or_f16<D>) struct unit<Arch, A, B, D>
    : detail::unit_definition<Arch, A, B, D, detail::nv_fused_for<32, 25, D>> {
};
// PROVISIONAL (MMA.md 9.3): sm_100 mma.sync FP8 -> fp32, fitted to the B200 data.
template <class A, class B>
requires(detail::nvidia_fp8<A>&& detail::nvidia_fp8<B>) struct unit<blackwell_mma_sync, A, B, float>
    : detail::unit_definition<blackwell_mma_sync, A, B, float, detail::fused_then_add<32, 25>> {
};
// Block-scaled kinds.
template <class Arch, class FA, class FB>
requires(
    detail::one_of<Arch, blackwell, rtx_blackwell>&& detail::mx_kind<FA, FB>) struct unit<Arch, FA, FB, float>
    : detail::block_unit_definition<Arch, FA, FB,
                                    detail::nv_fused_dot_add<32, 25, detail::fp32_toward_zero>> {
};
template <class Arch, class F>
requires(detail::one_of<Arch, blackwell, rtx_blackwell>&& detail::fp4_kind<F, F> &&
         (std::is_same_v<Arch, rtx_blackwell> ||
          !detail::block_traits<F>::scale_e4m3_32)) struct unit<Arch, F, F, float>
    : detail::block_unit_definition<Arch, F, F, detail::nv_fp4_groups> {
};

// NVIDIA fp64 (DMMA).
template <class Arch>
requires detail::one_of<Arch, ampere, hopper>
struct unit<Arch, double, double, double>
    : detail::unit_definition<Arch, double, double, double, detail::fma_chain> {
};

// ---- AMD ----------------------------------------------------------------------------------------------
template <class Arch>
requires detail::one_of<Arch, cdna1, cdna2, cdna3>
struct unit<Arch, float, float, float>
    : detail::unit_definition<Arch, float, float, float, detail::fma_chain> {
};
template <class Arch>
requires detail::one_of<Arch, cdna2, cdna3>
struct unit<Arch, double, double, double>
    : detail::unit_definition<Arch, double, double, double, detail::fma_chain> {
};
template <>
struct unit<cdna1, float16, float16, float>
    : detail::unit_definition<cdna1, float16, float16, float, detail::amd_fp32_tree<4, false>> {};
template <>
struct unit<cdna1, bfloat16, bfloat16, float>
    : detail::unit_definition<cdna1, bfloat16, bfloat16, float, detail::amd_fp32_tree<2, false>> {};
template <>
struct unit<cdna2, float16, float16, float>
    : detail::unit_definition<cdna2, float16, float16, float, detail::amd_fp32_tree<4, true>> {};
// bf16_1k: groups of 4 (MI200's older bf16 instructions use groups of 2; not modelled separately).
template <>
struct unit<cdna2, bfloat16, bfloat16, float>
    : detail::unit_definition<cdna2, bfloat16, bfloat16, float, detail::amd_fp32_tree<4, true>> {};
template <class T>
requires detail::one_of<T, float16, bfloat16>
struct unit<cdna3, T, T, float>
    : detail::unit_definition<cdna3, T, T, float, detail::amd_fused_round_down<8, false>> {
};
template <>
struct unit<cdna3, tfloat32, tfloat32, float>
    : detail::unit_definition<cdna3, tfloat32, tfloat32, float, detail::amd_fused_round_down<4, false>> {};
template <class A, class B>
requires(detail::amd_fp8<A>&& detail::amd_fp8<B>) struct unit<cdna3, A, B, float>
    : detail::unit_definition<cdna3, A, B, float, detail::amd_fused_round_down<16, true>> {
};

}  // namespace lowp::mma
