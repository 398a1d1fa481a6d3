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

#include "bit.hpp"
#include "config.hpp"

// No <immintrin.h>: it alone costs more than the whole scalar layer (scripts/compile_time.sh). The few
// x86 operations below call the builtins that the intrinsics wrap, which need no header (GCC and Clang
// name some differently: GCC has only the masked AVX-512 forms).

namespace lowp::core {

#if (defined(__GNUC__) || defined(__clang__)) && !LOWP_DEVICE_PASS
// The operand types of the x86 builtins (what the intrinsics headers call __v4si ... __v8di).
namespace x86 {
typedef int i32x4 __attribute__((vector_size(16)));
typedef int i32x8 __attribute__((vector_size(32)));
typedef int i32x16 __attribute__((vector_size(64)));
typedef long long i64x4 __attribute__((vector_size(32)));
typedef long long i64x8 __attribute__((vector_size(64)));
}  // namespace x86
#endif

// A GPU thread has no SIMD lanes: the device pass of a CUDA compiler takes the scalar stand-ins below.
#if (defined(__GNUC__) || defined(__clang__)) && !LOWP_DEVICE_PASS
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
LOWP_HOST_DEVICE constexpr L splat(lane_element_t<L> value) {
  return L{} + value;
}

// mask ? a : b per lane; `mask` is a bool, an int, or a lane mask from a vector comparison.
template <class Mask, class L>
LOWP_HOST_DEVICE constexpr L select(Mask mask, L a, L b) {
  return mask ? a : b;
}

// select for kernels whose scalar form must not branch on the data. On scalars GCC 12 turns `c ? a : b`,
// and even the mask arithmetic below, back into a conditional jump around the costly operand whenever it
// thinks that pays (the posit kernels' swap of operands and their zero/NaR cases), which random data then
// mispredicts. An empty asm makes the mask opaque, so the select stays straight-line code.
template <class Mask, class L>
LOWP_HOST_DEVICE constexpr L blend(Mask mask, L a, L b) {
  if constexpr (std::is_arithmetic_v<L>) {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(__CUDA_ARCH__)
    if constexpr (sizeof(L) == 8) {
      if (!std::is_constant_evaluated()) {
        // One cmov (x86-64): the compiler sees neither a branch to make nor a select to undo.
        L result = b;
        const std::uint32_t taken = static_cast<bool>(mask);
        asm("test %1, %1\n\tcmovnz %2, %0" : "+r"(result) : "r"(taken), "r"(a) : "cc");
        return result;
      }
    }
#endif
    L all_ones = L{} - static_cast<L>(static_cast<bool>(mask));
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDA_ARCH__)
    if (!std::is_constant_evaluated()) asm("" : "+r"(all_ones));
#endif
    return b ^ ((a ^ b) & all_ones);
  } else {
    return mask ? a : b;
  }
}

// The comparison stays inside the conditional so that GCC sees a min/max (one pminud/pmaxud) rather than
// a compare and a blend, as it does when the mask arrives through select's parameter.
template <class L>
LOWP_HOST_DEVICE constexpr L lane_min(L a, L b) {
  return a < b ? a : b;
}

template <class L>
LOWP_HOST_DEVICE constexpr L lane_max(L a, L b) {
  return a > b ? a : b;
}

// The bits of a float/double lane as unsigned lanes of the same width, and back.
template <class L, class F>
LOWP_HOST_DEVICE constexpr L bits_of(F value) {
  if constexpr (std::is_arithmetic_v<F>) {
    return core::bit_cast<L>(value);
  } else {
    return (L)value;  // vector cast between same-size vector types reinterprets the bits
  }
}

#if LOWP_HAS_VECTOR_EXTENSIONS
// The full 64-bit products of the low 32-bit halves of two 64-bit lanes (pmuludq). Written generically,
// GCC 12 masks both operands and multiplies all 64 bits (vpmullq), two extra operations per product.
inline u64_lanes multiply_low_halves(u64_lanes a, u64_lanes b) {
#if defined(__AVX512F__) && defined(__AVX512BW__)
#if defined(__clang__)
  return (u64_lanes)__builtin_ia32_pmuludq512((x86::i32x16)a, (x86::i32x16)b);  // _mm512_mul_epu32
#else
  // _mm512_maskz_mul_epu32 with a full mask: the plain form starts from _mm512_undefined_epi32(), which
  // GCC 12 warns about.
  return (u64_lanes)__builtin_ia32_pmuludq512_mask((x86::i32x16)a, (x86::i32x16)b, x86::i64x8{}, 0xff);
#endif
#elif defined(__AVX2__)
  return (u64_lanes)__builtin_ia32_pmuludq256((x86::i32x8)a, (x86::i32x8)b);  // _mm256_mul_epu32
#elif defined(__SSE2__)
  return (u64_lanes)__builtin_ia32_pmuludq128((x86::i32x4)a, (x86::i32x4)b);  // _mm_mul_epu32
#else
  return (a & 0xffffffffu) * (b & 0xffffffffu);
#endif
}

// __builtin_shufflevector: Clang, and GCC from 12. Older GCC takes the __builtin_shuffle and
// __builtin_convertvector forms below, which are correct but slower.
#ifndef LOWP_HAS_SHUFFLEVECTOR
// nvcc's front end (CUDA 13) drops the `...` of a pack expanded in the builtin's arguments, so its host
// pass takes the older forms too.
#if (defined(__clang__) || __GNUC__ >= 12) && !defined(__NVCC__)
#define LOWP_HAS_SHUFFLEVECTOR 1
#else
#define LOWP_HAS_SHUFFLEVECTOR 0
#endif
#endif

namespace detail {
template <class L, std::size_t... I>
inline L reverse_quads(L v, std::index_sequence<I...>) {
#if LOWP_HAS_SHUFFLEVECTOR
  return __builtin_shufflevector(v, v, static_cast<int>(I ^ 3)...);
#else
  return __builtin_shuffle(v, L{static_cast<lane_element_t<L>>(I ^ 3)...});
#endif
}
}  // namespace detail

// Reverses each group of four 32-bit lanes: [a b c d | e f g h] -> [d c b a | h g f e] (one pshufd).
inline u32_lanes reverse_quads(u32_lanes v) {
  return detail::reverse_quads(v, std::make_index_sequence<lane_count<u32_lanes>>{});
}

// Narrowing and widening are byte shuffles, not __builtin_convertvector: GCC 12 lowers the latter element
// by element for most widths, while both compilers turn a constant shuffle into pshufb/vpermb-class code.
#if LOWP_HAS_SHUFFLEVECTOR
template <class Narrow, class L, std::size_t... I>
inline void store_narrowed(Narrow* target, L lanes, std::index_sequence<I...>) {
  constexpr std::size_t wide = sizeof(lane_element_t<L>), narrow = sizeof(Narrow);
  typedef std::uint8_t bytes __attribute__((vector_size(sizeof(L))));
  typedef std::uint8_t narrow_bytes __attribute__((vector_size(sizeof(L) / wide * narrow)));
  // Little-endian: the low bytes of lane j start at byte j * wide.
  const narrow_bytes narrowed = __builtin_shufflevector((bytes)lanes, (bytes)lanes,
                                                        static_cast<int>(I / narrow * wide + I % narrow)...);
  std::memcpy(target, &narrowed, sizeof narrowed);
}

// Stores the low bits of every lane as one Narrow each (lane_count<L> values, one vector store).
template <class Narrow, class L>
inline void store_narrowed(Narrow* target, L lanes) {
  static_assert(std::endian::native == std::endian::little, "the lane shuffles assume little-endian lanes");
  store_narrowed(target, lanes, std::make_index_sequence<lane_count<L> * sizeof(Narrow)>{});
}

template <std::size_t Part, class Narrow, class L, std::size_t... I>
inline L widen_part(L packed, std::index_sequence<I...>) {
  constexpr std::size_t wide = sizeof(lane_element_t<L>), narrow = sizeof(Narrow);
  typedef std::uint8_t bytes __attribute__((vector_size(sizeof(L))));
  const bytes source = (bytes)packed;
  const bytes zero = source & 0;  // not `bytes{}`: GCC 12 crashes on that here
  // Byte I of the result is byte I % wide of lane I / wide: a byte of value I / wide of this part while
  // I % wide < narrow, else zero (index sizeof(L) is the first byte of `zero`).
  return (L)__builtin_shufflevector(
      source, zero,
      static_cast<int>(I % wide < narrow ? Part * lane_count<L> * narrow + I / wide * narrow + I % wide
                                         : sizeof(L))...);
}

// `packed` holds sizeof(L) bytes of consecutive Narrow values (wide / narrow groups of lane_count<L>);
// returns group Part, each value zero-extended into its lane.
template <std::size_t Part, class Narrow, class L>
inline L widen_part(L packed) {
  static_assert(std::endian::native == std::endian::little, "the lane shuffles assume little-endian lanes");
  static_assert(Part < sizeof(lane_element_t<L>) / sizeof(Narrow), "widen_part: no such part");
  return widen_part<Part, Narrow>(packed, std::make_index_sequence<sizeof(L)>{});
}
#else
template <class Narrow, class L>
inline void store_narrowed(Narrow* target, L lanes) {
  typedef Narrow narrow_lanes __attribute__((vector_size(sizeof(Narrow) * lane_count<L>)));
  const narrow_lanes narrowed = __builtin_convertvector(lanes, narrow_lanes);
  std::memcpy(target, &narrowed, sizeof narrowed);
}

template <std::size_t Part, class Narrow, class L>
inline L widen_part(L packed) {
  static_assert(Part < sizeof(lane_element_t<L>) / sizeof(Narrow), "widen_part: no such part");
  typedef Narrow narrow_lanes __attribute__((vector_size(sizeof(Narrow) * lane_count<L>)));
  narrow_lanes narrowed;
  std::memcpy(&narrowed, reinterpret_cast<const unsigned char*>(&packed) + Part * sizeof narrowed,
              sizeof narrowed);
  return __builtin_convertvector(narrowed, L);
}
#endif
#endif

// Unsigned lanes reinterpreted as float/double lanes of the same width.
template <class F, class L>
LOWP_HOST_DEVICE constexpr F float_of(L bits) {
  if constexpr (std::is_arithmetic_v<L>) {
    return core::bit_cast<F>(bits);
  } else {
    return (F)bits;
  }
}

// The double lanes of the same width as 64-bit unsigned lanes L.
template <class L>
using f64_lanes_for = std::conditional_t<std::is_arithmetic_v<L>, double, f64_lanes>;

// 0/1 per lane from a comparison (a bool, or a vector comparison's 0/-1 mask).
template <class L, class Mask>
LOWP_HOST_DEVICE constexpr L bit_of(Mask mask) {
  if constexpr (std::is_arithmetic_v<L>) {
    return static_cast<L>(static_cast<bool>(mask));
  } else {
    return select(mask, splat<L>(1), splat<L>(0));
  }
}

// Values below 2^52 as exact doubles, and doubles holding integers in [0, 2^52) rounded to nearest back to
// integers: the 2^52 bias trick, one or-and-subtract each way, the same in every lane width.
template <class L>
LOWP_HOST_DEVICE constexpr f64_lanes_for<L> exact_double_of(L small_integer) {
  constexpr std::uint64_t two52_bits = 0x4330000000000000u;
  return float_of<f64_lanes_for<L>>(small_integer | two52_bits) - 0x1p52;
}
template <class L>
LOWP_HOST_DEVICE constexpr L nearest_integer_of(f64_lanes_for<L> value) {
  constexpr std::uint64_t two52_bits = 0x4330000000000000u;
  return bits_of<L>(value + 0x1p52) - two52_bits;
}

// Leading zero bits of each 64-bit lane with its lowest bit set: the count for any nonzero lane, 63 for a
// zero lane. Setting the bit spares the scalar form the zero test that std::countl_zero otherwise needs
// where there is no lzcnt (a branch on the data under GCC 12).
template <class L>
LOWP_HOST_DEVICE constexpr L countl_zero_lanes(L x) {
  static_assert(sizeof(lane_element_t<L>) == 8, "countl_zero_lanes takes 64-bit lanes");
  x = x | 1u;
  if constexpr (std::is_arithmetic_v<L>) {
#if (defined(__GNUC__) || defined(__clang__)) && !LOWP_DEVICE_PASS
    if (!std::is_constant_evaluated()) return static_cast<L>(__builtin_clzll(x));
#endif
    return static_cast<L>(core::countl_zero(x));
  } else {
#if LOWP_HAS_VECTOR_EXTENSIONS && defined(__AVX512CD__) && defined(__AVX512BW__)
#if defined(__clang__)
    return (L)__builtin_ia32_vplzcntq_512((x86::i64x8)x);  // _mm512_lzcnt_epi64
#else
    return (L)__builtin_ia32_vplzcntq_512_mask((x86::i64x8)x, x86::i64x8{}, 0xff);
#endif
#elif LOWP_HAS_VECTOR_EXTENSIONS && defined(__AVX512CD__) && defined(__AVX512VL__) && defined(__AVX2__)
#if defined(__clang__)
    return (L)__builtin_ia32_vplzcntq_256((x86::i64x4)x);  // _mm256_lzcnt_epi64
#else
    return (L)__builtin_ia32_vplzcntq_256_mask((x86::i64x4)x, x86::i64x4{}, 0xff);
#endif
#else
    // Each 32-bit half is exact in double; its biased exponent is 1023 + floor(log2 half).
    const auto clz32 = [](L half) {
      const L biased = bits_of<L>(exact_double_of(half)) >> 52;
      return lane_min(splat<L>(1054) - biased, splat<L>(32));  // a zero (high) half has exponent 0: 32
    };
    const L high = x >> 32;
    return select(high != 0, clz32(high), clz32(x & 0xffffffffu) + 32);
#endif
  }
}

// Full products of two lanes of values below 2^32 (pmuludq for vectors).
template <class L>
LOWP_HOST_DEVICE constexpr L multiply_32x32(L a, L b) {
  if constexpr (std::is_arithmetic_v<L>) {
    return a * b;
  } else {
#if LOWP_HAS_VECTOR_EXTENSIONS
    return multiply_low_halves(a, b);
#else
    return a * b;
#endif
  }
}

}  // namespace lowp::core
