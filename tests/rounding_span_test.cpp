// The fast float spans of round_to<T> and convert<T> (the nearest-even path of float/round_to.hpp: add and
// mask on the float encoding, a fixed-quantum add below the smallest normal, streaming stores for large
// outputs) against the rounding kernel they replace, core::round_to_format, which the scalar constructor
// T(x) runs and which tests/conversion_test.cpp holds to an independent oracle. Every one of the 2^32 float
// bit patterns for float8_e5m2 and float8_e4m3fn, every 7th chunk of them for bfloat16 and float16 (whose
// convert spans hardware_oracle_test sweeps over all floats against F16C / AVX512-BF16), in chunks of 2^22
// (outputs of 4 MiB and more, so the streaming stores run); one chunk also into a misaligned subspan. The
// reference codes come from the kernel over native SIMD lanes (the same function as T(x), lane by lane),
// which keeps the sweep to seconds. LOWP_TEST_QUICK=1 (sanitizer builds) sweeps every 61st chunk.
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>
#include <lowp/float/named_formats.hpp>
#include <lowp/float/round_to.hpp>

namespace {

bool quick_mode() {
  return std::getenv("LOWP_TEST_QUICK") != nullptr;
}

constexpr std::size_t chunk = std::size_t(1) << 22;

template <class T>
struct reference {
  std::vector<std::uint32_t> code;   // the format's code of each input
  std::vector<std::uint32_t> value;  // the float bits of its value
};

// The kernel's code and value for each input: core::round_to_format and core::decode_format, over SIMD
// lanes where there are any (they are the scalar constructor's own functions), with a scalar tail.
template <class T>
void kernel(const std::vector<float>& in, reference<T>& out) {
  using F = typename T::format;
  using R = typename T::rounding_policy;
  using O = typename T::overflow_policy;
  out.code.resize(in.size());
  out.value.resize(in.size());
  std::size_t i = 0;
#if LOWP_HAS_VECTOR_EXTENSIONS
  using L = lowp::core::u32_lanes;
  constexpr std::size_t lanes = lowp::core::lane_count<L>;
  for (; i + lanes <= in.size(); i += lanes) {
    L bits;
    std::memcpy(&bits, in.data() + i, sizeof bits);
    const L codes = lowp::core::round_to_format<F, R, O, float>(bits, L{});
    const L values = lowp::core::decode_format<F, float>(codes);
    lowp::core::store_narrowed(out.code.data() + i, codes);
    std::memcpy(out.value.data() + i, &values, sizeof values);
  }
#endif
  for (; i < in.size(); ++i) {
    const std::uint32_t code =
        lowp::core::round_to_format<F, R, O, float>(std::bit_cast<std::uint32_t>(in[i]), std::uint32_t{0});
    out.code[i] = static_cast<typename T::storage_type>(code);
    out.value[i] = lowp::core::decode_format<F, float>(code);
  }
}

// Every `full_step`th chunk (every 61st under LOWP_TEST_QUICK=1).
template <class T>
void sweep_floats(std::uint64_t full_step) {
  const std::uint64_t chunks = (std::uint64_t(1) << 32) / chunk;
  const std::uint64_t step = quick_mode() ? 61 : full_step;
  std::vector<float> in(chunk), rounded(chunk);
  std::vector<T> codes(chunk), shifted(chunk);
  reference<T> want;
  long mismatches = 0;
  for (std::uint64_t c = 0; c < chunks; c += step) {
    for (std::size_t i = 0; i < chunk; ++i)
      in[i] = std::bit_cast<float>(static_cast<std::uint32_t>(c * chunk + i));
    kernel<T>(in, want);
    lowp::round_to<T>(std::span<const float>(in), std::span<float>(rounded));
    lowp::convert(std::span<const float>(in), std::span<T>(codes));
    // Whole-array comparisons first; the element-by-element report only where they found a difference.
    static_assert(sizeof(T) == sizeof(typename T::storage_type));
    const bool differ = std::memcmp(rounded.data(), want.value.data(), chunk * sizeof(float)) != 0 ||
                        std::memcmp(codes.data(), want.code.data(), chunk * sizeof(T)) != 0;
    for (std::size_t i = 0; differ && i < chunk; ++i) {
      const std::uint32_t value = std::bit_cast<std::uint32_t>(rounded[i]);
      if (value != want.value[i] || codes[i].bits() != want.code[i]) {
        if (++mismatches <= 8) {
          ADD_FAILURE() << "input 0x" << std::hex << std::bit_cast<std::uint32_t>(in[i])
                        << ": round_to span 0x" << value << " (kernel 0x" << want.value[i]
                        << "), convert span 0x" << std::uint32_t{codes[i].bits()} << " (kernel 0x"
                        << std::uint32_t{want.code[i]} << ")";
        }
      }
    }
    if (c == 0) {
      // Output starting one element past the allocation's alignment: the streaming path first writes a
      // scalar head up to the next aligned element.
      const std::size_t offset = 1;
      lowp::convert(std::span<const float>(in).subspan(offset), std::span<T>(shifted).subspan(offset));
      lowp::round_to<T>(std::span<const float>(in).subspan(offset),
                        std::span<float>(rounded).subspan(offset));
      for (std::size_t i = offset; i < chunk; ++i) {
        if (shifted[i].bits() != want.code[i] || std::bit_cast<std::uint32_t>(rounded[i]) != want.value[i]) {
          if (++mismatches <= 8) ADD_FAILURE() << "misaligned span, input 0x" << std::hex << c * chunk + i;
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

// bfloat16 and float16 codes of every float through convert's fast path are already compared with the CPU's
// own conversions (hardware_oracle_test); here every 7th chunk of them, values and codes, streaming.
TEST(RoundingSpan, BFloat16OfEvery7thChunkOfFloatsMatchesTheKernel) {
  sweep_floats<lowp::bfloat16>(7);
}
TEST(RoundingSpan, Float16OfEvery7thChunkOfFloatsMatchesTheKernel) {
  sweep_floats<lowp::float16>(7);
}
TEST(RoundingSpan, Float8E5m2OfEveryFloatMatchesTheKernel) {
  sweep_floats<lowp::float8_e5m2>(1);
}
TEST(RoundingSpan, Float8E4m3fnOfEveryFloatMatchesTheKernel) {
  sweep_floats<lowp::float8_e4m3fn>(1);
}

}  // namespace
