// lowp::mma::dot run in a kernel against the same call on the host, on random operands: every NVIDIA
// mma.sync-family unit of one architecture per output kind, bit for bit. (The hardware itself is compared
// by scripts/gpu_check.sh.)
#include <cstdint>
#include <random>
#include <vector>

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>
#include <lowp/mma/architectures.hpp>
#include <lowp/mma/dot.hpp>
#include <lowp/mma/unit.hpp>

#include "device_support.hpp"

namespace {

namespace mma = lowp::mma;
constexpr int dots = 4096;

template <class U>
__global__ void dot_kernel(const typename U::a_type* a, const typename U::b_type* b,
                           const typename U::d_type* c, typename U::d_type* d, int K) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < dots) d[i] = mma::dot<U>(a + std::size_t(i) * K, b + std::size_t(i) * K, std::size_t(K), c[i]);
}

template <class T>
T random_value(std::mt19937_64& rng) {
  const std::uint64_t r = rng();
  // Mostly near 1 (alignment and cancellation), sometimes zero or anywhere in range; never NaN or Inf.
  const double magnitude =
      r % 8 == 0 ? 0.0 : std::ldexp(1.0 + double(r >> 40) / double(1 << 24), int(r % 13) - 6);
  T x((r >> 3) % 2 ? magnitude : -magnitude);
  return isfinite(x) ? x : T(1);
}
template <>
float random_value<float>(std::mt19937_64& rng) {
  const std::uint64_t r = rng();
  return r % 8 == 0
             ? 0.0f
             : std::ldexp(1.0f + float(r >> 41) / float(1 << 23), int(r % 9) - 4) * ((r >> 3) % 2 ? 1 : -1);
}

template <class U>
void expect_device_dot_matches_host(int K) {
  using A = typename U::a_type;
  using B = typename U::b_type;
  using D = typename U::d_type;
  std::mt19937_64 rng(K * 7919 + sizeof(A) * 31 + sizeof(D));
  std::vector<A> a(std::size_t(dots) * K);
  std::vector<B> b(std::size_t(dots) * K);
  std::vector<D> c(dots);
  for (auto& x : a) x = random_value<A>(rng);
  for (auto& x : b) x = random_value<B>(rng);
  for (auto& x : c) x = random_value<D>(rng);
  lowp_cuda_test::device_buffer<A> da(a.size());
  lowp_cuda_test::device_buffer<B> db(b.size());
  lowp_cuda_test::device_buffer<D> dc(dots), dd(dots);
  da.upload(a);
  db.upload(b);
  dc.upload(c);
  dot_kernel<U><<<dots / 128, 128>>>(da.get(), db.get(), dc.get(), dd.get(), K);
  lowp_cuda_test::check_launch("dot_kernel");
  const std::vector<D> device = dd.download();
  int mismatches = 0;
  for (int i = 0; i < dots; ++i) {
    const D host =
        mma::dot<U>(a.data() + std::size_t(i) * K, b.data() + std::size_t(i) * K, std::size_t(K), c[i]);
    if (lowp::core::bit_cast<std::uint64_t>(double(host)) !=
            lowp::core::bit_cast<std::uint64_t>(double(device[i])) &&
        ++mismatches <= 5) {
      ADD_FAILURE() << "dot " << i << " (K = " << K << "): device " << double(device[i]) << ", host "
                    << double(host);
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(DeviceMma, AmpereHalfBfloatTf32) {
  LOWP_REQUIRE_GPU();
  expect_device_dot_matches_host<mma::unit<mma::ampere, lowp::float16, lowp::float16, float>>(64);
  expect_device_dot_matches_host<mma::unit<mma::ampere, lowp::float16, lowp::float16, lowp::float16>>(64);
  expect_device_dot_matches_host<mma::unit<mma::ampere, lowp::bfloat16, lowp::bfloat16, float>>(61);
  expect_device_dot_matches_host<mma::unit<mma::ampere, lowp::tfloat32, lowp::tfloat32, float>>(32);
}

TEST(DeviceMma, HopperAndAdaFp8) {
  LOWP_REQUIRE_GPU();
  expect_device_dot_matches_host<mma::unit<mma::hopper, lowp::float16, lowp::float16, float>>(64);
  expect_device_dot_matches_host<mma::unit<mma::hopper, lowp::float8_e4m3fn, lowp::float8_e5m2, float>>(128);
  expect_device_dot_matches_host<
      mma::unit<mma::hopper, lowp::float8_e4m3fn, lowp::float8_e4m3fn, lowp::float16>>(96);
  expect_device_dot_matches_host<mma::unit<mma::ada, lowp::float8_e5m2, lowp::float8_e5m2, float>>(80);
}

}  // namespace
