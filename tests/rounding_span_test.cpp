// The fast float spans of round_to<T> and convert<T> (the nearest-even path of float/round_to.hpp: add and
// mask on the float encoding, a fixed-quantum add below the smallest normal, streaming stores for large
// outputs) against the rounding kernel they replace, core::round_to_format, which the scalar constructor
// T(x) runs and which tests/conversion_test.cpp holds to an independent oracle. Every one of the 2^32 float
// bit patterns, in chunks of 2^22 (outputs of 4 MiB and more, so the streaming stores run), for bfloat16,
// float16, float8_e5m2 and float8_e4m3fn; one chunk is also converted into a misaligned subspan. The
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
    std::memcpy(out.code.data() + i, &codes, sizeof codes);
    std::memcpy(out.value.data() + i, &values, sizeof values);
  }
#endif
  for (; i < in.size(); ++i) {
    const std::uint32_t code =
        lowp::core::round_to_format<F, R, O, float>(std::bit_cast<std::uint32_t>(in[i]), std::uint32_t{0});
    out.code[i] = code;
    out.value[i] = lowp::core::decode_format<F, float>(code);
  }
}

template <class T>
void sweep_all_floats() {
  const std::uint64_t chunks = (std::uint64_t(1) << 32) / chunk;
  const std::uint64_t step = quick_mode() ? 61 : 1;
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
    // A branch-free pass first (it vectorises); the element-by-element report only where it found one.
    bool differ = false;
    for (std::size_t i = 0; i < chunk; ++i) {
      differ |=
          (std::bit_cast<std::uint32_t>(rounded[i]) != want.value[i]) | (codes[i].bits() != want.code[i]);
    }
    for (std::size_t i = 0; differ && i < chunk; ++i) {
      const std::uint32_t value = std::bit_cast<std::uint32_t>(rounded[i]);
      if (value != want.value[i] || codes[i].bits() != want.code[i]) {
        if (++mismatches <= 8) {
          ADD_FAILURE() << "input 0x" << std::hex << std::bit_cast<std::uint32_t>(in[i])
                        << ": round_to span 0x" << value << " (kernel 0x" << want.value[i]
                        << "), convert span 0x" << codes[i].bits() << " (kernel 0x" << want.code[i] << ")";
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

TEST(RoundingSpan, BFloat16OfEveryFloatMatchesTheKernel) {
  sweep_all_floats<lowp::bfloat16>();
}
TEST(RoundingSpan, Float16OfEveryFloatMatchesTheKernel) {
  sweep_all_floats<lowp::float16>();
}
TEST(RoundingSpan, Float8E5m2OfEveryFloatMatchesTheKernel) {
  sweep_all_floats<lowp::float8_e5m2>();
}
TEST(RoundingSpan, Float8E4m3fnOfEveryFloatMatchesTheKernel) {
  sweep_all_floats<lowp::float8_e4m3fn>();
}

}  // namespace
