// scripts/gpu_check.sh, part (b): lowp's conversions, run on the GPU, against CUDA's own conversion
// intrinsics over all 2^32 float patterns. Prints a Markdown section: per conversion the mismatch count,
// split into NaN inputs (where the conventions differ by design) and everything else, with examples.
// Exit status 1 if a conversion has a mismatch on a non-NaN input.
#include <cstdint>
#include <cstdio>
#include <string>

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp4.h>
#include <cuda_fp6.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <lowp/float/minifloat.hpp>

namespace {

// Counters of one conversion: [0] non-NaN inputs that differ, [1] NaN inputs that differ; then up to
// `samples` examples of each kind as (input bits, lowp code, CUDA code).
constexpr int samples = 6;
struct tally {
  unsigned long long differ[2];
  unsigned int examples[2][samples][3];
};

__device__ void record(tally* t, std::uint32_t input, std::uint32_t mine, std::uint32_t theirs) {
  const bool nan_input = (input & 0x7fffffffu) > 0x7f800000u;
  const unsigned long long n = atomicAdd(&t->differ[nan_input], 1ull);
  if (n < samples) {
    t->examples[nan_input][n][0] = input;
    t->examples[nan_input][n][1] = mine;
    t->examples[nan_input][n][2] = theirs;
  }
}

enum conversion : int {
  f16_rn,
  f16_rz,
  f16_rd,
  f16_ru,
  bf16_rn,
  bf16_rz,
  bf16_rd,
  bf16_ru,
  e4m3_nosat,
  e4m3_satfinite,
  e5m2_nosat,
  e5m2_satfinite,
  e2m3_rn,
  e2m3_rz,
  e3m2_rn,
  e3m2_rz,
  e2m1_rn,
  e2m1_rz,
  conversion_count
};

const char* const names[conversion_count] = {
    "float16 nearest_even vs __float2half_rn",
    "float16 toward_zero vs __float2half_rz",
    "float16 downward vs __float2half_rd",
    "float16 upward vs __float2half_ru",
    "bfloat16 nearest_even vs __float2bfloat16_rn",
    "bfloat16 toward_zero vs __float2bfloat16_rz",
    "bfloat16 downward vs __float2bfloat16_rd",
    "bfloat16 upward vs __float2bfloat16_ru",
    "float8_e4m3fn vs __nv_cvt_float_to_fp8(__NV_NOSAT, __NV_E4M3)",
    "float8_e4m3fn saturate vs __nv_cvt_float_to_fp8(__NV_SATFINITE, __NV_E4M3)",
    "float8_e5m2 vs __nv_cvt_float_to_fp8(__NV_NOSAT, __NV_E5M2)",
    "float8_e5m2 saturate vs __nv_cvt_float_to_fp8(__NV_SATFINITE, __NV_E5M2)",
    "float6_e2m3fn vs __nv_cvt_float_to_fp6(__NV_E2M3, cudaRoundNearest)",
    "float6_e2m3fn toward_zero vs __nv_cvt_float_to_fp6(__NV_E2M3, cudaRoundZero)",
    "float6_e3m2fn vs __nv_cvt_float_to_fp6(__NV_E3M2, cudaRoundNearest)",
    "float6_e3m2fn toward_zero vs __nv_cvt_float_to_fp6(__NV_E3M2, cudaRoundZero)",
    "float4_e2m1fn vs __nv_cvt_float_to_fp4(__NV_E2M1, cudaRoundNearest)",
    "float4_e2m1fn toward_zero vs __nv_cvt_float_to_fp4(__NV_E2M1, cudaRoundZero)",
};

template <class T>
__device__ std::uint32_t code(float x) {
  return T(x).bits();
}
template <class T, class R>
using rounded = lowp::with_rounding<T, R>;
template <class T>
using saturating = lowp::with_overflow<T, lowp::overflow::saturate>;
using lowp::rounding::downward, lowp::rounding::toward_zero, lowp::rounding::upward;

__global__ void compare_kernel(std::uint32_t first, tally* tallies) {
  const std::uint32_t input = first + blockIdx.x * blockDim.x + threadIdx.x;
  const float x = __uint_as_float(input);
  const auto check = [&](conversion c, std::uint32_t mine, std::uint32_t theirs) {
    if (mine != theirs) record(&tallies[c], input, mine, theirs);
  };
  check(f16_rn, code<lowp::float16>(x), __half_as_ushort(__float2half_rn(x)));
  check(f16_rz, code<rounded<lowp::float16, toward_zero>>(x), __half_as_ushort(__float2half_rz(x)));
  check(f16_rd, code<rounded<lowp::float16, downward>>(x), __half_as_ushort(__float2half_rd(x)));
  check(f16_ru, code<rounded<lowp::float16, upward>>(x), __half_as_ushort(__float2half_ru(x)));
  check(bf16_rn, code<lowp::bfloat16>(x), __bfloat16_as_ushort(__float2bfloat16_rn(x)));
  check(bf16_rz, code<rounded<lowp::bfloat16, toward_zero>>(x), __bfloat16_as_ushort(__float2bfloat16_rz(x)));
  check(bf16_rd, code<rounded<lowp::bfloat16, downward>>(x), __bfloat16_as_ushort(__float2bfloat16_rd(x)));
  check(bf16_ru, code<rounded<lowp::bfloat16, upward>>(x), __bfloat16_as_ushort(__float2bfloat16_ru(x)));
  check(e4m3_nosat, code<lowp::float8_e4m3fn>(x), __nv_cvt_float_to_fp8(x, __NV_NOSAT, __NV_E4M3));
  check(e4m3_satfinite, code<saturating<lowp::float8_e4m3fn>>(x),
        __nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E4M3));
  check(e5m2_nosat, code<lowp::float8_e5m2>(x), __nv_cvt_float_to_fp8(x, __NV_NOSAT, __NV_E5M2));
  check(e5m2_satfinite, code<saturating<lowp::float8_e5m2>>(x),
        __nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E5M2));
  check(e2m3_rn, code<lowp::float6_e2m3fn>(x), __nv_cvt_float_to_fp6(x, __NV_E2M3, cudaRoundNearest));
  check(e2m3_rz, code<rounded<lowp::float6_e2m3fn, toward_zero>>(x),
        __nv_cvt_float_to_fp6(x, __NV_E2M3, cudaRoundZero));
  check(e3m2_rn, code<lowp::float6_e3m2fn>(x), __nv_cvt_float_to_fp6(x, __NV_E3M2, cudaRoundNearest));
  check(e3m2_rz, code<rounded<lowp::float6_e3m2fn, toward_zero>>(x),
        __nv_cvt_float_to_fp6(x, __NV_E3M2, cudaRoundZero));
  check(e2m1_rn, code<lowp::float4_e2m1fn>(x), __nv_cvt_float_to_fp4(x, __NV_E2M1, cudaRoundNearest));
  check(e2m1_rz, code<rounded<lowp::float4_e2m1fn, toward_zero>>(x),
        __nv_cvt_float_to_fp4(x, __NV_E2M1, cudaRoundZero));
}

int fail(const char* what, cudaError_t status) {
  std::printf("\n**%s failed: %s**\n", what, cudaGetErrorString(status));
  return 2;
}

}  // namespace

int main() {
  tally* tallies = nullptr;
  cudaError_t status = cudaMallocManaged(&tallies, sizeof(tally) * conversion_count);
  if (status != cudaSuccess) return fail("cudaMallocManaged", status);
  for (int c = 0; c < conversion_count; ++c) tallies[c] = tally{};
  constexpr std::uint32_t per_launch = 1u << 28;
  for (std::uint64_t first = 0; first < (std::uint64_t(1) << 32); first += per_launch) {
    compare_kernel<<<per_launch / 256, 256>>>(static_cast<std::uint32_t>(first), tallies);
    if ((status = cudaGetLastError()) != cudaSuccess) return fail("compare_kernel launch", status);
  }
  if ((status = cudaDeviceSynchronize()) != cudaSuccess) return fail("compare_kernel", status);

  std::printf("## lowp conversions on the GPU against CUDA's intrinsics (all 2^32 float inputs)\n\n");
  std::printf("| conversion | mismatches, non-NaN inputs | mismatches, NaN inputs |\n|---|---|---|\n");
  int unexplained = 0;
  for (int c = 0; c < conversion_count; ++c) {
    std::printf("| %s | %llu | %llu |\n", names[c], tallies[c].differ[0], tallies[c].differ[1]);
    if (tallies[c].differ[0] != 0) ++unexplained;
  }
  std::printf("\nExamples (input float bits: lowp code / CUDA code):\n\n");
  for (int c = 0; c < conversion_count; ++c) {
    for (int kind = 0; kind < 2; ++kind) {
      const unsigned long long n = tallies[c].differ[kind];
      if (n == 0) continue;
      std::printf("- %s, %s:", names[c], kind == 0 ? "non-NaN inputs" : "NaN inputs");
      for (unsigned long long i = 0; i < n && i < samples; ++i) {
        const auto* e = tallies[c].examples[kind][i];
        std::printf(" 0x%08x: 0x%x / 0x%x;", e[0], e[1], e[2]);
      }
      std::printf("\n");
    }
  }
  std::printf(
      "\nNaN inputs: lowp keeps the input's sign on a NaN code and, for formats without NaN (e2m3, e3m2, "
      "e2m1),\n"
      "gives the zero of the opposite sign (ml_dtypes' convention); CUDA's fp4/fp6 conversions give +MAXNORM "
      "and\n"
      "its fp8 ones a positive canonical NaN. A mismatch on a non-NaN input is a disagreement to explain.\n");
  cudaFree(tallies);
  return unexplained == 0 ? 0 : 1;
}
