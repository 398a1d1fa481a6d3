// Glue between lowp's matrix units and the plain reference (mma_reference.hpp): what each lowp::mma::unit is
// in MMA.md's terms, written from MMA.md's table (§8) and MMA_API's list of units -- not read from the unit's
// own members -- plus code conversions between lowp scalars and the reference's bit patterns.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include <lowp/block/block_format.hpp>
#include <lowp/float/named_formats.hpp>
#include <lowp/mma.hpp>

#include "mma_reference.hpp"

namespace mma_units {

namespace ref = mma_reference;
namespace mma = lowp::mma;

// e2m1 with E8M0 scales per 16 (kind::mxf4nvf4 ue8m0 b16) and with E4M3 scales per 32 (sm_120 only).
using mxfp4_b16 = lowp::block_format<lowp::float4_e2m1fn, lowp::float8_e8m0fnu, 16, lowp::scale_rule::floor>;
using nvfp4_b32 =
    lowp::block_format<lowp::float4_e2m1fn, lowp::float8_e4m3fn, 32, lowp::scale_rule::nvfp4_two_level>;

template <class T>
constexpr ref::format format_of() {
  if constexpr (std::is_same_v<T, lowp::float16>) return ref::format::fp16;
  if constexpr (std::is_same_v<T, lowp::bfloat16>) return ref::format::bf16;
  if constexpr (std::is_same_v<T, lowp::tfloat32>) return ref::format::tf32;
  if constexpr (std::is_same_v<T, lowp::float8_e4m3fn>) return ref::format::e4m3;
  if constexpr (std::is_same_v<T, lowp::float8_e5m2>) return ref::format::e5m2;
  if constexpr (std::is_same_v<T, lowp::float6_e3m2fn>) return ref::format::e3m2;
  if constexpr (std::is_same_v<T, lowp::float6_e2m3fn>) return ref::format::e2m3;
  if constexpr (std::is_same_v<T, lowp::float4_e2m1fn>) return ref::format::e2m1;
  if constexpr (std::is_same_v<T, lowp::float8_e4m3fnuz>) return ref::format::e4m3fnuz;
  if constexpr (std::is_same_v<T, lowp::float8_e5m2fnuz>) return ref::format::e5m2fnuz;
  if constexpr (std::is_same_v<T, float>) return ref::format::fp32;
  if constexpr (std::is_same_v<T, double>) return ref::format::fp64;
}

// The reference's bit pattern of a lowp value (tf32 as the fp32 pattern it stands for) and back.
template <class T>
std::uint64_t code_of(T x) {
  if constexpr (std::is_same_v<T, float>) {
    std::uint32_t b;
    std::memcpy(&b, &x, 4);
    return b;
  } else if constexpr (std::is_same_v<T, double>) {
    std::uint64_t b;
    std::memcpy(&b, &x, 8);
    return b;
  } else if constexpr (std::is_same_v<T, lowp::tfloat32>) {
    return std::uint64_t(x.bits()) << 13;
  } else {
    return x.bits();
  }
}
template <class T>
T from_code(std::uint64_t code) {
  if constexpr (std::is_same_v<T, float>) {
    const std::uint32_t b = std::uint32_t(code);
    float x;
    std::memcpy(&x, &b, 4);
    return x;
  } else if constexpr (std::is_same_v<T, double>) {
    double x;
    std::memcpy(&x, &code, 8);
    return x;
  } else if constexpr (std::is_same_v<T, lowp::tfloat32>) {
    return T::from_bits(typename T::storage_type(code >> 13));
  } else {
    return T::from_bits(typename T::storage_type(code));
  }
}

template <class T, class... U>
inline constexpr bool one_of = (std::is_same_v<T, U> || ...);

template <class T>
inline constexpr bool nv_fp8 = one_of<T, lowp::float8_e4m3fn, lowp::float8_e5m2>;
template <class T>
inline constexpr bool amd_fp8 = one_of<T, lowp::float8_e4m3fnuz, lowp::float8_e5m2fnuz>;
template <class Arch>
inline constexpr bool is_amd = one_of<Arch, mma::cdna1, mma::cdna2, mma::cdna3>;

// What the reference runs for a plain (not block-scaled) unit.
struct plain_model {
  enum kind_t { nv_fda, nv_mma_sync_fp8, amd_fdrd, amd_tree, fma32, fma64 } kind;
  ref::nv_unit nv{};
  int W = 0;  // steps (NV-FDA, AMD); 1 for FMA chains
  int n = 0;  // fraction bits (NV-FDA; 24 for AMD-FDRD; 0 otherwise)
  bool flush = false;
};

// MMA.md §8 (and MMA_API.md) per architecture and input type.
template <class Arch, class A, class B, class D>
plain_model model_of() {
  using namespace mma;
  constexpr ref::format fa = format_of<A>(), fb = format_of<B>();
  if constexpr (std::is_same_v<A, double>) {
    return {plain_model::fma64, {}, 1, 0, false};
  } else if constexpr (std::is_same_v<A, float>) {
    return {plain_model::fma32, {}, 1, 0, false};
  } else if constexpr (is_amd<Arch>) {
    if constexpr (std::is_same_v<Arch, cdna3>) {
      const int w = amd_fp8<A> ? 16 : std::is_same_v<A, lowp::tfloat32> ? 4 : 8;
      return {plain_model::amd_fdrd, {}, w, 24, false};
    } else {
      // CDNA1: f16 groups of 4, bf16 groups of 2; CDNA2: groups of 4 (bf16_1k) with flushing (§7).
      const int w = std::is_same_v<Arch, cdna1> && std::is_same_v<A, lowp::bfloat16> ? 2 : 4;
      return {plain_model::amd_tree, {}, w, 0, std::is_same_v<Arch, cdna2>};
    }
  } else {
    const ref::nv_output out = std::is_same_v<D, lowp::float16>           ? ref::nv_output::f16
                               : (nv_fp8<A> && one_of<Arch, ada, hopper>) ? ref::nv_output::e8m13
                                                                          : ref::nv_output::f32;
    int W = 0, n = 0;
    const bool tf32 = std::is_same_v<A, lowp::tfloat32>;
    if constexpr (std::is_same_v<Arch, volta>) {
      W = 4, n = 23;
    } else if constexpr (std::is_same_v<Arch, turing>) {
      W = 8, n = 24;
    } else if constexpr (one_of<Arch, ampere, ada>) {
      if (nv_fp8<A>)
        W = 16, n = 13;
      else
        W = tf32 ? 4 : 8, n = 24;
    } else if constexpr (std::is_same_v<Arch, hopper>) {
      if (nv_fp8<A>)
        W = 32, n = 13;
      else
        W = tf32 ? 8 : 16, n = 25;
    } else {  // blackwell, blackwell_mma_sync, rtx_blackwell
      if (one_of<A, lowp::float16, lowp::bfloat16>)
        W = 16, n = 25;
      else if (tf32)
        W = 8, n = 25;
      else
        W = 32, n = 25;  // kind::f8f6f4 (and the provisional mma.sync FP8 product sum)
    }
    const auto kind = std::is_same_v<Arch, blackwell_mma_sync> && nv_fp8<A> ? plain_model::nv_mma_sync_fp8
                                                                            : plain_model::nv_fda;
    return {kind, {fa, fb, out, W, n}, W, n, false};
  }
}

// The reference's result (bit pattern of D) for a plain unit.
inline std::uint64_t reference_dot(const plain_model& m, std::span<const std::uint64_t> a,
                                   std::span<const std::uint64_t> b, std::uint64_t c) {
  if (m.kind == plain_model::fma64) return ref::fma64_dot(a, b, c);
  const std::vector<std::uint32_t> x(a.begin(), a.end()), y(b.begin(), b.end());
  const std::uint32_t c32 = std::uint32_t(c);
  switch (m.kind) {
    case plain_model::nv_fda:
      return ref::nv_dot(m.nv, x, y, c32);
    case plain_model::nv_mma_sync_fp8:
      return ref::nv_blackwell_mma_sync_fp8_dot(m.nv.a, m.nv.b, x, y, c32);
    case plain_model::fma32:
      return ref::fma32_dot(x, y, c32);
    default:
      break;
  }
  return 0;  // AMD units are dispatched by the caller, which knows the formats
}

template <class Arch, class A, class B, class D>
std::uint64_t reference_dot(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                            std::uint64_t c) {
  const plain_model m = model_of<Arch, A, B, D>();
  const std::vector<std::uint32_t> x(a.begin(), a.end()), y(b.begin(), b.end());
  if (m.kind == plain_model::amd_fdrd)
    return ref::amd_fdrd_dot(format_of<A>(), format_of<B>(), m.W, x, y, std::uint32_t(c));
  if (m.kind == plain_model::amd_tree)
    return ref::amd_tree_dot(format_of<A>(), m.W, m.flush, x, y, std::uint32_t(c));
  return reference_dot(m, a, b, c);
}

// Whether NaN results compare as "any NaN" (AMD, MMA.md §7; FMA chains, whose NaN encoding MMA.md leaves to
// IEEE propagation) or bit for bit (NVIDIA's fused units: 0x7FFFFFFF / 0x7FFF).
template <class Arch, class A>
constexpr bool any_nan() {
  return is_amd<Arch> || std::is_same_v<A, double> || std::is_same_v<A, float>;
}

// Block-scaled units.
template <class F>
constexpr ref::scale_format scale_format_of() {
  return std::is_same_v<typename F::scale_type, lowp::float8_e8m0fnu> ? ref::scale_format::ue8m0
                                                                      : ref::scale_format::ue4m3;
}
// kind::mxf4 / mxf4nvf4 when both sides are the same e2m1 layout (MMA.md §4); kind::mxf8f6f4 otherwise (§3).
template <class FA, class FB>
constexpr bool fp4_kind() {
  return std::is_same_v<FA, FB> && std::is_same_v<typename FA::element_type, lowp::float4_e2m1fn>;
}

template <class FA, class FB>
std::uint32_t reference_block_dot(std::span<const std::uint32_t> a, std::span<const std::uint8_t> sa,
                                  std::span<const std::uint32_t> b, std::span<const std::uint8_t> sb,
                                  std::uint32_t c) {
  if constexpr (fp4_kind<FA, FB>()) {
    return ref::nv_fp4_dot(scale_format_of<FA>(), FA::block_size, a, sa, b, sb, c);
  } else {
    return ref::nv_mx_dot(format_of<typename FA::element_type>(), format_of<typename FB::element_type>(), a,
                          sa, b, sb, c);
  }
}

}  // namespace mma_units
