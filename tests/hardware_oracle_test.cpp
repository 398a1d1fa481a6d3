// The CPU's own conversion instructions as an oracle that shares nothing with lowp:
//   float -> float16 under nearest_even  vs  F16C vcvtps2ph (_mm512_cvtps_ph / _mm256_cvtps_ph, imm = RNE)
//   float -> bfloat16 under nearest_even vs  AVX512-BF16 vcvtneps2bf16 (_mm512_cvtneps_pbh)
// over all 2^32 float bit patterns through the span convert() path, and a stride of the space (every 17th
// pattern) through the scalar constructor. With LOWP_TEST_QUICK=1 (sanitizer runs) the span sweep takes
// every 16th pattern and the scalar sweep every 257th.
//
// Two documented differences are not counted as mismatches:
//  - NaN inputs: lowp returns the canonical quiet NaN with the input's sign (API.md); the instructions keep
//    the top payload bits. For NaN inputs only NaN-ness and the sign are compared.
//  - vcvtneps2bf16 does not consult MXCSR and treats float subnormal inputs as zero (DAZ; measured below,
//    not assumed). lowp rounds them correctly, as IEEE 754 requires, so for subnormal inputs whose
//    correctly rounded bfloat16 is not zero the instruction's signed zero is the deviation: the standard
//    wins, and the class is counted (2 · (2^23 - 1 - 2^15) = 16711678 patterns in a full sweep: a float
//    subnormal with mantissa m rounds to a nonzero bfloat16 exactly when m > 0x8000).
// The instructions are used through target attributes, so this file needs no special compiler flags; it
// skips with a message where the CPU (or the compiler) lacks them.
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define LOWP_TEST_X86 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define LOWP_TEST_X86 0
#endif

namespace {

bool quick_mode() {
  const char* quick = std::getenv("LOWP_TEST_QUICK");
  return quick != nullptr && std::string(quick) == "1";
}

bool is_nan_bits(std::uint32_t f) {
  return (f & 0x7f800000u) == 0x7f800000u && (f & 0x007fffffu) != 0;
}
bool is_subnormal_bits(std::uint32_t f) {
  return (f & 0x7f800000u) == 0 && (f & 0x007fffffu) != 0;
}

#if LOWP_TEST_X86

// n must be a multiple of 16 (8 for the 256-bit form).
__attribute__((target("avx512f,f16c"))) void f16c_convert_512(const float* in, std::uint16_t* out,
                                                              std::size_t n) {
  for (std::size_t i = 0; i < n; i += 16) {
    const __m512 v = _mm512_loadu_ps(in + i);
    const __m256i h =
        _mm512_maskz_cvtps_ph(0xffff, v, _MM_FROUND_TO_NEAREST_INT);  // maskz: no undefined source operand
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), h);
  }
}
__attribute__((target("avx,f16c"))) void f16c_convert_256(const float* in, std::uint16_t* out,
                                                          std::size_t n) {
  for (std::size_t i = 0; i < n; i += 8) {
    const __m256 v = _mm256_loadu_ps(in + i);
    const __m128i h = _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
}
__attribute__((target("avx512f,avx512bf16"))) void bf16_convert_512(const float* in, std::uint16_t* out,
                                                                    std::size_t n) {
  for (std::size_t i = 0; i < n; i += 16) {
    const __m512 v = _mm512_loadu_ps(in + i);
    const __m256bh h = _mm512_cvtneps_pbh(v);
    std::memcpy(out + i, &h, sizeof h);
  }
}

// F16C is CPUID.1:ECX bit 29 (Clang 14's __builtin_cpu_supports knows neither "f16c" nor "avx512bf16", so
// both are read from CPUID; __builtin_cpu_supports("avx"/"avx512f") also checks that the OS saves the state).
bool have_f16c() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__builtin_cpu_supports("avx") || !__get_cpuid(1, &a, &b, &c, &d)) return false;
  return (c & (1u << 29)) != 0;
}
bool have_avx512f() {
  return __builtin_cpu_supports("avx512f");
}
// AVX512_BF16 is CPUID.(EAX=7, ECX=1):EAX bit 5.
bool have_avx512bf16() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__builtin_cpu_supports("avx512f") || !__get_cpuid_count(7, 1, &a, &b, &c, &d)) return false;
  return (a & (1u << 5)) != 0;
}

void f16c_convert(const float* in, std::uint16_t* out, std::size_t n) {
  if (have_avx512f()) {
    f16c_convert_512(in, out, n);
  } else {
    f16c_convert_256(in, out, n);
  }
}

// A chunk of float bit patterns: all of [base, base + n) or, strided, every 16th with a varying offset
// so that every low-bit residue is visited.
constexpr std::size_t chunk = std::size_t(1) << 16;

void fill_patterns(std::uint64_t chunk_index, bool strided, std::vector<float>& in) {
  in.resize(chunk);
  for (std::size_t i = 0; i < chunk; ++i) {
    const std::uint64_t p =
        strided ? chunk_index * chunk * 16 + 16 * i + ((i * 7) & 15) : chunk_index * chunk + i;
    in[i] = std::bit_cast<float>(static_cast<std::uint32_t>(p));
  }
}

std::uint64_t chunk_count(bool strided) {
  return (std::uint64_t(1) << 32) / chunk / (strided ? 16 : 1);
}

// Result of comparing lowp with the instruction on one element.
enum class verdict { same, nan_both_same_sign, daz_deviation, mismatch };

verdict compare(std::uint32_t input, std::uint16_t lowp_code, std::uint16_t hw_code, bool bf16) {
  if (is_nan_bits(input)) {
    // NaN: lowp gives the canonical quiet NaN with the input's sign, the instruction keeps payload bits.
    const std::uint16_t exponent_mask = bf16 ? 0x7f80 : 0x7c00;
    const std::uint16_t fraction_mask = bf16 ? 0x007f : 0x03ff;
    auto nan16 = [&](std::uint16_t c) {
      return (c & exponent_mask) == exponent_mask && (c & fraction_mask) != 0;
    };
    return nan16(lowp_code) && nan16(hw_code) && (lowp_code & 0x8000) == (hw_code & 0x8000)
               ? verdict::nan_both_same_sign
               : verdict::mismatch;
  }
  if (lowp_code == hw_code) return verdict::same;
  // vcvtneps2bf16's DAZ: a subnormal input gives the signed zero where correct rounding does not.
  if (bf16 && is_subnormal_bits(input) && hw_code == ((input >> 16) & 0x8000)) return verdict::daz_deviation;
  return verdict::mismatch;
}

struct sweep_result {
  std::uint64_t checked = 0, nans = 0, daz = 0, mismatches = 0;
  // Patterns of the DAZ class by its definition (subnormal, correctly rounded bfloat16 nonzero).
  std::uint64_t daz_class = 0;
};

bool in_daz_class(std::uint32_t f) {
  return is_subnormal_bits(f) && (f & 0x007fffffu) > 0x8000u;
}

template <class T, class Hw>
sweep_result span_sweep(Hw hw, bool bf16, bool strided) {
  sweep_result r;
  std::vector<float> in;
  std::vector<T> ours(chunk);
  std::vector<std::uint16_t> theirs(chunk);
  const std::uint64_t chunks = chunk_count(strided);
  for (std::uint64_t c = 0; c < chunks; ++c) {
    fill_patterns(c, strided, in);
    lowp::convert(std::span<const float>(in), std::span<T>(ours));
    hw(in.data(), theirs.data(), chunk);
    r.checked += chunk;
    // The subnormal ranges are contiguous and larger than a chunk: only chunks touching them are counted.
    const auto first = std::bit_cast<std::uint32_t>(in.front()),
               last = std::bit_cast<std::uint32_t>(in.back());
    if ((first & 0x7f800000u) == 0 || (last & 0x7f800000u) == 0) {
      for (const float x : in) r.daz_class += in_daz_class(std::bit_cast<std::uint32_t>(x)) ? 1 : 0;
    }
    static_assert(sizeof(T) == 2);
    if (std::memcmp(ours.data(), theirs.data(), chunk * 2) == 0) continue;  // the common case
    for (std::size_t i = 0; i < chunk; ++i) {
      const std::uint32_t input = std::bit_cast<std::uint32_t>(in[i]);
      switch (compare(input, ours[i].bits(), theirs[i], bf16)) {
        case verdict::same:
          break;
        case verdict::nan_both_same_sign:
          ++r.nans;
          break;
        case verdict::daz_deviation:
          ++r.daz;
          break;
        case verdict::mismatch:
          if (r.mismatches++ < 10) {
            ADD_FAILURE() << (bf16 ? "bfloat16" : "float16") << " convert(span): input 0x" << std::hex
                          << input << " lowp 0x" << ours[i].bits() << " instruction 0x" << theirs[i];
          }
          break;
      }
    }
  }
  return r;
}

template <class T, class Hw>
sweep_result scalar_sweep(Hw hw, bool bf16, std::uint64_t stride) {
  sweep_result r;
  std::vector<float> in(chunk);
  std::vector<std::uint16_t> theirs(chunk);
  std::uint64_t p = 0;
  const std::uint64_t end = std::uint64_t(1) << 32;
  while (p < end) {
    std::size_t n = 0;
    for (; n < chunk && p < end; ++n, p += stride)
      in[n] = std::bit_cast<float>(static_cast<std::uint32_t>(p));
    const std::size_t padded = (n + 15) / 16 * 16;
    for (std::size_t i = n; i < padded; ++i) in[i] = 0.0f;
    hw(in.data(), theirs.data(), padded);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t input = std::bit_cast<std::uint32_t>(in[i]);
      const std::uint16_t ours = T(in[i]).bits();
      ++r.checked;
      switch (compare(input, ours, theirs[i], bf16)) {
        case verdict::same:
          break;
        case verdict::nan_both_same_sign:
          ++r.nans;
          break;
        case verdict::daz_deviation:
          ++r.daz;
          break;
        case verdict::mismatch:
          if (r.mismatches++ < 10) {
            ADD_FAILURE() << (bf16 ? "bfloat16" : "float16") << " T(x): input 0x" << std::hex << input
                          << " lowp 0x" << ours << " instruction 0x" << theirs[i];
          }
          break;
      }
    }
  }
  return r;
}

// NaN patterns among all 2^32: 2 signs x (2^23 - 1) mantissas.
constexpr std::uint64_t all_nan_patterns = 2 * ((std::uint64_t(1) << 23) - 1);
// Float subnormals whose correctly rounded bfloat16 is nonzero: mantissa > 0x8000, both signs.
constexpr std::uint64_t all_daz_class_patterns = 2 * ((std::uint64_t(1) << 23) - 1 - 0x8000);

TEST(HardwareOracle, Float16SpanConvertOfAllFloatPatternsMatchesF16C) {
  if (!have_f16c()) GTEST_SKIP() << "this CPU has no F16C (vcvtps2ph); nothing to compare with";
  const bool strided = quick_mode();
  const sweep_result r = span_sweep<lowp::float16>(f16c_convert, false, strided);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_EQ(r.daz, 0u);
  if (!strided) {
    EXPECT_EQ(r.checked, std::uint64_t(1) << 32);
    // Every NaN input whose payload the instruction keeps differs in bits; all of them must agree in
    // NaN-ness and sign (the others, payloads 0x7fc00000-like, are identical and not counted).
    EXPECT_LE(r.nans, all_nan_patterns);
  }
  RecordProperty("patterns", std::to_string(r.checked));
  RecordProperty("nan_payload_differences", std::to_string(r.nans));
}

TEST(HardwareOracle, Float16ScalarConstructorOnAStrideMatchesF16C) {
  if (!have_f16c()) GTEST_SKIP() << "this CPU has no F16C (vcvtps2ph); nothing to compare with";
  const sweep_result r = scalar_sweep<lowp::float16>(f16c_convert, false, quick_mode() ? 257 : 17);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_EQ(r.daz, 0u);
  RecordProperty("patterns", std::to_string(r.checked));
}

// Measures, rather than assumes, what vcvtneps2bf16 does with subnormal inputs on this CPU.
struct bf16_subnormal_behaviour {
  bool inputs_as_zero;  // DAZ: 2^-127 (exactly a bfloat16 subnormal, 0x0040) gives 0x0000
};
bf16_subnormal_behaviour probe_bf16_subnormals() {
  alignas(64) float in[16];
  alignas(64) std::uint16_t out[16];
  for (int i = 0; i < 16; ++i) in[i] = std::bit_cast<float>(0x00400000u);  // 2^-127
  in[1] = std::bit_cast<float>(0x80400000u);                               // -2^-127
  in[2] = std::bit_cast<float>(0x007fffffu);                               // largest subnormal
  bf16_convert_512(in, out, 16);
  return {out[0] == 0x0000 && out[1] == 0x8000 && out[2] == 0x0000};
}

TEST(HardwareOracle, Avx512Bf16SubnormalInputBehaviourIsMeasured) {
  if (!have_avx512bf16()) GTEST_SKIP() << "this CPU has no AVX512-BF16 (vcvtneps2bf16)";
  const auto behaviour = probe_bf16_subnormals();
  // Recorded for the report; lowp itself must round these correctly either way.
  RecordProperty("vcvtneps2bf16_treats_subnormal_inputs_as_zero", behaviour.inputs_as_zero ? "yes" : "no");
  EXPECT_EQ(lowp::bfloat16(std::bit_cast<float>(0x00400000u)).bits(), 0x0040u)
      << "2^-127 is a bfloat16 subnormal";
  EXPECT_EQ(lowp::bfloat16(std::bit_cast<float>(0x80400000u)).bits(), 0x8040u);
  EXPECT_EQ(lowp::bfloat16(std::bit_cast<float>(0x007fffffu)).bits(), 0x0080u)
      << "rounds up to the min normal";
  EXPECT_EQ(lowp::bfloat16(std::bit_cast<float>(0x00008000u)).bits(), 0x0000u)
      << "a tie at minsub/2: even, zero";
  EXPECT_EQ(lowp::bfloat16(std::bit_cast<float>(0x00008001u)).bits(), 0x0001u);
  std::cout << "[ info     ] vcvtneps2bf16 on this CPU treats subnormal inputs as zero: "
            << (behaviour.inputs_as_zero ? "yes (DAZ)" : "no") << "\n";
}

TEST(HardwareOracle, BFloat16SpanConvertOfAllFloatPatternsMatchesAvx512Bf16ExceptItsDaz) {
  if (!have_avx512bf16())
    GTEST_SKIP() << "this CPU has no AVX512-BF16 (vcvtneps2bf16); nothing to compare with";
  const bool daz = probe_bf16_subnormals().inputs_as_zero;
  const bool strided = quick_mode();
  const sweep_result r = span_sweep<lowp::bfloat16>(bf16_convert_512, true, strided);
  EXPECT_EQ(r.mismatches, 0u);
  // Every pattern of the documented class deviates (when the CPU flushes), and nothing else does.
  EXPECT_EQ(r.daz, daz ? r.daz_class : 0u);
  if (!strided) {
    EXPECT_EQ(r.daz_class, all_daz_class_patterns);
    EXPECT_EQ(r.checked, std::uint64_t(1) << 32);
    EXPECT_EQ(r.daz, daz ? all_daz_class_patterns : 0u) << "the instruction's DAZ deviations, counted";
    EXPECT_LE(r.nans, all_nan_patterns);
  }
  std::cout << "[ info     ] bfloat16: " << r.checked << " patterns, " << r.daz
            << " where vcvtneps2bf16 flushes a subnormal input to zero and lowp rounds it correctly, "
            << r.nans << " NaNs differing only in payload\n";
  RecordProperty("daz_deviations", std::to_string(r.daz));
}

TEST(HardwareOracle, BFloat16ScalarConstructorOnAStrideMatchesAvx512Bf16ExceptItsDaz) {
  if (!have_avx512bf16())
    GTEST_SKIP() << "this CPU has no AVX512-BF16 (vcvtneps2bf16); nothing to compare with";
  const sweep_result r = scalar_sweep<lowp::bfloat16>(bf16_convert_512, true, quick_mode() ? 257 : 17);
  EXPECT_EQ(r.mismatches, 0u);
  RecordProperty("daz_deviations", std::to_string(r.daz));
}

#else

TEST(HardwareOracle, NeedsX86) {
  GTEST_SKIP() << "F16C / AVX512-BF16 comparisons need an x86 CPU and GCC or Clang";
}

#endif

}  // namespace
