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
