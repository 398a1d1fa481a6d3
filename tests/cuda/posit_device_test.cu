// posit16 arithmetic on the device against the host: + - * / on all 2^32 pairs of codes, sqrt on every
// code, and quire sums, compared bit for bit.
#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <lowp/posit/posit.hpp>

#include "device_support.hpp"

namespace {

using lowp::posit16;
constexpr std::uint32_t rows = 256;  // codes of a per launch: rows * 65536 pairs
constexpr std::uint64_t pairs = std::uint64_t(rows) << 16;

// out[4 * i + op] for pair i = (a = first_a + i / 65536, b = i % 65536).
__global__ void arithmetic_kernel(std::uint32_t first_a, std::uint16_t* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= pairs) return;
  const posit16 a = posit16::from_bits(first_a + (i >> 16)), b = posit16::from_bits(i & 0xffffu);
  out[4 * i + 0] = (a + b).bits();
  out[4 * i + 1] = (a - b).bits();
  out[4 * i + 2] = (a * b).bits();
  out[4 * i + 3] = (a / b).bits();
}

__global__ void sqrt_kernel(std::uint16_t* out) {
  const std::uint32_t code = blockIdx.x * blockDim.x + threadIdx.x;
  if (code < 65536) out[code] = sqrt(posit16::from_bits(code)).bits();
}

// Thread t: the quire sum of a(k) * b(k) for k < 64, a(k) = code (t * 64 + k) mod 2^16 and b(k) its reverse.
__global__ void quire_kernel(std::uint16_t* out) {
  const std::uint32_t t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= 4096) return;
  lowp::quire<16, 2> q;
  for (std::uint32_t k = 0; k < 64; ++k) {
    const std::uint32_t code = (t * 64 + k) & 0xffffu;
    q.fma(posit16::from_bits(code), posit16::from_bits(0xffffu - code));
  }
  out[t] = q.to_posit().bits();
}

template <class Body>
void parallel_for(std::uint64_t n, Body body) {
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      for (std::uint64_t i = w; i < n; i += workers) body(i);
    });
  }
  for (auto& thread : pool) thread.join();
}

TEST(DevicePosit16, ArithmeticOnAllPairsMatchesTheHost) {
  LOWP_REQUIRE_GPU();
  lowp_cuda_test::device_buffer<std::uint16_t> device(4 * pairs);
  const std::uint32_t stride = lowp_cuda_test::quick() ? 16 * rows : rows;
  const char* names[] = {"+", "-", "*", "/"};
  std::uint64_t mismatches = 0;
  for (std::uint32_t first_a = 0; first_a < 65536; first_a += stride) {
    arithmetic_kernel<<<pairs / 256, 256>>>(first_a, device.get());
    lowp_cuda_test::check_launch("arithmetic_kernel");
    const std::vector<std::uint16_t> got = device.download();
    std::vector<std::uint16_t> want(4 * pairs);
    parallel_for(pairs, [&](std::uint64_t i) {
      const posit16 a = posit16::from_bits(first_a + std::uint32_t(i >> 16)),
                    b = posit16::from_bits(i & 0xffffu);
      want[4 * i + 0] = (a + b).bits();
      want[4 * i + 1] = (a - b).bits();
      want[4 * i + 2] = (a * b).bits();
      want[4 * i + 3] = (a / b).bits();
    });
    for (std::uint64_t j = 0; j < 4 * pairs; ++j) {
      if (got[j] != want[j] && ++mismatches <= 10) {
        ADD_FAILURE() << "0x" << std::hex << first_a + (j / 4 >> 16) << ' ' << names[j % 4] << " 0x"
                      << (j / 4 & 0xffff) << ": device 0x" << got[j] << ", host 0x" << want[j];
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(DevicePosit16, SqrtOfEveryCodeAndQuireSumsMatchTheHost) {
  LOWP_REQUIRE_GPU();
  lowp_cuda_test::device_buffer<std::uint16_t> roots(65536), sums(4096);
  sqrt_kernel<<<256, 256>>>(roots.get());
  lowp_cuda_test::check_launch("sqrt_kernel");
  quire_kernel<<<16, 256>>>(sums.get());
  lowp_cuda_test::check_launch("quire_kernel");
  const std::vector<std::uint16_t> got_roots = roots.download(), got_sums = sums.download();
  for (std::uint32_t code = 0; code < 65536; ++code) {
    EXPECT_EQ(got_roots[code], sqrt(posit16::from_bits(code)).bits())
        << "sqrt of code 0x" << std::hex << code;
  }
  for (std::uint32_t t = 0; t < 4096; ++t) {
    lowp::quire<16, 2> q;
    for (std::uint32_t k = 0; k < 64; ++k) {
      const std::uint32_t code = (t * 64 + k) & 0xffffu;
      q.fma(posit16::from_bits(code), posit16::from_bits(0xffffu - code));
    }
    EXPECT_EQ(got_sums[t], q.to_posit().bits()) << "quire sum " << t;
  }
}

}  // namespace
