// The MX integer GEMM: lowp::gemm(qa, qb) with the default policy when both operands have E8M0 block
// scales, equal 1-D blocks along K (a multiple of 4, at most 256), and elements that are small integers
// after a fixed power of two:
// e2m1 values x 2 (-12 .. 12), e2m3 values x 8 (-60 .. 60), MXINT8 codes (values x 64, -128 .. 127).
// This is the OCP MX v1.0 Dot: exact within a block, fp32 across blocks.
//
// The summation order, for C(i, j) with K split into blocks b = 0, 1, .. of B elements (a partial last
// block padded with zeros):
//   P_b = sum over k in block b of xa(i, k) * xb(k, j)       exact, in int32 (xa, xb: the integer elements)
//   t_b = fl32(P_b * 2^(Ea(i, b) + Eb(b, j) - fa - fb))      the exact value rounded once to fp32 (nearest
//                                                            even, subnormals kept, overflow to +-Inf); NaN
//                                                            when either block scale is E8M0's NaN (0xFF)
//   s = +0;  s = fl32(s + t_b) for b = 0, 1, .. in order of K;  C(i, j) = s
// with Ea, Eb the scale exponents (E8M0 code - 127) and fa, fb the element shifts (1, 3 or 6). A block whose
// P_b is zero contributes +0 (its integer sum has no sign). |P_b| < 2^22, so P_b is exact in fp32 and t_b is
// one multiplication by a power of two, rounded once.
//
// How it is fast: a 32-element block dot product of 8-bit integers is 8 AVX512-VNNI vpdpbusd instructions
// per 16 rows (unsigned x signed bytes, four products per 32-bit lane): A's integers are stored offset by
// +128 and every block's int32 sum starts from -128 x (the block's sum of B's column), which cancels the
// offset exactly. The term is one fma with 2^e where every term of the register tile is exact and normal
// (then the fma is the one rounding of s + t_b), and vscalefps (x * 2^e, one rounding) plus an add elsewhere.
// AVX2 without VNNI: vpmaddubsw + vpmaddwd, in the offset form where the int16 pair sums cannot saturate,
// else with |xa| and xb carrying xa's sign. Neither: portable code (int32 sums; the term in binary64, where
// it is exact, then rounded once). Every kernel computes the same bits.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../arith/parallel_ranges.hpp"
#include "../core/written_later.hpp"
#include "element.hpp"
#include "quantized_matrix.hpp"

#if (defined(__GNUC__) || defined(__clang__)) && defined(__AVX512F__) && defined(__AVX512VNNI__)
#define LOWP_MX_GEMM_VNNI 1
#else
#define LOWP_MX_GEMM_VNNI 0
#endif
#if (defined(__GNUC__) || defined(__clang__)) && defined(__AVX2__) && defined(__FMA__)
#define LOWP_MX_GEMM_AVX2 1
#else
#define LOWP_MX_GEMM_AVX2 0
#endif
#if LOWP_MX_GEMM_VNNI || LOWP_MX_GEMM_AVX2
#include <immintrin.h>
#endif

namespace lowp::detail {

// Element codes as the integers xa = value * 2^shift, where every code's value is such an integer in
// [-128, 127]; `exact` is false for elements that do not fit (e4m3, e5m2, e3m2: their x would need more
// than 8 bits).
template <class Element>
struct integer_element {
  using traits = element_traits<Element>;
  static constexpr int shift = [] {
    if constexpr (traits::is_integer) {
      return traits::fraction_bits;
    } else {
      return traits::format::mantissa_bits - traits::format::emin;  // the smallest subnormal is 2^-shift
    }
  }();
  static constexpr bool exact = [] {
    if (shift < 0 || shift > 24) return false;
    for (std::uint32_t code = 0; code < (1u << traits::bits); ++code) {
      const float x = traits::values[code] * float(1 << shift);
      if (!(x >= -128.0f && x <= 127.0f) || x != float(int(x))) return false;
    }
    return true;
  }();
  // The largest |x| of any code (0 where not exact).
  static constexpr int max_magnitude = [] {
    int largest = 0;
    if constexpr (exact) {
      for (std::uint32_t code = 0; code < (1u << traits::bits); ++code) {
        const int x = int(traits::values[code] * float(1 << shift));
        largest = std::max(largest, x < 0 ? -x : x);
      }
    }
    return largest;
  }();
  static constexpr std::array<std::int8_t, 256> value = [] {
    std::array<std::int8_t, 256> table{};
    if constexpr (exact) {
      for (std::uint32_t code = 0; code < (1u << traits::bits); ++code) {
        table[code] = static_cast<std::int8_t>(int(traits::values[code] * float(1 << shift)));
      }
    }
    return table;
  }();
};

template <class F>
constexpr bool integer_mx_operand() {
  return F::tile_rows == 1 && std::is_same_v<typename F::scale_type, float8_e8m0fnu> &&
         integer_element<typename F::element_type>::exact;
}

// Both operands qualify and share a block size that keeps |P_b| <= B * 128 * 128 below 2^22 (mx_magic).
template <class FA, class FB>
constexpr bool integer_mx_operands() {
  return integer_mx_operand<FA>() && integer_mx_operand<FB>() && FA::block_size == FB::block_size &&
         FA::block_size % 4 == 0 && FA::block_size <= 256;
}
template <class FA, class FB>
inline constexpr bool mx_integer_gemm_applies = integer_mx_operands<FA, FB>();

// The exponent a block scale code contributes, less the element shift; NaN for E8M0's NaN code.
inline float mx_block_exponent(std::uint32_t scale_code, int shift) noexcept {
  return scale_code == 0xffu ? std::numeric_limits<float>::quiet_NaN() : float(int(scale_code) - 127 - shift);
}

// fl32(p * 2^e) for an integer p (|p| < 2^24) and an integer-valued e in [-300, 300], or NaN for a NaN e:
// exact in binary64, then rounded once.
inline float mx_block_term(std::int32_t p, float e) noexcept {
  if (e != e) return e;
  const double power = std::bit_cast<double>(std::uint64_t(int(e) + 1023) << 52);
  return static_cast<float>(double(p) * power);
}

// 2^e as a float for an integer e in [-149, 127]; NaN stays NaN.
inline float mx_power_of_two(float e) noexcept {
  return e != e        ? e
         : e < -126.0f ? std::ldexp(1.0f, int(e))
                       : std::bit_cast<float>(std::uint32_t(int(e) + 127) << 23);
}

inline constexpr int mx_tile_rows = 32;    // two vectors of 16 int32 lanes
inline constexpr int mx_tile_columns = 6;  // 12 int32 and 12 fp32 accumulators
// Block sums start from this: 1.5 * 2^23 as float bits, so that for |P| < 2^22 the bits of the sum are the
// float 1.5 * 2^23 + P, and P as a float is one subtraction (no conversion instruction on the busy port).
inline constexpr std::int32_t mx_magic = 0x4b400000;

// The range of the (finite) exponents of a panel, and whether one is NaN.
struct mx_exponent_range {
  float smallest = 0.0f, largest = 0.0f;
  bool has_nan = false;
  void include(float e) {
    if (e != e) {
      has_nan = true;
    } else {
      smallest = std::min(smallest, e);
      largest = std::max(largest, e);
    }
  }
};

// Whether every block term of a tile is t = P * 2^e with 2^e a normal float and |t| < 2^127 for |P| < 2^22:
// then P * 2^e is exact, and fma(P, 2^e, s) = fl32(s + t) is the documented step.
inline bool mx_terms_are_exact(const mx_exponent_range& a, const mx_exponent_range& b) {
  return !a.has_nan && !b.has_nan && a.smallest + b.smallest >= -126.0f && a.largest + b.largest <= 105.0f;
}

// A's row panels, packed once: for panel p, group g of four k, row r: the byte xa(r, 4g + t) + 128 at
// bytes[((p * groups + g) * mx_tile_rows + r) * 4 + t]; the exponent of row r's block b at
// exponents[(p * blocks + b) * mx_tile_rows + r]. Rows past m and k past K hold the integer 0.
struct mx_packed_a {
  written_later<std::uint8_t> bytes;       // written in whole by mx_pack_a, on the threads
  written_later<float> exponents, powers;  // e and 2^e (NaN for a NaN scale)
  std::vector<mx_exponent_range> ranges;   // per panel
};

// B's column panel, packed per thread: words[g * mx_tile_columns + j] = the four bytes xb(4g .. 4g+3, j),
// correction[b * mx_tile_columns + j] = mx_magic - 128 * (sum of xb over block b of column j), exponents and
// powers likewise.
struct mx_packed_b {
  std::vector<std::int32_t> words;
  std::vector<std::int32_t> correction;
  std::vector<float> exponents, powers;
  mx_exponent_range range;
  bool has_minus_128 = false;  // a code whose integer is -128 (the AVX2 sign kernel cannot take it)
};

// Element codes straight from the packed storage as bytes x + Bias (Bias 128: A's unsigned form, 0: B's
// signed form), by table: 4-bit storage maps one byte (two codes) per load.
template <class F, int Bias>
struct biased_codes {
  using ints = integer_element<typename F::element_type>;
  static constexpr std::array<std::uint8_t, 256> one = [] {
    std::array<std::uint8_t, 256> table{};
    for (int code = 0; code < 256; ++code)
      table[std::size_t(code)] = std::uint8_t(ints::value[std::size_t(code)] + Bias);
    return table;
  }();
  static constexpr std::array<std::uint16_t, 256> pair = [] {
    std::array<std::uint16_t, 256> table{};
    for (int byte = 0; byte < 256; ++byte)
      table[std::size_t(byte)] =
          std::uint16_t(one[std::size_t(byte & 15)] | (one[std::size_t(byte >> 4)] << 8));
    return table;
  }();

  // Two's complement codes (MXINT8): the code is the integer.
  static constexpr bool identity = [] {
    for (int code = 0; code < 256; ++code) {
      if (one[std::size_t(code)] != std::uint8_t(code + Bias)) return false;
    }
    return true;
  }();

  // Rows r0 .. r0 + n - 1 of column c (r0 a multiple of 4) into out[0 .. n rounded up to 4).
  static void column(const quantized_matrix<F>& q, Eigen::Index c, Eigen::Index r0, Eigen::Index n,
                     std::uint8_t* out) {
    constexpr int storage_bits = quantized_matrix<F>::storage_bits;
    const Eigen::Index column_bytes = q.padded_rows() * storage_bits / 8;
    const std::uint8_t* in = q.packed_codes().data() + c * column_bytes + r0 * storage_bits / 8;
    const Eigen::Index padded = (n + 3) / 4 * 4;
    if constexpr (storage_bits == 4) {
      for (Eigen::Index i = 0; i < padded / 2; ++i) std::memcpy(out + 2 * i, &pair[in[i]], 2);
    } else if constexpr (storage_bits == 8 && identity) {
      for (Eigen::Index i = 0; i < padded; ++i) out[i] = std::uint8_t(in[i] + Bias);
    } else if constexpr (storage_bits == 8) {
      for (Eigen::Index i = 0; i < padded; ++i) out[i] = one[in[i]];
    } else {
      q.unpack_column(c, r0, n, out);
      for (Eigen::Index i = 0; i < padded; ++i) out[i] = one[out[i]];
    }
  }
};

template <class FA>
void mx_pack_a(const quantized_matrix<FA>& a, Eigen::Index groups, Eigen::Index blocks,
               Eigen::Index first_panel, Eigen::Index last_panel, mx_packed_a& out) {
  using ints = integer_element<typename FA::element_type>;
  constexpr int MR = mx_tile_rows;
  const Eigen::Index m = a.rows(), k = a.cols();
  const Eigen::Index r0 = first_panel * MR, rows = std::min(m, last_panel * MR) - r0;
  const Eigen::Index span = (last_panel - first_panel) * MR;
  std::vector<std::uint8_t> columns(std::size_t(4 * span));
  for (Eigen::Index g = 0; g < groups; ++g) {
    for (int t = 0; t < 4; ++t) {
      std::uint8_t* column = columns.data() + t * span;
      const Eigen::Index c = 4 * g + t;
      if (c < k) {
        biased_codes<FA, 128>::column(a, c, r0, rows, column);
        std::fill(column + rows, column + span, std::uint8_t(128));
      } else {
        std::fill(column, column + span, std::uint8_t(128));
      }
    }
    // Interleave: the four bytes of row r form one 32-bit word, 32 rows of a panel in a row.
    for (Eigen::Index p = first_panel; p < last_panel; ++p) {
      const Eigen::Index base = (p - first_panel) * MR;
      std::uint32_t words[MR];
      for (int r = 0; r < MR; ++r) {
        words[r] = std::uint32_t(columns[std::size_t(base + r)]) |
                   (std::uint32_t(columns[std::size_t(span + base + r)]) << 8) |
                   (std::uint32_t(columns[std::size_t(2 * span + base + r)]) << 16) |
                   (std::uint32_t(columns[std::size_t(3 * span + base + r)]) << 24);
      }
      std::memcpy(out.bytes.data() + (p * groups + g) * MR * 4, words, sizeof words);
    }
  }
  const auto& scales = a.scale_codes();
  for (Eigen::Index p = first_panel; p < last_panel; ++p) {
    mx_exponent_range range;
    for (Eigen::Index b = 0; b < blocks; ++b) {
      float* target = out.exponents.data() + (p * blocks + b) * MR;
      float* power = out.powers.data() + (p * blocks + b) * MR;
      for (Eigen::Index r = 0; r < MR; ++r) {
        const Eigen::Index row = p * MR + r;
        target[r] =
            row < m ? mx_block_exponent(scales[std::size_t(b * a.scale_rows() + row)], ints::shift) : 0.0f;
        power[r] = mx_power_of_two(target[r]);
        if (row < m) range.include(target[r]);
      }
    }
    out.ranges[std::size_t(p)] = range;
  }
}

template <class FB>
void mx_pack_b_panel(const quantized_matrix<FB>& b, Eigen::Index groups, Eigen::Index blocks, Eigen::Index j0,
                     std::vector<std::uint8_t>& scratch, mx_packed_b& out) {
  using ints = integer_element<typename FB::element_type>;
  constexpr int NR = mx_tile_columns;
  constexpr Eigen::Index B = FB::block_size;
  const Eigen::Index k = b.rows(), n = b.cols();
  scratch.resize(std::size_t(groups * 4));
  out.range = {};
  out.has_minus_128 = false;
  for (int j = 0; j < NR; ++j) {
    const Eigen::Index c = j0 + j;
    if (c < n) {
      biased_codes<FB, 0>::column(b, c, 0, k, scratch.data());
      std::fill(scratch.begin() + k, scratch.end(), std::uint8_t(0));
    } else {
      std::fill(scratch.begin(), scratch.end(), std::uint8_t(0));
    }
    for (Eigen::Index g = 0; g < groups; ++g)
      std::memcpy(&out.words[std::size_t(g * NR + j)], scratch.data() + 4 * g, 4);
    bool minus_128 = false;
    for (Eigen::Index r = 0; r < 4 * groups; ++r) minus_128 |= scratch[std::size_t(r)] == 0x80;
    out.has_minus_128 |= minus_128;
    for (Eigen::Index blk = 0; blk < blocks; ++blk) {
      std::int32_t sum = 0;
      for (Eigen::Index r = 0; r < B; ++r) sum += std::int8_t(scratch[std::size_t(blk * B + r)]);
      const std::size_t at = std::size_t(blk * NR + j);
      out.correction[at] = mx_magic - 128 * sum;
      out.exponents[at] =
          c < n ? mx_block_exponent(b.scale_codes()[std::size_t(c * b.scale_rows() + blk)], ints::shift)
                : 0.0f;
      out.powers[at] = mx_power_of_two(out.exponents[at]);
      if (c < n) out.range.include(out.exponents[at]);
    }
  }
}

// The instruction sets of the tile kernels; every kernel computes the same bits.
enum class mx_kernel { portable, avx2, vnni };
inline constexpr mx_kernel mx_best_kernel = LOWP_MX_GEMM_VNNI   ? mx_kernel::vnni
                                            : LOWP_MX_GEMM_AVX2 ? mx_kernel::avx2
                                                                : mx_kernel::portable;

// AVX2's vpmaddubsw adds two byte products into a saturating int16. Offset form (A's bytes x + 128 unsigned,
// B's signed, as for VNNI): exact when 2 * (128 + max|xa|) * max|xb| < 2^15 (MXFP4, MXFP6 e2m3 and MXINT8 x
// either, as A). Sign form otherwise: |xa| times xb with xa's sign (vpabsb, vpsignb), exact while xb != -128
// (2 * 128 * 127 < 2^15), which quantize never produces; a panel of B holding -128 runs the portable kernel.
template <class FA, class FB>
inline constexpr bool mx_avx2_offset_form = 2 *
                                                (128 +
                                                 integer_element<typename FA::element_type>::max_magnitude) *
                                                integer_element<typename FB::element_type>::max_magnitude <
                                            32768;

// One register tile: rows = 32 of A's packed panel, columns = mx_tile_columns of B's, all of K; the result
// (column-major, leading dimension ldc) written to c. Vnni: the AVX512-VNNI kernel, else portable code;
// Exact (VNNI only, where mx_terms_are_exact holds): each term as one fma with the power of two, instead of
// vscalefps and an add.
template <int Block, mx_kernel Kernel, bool Exact, bool OffsetForm = true>
inline void mx_integer_tile(const std::uint8_t* pa, const float* a_exponents, const float* a_powers,
                            const std::int32_t* pb, const std::int32_t* correction, const float* b_exponents,
                            const float* b_powers, Eigen::Index blocks, float* c, Eigen::Index ldc) {
  constexpr int MR = mx_tile_rows, NR = mx_tile_columns, G = Block / 4;
#if LOWP_MX_GEMM_VNNI
  if constexpr (Kernel == mx_kernel::vnni) {
    const __m512 magic = _mm512_castsi512_ps(_mm512_set1_epi32(mx_magic));
    __m512 sum[NR][2];
    for (int j = 0; j < NR; ++j) sum[j][0] = sum[j][1] = _mm512_setzero_ps();
    for (Eigen::Index b = 0; b < blocks; ++b) {
      __m512i acc[NR][2];
      for (int j = 0; j < NR; ++j) acc[j][0] = acc[j][1] = _mm512_set1_epi32(correction[b * NR + j]);
      const std::uint8_t* a_block = pa + b * G * MR * 4;
      const std::int32_t* b_block = pb + b * G * NR;
      for (int g = 0; g < G; ++g) {
        const __m512i a0 = _mm512_loadu_si512(a_block + g * MR * 4);
        const __m512i a1 = _mm512_loadu_si512(a_block + g * MR * 4 + 64);
        for (int j = 0; j < NR; ++j) {
          const __m512i bj = _mm512_set1_epi32(b_block[g * NR + j]);
          acc[j][0] = _mm512_dpbusd_epi32(acc[j][0], a0, bj);
          acc[j][1] = _mm512_dpbusd_epi32(acc[j][1], a1, bj);
        }
      }
      if constexpr (Exact) {
        const __m512 pa0 = _mm512_loadu_ps(a_powers + b * MR), pa1 = _mm512_loadu_ps(a_powers + b * MR + 16);
        for (int j = 0; j < NR; ++j) {
          const __m512 pb_j = _mm512_set1_ps(b_powers[b * NR + j]);
          const __m512 p0 = _mm512_sub_ps(_mm512_castsi512_ps(acc[j][0]), magic);
          const __m512 p1 = _mm512_sub_ps(_mm512_castsi512_ps(acc[j][1]), magic);
          sum[j][0] = _mm512_fmadd_ps(p0, _mm512_mul_ps(pa0, pb_j), sum[j][0]);
          sum[j][1] = _mm512_fmadd_ps(p1, _mm512_mul_ps(pa1, pb_j), sum[j][1]);
        }
      } else {
        const __m512i magic_bits = _mm512_set1_epi32(mx_magic);
        const __m512 ea0 = _mm512_loadu_ps(a_exponents + b * MR),
                     ea1 = _mm512_loadu_ps(a_exponents + b * MR + 16);
        for (int j = 0; j < NR; ++j) {
          const __m512 eb = _mm512_set1_ps(b_exponents[b * NR + j]);
          const __m512 p0 = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[j][0], magic_bits));
          const __m512 p1 = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[j][1], magic_bits));
          sum[j][0] = _mm512_add_ps(sum[j][0], _mm512_scalef_ps(p0, _mm512_add_ps(ea0, eb)));
          sum[j][1] = _mm512_add_ps(sum[j][1], _mm512_scalef_ps(p1, _mm512_add_ps(ea1, eb)));
        }
      }
    }
    for (int j = 0; j < NR; ++j) {
      _mm512_storeu_ps(c + j * ldc, sum[j][0]);
      _mm512_storeu_ps(c + j * ldc + 16, sum[j][1]);
    }
    return;
  }
#endif
#if LOWP_MX_GEMM_AVX2
  if constexpr (Kernel == mx_kernel::avx2) {
    // Four vectors of 8 rows, one after the other; the fp32 sums stay in memory (16 registers).
    alignas(32) float sum[NR][MR] = {};
    const __m256i ones = _mm256_set1_epi16(1), flip = _mm256_set1_epi8(char(0x80));
    const __m256i magic_bits = _mm256_set1_epi32(mx_magic);
    for (int v = 0; v < MR / 8; ++v) {
      for (Eigen::Index b = 0; b < blocks; ++b) {
        __m256i acc[NR];
        for (int j = 0; j < NR; ++j)
          acc[j] = OffsetForm ? _mm256_set1_epi32(correction[b * NR + j]) : magic_bits;
        for (int g = 0; g < G; ++g) {
          const __m256i a =
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pa + ((b * G + g) * MR + v * 8) * 4));
          const __m256i a_signed = _mm256_xor_si256(a, flip), a_magnitude = _mm256_abs_epi8(a_signed);
          for (int j = 0; j < NR; ++j) {
            const __m256i bj = _mm256_set1_epi32(pb[(b * G + g) * NR + j]);
            const __m256i pairs = OffsetForm
                                      ? _mm256_maddubs_epi16(a, bj)
                                      : _mm256_maddubs_epi16(a_magnitude, _mm256_sign_epi8(bj, a_signed));
            acc[j] = _mm256_add_epi32(acc[j], _mm256_madd_epi16(pairs, ones));
          }
        }
        if constexpr (Exact) {
          const __m256 pa_v = _mm256_loadu_ps(a_powers + b * MR + v * 8);
          const __m256 magic = _mm256_castsi256_ps(magic_bits);
          for (int j = 0; j < NR; ++j) {
            const __m256 p = _mm256_sub_ps(_mm256_castsi256_ps(acc[j]), magic);
            const __m256 scale = _mm256_mul_ps(pa_v, _mm256_set1_ps(b_powers[b * NR + j]));
            _mm256_store_ps(sum[j] + v * 8, _mm256_fmadd_ps(p, scale, _mm256_load_ps(sum[j] + v * 8)));
          }
        } else {
          for (int j = 0; j < NR; ++j) {
            alignas(32) std::int32_t p[8];
            _mm256_store_si256(reinterpret_cast<__m256i*>(p), _mm256_sub_epi32(acc[j], magic_bits));
            for (int r = 0; r < 8; ++r) {
              sum[j][v * 8 + r] +=
                  mx_block_term(p[r], a_exponents[b * MR + v * 8 + r] + b_exponents[b * NR + j]);
            }
          }
        }
      }
    }
    for (int j = 0; j < NR; ++j) std::memcpy(c + j * ldc, sum[j], sizeof sum[j]);
    return;
  }
#endif
  (void)a_powers;
  (void)b_powers;
  float sum[NR][MR] = {};
  for (Eigen::Index b = 0; b < blocks; ++b) {
    std::int32_t acc[NR][MR];
    for (int j = 0; j < NR; ++j) {
      for (int r = 0; r < MR; ++r) acc[j][r] = correction[b * NR + j] - mx_magic;
    }
    const std::uint8_t* a_block = pa + b * G * MR * 4;
    const std::int32_t* b_block = pb + b * G * NR;
    for (int g = 0; g < G; ++g) {
      const std::uint8_t* a_group = a_block + g * MR * 4;
      for (int j = 0; j < NR; ++j) {
        const std::uint32_t word = std::uint32_t(b_block[g * NR + j]);
        for (int t = 0; t < 4; ++t) {
          const std::int32_t x = std::int8_t(std::uint8_t(word >> (8 * t)));
          for (int r = 0; r < MR; ++r) acc[j][r] += std::int32_t(a_group[4 * r + t]) * x;
        }
      }
    }
    for (int j = 0; j < NR; ++j) {
      for (int r = 0; r < MR; ++r)
        sum[j][r] += mx_block_term(acc[j][r], a_exponents[b * MR + r] + b_exponents[b * NR + j]);
    }
  }
  for (int j = 0; j < NR; ++j) std::memcpy(c + j * ldc, sum[j], sizeof sum[j]);
}

// Kernel: the best the target has by default; the tests run every compiled one and hold them to the same
// bits.
template <class FA, class FB, mx_kernel Kernel = mx_best_kernel>
Eigen::MatrixXf mx_integer_gemm(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b,
                                threads workers) {
  static_assert(mx_integer_gemm_applies<FA, FB>, "mx_integer_gemm: the formats do not take the integer path");
  constexpr int MR = mx_tile_rows, NR = mx_tile_columns;
  constexpr Eigen::Index B = FA::block_size;
  const Eigen::Index m = a.rows(), k = a.cols(), n = b.cols();
  Eigen::MatrixXf c(m, n);
  if (m == 0 || n == 0) return c;
  const Eigen::Index blocks = (k + B - 1) / B, groups = blocks * (B / 4);
  const Eigen::Index row_panels = (m + MR - 1) / MR;
  mx_packed_a packed_a;
  packed_a.bytes.resize(std::size_t(row_panels * groups * MR * 4));
  packed_a.exponents.resize(std::size_t(row_panels * blocks * MR));
  packed_a.powers.resize(packed_a.exponents.size());
  packed_a.ranges.resize(std::size_t(row_panels));
  parallel_ranges(row_panels, workers, 1, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
    mx_pack_a(a, groups, blocks, first, last, packed_a);
  });
  // Rows in blocks whose packed A (mc x K bytes) stays in L2 while a column panel of B sweeps over them.
  const Eigen::Index mc =
      std::max<Eigen::Index>(MR, (256 * 1024 / std::max<Eigen::Index>(groups * 4, 1)) / MR * MR);
  const Eigen::Index column_panels = (n + NR - 1) / NR;
  parallel_ranges(column_panels, workers, 1, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
    const Eigen::Index panels = last - first;
    std::vector<mx_packed_b> packed_b(static_cast<std::size_t>(panels));
    std::vector<std::uint8_t> scratch;
    for (Eigen::Index q = 0; q < panels; ++q) {
      mx_packed_b& panel = packed_b[std::size_t(q)];
      panel.words.resize(std::size_t(groups * NR));
      panel.correction.resize(std::size_t(blocks * NR));
      panel.exponents.resize(std::size_t(blocks * NR));
      panel.powers.resize(std::size_t(blocks * NR));
      mx_pack_b_panel(b, groups, blocks, (first + q) * NR, scratch, panel);
    }
    alignas(64) float edge[MR * NR];
    for (Eigen::Index i0 = 0; i0 < m; i0 += mc) {
      const Eigen::Index i1 = std::min(m, i0 + mc);
      for (Eigen::Index q = 0; q < panels; ++q) {
        const mx_packed_b& panel = packed_b[std::size_t(q)];
        const Eigen::Index col0 = (first + q) * NR, cols = std::min<Eigen::Index>(NR, n - col0);
        for (Eigen::Index row0 = i0; row0 < i1; row0 += MR) {
          const Eigen::Index p = row0 / MR, rows = std::min<Eigen::Index>(MR, m - row0);
          const bool full = rows == MR && cols == NR;
          constexpr bool offset = mx_avx2_offset_form<FA, FB>;
          const bool exact = mx_terms_are_exact(packed_a.ranges[std::size_t(p)], panel.range);
          auto tile = exact ? mx_integer_tile<int(B), Kernel, true, offset>
                            : mx_integer_tile<int(B), Kernel, false, offset>;
          if (Kernel == mx_kernel::avx2 && !offset && panel.has_minus_128) {
            tile = mx_integer_tile<int(B), mx_kernel::portable, false>;
          }
          tile(packed_a.bytes.data() + p * groups * MR * 4, packed_a.exponents.data() + p * blocks * MR,
               packed_a.powers.data() + p * blocks * MR, panel.words.data(), panel.correction.data(),
               panel.exponents.data(), panel.powers.data(), blocks, full ? c.data() + col0 * m + row0 : edge,
               full ? m : MR);
          if (!full) {
            for (Eigen::Index j = 0; j < cols; ++j)
              std::memcpy(c.data() + (col0 + j) * m + row0, edge + j * MR, std::size_t(rows) * sizeof(float));
          }
        }
      }
    }
  });
  return c;
}

}  // namespace lowp::detail
