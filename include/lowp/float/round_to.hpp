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

inline void check_sizes(const char* function, std::size_t in, std::size_t out) {
  if (in != out) {
    throw std::invalid_argument(std::string("lowp::") + function + ": input has " + std::to_string(in) +
                                " elements but output has " + std::to_string(out));
  }
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
  for (; i + N <= n; i += N) {
    L bits;
    std::memcpy(&bits, in + i, sizeof bits);
    L random{};
    if constexpr (stochastic) {
      for (std::size_t j = 0; j < N; ++j) random[j] = random_word<Bits>(*stream, first_block, i + j);
    }
    store(i, core::round_to_format<F, R, O, Source>(bits, random));
  }
#endif
  for (; i < n; ++i) {
    const Bits random = stochastic ? random_word<Bits>(*stream, first_block, i) : 0;
    store(i, core::round_to_format<F, R, O, Source>(std::bit_cast<Bits>(in[i]), random));
  }
}

// Decoding table for formats of at most 8 bits: a load beats the bit manipulation.
template <class F, class Target>
struct decode_table {
  static constexpr std::array<Target, 256> values = [] {
    std::array<Target, 256> table{};
    for (unsigned code = 0; code < (1u << F::bits); ++code) {
      using Bits = typename core::ieee_binary<Target>::bits_type;
      table[code] = std::bit_cast<Target>(core::decode_format<F, Target>(Bits{code}));
    }
    return table;
  }();
};

template <class F, class Target>
constexpr Target decode_scalar(std::uint32_t code) {
  using Bits = typename core::ieee_binary<Target>::bits_type;
  if constexpr (core::fits_lanes_of<F, Target>) {
    return std::bit_cast<Target>(core::decode_format<F, Target>(Bits(code)));
  } else {
    return static_cast<Target>(std::bit_cast<double>(core::decode_format<F, double>(std::uint64_t(code))));
  }
}

template <class T, class Source>
void round_span(std::span<const Source> in, std::span<Source> out, sr_stream* stream) {
  using F = typename T::format;
  using Bits = typename core::ieee_binary<Source>::bits_type;
  check_sizes("round_to", in.size(), out.size());
  if constexpr (!core::fits_lanes_of<F, Source>) {
    // e8m0 from float: its smallest value 2^-127 is a float subnormal; take the binary64 road.
    for (std::size_t i = 0; i < in.size(); ++i) {
      const double wide = in[i];
      const std::uint64_t random = rounding::is_stochastic_v<typename T::rounding_policy> ? stream->next_u64() : 0;
      const auto code = core::round_to_format<F, typename T::rounding_policy, typename T::overflow_policy, double>(
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
      const std::uint64_t random = rounding::is_stochastic_v<typename T::rounding_policy> ? stream->next_u64() : 0;
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
        for (int j = 0; j < core::lane_count<decltype(codes)>; ++j) target[i + j] = static_cast<Code>(codes[j]);
      }
    });
  }
}

template <class T, class Target>
void decode_span(std::span<const T> in, std::span<Target> out) {
  using F = typename T::format;
  check_sizes("convert", in.size(), out.size());
  if constexpr (F::bits <= 8) {
    const auto& table = decode_table<F, Target>::values;
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = table[in[i].bits()];
  } else {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = decode_scalar<F, Target>(in[i].bits());
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

// Stochastic rounding from an explicit stream instead of the thread's stream.
template <class T, class Source>
  requires std::is_floating_point_v<Source>
Source round_to(Source x, sr_stream& stream) {
  using F = typename T::format;
  if constexpr (std::is_same_v<Source, float> && !core::fits_lanes_of<F, float>) {
    return static_cast<float>(round_to<T>(static_cast<double>(x), stream));
  } else {
    using Bits = typename core::ieee_binary<Source>::bits_type;
    Bits random = 0;
    if constexpr (rounding::is_stochastic_v<typename T::rounding_policy>) {
      random = sizeof(Bits) == 8 ? Bits(stream.next_u64()) : Bits(stream.next_u32());
    }
    const auto code = core::round_to_format<F, typename T::rounding_policy, typename T::overflow_policy, Source>(
        std::bit_cast<Bits>(x), random);
    return static_cast<Source>(T::from_bits(static_cast<typename T::storage_type>(code)));
  }
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
