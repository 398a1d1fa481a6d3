// Array rounding ("chop") and packed conversion. The span paths run the same kernel as the scalar type,
// over native SIMD lanes; the random word of element i is a pure function of (stream, i).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#include <immintrin.h>  // the AVX-512 span kernel (fast_nearest_run)
#endif

#include "../core/lanes.hpp"
#include "../core/random.hpp"
#include "../core/round_to_format.hpp"
#include "minifloat_scalar.hpp"

namespace lowp {

namespace detail {

template <class T>
struct is_minifloat : std::false_type {};
template <class F, class R, class O>
struct is_minifloat<minifloat<F, R, O>> : std::true_type {};

// Out of line and [[noreturn]]: the optimiser then knows the sizes are equal past the check (GCC's
// -Warray-bounds otherwise reasons about the throwing path's sizes).
[[noreturn]] inline void throw_size_mismatch(const char* function, std::size_t in, std::size_t out) {
  throw std::invalid_argument(std::string("lowp::") + function + ": input has " + std::to_string(in) +
                              " elements but output has " + std::to_string(out));
}
inline void check_sizes(const char* function, std::size_t in, std::size_t out) {
  if (in != out) throw_size_mismatch(function, in, out);
}

// The random word of element `index` for a span that starts at stream block `first_block`.
template <class Bits>
constexpr Bits random_word(const sr_stream& stream, std::uint64_t first_block, std::size_t index) {
  if constexpr (sizeof(Bits) == 4) {
    return stream.block(first_block + index / 4)[index % 4];
  } else {
    const auto block = stream.block(first_block + index / 2);
    const std::size_t word = 2 * (index % 2);
    return (std::uint64_t(block[word]) << 32) | block[word + 1];
  }
}

template <class Bits>
constexpr std::uint64_t blocks_for(std::size_t count) {
  return sizeof(Bits) == 4 ? (count + 3) / 4 : (count + 1) / 2;
}

#if LOWP_HAS_VECTOR_EXTENSIONS
// Philox4x32-10 (core::philox4x32_10, whose constants these are) over one native vector at a time. The
// 32-bit lanes hold sizeof(vector) / 16 consecutive blocks, each as its words [c0 c1 c2 c3] in order, so
// after the ten rounds lane j holds word j % 4 of block j / 4: exactly random_word's order. Seen as 64-bit
// lanes, the even ones hold (c1:c0) and the odd ones (c3:c2): one 32x32->64 multiply per 64-bit lane forms
// both products of a round, and reversing each quad of 32-bit lanes moves every product half to where
// the round sends it (hi(M1 c2) to c0, lo(M1 c2) to c1, hi(M0 c0) to c2, lo(M0 c0) to c3).
class philox_lanes {
  static constexpr int pairs = core::lane_count<core::u64_lanes>;
  static constexpr int rounds = 10;

 public:
  philox_lanes(const sr_stream& stream, std::uint64_t first_block) noexcept {
    constexpr std::uint32_t multiplier0 = 0xD2511F53u, multiplier1 = 0xCD9E8D57u;  // SC'11, table 2
    constexpr std::uint32_t weyl0 = 0x9E3779B9u, weyl1 = 0xBB67AE85u;
    const auto key0 = static_cast<std::uint32_t>(stream.seed());
    const auto key1 = static_cast<std::uint32_t>(stream.seed() >> 32);
    // Filled as arrays and copied in whole: element stores into a vector member make GCC 12 warn (falsely)
    // that the rest of it may be uninitialised.
    std::uint64_t counter[pairs], multipliers[pairs], step[pairs], keys[rounds][pairs];
    for (int j = 0; j < pairs; ++j) {
      const bool even = j % 2 == 0;
      counter[j] = even ? first_block + std::uint64_t(j / 2) : stream.stream_id();
      multipliers[j] = even ? multiplier0 : multiplier1;
      step[j] = even ? pairs / 2 : 0;
      for (int r = 0; r < rounds; ++r) {
        keys[r][j] = even ? std::uint32_t(key0 + std::uint32_t(r) * weyl0)
                          : std::uint32_t(key1 + std::uint32_t(r) * weyl1);
      }
    }
    std::memcpy(&counter_, counter, sizeof counter_);
    std::memcpy(&multipliers_, multipliers, sizeof multipliers_);
    std::memcpy(&step_, step, sizeof step_);
    for (int r = 0; r < rounds; ++r) std::memcpy(&keys_[r], keys[r], sizeof keys_[r]);
  }

  // The 32-bit words of the next sizeof(vector) / 16 blocks, in stream order.
  core::u32_lanes next() noexcept {
    core::u64_lanes state = counter_;
    counter_ += step_;
    for (int r = 0; r < rounds; ++r) {
      const core::u64_lanes products = core::multiply_low_halves(state, multipliers_);
      state = (core::u64_lanes)core::reverse_quads((core::u32_lanes)products) ^ (state >> 32) ^ keys_[r];
    }
    return (core::u32_lanes)state;
  }

  // The next random words for lanes of Bits: 32-bit words as they come; 64-bit words as random_word pairs
  // them (word 2k in the high half), hence the swap of halves.
  template <class L>
  L next_lanes() noexcept {
    if constexpr (sizeof(core::lane_element_t<L>) == 4) {
      return next();
    } else {
      const auto words = (core::u64_lanes)next();
      return (words << 32) | (words >> 32);
    }
  }

 private:
  core::u64_lanes counter_{};
  core::u64_lanes multipliers_{};
  core::u64_lanes step_{};
  core::u64_lanes keys_[rounds]{};
};
#endif

// Rounds n values of Source into T; `store(i, code_lanes)` / scalar store receives the codes.
template <class T, class Source, class Store>
void encode_span(const Source* in, std::size_t n, sr_stream* stream, Store store) {
  using F = typename T::format;
  using R = typename T::rounding_policy;
  using O = typename T::overflow_policy;
  using Bits = typename core::ieee_binary<Source>::bits_type;
  constexpr bool stochastic = rounding::is_stochastic_v<R>;
  const std::uint64_t first_block = stochastic ? stream->take_blocks(blocks_for<Bits>(n)) : 0;
  std::size_t i = 0;
#if LOWP_HAS_VECTOR_EXTENSIONS
  using L = std::conditional_t<sizeof(Bits) == 4, core::u32_lanes, core::u64_lanes>;
  constexpr std::size_t N = core::lane_count<L>;
  if constexpr (stochastic) {
    // One vector of random words per vector of values: N elements use N * sizeof(Bits) / 16 whole blocks.
    philox_lanes random(*stream, first_block);
    for (; i + N <= n; i += N) {
      L bits;
      std::memcpy(&bits, in + i, sizeof bits);
      store(i, core::round_to_format<F, R, O, Source>(bits, random.template next_lanes<L>()));
    }
  } else {
    for (; i + N <= n; i += N) {
      L bits;
      std::memcpy(&bits, in + i, sizeof bits);
      store(i, core::round_to_format<F, R, O, Source>(bits, L{}));
    }
  }
#endif
  for (; i < n; ++i) {
    const Bits random = stochastic ? random_word<Bits>(*stream, first_block, i) : 0;
    store(i, core::round_to_format<F, R, O, Source>(std::bit_cast<Bits>(in[i]), random));
  }
}

template <class F, class Target>
constexpr Target decode_scalar(std::uint32_t code) {
  using Bits = typename core::ieee_binary<Target>::bits_type;
  if constexpr (core::fits_lanes_of<F, Target>) {
    return std::bit_cast<Target>(core::decode_format<F, Target>(Bits(code)));
  } else {
    return static_cast<Target>(std::bit_cast<double>(core::decode_format<F, double>(std::uint64_t(code))));
  }
}

// Decoding table for formats of at most 8 bits: the scalar tail's load, and the whole path without SIMD.
template <class F, class Target>
struct decode_table {
  static constexpr std::array<Target, 256> values = [] {
    std::array<Target, 256> table{};
    for (unsigned code = 0; code < (1u << F::bits); ++code) table[code] = decode_scalar<F, Target>(code);
    return table;
  }();
};

// --- Nearest-even from float at memory speed (AVX-512) -----------------------------------------------------
// For the default policies (nearest even, IEEE overflow) and every signed format with subnormals whose
// range lies inside float's, rounding a float is a handful of integer operations on its bits:
//   at or above the format's smallest normal binade, round to nearest even on the float's own encoding:
//     add half an ulp minus one plus the last kept bit, clear the dropped bits (a carry moves into the
//     exponent by itself; past float's top it reaches Inf, which is what formats with float's exponent
//     range want, and float subnormals round on the same bit positions, so those formats need nothing else:
//     the add-and-mask path);
//   below it, the format's subnormals have one fixed quantum q: |x| + 2^23 q rounds |x| to a multiple of q
//     (an add with its rounding mode given in the instruction, so the thread's MXCSR does not matter; the
//     float subnormals that DAZ would zero all round to 0 in these formats anyway);
//   then overflow past the largest finite value gives the format's overflow value, NaN the canonical NaN.
// Each result is the scalar kernel's (core/round_to_format.hpp), bit for bit: the conversion tests sweep all
// 2^32 floats through these spans. Large outputs go out with streaming stores, which do not read the
// target lines first (memcpy of a large array moves the same bytes).
template <class T>
inline constexpr bool has_fast_nearest_path = [] {
  using F = typename T::format;
  return std::is_same_v<typename T::rounding_policy, rounding::nearest_even> &&
         std::is_same_v<typename T::overflow_policy, overflow::ieee> && F::is_signed && F::has_subnormals &&
         F::has_negative_zero && !F::nan_flips_sign && F::mantissa_bits < 23 && core::fits_lanes_of<F, float>;
}();

// Outputs of at least this many bytes are written with streaming stores: well past any L2, so the data
// would leave the cache before it is read again anyway.
inline constexpr std::size_t streaming_bytes = std::size_t(4) << 20;

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#define LOWP_HAS_FAST_NEAREST 1
// Rounds 16 floats into T: the rounded value as float bits, and the format's code. Written with vector
// extensions where they suffice (GCC 12's plain AVX-512 intrinsics start from an "undefined" register that
// -Wmaybe-uninitialized flags), intrinsics only for the add with its own rounding mode.
struct fast_nearest_lanes {
  core::u32_lanes value_bits;  // the rounded value, as float bits with the sign
  core::u32_lanes code;        // the format's code with its sign
};

template <class T>
inline fast_nearest_lanes fast_nearest(core::u32_lanes bits) {
  using F = typename T::format;
  using L = core::u32_lanes;
  constexpr int M = F::mantissa_bits;
  constexpr int shift = 23 - M;
  constexpr std::uint32_t emin_bits = std::uint32_t(127 + F::emin) << 23;
  // Float bits of the largest finite value: its binade and the format's mantissa of max_code.
  constexpr std::uint32_t max_bits =
      ((std::uint32_t(127 + F::emax) << 23) | ((F::max_code & ((1u << M) - 1)) << shift));
  constexpr std::uint32_t quiet_nan = 0x7fc00000u;
  const L sign = bits & 0x80000000u;
  const L magnitude = bits & 0x7fffffffu;
  // Nearest even on the float encoding.
  L rounded = (magnitude + ((1u << (shift - 1)) - 1) + ((magnitude >> shift) & 1u)) & ~((1u << shift) - 1);
  // Magnitude code of a normal result: the float's exponent rebased to the format's field 1 at emin.
  L code = (rounded >> shift) - (std::uint32_t(127 + F::emin - 1) << M);
  if constexpr (F::emin > -126) {
    // Subnormal range: |x| + 2^23 q, nearest even by the instruction itself. Its bits minus those of
    // 2^23 q count the quanta (the magnitude code); the sum minus 2^23 q is the value.
    constexpr float bias = core::ieee_binary<float>::bias + F::emin - M + 23 >= 1
                               ? std::bit_cast<float>(std::uint32_t(127 + F::emin - M + 23) << 23)
                               : 0.0f;
    constexpr int nearest = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    const __m512 sum = _mm512_maskz_add_round_ps(0xffff, (__m512)magnitude, _mm512_set1_ps(bias), nearest);
    const __m512 value = _mm512_maskz_sub_round_ps(0xffff, sum, _mm512_set1_ps(bias), nearest);
    const auto below = magnitude < emin_bits;
    rounded = below ? (L)value : rounded;
    code = below ? (L)sum - std::bit_cast<std::uint32_t>(bias) : code;
  }
  // Past the largest finite value (Inf inputs too): Inf where the format has it, else its NaN.
  const auto overflows = rounded > max_bits;
  const auto is_nan = magnitude > 0x7f800000u;
  constexpr std::uint32_t overflow_bits = F::has_inf ? 0x7f800000u : quiet_nan;
  rounded = overflows ? core::splat<L>(overflow_bits) : rounded;
  rounded = is_nan ? core::splat<L>(quiet_nan) : rounded;
  code = overflows ? core::splat<L>(F::overflow_code) : code;
  code = is_nan ? core::splat<L>(F::nan_code) : code;
  return {rounded | sign, code | (sign >> (32 - F::bits))};
}

// out[i] = the rounded value (Out = float) or the code (Out = T) of in[i] for i in [begin, end), 16 at a
// time from `begin` (the caller leaves a multiple of 16 and aligns the output for streaming).
template <class T, bool Streaming, class Out>
inline void fast_nearest_run(const float* in, Out* out, std::size_t begin, std::size_t end) {
  using Code = typename T::storage_type;
  for (std::size_t i = begin; i < end; i += 16) {
    core::u32_lanes bits;
    std::memcpy(&bits, in + i, sizeof bits);
    const auto lanes = fast_nearest<T>(bits);
    if constexpr (std::is_same_v<Out, float>) {
      if constexpr (Streaming) {
        _mm512_stream_si512(reinterpret_cast<__m512i*>(out + i), (__m512i)lanes.value_bits);
      } else {
        std::memcpy(out + i, &lanes.value_bits, sizeof lanes.value_bits);
      }
    } else if constexpr (sizeof(Code) == 4) {
      if constexpr (Streaming) {
        _mm512_stream_si512(reinterpret_cast<__m512i*>(out + i), (__m512i)lanes.code);
      } else {
        std::memcpy(out + i, &lanes.code, sizeof lanes.code);
      }
    } else if constexpr (sizeof(Code) == 2) {
      const __m256i codes = _mm512_maskz_cvtepi32_epi16(0xffff, (__m512i)lanes.code);
      if constexpr (Streaming) {
        _mm256_stream_si256(reinterpret_cast<__m256i*>(out + i), codes);
      } else {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), codes);
      }
    } else {
      const __m128i codes = _mm512_maskz_cvtepi32_epi8(0xffff, (__m512i)lanes.code);
      if constexpr (Streaming) {
        _mm_stream_si128(reinterpret_cast<__m128i*>(out + i), codes);
      } else {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), codes);
      }
    }
  }
}

// The vector part of a span: returns the [begin, end) it did; the caller does the rest element by element
// with the scalar kernel.
template <class T, class Out>
inline std::pair<std::size_t, std::size_t> fast_nearest_span(const float* in, Out* out, std::size_t n) {
  constexpr std::size_t alignment = sizeof(Out) * 16;  // one vector's output
  std::size_t begin = 0;
  const bool streaming = n * sizeof(Out) >= streaming_bytes;
  if (streaming) {
    // Streaming stores need an aligned target: start at the first aligned output element.
    const auto address = reinterpret_cast<std::uintptr_t>(out);
    if (address % sizeof(Out) != 0) return {0, 0};
    const std::size_t to_aligned = ((alignment - address % alignment) % alignment) / sizeof(Out);
    // Not std::min: <algorithm> would be minifloat.hpp's heaviest include.
    begin = to_aligned < n ? to_aligned : n;
  }
  const std::size_t end = begin + (n - begin) / 16 * 16;
  if (streaming) {
    fast_nearest_run<T, true>(in, out, begin, end);
    _mm_sfence();  // streaming stores are weakly ordered: make them visible before returning
  } else {
    fast_nearest_run<T, false>(in, out, begin, end);
  }
  return {begin, end};
}
#else
#define LOWP_HAS_FAST_NEAREST 0
#endif

template <class T, class Source>
void round_span(std::span<const Source> in, std::span<Source> out, sr_stream* stream) {
  using F = typename T::format;
  using Bits = typename core::ieee_binary<Source>::bits_type;
  check_sizes("round_to", in.size(), out.size());
  if constexpr (!core::fits_lanes_of<F, Source>) {
    // e8m0 from float: its smallest value 2^-127 is a float subnormal; take the binary64 road.
    for (std::size_t i = 0; i < in.size(); ++i) {
      const double wide = in[i];
      const std::uint64_t random =
          rounding::is_stochastic_v<typename T::rounding_policy> ? stream->next_u64() : 0;
      const auto code =
          core::round_to_format<F, typename T::rounding_policy, typename T::overflow_policy, double>(
              std::bit_cast<std::uint64_t>(wide), random);
      out[i] = static_cast<Source>(std::bit_cast<double>(core::decode_format<F, double>(code)));
    }
  } else {
    Source* target = out.data();
#if LOWP_HAS_FAST_NEAREST
    if constexpr (std::is_same_v<Source, float> && has_fast_nearest_path<T>) {
      const auto [begin, end] = fast_nearest_span<T>(in.data(), target, in.size());
      for (std::size_t i = 0; i < begin; ++i) target[i] = static_cast<float>(T(in[i]));
      for (std::size_t i = end; i < in.size(); ++i) target[i] = static_cast<float>(T(in[i]));
      return;
    }
#endif
    encode_span<T>(in.data(), in.size(), stream, [target](std::size_t i, auto codes) {
      const auto values = core::decode_format<F, Source>(codes);
      if constexpr (std::is_arithmetic_v<decltype(values)>) {
        target[i] = std::bit_cast<Source>(static_cast<Bits>(values));
      } else {
        std::memcpy(target + i, &values, sizeof values);
      }
    });
  }
}

template <class T, class Source>
void convert_span(std::span<const Source> in, std::span<T> out, sr_stream* stream) {
  using F = typename T::format;
  using Code = typename T::storage_type;
  check_sizes("convert", in.size(), out.size());
  if constexpr (!core::fits_lanes_of<F, Source>) {
    for (std::size_t i = 0; i < in.size(); ++i) {
      const double wide = in[i];
      const std::uint64_t random =
          rounding::is_stochastic_v<typename T::rounding_policy> ? stream->next_u64() : 0;
      out[i] = T::from_bits(static_cast<Code>(
          core::round_to_format<F, typename T::rounding_policy, typename T::overflow_policy, double>(
              std::bit_cast<std::uint64_t>(wide), random)));
    }
  } else {
    // T is trivially copyable and holds exactly its code, so codes are written straight into it.
    static_assert(sizeof(T) == sizeof(Code));
    Code* target = reinterpret_cast<Code*>(out.data());
#if LOWP_HAS_FAST_NEAREST
    if constexpr (std::is_same_v<Source, float> && has_fast_nearest_path<T>) {
      const auto [begin, end] = fast_nearest_span<T>(in.data(), target, in.size());
      for (std::size_t i = 0; i < begin; ++i) out[i] = T(in[i]);
      for (std::size_t i = end; i < in.size(); ++i) out[i] = T(in[i]);
      return;
    }
#endif
    encode_span<T>(in.data(), in.size(), stream, [target](std::size_t i, auto codes) {
      if constexpr (std::is_arithmetic_v<decltype(codes)>) {
        target[i] = static_cast<Code>(codes);
      } else {
#if LOWP_HAS_VECTOR_EXTENSIONS
        core::store_narrowed(target + i, codes);
#endif
      }
    });
  }
}

#if LOWP_HAS_VECTOR_EXTENSIONS
template <class F, std::size_t Part, class Code, class L, class Target>
inline void decode_part(L packed, Target* target) {
  const L values = core::decode_format<F, Target>(core::widen_part<Part, Code>(packed));
  std::memcpy(target, &values, sizeof values);
}
#endif

template <class T, class Target>
void decode_span(std::span<const T> in, std::span<Target> out) {
  using F = typename T::format;
  using Code = typename T::storage_type;
  check_sizes("convert", in.size(), out.size());
  static_assert(sizeof(T) == sizeof(Code));
  const std::size_t n = in.size();
  const Code* codes = reinterpret_cast<const Code*>(in.data());
  Target* target = out.data();
  std::size_t i = 0;
#if LOWP_HAS_VECTOR_EXTENSIONS
  if constexpr (core::fits_lanes_of<F, Target>) {
    // The lane decoder is a dozen integer operations per vector, which beats one table load per value.
    // One vector load of codes feeds `parts` vectors of lanes.
    using L = std::conditional_t<sizeof(Target) == 4, core::u32_lanes, core::u64_lanes>;
    constexpr std::size_t N = core::lane_count<L>;
    constexpr std::size_t parts = sizeof(Target) / sizeof(Code);
    for (; i + parts * N <= n; i += parts * N) {
      L packed;
      std::memcpy(&packed, codes + i, sizeof packed);
      [&]<std::size_t... Part>(std::index_sequence<Part...>) {
        (decode_part<F, Part, Code>(packed, target + i + Part * N), ...);
      }
      (std::make_index_sequence<parts>{});
    }
  }
#endif
  for (; i < n; ++i) {
    if constexpr (F::bits <= 8) {
      target[i] = decode_table<F, Target>::values[codes[i]];
    } else {
      target[i] = decode_scalar<F, Target>(codes[i]);
    }
  }
}

}  // namespace detail

// The value of x after rounding into T (T's rounding and overflow policies), in x's own type.
template <class T>
float round_to(float x) {
  static_assert(detail::is_minifloat<T>::value, "round_to<T>: T must be a lowp minifloat type");
  return static_cast<float>(T(x));
}
template <class T>
double round_to(double x) {
  static_assert(detail::is_minifloat<T>::value, "round_to<T>: T must be a lowp minifloat type");
  return static_cast<double>(T(x));
}

namespace detail {
// x rounded into T with a given random word (read by stochastic policies only), returned as Source.
template <class T, class Source>
Source round_with_random(Source x, typename core::ieee_binary<Source>::bits_type random) {
  using F = typename T::format;
  if constexpr (std::is_same_v<Source, float> && !core::fits_lanes_of<F, float>) {
    return static_cast<float>(round_with_random<T, double>(x, std::uint64_t(random) << 32));
  } else {
    using Bits = typename core::ieee_binary<Source>::bits_type;
    const auto code =
        core::round_to_format<F, typename T::rounding_policy, typename T::overflow_policy, Source>(
            std::bit_cast<Bits>(x), random);
    return static_cast<Source>(T::from_bits(static_cast<typename T::storage_type>(code)));
  }
}
}  // namespace detail

// Stochastic rounding from an explicit stream instead of the thread's stream.
template <class T, class Source>
requires std::is_floating_point_v<Source> Source round_to(Source x, sr_stream& stream) {
  if constexpr (std::is_same_v<Source, float> && !core::fits_lanes_of<typename T::format, float>) {
    return static_cast<float>(round_to<T>(static_cast<double>(x), stream));  // e8m0: a 64-bit draw, as spans
  }
  using Bits = typename core::ieee_binary<Source>::bits_type;
  Bits random = 0;
  if constexpr (rounding::is_stochastic_v<typename T::rounding_policy>) {
    random = sizeof(Bits) == 8 ? Bits(stream.next_u64()) : Bits(stream.next_u32());
  }
  return detail::round_with_random<T, Source>(x, random);
}

// out[i] = round_to<T>(in[i]); spans of equal size (std::invalid_argument otherwise).
template <class T>
void round_to(std::span<const float> in, std::span<float> out) {
  detail::round_span<T, float>(in, out, &core::thread_stream());
}
template <class T>
void round_to(std::span<const double> in, std::span<double> out) {
  detail::round_span<T, double>(in, out, &core::thread_stream());
}
template <class T>
void round_to(std::span<const float> in, std::span<float> out, sr_stream& stream) {
  detail::round_span<T, float>(in, out, &stream);
}
template <class T>
void round_to(std::span<const double> in, std::span<double> out, sr_stream& stream) {
  detail::round_span<T, double>(in, out, &stream);
}

// Packed conversion: codes into a span of T, and values back out.
template <class T>
void convert(std::span<const float> in, std::span<T> out) {
  detail::convert_span<T, float>(in, out, &core::thread_stream());
}
template <class T>
void convert(std::span<const double> in, std::span<T> out) {
  detail::convert_span<T, double>(in, out, &core::thread_stream());
}
template <class T>
void convert(std::span<const float> in, std::span<T> out, sr_stream& stream) {
  detail::convert_span<T, float>(in, out, &stream);
}
template <class T>
void convert(std::span<const double> in, std::span<T> out, sr_stream& stream) {
  detail::convert_span<T, double>(in, out, &stream);
}
template <class T>
void convert(std::span<const T> in, std::span<float> out) {
  detail::decode_span<T, float>(in, out);
}
template <class T>
void convert(std::span<const T> in, std::span<double> out) {
  detail::decode_span<T, double>(in, out);
}

}  // namespace lowp
