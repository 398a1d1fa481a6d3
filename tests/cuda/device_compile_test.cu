// Every contract header in one .cu file, and every scalar type's operators, conversions and math, and
// lowp::mma::dot, called from a __global__ function: this file compiling under nvcc is the test. Where a GPU
// is present the kernel also runs, and its checksums must equal the same functions run on the host, bit for
// bit.
#include <cstdint>
#include <vector>

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <lowp/core/rounding.hpp>
#include <lowp/eigen.hpp>
#include <lowp/float/minifloat.hpp>
#include <lowp/fmt.hpp>
#include <lowp/int/intn.hpp>
#include <lowp/lowp.hpp>
#include <lowp/mma.hpp>
#include <lowp/posit/posit.hpp>
#include <lowp/testing.hpp>

#include "device_support.hpp"

namespace {

// Mixes a code into a running checksum (FNV-1a over 32-bit words).
LOWP_HOST_DEVICE std::uint32_t mix(std::uint32_t hash, std::uint32_t word) {
  return (hash ^ word) * 16777619u;
}
LOWP_HOST_DEVICE std::uint32_t mix(std::uint32_t hash, float value) {
  return mix(hash, lowp::core::bit_cast<std::uint32_t>(value));
}

// Each operation of a minifloat type once, on x and y.
template <class T>
LOWP_HOST_DEVICE std::uint32_t exercise_minifloat(float x, float y) {
  std::uint32_t h = 2166136261u;
  const T a(x), b(y), c(static_cast<double>(y) / 3.0), i(3);
  T s = a;
  s += b;
  s -= c;
  s *= b;
  s /= a;
  for (const T r : {a + b,
                    a - b,
                    a * b,
                    a / b,
                    -a,
                    +b,
                    sqrt(abs(a)),
                    fma(a, b, c),
                    abs(b),
                    s,
                    i,
                    T::from_bits(a.bits()),
                    T(lowp::float16(x)),
                    exp(a),
                    log(abs(b)),
                    pow(abs(a), b),
                    fmin(a, b),
                    fmax(a, b),
                    floor(a),
                    std::numeric_limits<T>::max(),
                    std::numeric_limits<T>::lowest(),
                    std::numeric_limits<T>::epsilon()}) {
    h = mix(h, static_cast<std::uint32_t>(r.bits()));
  }
  h = mix(h, static_cast<float>(a));
  h = mix(h, static_cast<float>(static_cast<double>(b)));
  h = mix(h,
          std::uint32_t((a == b) | (a != b) << 1 | (a < b) << 2 | (a <= b) << 3 | (a > b) << 4 |
                        (a >= b) << 5 | isnan(a) << 6 | isinf(b) << 7 | isfinite(a) << 8 | signbit(b) << 9));
  h = mix(h, a + 1.5f);  // mixed with float: computed in float, unrounded
  h = mix(h, static_cast<float>(2.0 * b));
  return h;
}

template <class I>
LOWP_HOST_DEVICE std::uint32_t exercise_intn(float x, float y) {
  std::uint32_t h = 2166136261u;
  const I a(x * 10.0f), b(y * 7.0f), one(1);
  I s = a;
  s += b;
  s -= one;
  s *= b;
  for (const I r : {a + b, a - b, a * b, b != I(0) ? a / b : a, -a, abs(a), s, I::from_bits(a.bits())})
    h = mix(h, r.bits());
  h = mix(h, std::uint32_t((a == b) | (a < b) << 1 | (a <= b) << 2 | (a > b) << 3 | (a >= b) << 4));
  h = mix(h, static_cast<float>(a));
  return h;
}

template <class P>
LOWP_HOST_DEVICE std::uint32_t exercise_posit(float x, float y) {
  std::uint32_t h = 2166136261u;
  const P a(x), b(y), one(1);
  P s = a;
  s += b;
  s -= one;
  s *= b;
  s /= a;
  lowp::quire<P::format::bits, P::format::exponent_bits> q(a);
  q.fma(a, b);
  q += b;
  q -= one;
  for (const P r : {a + b, a - b, a * b, a / b, -a, abs(b), sqrt(abs(a)), fma(a, b, one), s, q.to_posit(),
                    P::nar(), P::maxpos(), P(lowp::float16(x)), exp(a), std::numeric_limits<P>::epsilon()}) {
    h = mix(h, static_cast<std::uint32_t>(r.bits()));
  }
  h = mix(h, static_cast<float>(a));
  h = mix(h, static_cast<float>(static_cast<double>(b)));
  h = mix(h, static_cast<std::uint32_t>(static_cast<int>(a)));
  h = mix(h, std::uint32_t{lowp::float8_e4m3fn(b).bits()});
  h = mix(h, std::uint32_t((a == b) | (a < b) << 1 | (a <= b) << 2 | (a > b) << 3 | (a >= b) << 4 |
                           isnar(a) << 5));
  return h;
}

// lowp::mma::dot (the pointer form, the one device code can call) for a unit of each algorithm family.
template <class U>
LOWP_HOST_DEVICE std::uint32_t exercise_dot(float x, float y) {
  using A = typename U::a_type;
  using B = typename U::b_type;
  using D = typename U::d_type;
  A a[40];
  B b[40];
  for (int k = 0; k < 40; ++k) {
    a[k] = A(x * static_cast<float>(k % 7 - 3));
    b[k] = B(y / static_cast<float>(k % 5 + 1));
  }
  const D d = lowp::mma::dot<U>(a, b, 40, D(0.5f));
  return lowp::core::bit_cast<std::uint32_t>(static_cast<float>(d));
}

// Every named minifloat, every rounding policy (on bfloat16 and e4m3fn), both overflow policies; intn; posits
// and their quire; lowp::mma::dot.
LOWP_HOST_DEVICE std::uint32_t exercise_all(float x, float y) {
  using namespace lowp;
  std::uint32_t h = 0;
  h ^= exercise_minifloat<float16>(x, y);
  h ^= exercise_minifloat<bfloat16>(x, y) * 3;
  h ^= exercise_minifloat<tfloat32>(x, y) * 5;
  h ^= exercise_minifloat<float8_e4m3fn>(x, y) * 7;
  h ^= exercise_minifloat<float8_e5m2>(x, y) * 11;
  h ^= exercise_minifloat<float8_e4m3fnuz>(x, y) * 13;
  h ^= exercise_minifloat<float8_e5m2fnuz>(x, y) * 17;
  h ^= exercise_minifloat<float8_e4m3b11fnuz>(x, y) * 19;
  h ^= exercise_minifloat<float8_e4m3>(x, y) * 23;
  h ^= exercise_minifloat<float8_e3m4>(x, y) * 29;
  h ^= exercise_minifloat<float6_e2m3fn>(x, y) * 31;
  h ^= exercise_minifloat<float6_e3m2fn>(x, y) * 37;
  h ^= exercise_minifloat<float4_e2m1fn>(x, y) * 41;
  h ^= exercise_minifloat<float8_e8m0fnu>(x, y) * 43;
  h ^= exercise_minifloat<with_rounding<bfloat16, rounding::nearest_away>>(x, y) * 47;
  h ^= exercise_minifloat<with_rounding<bfloat16, rounding::toward_zero>>(x, y) * 53;
  h ^= exercise_minifloat<with_rounding<bfloat16, rounding::upward>>(x, y) * 59;
  h ^= exercise_minifloat<with_rounding<bfloat16, rounding::downward>>(x, y) * 61;
  h ^= exercise_minifloat<with_rounding<bfloat16, rounding::to_odd>>(x, y) * 67;
  h ^= exercise_minifloat<with_rounding<bfloat16, rounding::stochastic<>>>(x, y) * 71;
  h ^= exercise_minifloat<with_rounding<float8_e4m3fn, rounding::stochastic<3>>>(x, y) * 73;
  h ^= exercise_minifloat<with_rounding<float8_e4m3fn, rounding::stochastic_equal>>(x, y) * 79;
  h ^= exercise_minifloat<with_overflow<float8_e5m2, overflow::saturate>>(x, y) * 83;
  h ^= exercise_intn<lowp::int4>(x, y) * 89;
  h ^= exercise_intn<lowp::uint8>(x, y) * 97;
  h ^= exercise_intn<intn<12, true, rounding::stochastic<>>>(x, y) * 101;
  h ^= exercise_posit<posit8>(x, y) * 103;
  h ^= exercise_posit<posit16>(x, y) * 107;
  h ^= exercise_posit<posit32>(x, y) * 109;
  h ^= exercise_posit<posit<10, 1>>(x, y) * 113;
  namespace mma = lowp::mma;
  h ^= exercise_dot<mma::unit<mma::ampere, float16, float16, float>>(x, y) * 127;
  h ^= exercise_dot<mma::unit<mma::hopper, bfloat16, bfloat16, float>>(x, y) * 131;
  h ^= exercise_dot<mma::unit<mma::ada, float8_e4m3fn, float8_e5m2, float16>>(x, y) * 137;
  h ^= exercise_dot<mma::unit<mma::hopper, tfloat32, tfloat32, float>>(x, y) * 139;
  h ^= exercise_dot<mma::unit<mma::blackwell, float6_e2m3fn, float4_e2m1fn, float>>(x, y) * 149;
  h ^= exercise_dot<mma::unit<mma::cdna3, float8_e4m3fnuz, float8_e5m2fnuz, float>>(x, y) * 151;
  h ^= exercise_dot<mma::unit<mma::cdna1, bfloat16, bfloat16, float>>(x, y) * 157;
  return h;
}

__global__ void exercise_kernel(const float* x, const float* y, std::uint32_t* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  lowp::seed_stochastic_rounding(2024);
  if (i < n) out[i] = exercise_all(x[i], y[i]);
}

TEST(DeviceCompile, EveryScalarTypeRunsInAKernelAndMatchesTheHost) {
  LOWP_REQUIRE_GPU();
  const std::vector<float> x = {1.0f, -2.5f, 0.1f, 300.0f, 1e-6f, -0.0f, 7.75f, 65504.0f};
  const std::vector<float> y = {3.0f, 0.5f, -0.2f, 1e5f, 2.0f, 1.0f, -7.75f, 1e-3f};
  const int n = static_cast<int>(x.size());
  lowp_cuda_test::device_buffer<float> dx(n), dy(n);
  lowp_cuda_test::device_buffer<std::uint32_t> out(n);
  dx.upload(x);
  dy.upload(y);
  exercise_kernel<<<1, n>>>(dx.get(), dy.get(), out.get(), n);
  lowp_cuda_test::check_launch("exercise_kernel");
  const std::vector<std::uint32_t> device = out.download();
  for (int i = 0; i < n; ++i) {
    // The host replays thread i's stochastic stream: sr_stream(seed, global thread index i).
    lowp::core::thread_stream().reseed(2024, static_cast<std::uint64_t>(i));
    EXPECT_EQ(device[i], exercise_all(x[i], y[i])) << "x = " << x[i] << ", y = " << y[i];
  }
}

}  // namespace
