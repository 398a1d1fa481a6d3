// The arithmetic of every matrix unit (MMA.md sections 2-7), one struct per algorithm, each on decoded
// operands. `step` is one fused hardware step (at most `width` products and the addend c); `chain` runs a
// whole dot product of any length as steps in k order, each step's rounded output the next step's c.
// Everything is integer fixed-point arithmetic: a step's terms are aligned to the largest exponent, cut to
// the unit's grid with shifts, summed exactly in 64 bits and rounded once.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/bit.hpp"
#include "../core/config.hpp"
#include "operand.hpp"
#include "round_output.hpp"

namespace lowp::mma::detail {

LOWP_HOST_DEVICE constexpr int max_of(int a, int b) noexcept {
  return a > b ? a : b;
}

// m * 2^s for s >= 0; m * 2^s truncated toward zero for s < 0.
LOWP_HOST_DEVICE constexpr std::uint64_t shift_toward_zero(std::uint64_t m, int s) noexcept {
  if (s >= 0) return m << s;
  return s <= -64 ? 0 : m >> -s;
}
LOWP_HOST_DEVICE constexpr std::int64_t with_sign(std::uint64_t magnitude, bool negative) noexcept {
  return negative ? -std::int64_t(magnitude) : std::int64_t(magnitude);
}
// floor(v * 2^s) for a signed v (an arithmetic right shift rounds toward minus infinity).
LOWP_HOST_DEVICE constexpr std::int64_t shift_floor(std::int64_t v, int s) noexcept {
  if (s >= 0) return v << s;  // callers keep |v| << s far below 2^63
  return s <= -63 ? (v < 0 ? -1 : 0) : v >> -s;
}

LOWP_HOST_DEVICE constexpr bool is_zero(const operand& x) noexcept {
  return x.kind == operand_kind::finite && x.significand == 0;
}

// Specials of one step (MMA.md 2.1): NaN if any input is NaN, a product is Inf x 0, or +Inf and -Inf both
// occur among the products and c; otherwise an Inf of the sign that occurs. Finite steps return `finite`.
struct special_result {
  operand_kind kind = operand_kind::finite;
  bool negative = false;
};
struct special_scan {
  bool nan = false, positive_infinity = false, negative_infinity = false;
  LOWP_HOST_DEVICE constexpr void add_infinity(bool negative) noexcept {
    (negative ? negative_infinity : positive_infinity) = true;
  }
  LOWP_HOST_DEVICE constexpr void add_product(const operand& a, const operand& b) noexcept {
    if (a.kind == operand_kind::finite && b.kind == operand_kind::finite) return;
    if (a.kind == operand_kind::nan || b.kind == operand_kind::nan || is_zero(a) || is_zero(b)) {
      nan = true;
    } else {
      add_infinity(a.negative != b.negative);
    }
  }
  LOWP_HOST_DEVICE constexpr void add_addend(const operand& c) noexcept {
    if (c.kind == operand_kind::nan) nan = true;
    if (c.kind == operand_kind::infinity) add_infinity(c.negative);
  }
  LOWP_HOST_DEVICE constexpr special_result result() const noexcept {
    if (nan || (positive_infinity && negative_infinity)) return {operand_kind::nan, false};
    if (positive_infinity || negative_infinity) return {operand_kind::infinity, negative_infinity};
    return {};
  }
};

// The addend's term: c * 2^(n - X), truncated toward zero (exact whenever c's grid is at least as fine).
template <int FractionC>
LOWP_HOST_DEVICE constexpr std::int64_t addend_term(const operand& c, int n, int x) noexcept {
  return with_sign(shift_toward_zero(c.significand, n - FractionC - (x - c.exponent)), c.negative);
}

// ---- NV-FDA(n): NVIDIA's fused dot-add (MMA.md section 2) ---------------------------------------------
// Output: the grid of D; D = float (fp32 or e8m13 grid, toward zero) or float16 (nearest even).
template <int Width, int FractionBits, class Output>
struct nv_fused_dot_add {
  static constexpr int width = Width;
  static constexpr int fraction_bits = FractionBits;
  using output = Output;

  // `extra`: an exponent added to every product's value and alignment exponent (the MX scales of the step).
  template <class D, int FA, int FB, int FC>
  LOWP_HOST_DEVICE static constexpr D step(const operand* a, const operand* b, int count, const operand& c,
                                           int extra = 0, bool scale_is_nan = false) noexcept {
    special_scan specials;
    specials.nan = scale_is_nan;
    specials.add_addend(c);
    for (int k = 0; k < count; ++k) specials.add_product(a[k], b[k]);
    if (const auto s = specials.result(); s.kind != operand_kind::finite) {
      return s.kind == operand_kind::nan ? nvidia_nan<D>() : infinity<D>(s.negative);
    }
    int x = c.exponent;
    for (int k = 0; k < count; ++k) {
      x = max_of(x, a[k].exponent + b[k].exponent + extra);
    }
    std::int64_t sum = addend_term<FC>(c, FractionBits, x);
    for (int k = 0; k < count; ++k) {
      const int e = a[k].exponent + b[k].exponent + extra;
      const std::uint64_t m = std::uint64_t(a[k].significand) * b[k].significand;
      sum +=
          with_sign(shift_toward_zero(m, FractionBits - FA - FB - (x - e)), a[k].negative != b[k].negative);
    }
    return from_exact<D>(round_fixed<Output>(sum, x - FractionBits));
  }
};

// ---- The provisional B200 mma.sync FP8 model (MMA.md 9.3): the products through NV-FDA(n) from a zero
// accumulator, toward zero to fp32, then an ordinary fp32 addition of c, nearest even.
template <int Width, int FractionBits>
struct fused_then_add {
  static constexpr int width = Width;
  static constexpr int fraction_bits = FractionBits;
  using product_sum = nv_fused_dot_add<Width, FractionBits, fp32_toward_zero>;

  template <class D, int FA, int FB, int FC>
  LOWP_HOST_DEVICE static D step(const operand* a, const operand* b, int count, const operand& c) noexcept {
    static_assert(std::is_same_v<D, float>, "fused_then_add produces fp32");
    const float p = product_sum::template step<float, FA, FB, FC>(a, b, count, operand{});
    const float sum = p + c_value(c);
    return std::isnan(sum) ? nvidia_nan<float>() : sum;
  }
  LOWP_HOST_DEVICE static float c_value(const operand& c) noexcept {
    if (c.kind == operand_kind::nan) return core::bit_cast<float>(0x7fc00000u);
    if (c.kind == operand_kind::infinity) return infinity<float>(c.negative);
    const double v = double(c.significand) * power_of_two(c.exponent - 23);
    return static_cast<float>(c.negative ? -v : v);
  }
};

// ---- NV-FP4K64 (MMA.md section 4): kind::mxf4 / mxf4nvf4, four exact group sums of 16 e2m1 products ---
// Scales are decoded operands too: ue8m0 as significand 1 with exponent code - 127 (fraction bits 0), ue4m3
// as an e4m3 magnitude (fraction bits 3).
struct nv_fp4_groups {
  static constexpr int width = 64;
  static constexpr int group = 16;
  static constexpr int fraction_bits = 35;

  // a, b: up to 64 e2m1 operands (`count`), zero-padded; group g uses scales sa[g], sb[g] when
  // g < groups, and is absent otherwise. scale_nan: some scale of the instruction is NaN.
  template <int FS>
  LOWP_HOST_DEVICE static float step(const operand* a, const operand* b, int count, const operand* sa,
                                     const operand* sb, int groups, bool scale_nan,
                                     const operand& c) noexcept {
    if (scale_nan || c.kind == operand_kind::nan) return nvidia_nan<float>();
    if (c.kind == operand_kind::infinity) return infinity<float>(c.negative);
    std::int64_t group_sum[4] = {0, 0, 0, 0};
    for (int k = 0; k < count; ++k) {
      // e2m1: |x| = m * 2^(E - 1) with E in {0, 1, 2} (zeros have m = 0 and need no shift).
      const int ea = a[k].significand ? a[k].exponent : 0;
      const int eb = b[k].significand ? b[k].exponent : 0;
      const std::uint64_t m = std::uint64_t(a[k].significand * b[k].significand) << (ea + eb);  // 4 |a b|
      group_sum[k / group] += with_sign(m, a[k].negative != b[k].negative);
    }
    int x = c.exponent;
    for (int g = 0; g < groups; ++g) x = max_of(x, sa[g].exponent + sb[g].exponent);
    std::int64_t sum = addend_term<23>(c, fraction_bits, x);
    for (int g = 0; g < groups; ++g) {
      const int e = sa[g].exponent + sb[g].exponent;
      const std::int64_t gs = group_sum[g];
      const std::uint64_t m = std::uint64_t(gs < 0 ? -gs : gs) * sa[g].significand * sb[g].significand;
      // value = |G| * 4 * sa * sb / 4 = m * 2^(e - 2 - 2 FS)
      sum += with_sign(shift_toward_zero(m, fraction_bits - 2 - 2 * FS - (x - e)), gs < 0);
    }
    return from_exact<float>(round_fixed<fp32_toward_zero>(sum, x - fraction_bits));
  }
};

// ---- AMD-FDRD (MMA.md section 6): CDNA3's fused dot with round-down alignment of the accumulator --------
template <int Width, bool EvenOddSplit>
struct amd_fused_round_down {
  static constexpr int width = Width;
  static constexpr int fraction_bits = 24;

  template <class D, int FA, int FB, int FC>
  LOWP_HOST_DEVICE static constexpr float step(const operand* a, const operand* b, int count,
                                               const operand& c) noexcept {
    static_assert(std::is_same_v<D, float> && FC == 23, "AMD-FDRD accumulates in fp32");
    special_scan specials;
    specials.add_addend(c);
    for (int k = 0; k < count; ++k) specials.add_product(a[k], b[k]);
    if (const auto s = specials.result(); s.kind != operand_kind::finite) {
      return s.kind == operand_kind::nan ? core::bit_cast<float>(canonical_fp32_nan)
                                         : infinity<float>(s.negative);
    }
    // A finite product of 2^128 or more overflows before the sum (c does not take part in this test).
    bool big_positive = false, big_negative = false;
    for (int k = 0; k < count; ++k) {
      const std::uint64_t m = std::uint64_t(a[k].significand) * b[k].significand;
      if (m != 0 && a[k].exponent + b[k].exponent + int(core::bit_width(m)) - 1 - FA - FB >= 128) {
        (a[k].negative != b[k].negative ? big_negative : big_positive) = true;
      }
    }
    if (big_positive && big_negative) return core::bit_cast<float>(canonical_fp32_nan);
    if (big_positive || big_negative) return infinity<float>(big_negative);

    // Product sums, truncated toward zero to 24 fraction bits of their largest exponent (FP8: even and odd
    // k separately, then floored onto the grid of the larger one).
    constexpr int parts = EvenOddSplit ? 2 : 1;
    int e_part[2] = {-(1 << 29), -(1 << 29)};
    for (int k = 0; k < count; ++k) {
      const int p = EvenOddSplit ? k % 2 : 0;
      e_part[p] = max_of(e_part[p], a[k].exponent + b[k].exponent);
    }
    std::int64_t s_part[2] = {0, 0};
    for (int k = 0; k < count; ++k) {
      const int p = EvenOddSplit ? k % 2 : 0;
      const int e = a[k].exponent + b[k].exponent;
      const std::uint64_t m = std::uint64_t(a[k].significand) * b[k].significand;
      s_part[p] +=
          with_sign(shift_toward_zero(m, 24 - FA - FB - (e_part[p] - e)), a[k].negative != b[k].negative);
    }
    int e = e_part[0];
    std::int64_t s = s_part[0];
    if constexpr (parts == 2) {
      e = max_of(e_part[0], e_part[1]);
      s = (count > 0 ? shift_floor(s_part[0], e_part[0] - e) : 0) +
          (count > 1 ? shift_floor(s_part[1], e_part[1] - e) : 0);
    }
    if (count == 0) e = zero_exponent + zero_exponent;
    const int m = max_of(e, c.exponent);
    const std::int64_t p31 = shift_floor(s, 7 + e - m);
    std::int64_t c24 = shift_floor(with_sign(c.significand, c.negative), 1 + c.exponent - m);
    if (EvenOddSplit && c.exponent < m - 25) c24 = 0;
    return from_exact<float>(round_fixed<fp32_nearest_even>(p31 + c24 * 128, m - 31));
  }
};

// ---- Sequential IEEE fma (MMA.md sections 5 and 7): NVIDIA DMMA, AMD f32 and f64 ------------------------
struct fma_chain {
  static constexpr int width = 1;
  static constexpr int fraction_bits = 0;
};

// ---- CDNA1 / CDNA2 (MMA.md section 7): products rounded to fp32, a balanced fp32 tree per group of
// Width, then acc + group; CDNA2 flushes subnormals.
template <int Width, bool Flush>
struct amd_fp32_tree {
  static constexpr int width = Width;
  static constexpr int fraction_bits = 0;

  LOWP_HOST_DEVICE static float flush(float x) noexcept {
    if constexpr (Flush) {
      if (std::fabs(x) < 0x1p-126f) return std::copysign(0.0f, x);
    }
    return x;
  }
  LOWP_HOST_DEVICE static float tree(const float* p, int n) noexcept {
    if (n == 1) return p[0];
    const int left = n / 2;
    return flush(tree(p, left) + tree(p + left, n - left));
  }
  // a, b: the operands as floats (already flushed where the unit flushes inputs), count <= Width.
  LOWP_HOST_DEVICE static float step(const float* a, const float* b, int count, float c) noexcept {
    float p[Width];
    for (int k = 0; k < Width; ++k) {
      // An exactly zero product (a zero factor, the other finite) is +0; a product that only rounds to zero
      // keeps its sign. Through double, where the product is exact, so that no compiler contracts it with an
      // addition.
      const bool zero =
          k >= count || (a[k] == 0.0f && std::isfinite(b[k])) || (b[k] == 0.0f && std::isfinite(a[k]));
      p[k] = zero ? 0.0f : flush(float(double(a[k]) * double(b[k])));
    }
    const float sum = flush(c + tree(p, Width));
    return std::isnan(sum) ? core::bit_cast<float>(canonical_fp32_nan) : sum;
  }
};

}  // namespace lowp::mma::detail
