// Lanes: the kernel is written once over a type L that is either one unsigned integer or a native SIMD
// vector of them (GCC/Clang vector extensions). Comparisons give a bool (scalar) or a lane mask (vector),
// and `select` picks per lane, so one branch-free body serves the scalar path and the span paths.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace lowp::core {

#if defined(__GNUC__) || defined(__clang__)
#define LOWP_HAS_VECTOR_EXTENSIONS 1
#if defined(__AVX512F__) && defined(__AVX512BW__)
inline constexpr int native_vector_bytes = 64;
#elif defined(__AVX2__)
inline constexpr int native_vector_bytes = 32;
#else
inline constexpr int native_vector_bytes = 16;  // SSE2 / NEON: always there on x86-64 and AArch64
#endif
// Sizes match the target's registers so no vector crosses a call with a changed ABI (-Wpsabi).
#if defined(__AVX512F__) && defined(__AVX512BW__)
#define LOWP_VECTOR_BYTES 64
#elif defined(__AVX2__)
#define LOWP_VECTOR_BYTES 32
#else
#define LOWP_VECTOR_BYTES 16
#endif
typedef std::uint32_t u32_lanes __attribute__((vector_size(LOWP_VECTOR_BYTES)));
typedef std::uint64_t u64_lanes __attribute__((vector_size(LOWP_VECTOR_BYTES)));
typedef float f32_lanes __attribute__((vector_size(LOWP_VECTOR_BYTES)));
typedef double f64_lanes __attribute__((vector_size(LOWP_VECTOR_BYTES)));
#undef LOWP_VECTOR_BYTES
#else
#define LOWP_HAS_VECTOR_EXTENSIONS 0
inline constexpr int native_vector_bytes = 0;
// Without vector extensions every path is scalar; these stand-ins keep the kernels well-formed.
using u32_lanes = std::uint32_t;
using u64_lanes = std::uint64_t;
using f32_lanes = float;
using f64_lanes = double;
#endif

namespace detail {
template <class L, bool Scalar = std::is_arithmetic_v<L>>
struct lane_element {
  using type = L;
};
template <class L>
struct lane_element<L, false> {
  using type = std::remove_cvref_t<decltype(std::declval<L>()[0])>;
};
}  // namespace detail

template <class L>
using lane_element_t = typename detail::lane_element<L>::type;

template <class L>
inline constexpr int lane_count = static_cast<int>(sizeof(L) / sizeof(lane_element_t<L>));

template <class L>
constexpr L splat(lane_element_t<L> value) {
  return L{} + value;
}

// mask ? a : b per lane; `mask` is a bool, an int, or a lane mask from a vector comparison.
template <class Mask, class L>
constexpr L select(Mask mask, L a, L b) {
  return mask ? a : b;
}

template <class L>
constexpr L lane_min(L a, L b) {
  return select(a < b, a, b);
}

template <class L>
constexpr L lane_max(L a, L b) {
  return select(a > b, a, b);
}

// The bits of a float/double lane as unsigned lanes of the same width, and back.
template <class L, class F>
constexpr L bits_of(F value) {
  if constexpr (std::is_arithmetic_v<F>) {
    return std::bit_cast<L>(value);
  } else {
    return (L)value;  // vector cast between same-size vector types reinterprets the bits
  }
}

#if LOWP_HAS_VECTOR_EXTENSIONS
namespace detail {
template <class L, std::size_t... I>
constexpr L reverse_quads(L v, std::index_sequence<I...>) {
  return __builtin_shufflevector(v, v, static_cast<int>(I ^ 3)...);
}
}  // namespace detail

// Reverses each group of four 32-bit lanes: [a b c d | e f g h] -> [d c b a | h g f e] (one pshufd).
constexpr u32_lanes reverse_quads(u32_lanes v) {
  return detail::reverse_quads(v, std::make_index_sequence<lane_count<u32_lanes>>{});
}

// Stores the lanes narrowed to Narrow (each lane's low bits), as one vector store of lane_count<L> values.
template <class Narrow, class L>
inline void store_narrowed(Narrow* target, L lanes) {
  typedef Narrow narrow_lanes __attribute__((vector_size(sizeof(Narrow) * lane_count<L>)));
  const narrow_lanes narrowed = __builtin_convertvector(lanes, narrow_lanes);
  std::memcpy(target, &narrowed, sizeof narrowed);
}

// Loads lane_count<L> values of Narrow and widens each into a lane of L (zero extension).
template <class L, class Narrow>
inline L load_widened(const Narrow* source) {
  typedef Narrow narrow_lanes __attribute__((vector_size(sizeof(Narrow) * lane_count<L>)));
  narrow_lanes narrowed;
  std::memcpy(&narrowed, source, sizeof narrowed);
  return __builtin_convertvector(narrowed, L);
}
#endif

// Unsigned lanes reinterpreted as float/double lanes of the same width.
template <class F, class L>
constexpr F float_of(L bits) {
  if constexpr (std::is_arithmetic_v<L>) {
    return std::bit_cast<F>(bits);
  } else {
    return (F)bits;
  }
}

}  // namespace lowp::core
