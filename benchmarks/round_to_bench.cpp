// Array rounding and packed conversion, float -> small formats and back, on 2^24 floats (one thread).
// Baselines in the same binary so every figure reads as a ratio from one run: memcpy of the same bytes, a
// naive loop through the scalar constructor, the F16C instructions (float <-> half) and AVX512-BF16's
// vcvtneps2bf16 (float -> bfloat16). Run with --benchmark_repetitions=3 and read medians.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

#if defined(__F16C__) || defined(__AVX512F__) || defined(__AVX512BF16__)
#include <immintrin.h>
#endif

#include <lowp/float/minifloat.hpp>

namespace {

// 2^24 floats (64 MiB) stream through memory, as a large tensor does; the few cases also run at 2^14
// (64 KiB, resident in L2) show what the arithmetic costs once memory is out of the way.
constexpr std::size_t count = std::size_t(1) << 24;
constexpr std::int64_t in_cache = std::int64_t(1) << 14;

using stochastic = lowp::rounding::stochastic<>;

// Normal-ish data spread over the format's range: a normal sample times a random power of two, scaled so
// that most values land between the format's smallest normal and its max (a few overflow or go subnormal,
// as real tensors do). Generated once per format and kept.
template <class F>
const std::vector<float>& format_input() {
  static const std::vector<float> data = [] {
    const double top = std::min(F::max(), 65536.0);  // bfloat16's range is mostly not interesting
    const double bottom = std::max(F::min_normal(), 1.0 / 65536.0);
    const int low = static_cast<int>(std::floor(std::log2(bottom)));
    const int high = static_cast<int>(std::floor(std::log2(top))) - 2;
    std::mt19937_64 generator(20240917);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_int_distribution<int> binade(low, std::max(low, high));
    std::vector<float> values(count);
    for (float& value : values) value = std::ldexp(normal(generator), binade(generator));
    return values;
  }();
  return data;
}

template <class T>
const std::vector<float>& input() {
  return format_input<typename T::format>();
}

// Codes of the input, for the decode benchmarks.
template <class T>
const std::vector<T>& codes() {
  static const std::vector<T> data = [] {
    std::vector<T> values(count);
    lowp::convert<T>(std::span<const float>(input<T>()), std::span<T>(values));
    return values;
  }();
  return data;
}

float* float_output() {
  static const std::unique_ptr<float[]> buffer(new float[count]());
  return buffer.get();
}

template <class Code>
Code* code_output() {
  static const std::unique_ptr<Code[]> buffer(new Code[count]());
  return buffer.get();
}

std::size_t size(const benchmark::State& state) {
  return static_cast<std::size_t>(state.range(0));
}

void report(benchmark::State& state, std::size_t bytes_in, std::size_t bytes_out) {
  const auto items = static_cast<std::int64_t>(state.iterations()) * state.range(0);
  state.SetItemsProcessed(items);
  state.SetBytesProcessed(items * static_cast<std::int64_t>(bytes_in + bytes_out));
}

// --- lowp span paths -------------------------------------------------------------------------------------

template <class T>
void round_to_span(benchmark::State& state) {
  const std::span<const float> in(input<T>().data(), size(state));
  const std::span<float> out(float_output(), size(state));
  for (auto _ : state) {
    lowp::round_to<T>(in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  report(state, sizeof(float), sizeof(float));
}

template <class T>
void convert_span(benchmark::State& state) {
  const std::span<const float> in(input<T>().data(), size(state));
  const std::span<T> out(code_output<T>(), size(state));
  for (auto _ : state) {
    lowp::convert<T>(in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  report(state, sizeof(float), sizeof(T));
}

template <class T>
void decode_span(benchmark::State& state) {
  const std::span<const T> in(codes<T>().data(), size(state));
  const std::span<float> out(float_output(), size(state));
  for (auto _ : state) {
    lowp::convert<T>(in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  report(state, sizeof(T), sizeof(float));
}

// --- naive loops through the scalar type -----------------------------------------------------------------

template <class T>
void naive_convert(benchmark::State& state) {
  const std::vector<float>& in = input<T>();
  T* out = code_output<T>();
  const std::size_t n = size(state);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) out[i] = T(in[i]);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report(state, sizeof(float), sizeof(T));
}

template <class T>
void naive_round_to(benchmark::State& state) {
  const std::vector<float>& in = input<T>();
  float* out = float_output();
  const std::size_t n = size(state);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(T(in[i]));
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report(state, sizeof(float), sizeof(float));
}

template <class T>
void naive_decode(benchmark::State& state) {
  const std::vector<T>& in = codes<T>();
  float* out = float_output();
  const std::size_t n = size(state);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report(state, sizeof(T), sizeof(float));
}

// --- baselines -------------------------------------------------------------------------------------------

void memcpy_float(benchmark::State& state) {  // the bytes of round_to: 4 in, 4 out per element
  const std::vector<float>& in = input<lowp::float16>();
  float* out = float_output();
  for (auto _ : state) {
    std::memcpy(out, in.data(), size(state) * sizeof(float));
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report(state, sizeof(float), sizeof(float));
}

#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's _mm512_cvtps_ph / _mm512_cvtph_ps start from _mm*_undefined_*(), which -Wmaybe-uninitialized
// flags inside the intrinsic header; the instruction itself is what we want to time.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#if defined(__AVX512F__)
void f16c_convert_zmm(benchmark::State& state) {  // vcvtps2ph zmm: 16 floats -> 16 halves, nearest even
  const float* in = input<lowp::float16>().data();
  std::uint16_t* out = code_output<std::uint16_t>();
  const std::size_t n = size(state);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; i += 16) {
      const __m256i halves =
          _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), halves);
    }
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report(state, sizeof(float), 2);
}

void f16c_round_trip_zmm(benchmark::State& state) {  // float -> half -> float: the F16C form of round_to
  const float* in = input<lowp::float16>().data();
  float* out = float_output();
  const std::size_t n = size(state);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; i += 16) {
      const __m256i halves =
          _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      _mm512_storeu_ps(out + i, _mm512_cvtph_ps(halves));
    }
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report(state, sizeof(float), sizeof(float));
}

void f16c_decode_zmm(benchmark::State& state) {  // vcvtph2ps zmm
  const auto* in = codes<lowp::float16>().data();
  float* out = float_output();
  const std::size_t n = size(state);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; i += 16) {
      _mm512_storeu_ps(out + i,
                       _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i))));
    }
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report(state, 2, sizeof(float));
}
#endif

#if defined(__F16C__)
void f16c_convert_ymm(benchmark::State& state) {  // vcvtps2ph ymm: 8 floats -> 8 halves
  const float* in = input<lowp::float16>().data();
  std::uint16_t* out = code_output<std::uint16_t>();
  const std::size_t n = size(state);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; i += 8) {
      const __m128i halves =
          _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), halves);
    }
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report(state, sizeof(float), 2);
}
#endif

#if defined(__AVX512BF16__) && defined(__AVX512F__)
// vcvtneps2bf16: nearest even, but denormal inputs and outputs are flushed to zero and NaNs are quietened,
// so it is not bit-identical to lowp::bfloat16 below 2^-126; a speed reference only.
void avx512bf16_convert(benchmark::State& state) {
  const float* in = input<lowp::bfloat16>().data();
  std::uint16_t* out = code_output<std::uint16_t>();
  const std::size_t n = size(state);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; i += 16) {
      const __m256bh packed = _mm512_cvtneps_pbh(_mm512_loadu_ps(in + i));
      std::memcpy(out + i, &packed, sizeof packed);
    }
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report(state, sizeof(float), 2);
}
#endif

}  // namespace

using lowp::bfloat16;
using lowp::float16;
using lowp::float4_e2m1fn;
using lowp::float8_e4m3fn;
using lowp::float8_e5m2;
template <class T>
using sr = lowp::with_rounding<T, stochastic>;

// Every case streams 2^24 elements; Arg(in_cache) adds the L2-resident size.
#define LOWP_CASE(...) BENCHMARK_TEMPLATE(__VA_ARGS__)->Arg(count)->Unit(benchmark::kMicrosecond)
#define LOWP_FORMAT_BENCHMARKS(function)  \
  LOWP_CASE(function, float8_e4m3fn);     \
  LOWP_CASE(function, float8_e5m2);       \
  LOWP_CASE(function, float4_e2m1fn);     \
  LOWP_CASE(function, bfloat16);          \
  LOWP_CASE(function, float16);           \
  LOWP_CASE(function, sr<float8_e4m3fn>); \
  LOWP_CASE(function, sr<float8_e5m2>);   \
  LOWP_CASE(function, sr<float4_e2m1fn>); \
  LOWP_CASE(function, sr<bfloat16>);      \
  LOWP_CASE(function, sr<float16>)

#define LOWP_BASELINE(function) BENCHMARK(function)->Arg(count)->Arg(in_cache)->Unit(benchmark::kMicrosecond)
LOWP_BASELINE(memcpy_float);
#if defined(__AVX512F__)
LOWP_BASELINE(f16c_convert_zmm);
LOWP_BASELINE(f16c_round_trip_zmm);
LOWP_BASELINE(f16c_decode_zmm);
#endif
#if defined(__F16C__)
LOWP_BASELINE(f16c_convert_ymm);
#endif
#if defined(__AVX512BF16__) && defined(__AVX512F__)
LOWP_BASELINE(avx512bf16_convert);
#endif

LOWP_FORMAT_BENCHMARKS(convert_span);
LOWP_FORMAT_BENCHMARKS(round_to_span);
LOWP_FORMAT_BENCHMARKS(naive_convert);
LOWP_FORMAT_BENCHMARKS(naive_round_to);
BENCHMARK_TEMPLATE(convert_span, float8_e4m3fn)->Arg(in_cache)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(convert_span, sr<float8_e4m3fn>)->Arg(in_cache)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(round_to_span, float8_e4m3fn)->Arg(in_cache)->Unit(benchmark::kMicrosecond);

LOWP_CASE(decode_span, float8_e4m3fn);
LOWP_CASE(decode_span, bfloat16);
LOWP_CASE(decode_span, float16);
LOWP_CASE(naive_decode, float8_e4m3fn);
LOWP_CASE(naive_decode, bfloat16);
LOWP_CASE(naive_decode, float16);
