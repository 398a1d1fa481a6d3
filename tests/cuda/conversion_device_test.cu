// Conversions on the device against the host, all 2^32 float patterns: float -> float16, bfloat16, e4m3fn,
// e5m2, e2m1 under every rounding policy (and saturation), stochastic ones drawing from the per-thread
// device stream, which the host replays (sr_stream(seed, thread index)). Codes are compared bit for bit.
#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>

#include "device_support.hpp"

namespace {

constexpr std::uint64_t chunk = std::uint64_t(1) << 26;  // float patterns per launch
constexpr std::uint64_t seed = 0x5eed'1234'abcdULL;

template <class T>
__global__ void convert_kernel(std::uint32_t first, std::uint64_t stream_seed,
                               typename T::storage_type* out) {
  const std::uint32_t t = blockIdx.x * blockDim.x + threadIdx.x;
  lowp::seed_stochastic_rounding(stream_seed);  // stream (seed, t): only stochastic policies draw from it
  if (t < chunk) out[t] = T(lowp::core::bit_cast<float>(first + t)).bits();
}

template <class T>
__global__ void decode_kernel(float* out) {
  const std::uint32_t code = blockIdx.x * blockDim.x + threadIdx.x;
  if (code < (1u << T::format::bits)) out[code] = static_cast<float>(T::from_bits(code));
}

// The host's codes for patterns [first, first + chunk), thread t replaying the device thread's stream.
template <class T>
std::vector<typename T::storage_type> host_codes(std::uint32_t first, std::uint64_t stream_seed) {
  std::vector<typename T::storage_type> codes(chunk);
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      for (std::uint64_t t = w; t < chunk; t += workers) {
        lowp::core::thread_stream().reseed(stream_seed, t);
        codes[t] = T(lowp::core::bit_cast<float>(static_cast<std::uint32_t>(first + t))).bits();
      }
    });
  }
  for (auto& thread : pool) thread.join();
  return codes;
}

template <class T>
void expect_device_conversions_match_host() {
  using code = typename T::storage_type;
  lowp_cuda_test::device_buffer<code> device(chunk);
  const std::uint64_t stride = lowp_cuda_test::quick() ? 16 : 1;  // chunks taken
  std::uint64_t mismatches = 0, compared = 0;
  for (std::uint64_t c = 0; c < (std::uint64_t(1) << 32) / chunk; c += stride) {
    const auto first = static_cast<std::uint32_t>(c * chunk);
    convert_kernel<T><<<chunk / 256, 256>>>(first, seed + c, device.get());
    lowp_cuda_test::check_launch("convert_kernel");
    const std::vector<code> got = device.download();
    const std::vector<code> want = host_codes<T>(first, seed + c);
    for (std::uint64_t t = 0; t < chunk; ++t) {
      if (got[t] != want[t] && ++mismatches <= 10) {
        ADD_FAILURE() << "float bits 0x" << std::hex << first + t << ": device code 0x" << +got[t]
                      << ", host code 0x" << +want[t];
      }
    }
    compared += chunk;
  }
  EXPECT_EQ(mismatches, 0u) << "of " << compared << " float patterns";

  // Decoding every code.
  const std::uint32_t codes = 1u << T::format::bits;
  lowp_cuda_test::device_buffer<float> values(codes);
  decode_kernel<T><<<(codes + 255) / 256, 256>>>(values.get());
  lowp_cuda_test::check_launch("decode_kernel");
  const std::vector<float> decoded = values.download();
  for (std::uint32_t code = 0; code < codes; ++code) {
    EXPECT_EQ(lowp::core::bit_cast<std::uint32_t>(decoded[code]),
              lowp::core::bit_cast<std::uint32_t>(static_cast<float>(T::from_bits(code))))
        << "code 0x" << std::hex << code;
  }
}

// Each format under each policy; saturation with nearest_even (the kernel's overflow step is shared).
template <class T>
using policies = ::testing::Types<
    T, lowp::with_rounding<T, lowp::rounding::nearest_away>,
    lowp::with_rounding<T, lowp::rounding::toward_zero>, lowp::with_rounding<T, lowp::rounding::upward>,
    lowp::with_rounding<T, lowp::rounding::downward>, lowp::with_rounding<T, lowp::rounding::to_odd>,
    lowp::with_rounding<T, lowp::rounding::stochastic<>>,
    lowp::with_rounding<T, lowp::rounding::stochastic<8>>,
    lowp::with_rounding<T, lowp::rounding::stochastic_equal>,
    lowp::with_overflow<T, lowp::overflow::saturate>>;

#define LOWP_DEVICE_CONVERSION_SUITE(Name, Format)     \
  template <class T>                                   \
  class Name : public ::testing::Test {};              \
  TYPED_TEST_SUITE(Name, policies<Format>);            \
  TYPED_TEST(Name, AllFloatPatternsMatchTheHost) {     \
    LOWP_REQUIRE_GPU();                                \
    expect_device_conversions_match_host<TypeParam>(); \
  }
LOWP_DEVICE_CONVERSION_SUITE(DeviceFloat16, lowp::float16)
LOWP_DEVICE_CONVERSION_SUITE(DeviceBfloat16, lowp::bfloat16)
LOWP_DEVICE_CONVERSION_SUITE(DeviceE4m3fn, lowp::float8_e4m3fn)
LOWP_DEVICE_CONVERSION_SUITE(DeviceE5m2, lowp::float8_e5m2)
LOWP_DEVICE_CONVERSION_SUITE(DeviceE2m1, lowp::float4_e2m1fn)
#undef LOWP_DEVICE_CONVERSION_SUITE

}  // namespace
