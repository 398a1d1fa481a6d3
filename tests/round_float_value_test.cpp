// core::round_float_value_nearest_even (the value form used by the GEMM fast path) equals the rounding
// kernel followed by its decoder, on every float bit pattern (strided for the less used formats, and
// under LOWP_TEST_QUICK=1).
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <type_traits>

#include <gtest/gtest.h>

#include <lowp/core/round_float_value.hpp>
#include <lowp/float/minifloat.hpp>

namespace {

bool quick() {
  return std::getenv("LOWP_TEST_QUICK") != nullptr;
}

// Lane j of a vector, or the scalar itself.
template <class V>
auto lane(const V& v, int j) {
  if constexpr (std::is_arithmetic_v<V>) {
    return v;
  } else {
    return v[j];
  }
}

template <class T, bool QuietNans>
std::uint64_t mismatches(std::uint64_t stride) {
  using F = typename T::format;
  using O = typename T::overflow_policy;
#if LOWP_HAS_VECTOR_EXTENSIONS
  using L = lowp::core::u32_lanes;
  using FL = lowp::core::f32_lanes;
#else
  using L = std::uint32_t;
  using FL = float;
#endif
  constexpr int N = lowp::core::lane_count<L>;
  std::uint64_t bad = 0;
  for (std::uint64_t base = 0; base < (std::uint64_t{1} << 32); base += N * stride) {
    L bits{};
#if LOWP_HAS_VECTOR_EXTENSIONS
    for (int j = 0; j < N; ++j) bits[j] = static_cast<std::uint32_t>(base + j * stride);
#else
    bits = static_cast<std::uint32_t>(base);
#endif
    const FL value =
        lowp::core::round_float_value_nearest_even<F, O, FL, L, QuietNans>(lowp::core::float_of<FL>(bits));
    const L codes = lowp::core::round_to_format<F, typename T::rounding_policy, O, float>(bits, L{});
    const L expected = lowp::core::decode_format<F, float>(codes);
    for (int j = 0; j < N; ++j) {
      const std::uint32_t input = lane(bits, j);
      const float got = lane(value, j);
      const std::uint32_t want = lane(expected, j);
      const std::uint32_t code = lane(codes, j);
      if (QuietNans && std::isnan(std::bit_cast<float>(input)) && (input & 0x7fffffffu) != 0x7fc00000u)
        continue;
      // A NaN result is compared as a code: the value form may carry the input's sign on fnuz's NaN.
      const bool same = std::isnan(got) ? T(got).bits() == code : std::bit_cast<std::uint32_t>(got) == want;
      if (!same) {
        if (bad < 5)
          ADD_FAILURE() << std::hex << "input 0x" << input << ": got 0x" << std::bit_cast<std::uint32_t>(got)
                        << ", kernel gives 0x" << want;
        ++bad;
      }
    }
  }
  return bad;
}

template <class T>
class RoundFloatValue : public ::testing::Test {};
using Common = ::testing::Types<lowp::bfloat16, lowp::float16, lowp::float8_e4m3fn, lowp::float8_e5m2>;
using Others =
    ::testing::Types<lowp::tfloat32, lowp::float8_e4m3fnuz, lowp::float8_e5m2fnuz, lowp::float8_e4m3b11fnuz,
                     lowp::float8_e4m3, lowp::float8_e3m4, lowp::float6_e2m3fn, lowp::float6_e3m2fn,
                     lowp::float4_e2m1fn, lowp::with_overflow<lowp::bfloat16, lowp::overflow::saturate>,
                     lowp::with_overflow<lowp::float8_e4m3fn, lowp::overflow::saturate>,
                     lowp::with_overflow<lowp::float16, lowp::overflow::saturate>>;
TYPED_TEST_SUITE(RoundFloatValue, Common);

TYPED_TEST(RoundFloatValue, EqualsTheKernelOnAllFloats) {
  EXPECT_EQ((mismatches<TypeParam, false>(quick() ? 101 : 1)), 0u);
}
TYPED_TEST(RoundFloatValue, QuietNanVariantEqualsTheKernelOnAllButNonDefaultNans) {
  EXPECT_EQ((mismatches<TypeParam, true>(quick() ? 101 : 7)), 0u);
}

template <class T>
class RoundFloatValueOthers : public ::testing::Test {};
TYPED_TEST_SUITE(RoundFloatValueOthers, Others);
TYPED_TEST(RoundFloatValueOthers, EqualsTheKernelOnAStrideOfAllFloats) {
  EXPECT_EQ((mismatches<TypeParam, false>(quick() ? 1009 : 13)), 0u);
}

}  // namespace
