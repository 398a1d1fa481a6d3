// A plain reference of the matrix-unit arithmetic of ../shared/MMA.md, written from that text alone.
//
// It shares no code with lowp: operands are decoded here from their bit patterns with this file's own
// table of formats, every product and every aligned term is an exact integer (a 128-bit significand with a
// power-of-two exponent), truncations and floors are integer shifts, and the one final rounding of each
// step is this file's own integer rounding. Nothing here is fast; everything is meant to be read next to
// MMA.md. Inputs are plain bit patterns (uint32_t / uint64_t) plus a description of the unit, so the
// reference is usable and testable without the library.
//
// Section numbers below (§2, §3, ...) are those of MMA.md.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace mma_reference {

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

// ---- Formats (MMA.md §1) --------------------------------------------------------------------------------

enum class format { fp64, fp32, tf32, fp16, bf16, e4m3, e5m2, e3m2, e2m3, e2m1, e4m3fnuz, e5m2fnuz };

// How the top of the code space is used: IEEE (all-ones exponent = Inf/NaN), OCP e4m3 "fn" (only
// S.1111.111 is NaN), AMD "fnuz" (0x80 is the one NaN, no Inf, no -0), or no specials at all (fp6, fp4).
enum class specials { ieee, fn, fnuz, none };

struct format_info {
  int bits, exp_bits, man_bits, bias;
  specials sp;
  int emin() const { return 1 - bias; }
};

inline format_info info(format f) {
  switch (f) {
    case format::fp64:
      return {64, 11, 52, 1023, specials::ieee};
    case format::fp32:
    case format::tf32:
      return {32, 8, 23, 127, specials::ieee};
    case format::fp16:
      return {16, 5, 10, 15, specials::ieee};
    case format::bf16:
      return {16, 8, 7, 127, specials::ieee};
    case format::e4m3:
      return {8, 4, 3, 7, specials::fn};
    case format::e5m2:
      return {8, 5, 2, 15, specials::ieee};
    case format::e3m2:
      return {6, 3, 2, 3, specials::none};
    case format::e2m3:
      return {6, 2, 3, 1, specials::none};
    case format::e2m1:
      return {4, 2, 1, 1, specials::none};
    case format::e4m3fnuz:
      return {8, 4, 3, 8, specials::fnuz};
    case format::e5m2fnuz:
      return {8, 5, 2, 16, specials::fnuz};
  }
  throw std::logic_error("mma_reference: unknown format");
}

inline const char* name(format f) {
  switch (f) {
    case format::fp64:
      return "fp64";
    case format::fp32:
      return "fp32";
    case format::tf32:
      return "tf32";
    case format::fp16:
      return "fp16";
    case format::bf16:
      return "bf16";
    case format::e4m3:
      return "e4m3";
    case format::e5m2:
      return "e5m2";
    case format::e3m2:
      return "e3m2";
    case format::e2m3:
      return "e2m3";
    case format::e2m1:
      return "e2m1";
    case format::e4m3fnuz:
      return "e4m3fnuz";
    case format::e5m2fnuz:
      return "e5m2fnuz";
  }
  return "?";
}

// A decoded operand. A finite one has the value (-1)^negative * sig * 2^(E - man_bits), where
// E = max(floor(log2|x|), emin) is MMA.md's exponent E(x) (|sig| < 2^man_bits for subnormals), and a zero
// has sig = 0 and E = -126 whatever its format (§1, MMA-Sim's convention, quirk Q1).
struct operand {
  bool nan = false, inf = false, negative = false;
  std::uint64_t sig = 0;
  int E = -126;
  int man_bits = 0;
  bool finite() const { return !nan && !inf; }
  bool zero() const { return finite() && sig == 0; }
};

inline operand decode(format f, std::uint64_t bits) {
  if (f == format::tf32) bits &= 0xFFFFE000u;  // §2: tf32 operands ignore the low 13 bits (truncation)
  const format_info fi = info(f);
  operand r;
  r.man_bits = fi.man_bits;
  const std::uint64_t man_mask = (std::uint64_t(1) << fi.man_bits) - 1;
  const std::uint64_t exp_mask = (std::uint64_t(1) << fi.exp_bits) - 1;
  const std::uint64_t magnitude = bits & ((std::uint64_t(1) << (fi.bits - 1)) - 1);
  const bool sign = ((bits >> (fi.bits - 1)) & 1) != 0;
  const std::uint64_t field = (bits >> fi.man_bits) & exp_mask;
  const std::uint64_t man = bits & man_mask;
  switch (fi.sp) {
    case specials::ieee:
      if (field == exp_mask) {
        if (man == 0)
          r.inf = true;
        else
          r.nan = true;
        r.negative = sign;
        return r;
      }
      break;
    case specials::fn:
      if (magnitude == ((std::uint64_t(1) << (fi.bits - 1)) - 1)) {
        r.nan = true;
        return r;
      }
      break;
    case specials::fnuz:
      if (sign && magnitude == 0) {
        r.nan = true;
        return r;
      }
      break;
    case specials::none:
      break;
  }
  r.negative = sign;
  if (field == 0 && man == 0) return r;  // zero: E = -126 (Q1)
  if (field == 0) {
    r.sig = man;
    r.E = fi.emin();
  } else {
    r.sig = man | (std::uint64_t(1) << fi.man_bits);
    r.E = int(field) - fi.bias;
  }
  return r;
}

// The value of a code as a double (exact for every format here; NaN/Inf as doubles).
inline double to_double(format f, std::uint64_t bits) {
  const operand o = decode(f, bits);
  if (o.nan) return std::nan("");
  if (o.inf) return o.negative ? -HUGE_VAL : HUGE_VAL;
  const double m = std::ldexp(double(o.sig), o.E - o.man_bits);
  return o.negative ? -m : m;
}

// ---- Block scales (§1, §3, §4) ---------------------------------------------------------------------------

enum class scale_format { ue8m0, ue4m3 };

// A scale as value sig * 2^(E - man_bits) with E = MMA.md's exponent of the scale.
struct scale {
  bool nan = false;
  std::uint64_t sig = 1;
  int E = 0;
  int man_bits = 0;
};

inline scale decode_scale(scale_format f, std::uint32_t code) {
  scale s;
  if (f == scale_format::ue8m0) {
    s.nan = (code & 0xFF) == 0xFF;
    s.E = int(code & 0xFF) - 127;
    return s;
  }
  // ue4m3: an e4m3 with the sign bit ignored; 0x7F / 0xFF are NaN; a zero scale has E = -126.
  const operand o = decode(format::e4m3, code & 0x7F);
  s.nan = o.nan;
  s.sig = o.sig;
  s.E = o.E;
  s.man_bits = 3;
  return s;
}

// ---- Exact terms and integer grids
// -------------------------------------------------------------------------

// An exact value (-1)^negative * mag * 2^lsb together with its alignment exponent.
struct term {
  bool negative = false;
  u128 mag = 0;
  int lsb = 0;
  int align = -126;
};

inline term product(const operand& a, const operand& b, int extra_exponent = 0) {
  term t;
  t.negative = a.negative != b.negative;
  t.mag = u128(a.sig) * u128(b.sig);
  t.lsb = (a.E - a.man_bits) + (b.E - b.man_bits) + extra_exponent;
  t.align = a.E + b.E + extra_exponent;
  return t;
}

inline term as_term(const operand& c) {
  term t;
  t.negative = c.negative;
  t.mag = c.sig;
  t.lsb = c.E - c.man_bits;
  t.align = c.E;
  return t;
}

inline int bit_length(u128 x) {
  const std::uint64_t hi = std::uint64_t(x >> 64), lo = std::uint64_t(x);
  return hi != 0 ? 128 - std::countl_zero(hi) : 64 - std::countl_zero(lo);
}

// mag * 2^shift, the magnitude truncated toward zero (a right shift) when shift < 0.
inline u128 shift_magnitude(u128 mag, int shift) {
  if (mag == 0) return 0;
  if (shift >= 0) {
    if (bit_length(mag) + shift > 126) throw std::logic_error("mma_reference: term too wide for 128 bits");
    return mag << shift;
  }
  if (-shift >= 128) return 0;
  return mag >> -shift;
}

// trunc(v * 2^-grid): the term on the integer grid 2^grid, toward zero (sign-magnitude truncation, §2 step
// 4).
inline i128 trunc_to_grid(const term& t, int grid) {
  const i128 m = i128(shift_magnitude(t.mag, t.lsb - grid));
  return t.negative ? -m : m;
}

// floor(v * 2^-grid) for a signed integer value v = x * 2^lsb (AMD's round-down steps, §6).
inline i128 floor_to_grid(i128 x, int lsb, int grid) {
  const int shift = lsb - grid;
  if (shift >= 0) {
    if (x == 0) return 0;
    const u128 mag = u128(x < 0 ? -x : x);
    if (bit_length(mag) + shift > 126) throw std::logic_error("mma_reference: value too wide for 128 bits");
    return x << shift;
  }
  if (-shift >= 127) return x < 0 ? -1 : 0;
  return x >> -shift;  // arithmetic shift of a two's-complement integer = floor
}

inline std::uint64_t fp64_bits_of(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, 8);
  return b;
}

// ---- Final roundings (§2 step 6, §6 step 5)
// ----------------------------------------------------------------

enum class rounding { toward_zero, nearest_even };

// A binary output format: man_bits fraction bits, exponent field exp_bits with bias; the smallest normal
// exponent is 1 - bias, the largest emax = 2^exp_bits - 2 - bias (IEEE-style: the all-ones field is Inf).
// `stored_man_bits` >= man_bits places the fraction at the top of a wider field (e8m13 inside fp32).
struct output_format {
  int exp_bits, man_bits, bias, stored_man_bits;
};
inline constexpr output_format out_fp32{8, 23, 127, 23};
inline constexpr output_format out_e8m13{8, 13, 127, 23};
inline constexpr output_format out_fp16{5, 10, 15, 10};
inline constexpr output_format out_fp64{11, 52, 1023, 52};

// Rounds (-1)^negative * mag * 2^exp into `of`. Zero results are +0 (MMA.md §2: always +0; AMD §6 too).
// Overflow gives Inf in both modes (§2: "|V| >= 2^128 -> Inf (not FLT_MAX)"; RNE overflow is IEEE's).
inline std::uint64_t round_to(bool negative, u128 mag, int exp, const output_format& of, rounding mode) {
  const int total_bits = 1 + of.exp_bits + of.stored_man_bits;
  const std::uint64_t sign_bit = negative ? std::uint64_t(1) << (total_bits - 1) : 0;
  const std::uint64_t inf_code = ((std::uint64_t(1) << of.exp_bits) - 1) << of.stored_man_bits;
  if (mag == 0) return 0;
  const int emin = 1 - of.bias;
  const int emax = (1 << of.exp_bits) - 2 - of.bias;
  const int top = bit_length(mag) - 1 + exp;  // floor(log2 |value|)
  int E = top > emin ? top : emin;
  const int quantum = E - of.man_bits;  // exponent of the last kept bit
  u128 sig;
  if (exp >= quantum) {
    sig = mag << (exp - quantum);
  } else {
    const int shift = quantum - exp;
    if (shift > 126) {
      sig = 0;  // far below half a quantum (mag < 2^126): both modes give 0
    } else {
      sig = mag >> shift;
      const u128 rem = mag - (sig << shift);
      if (mode == rounding::nearest_even) {
        const u128 half = u128(1) << (shift - 1);
        if (rem > half || (rem == half && (sig & 1) != 0)) ++sig;
      }
    }
  }
  if (sig == 0) return 0;          // a value that rounds to zero is +0
  if (sig >> (of.man_bits + 1)) {  // rounded up to the next binade
    sig >>= 1;
    ++E;
  }
  if (E > emax) return sign_bit | inf_code;
  const u128 hidden = u128(1) << of.man_bits;
  std::uint64_t field = sig < hidden ? 0 : std::uint64_t(E + of.bias);
  const std::uint64_t frac = std::uint64_t(sig & (hidden - 1)) << (of.stored_man_bits - of.man_bits);
  return sign_bit | (field << of.stored_man_bits) | frac;
}

inline std::uint64_t round_signed(i128 value, int exp, const output_format& of, rounding mode) {
  const bool negative = value < 0;
  return round_to(negative, u128(negative ? -value : value), exp, of, mode);
}

// The code of an exactly representable finite value v in format f (throws if v needs rounding). Used to
// bring fp32 test data into the input formats; written independently of the rounding above.
inline std::uint64_t encode_exact(format f, double v) {
  const format_info fi = info(f);
  if (fi.bits == 64) return fp64_bits_of(v);
  if (fi.bits == 32) {
    const float x = float(v);
    std::uint32_t b;
    std::memcpy(&b, &x, 4);
    if (double(x) != v || (f == format::tf32 && (b & 0x1FFF) != 0))
      throw std::invalid_argument("mma_reference::encode_exact: not a " + std::string(name(f)) + " value");
    return b;
  }
  const std::uint64_t sign = std::signbit(v) ? std::uint64_t(1) << (fi.bits - 1) : 0;
  if (v == 0) return fi.sp == specials::fnuz ? 0 : sign;  // fnuz has no -0
  int e2;
  (void)std::frexp(v, &e2);  // |v| in [2^(e2-1), 2^e2)
  const int E = e2 - 1 > fi.emin() ? e2 - 1 : fi.emin();
  const double scaled = std::ldexp(std::fabs(v), fi.man_bits - E);
  const std::uint64_t sig = std::uint64_t(scaled);
  const std::uint64_t hidden = std::uint64_t(1) << fi.man_bits;
  const std::uint64_t field = sig >= hidden ? std::uint64_t(E + fi.bias) : 0;
  const std::uint64_t code = sign | (field << fi.man_bits) | (sig & (hidden - 1));
  if (double(sig) != scaled || sig >= 2 * hidden || field >= (std::uint64_t(1) << fi.exp_bits) ||
      to_double(f, code) != v)
    throw std::invalid_argument("mma_reference::encode_exact: value not representable in " +
                                std::string(name(f)));
  return code;
}

inline std::uint32_t fp32_bits(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}
inline float fp32_value(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, 4);
  return x;
}
inline std::uint64_t fp64_bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, 8);
  return b;
}
inline double fp64_value(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, 8);
  return x;
}

// fp32 -> fp16 with nearest even (how the hardware data's harness made the fp16 C), by the rounding above.
inline std::uint16_t fp32_to_fp16_rne(std::uint32_t bits) {
  const operand o = decode(format::fp32, bits);
  const std::uint16_t sign = o.negative ? 0x8000 : 0;
  if (o.nan) return 0x7E00;
  if (o.inf) return sign | 0x7C00;
  if (o.sig == 0) return sign;
  return std::uint16_t(sign | round_to(false, o.sig, o.E - o.man_bits, out_fp16, rounding::nearest_even));
}

// ---- NVIDIA NV-FDA(n), §2
// ------------------------------------------------------------------------------------

enum class nv_output { f32, e8m13, f16 };

inline const output_format& output_of(nv_output o) {
  return o == nv_output::f16 ? out_fp16 : o == nv_output::e8m13 ? out_e8m13 : out_fp32;
}
inline std::uint32_t nv_nan(nv_output o) {
  return o == nv_output::f16 ? 0x7FFFu : 0x7FFFFFFFu;
}
inline std::uint32_t nv_inf(nv_output o, bool negative) {
  if (o == nv_output::f16) return negative ? 0xFC00u : 0x7C00u;
  return negative ? 0xFF800000u : 0x7F800000u;
}
inline format c_format(nv_output o) {
  return o == nv_output::f16 ? format::fp16 : format::fp32;
}

// The special-value rule of §2 step 1 over a set of (a, b) pairs and c. Returns true and sets `result` when
// a special decides the step.
struct special_scan {
  bool nan = false, pos_inf = false, neg_inf = false;
  void product(const operand& a, const operand& b) {
    if (a.nan || b.nan) {
      nan = true;
      return;
    }
    if ((a.inf && b.zero()) || (b.inf && a.zero())) {
      nan = true;
      return;
    }
    if (a.inf || b.inf) (a.negative != b.negative ? neg_inf : pos_inf) = true;
  }
  void addend(const operand& c) {
    if (c.nan) nan = true;
    if (c.inf) (c.negative ? neg_inf : pos_inf) = true;
  }
  bool decided() const { return nan || pos_inf || neg_inf; }
  bool is_nan() const { return nan || (pos_inf && neg_inf); }
};

// One fused step: terms (products, and c as the last term), alignment to the largest exponent X, each term
// truncated toward zero to the grid 2^(X - n), exact sum, one rounding.
inline std::uint32_t nv_fused_sum(const std::vector<term>& terms, int n, nv_output out) {
  int X = -100000;
  for (const term& t : terms) X = t.align > X ? t.align : X;
  i128 T = 0;
  for (const term& t : terms) T += trunc_to_grid(t, X - n);
  const rounding mode = out == nv_output::f16 ? rounding::nearest_even : rounding::toward_zero;
  return std::uint32_t(round_signed(T, X - n, output_of(out), mode));
}

// One NV-FDA step over operand codes (a[i], b[i]) with optional per-product extra exponents (block scales,
// §3) and c (fp32 bits, or fp16 bits for the f16 output).
inline std::uint32_t nv_step(format fa, format fb, std::span<const std::uint32_t> a,
                             std::span<const std::uint32_t> b, std::uint32_t c_bits, int n, nv_output out) {
  special_scan sp;
  thread_local std::vector<term> terms;  // reused: the differential tests run millions of steps
  terms.clear();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const operand x = decode(fa, a[i]), y = decode(fb, b[i]);
    sp.product(x, y);
    if (x.finite() && y.finite()) terms.push_back(product(x, y));
  }
  const operand c = decode(c_format(out), c_bits);
  sp.addend(c);
  if (sp.is_nan()) return nv_nan(out);
  if (sp.decided()) return nv_inf(out, sp.neg_inf);
  terms.push_back(as_term(c));
  return nv_fused_sum(terms, n, out);
}

// Chaining (§2): steps of W products in k order from c, each step's rounded output the c of the next; a
// partial last step has fewer products (padding with (0,0) would not change it, §2). K = 0 runs no step and
// returns c unchanged (no instruction is issued; lowp documents the same).
template <class Step>
std::uint32_t chain(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b, std::size_t W,
                    std::uint32_t c, Step step) {
  if (a.size() != b.size()) throw std::invalid_argument("mma_reference: A and B lengths differ");
  for (std::size_t k = 0; k < a.size(); k += W) {
    const std::size_t len = a.size() - k < W ? a.size() - k : W;
    c = step(a.subspan(k, len), b.subspan(k, len), c);
  }
  return c;
}

// A plain NVIDIA unit: A, B formats, output, products per step W and fraction bits n.
struct nv_unit {
  format a, b;
  nv_output out;
  int W, n;
};

// A chained dot product (§2 "Chaining"): steps of W products in k order, each step's rounded output the c of
// the next; a partial last step is zero-padded (padding with (0,0) never changes a step, §2). K = 0 gives the
// step over no products (c alone through the unit).
inline std::uint32_t nv_dot(const nv_unit& u, std::span<const std::uint32_t> a,
                            std::span<const std::uint32_t> b, std::uint32_t c) {
  return chain(a, b, std::size_t(u.W), c,
               [&](auto x, auto y, std::uint32_t acc) { return nv_step(u.a, u.b, x, y, acc, u.n, u.out); });
}

// ---- NV-MX32: kind::mxf8f6f4, §3
// -------------------------------------------------------------------------------

// Block 32, ue8m0 scales, W = 32, n = 25, fp32 RZ. a_scales / b_scales hold one code per 32 elements.
// A partial last block is padded with (0, 0) products that carry that block's scales (as a kernel that pads
// K with zeros would): `pad_partial_block` = false leaves the padding out instead.
inline std::uint32_t nv_mx_dot(format fa, format fb, std::span<const std::uint32_t> a,
                               std::span<const std::uint8_t> a_scales, std::span<const std::uint32_t> b,
                               std::span<const std::uint8_t> b_scales, std::uint32_t c_bits,
                               bool pad_partial_block = true) {
  const std::size_t K = a.size();
  if (b.size() != K || a_scales.size() != (K + 31) / 32 || b_scales.size() != a_scales.size())
    throw std::invalid_argument("nv_mx_dot: sizes differ");
  for (std::size_t blk = 0; blk * 32 < K; ++blk) {
    const std::size_t k0 = blk * 32;
    const scale sa = decode_scale(scale_format::ue8m0, a_scales[blk]);
    const scale sb = decode_scale(scale_format::ue8m0, b_scales[blk]);
    const operand c = decode(format::fp32, c_bits);
    special_scan sp;
    sp.addend(c);
    if (sa.nan || sb.nan) sp.nan = true;
    std::vector<term> terms;
    const std::size_t len = K - k0 < 32 ? K - k0 : 32;
    const std::size_t count = pad_partial_block ? 32 : len;
    for (std::size_t i = 0; i < count; ++i) {
      const operand x = i < len ? decode(fa, a[k0 + i]) : decode(fa, 0);
      const operand y = i < len ? decode(fb, b[k0 + i]) : decode(fb, 0);
      sp.product(x, y);
      if (x.finite() && y.finite()) terms.push_back(product(x, y, sa.E + sb.E));
    }
    if (sp.is_nan()) {
      c_bits = 0x7FFFFFFFu;  // and the chain goes on: a later step sees a NaN c
    } else if (sp.decided()) {
      c_bits = nv_inf(nv_output::f32, sp.neg_inf);
    } else {
      terms.push_back(as_term(c));
      c_bits = nv_fused_sum(terms, 25, nv_output::f32);
    }
  }
  return c_bits;
}

// ---- NV-FP4K64: kind::mxf4 / mxf4nvf4, §4
// ----------------------------------------------------------------------

// e2m1 elements, k = 64 per step in 4 groups of 16, scales of `block` (16 or 32) elements, n = 35, fp32 RZ.
// K not a multiple of 64: the elements are padded with zeros; a padded group whose block has a scale (a
// partial block) takes part with that scale, as in a kernel that pads K with zeros; a group whose block has
// no scale at all takes no part (`absent_groups_take_part` = true would give such groups the smallest scale
// code, 0x00, which for both scale formats puts them below every c and changes nothing -- kept as a check).
inline std::uint32_t nv_fp4_dot(scale_format sf, int block, std::span<const std::uint32_t> a,
                                std::span<const std::uint8_t> a_scales, std::span<const std::uint32_t> b,
                                std::span<const std::uint8_t> b_scales, std::uint32_t c_bits,
                                bool absent_groups_take_part = false) {
  const std::size_t K = a.size();
  const std::size_t blocks = (K + std::size_t(block) - 1) / std::size_t(block);
  if (b.size() != K || a_scales.size() != blocks || b_scales.size() != blocks)
    throw std::invalid_argument("nv_fp4_dot: sizes differ");
  for (std::size_t k0 = 0; k0 < K; k0 += 64) {
    const operand c = decode(format::fp32, c_bits);
    bool nan = c.nan;
    std::vector<term> terms;
    for (std::size_t g0 = k0; g0 < k0 + 64; g0 += 16) {
      const std::size_t blk = g0 / std::size_t(block);
      if (blk >= blocks && !absent_groups_take_part) continue;
      const scale sa = decode_scale(sf, blk < blocks ? a_scales[blk] : 0x00);
      const scale sb = decode_scale(sf, blk < blocks ? b_scales[blk] : 0x00);
      if (sa.nan || sb.nan) nan = true;  // §4 step 5: any scale of the instruction
      // Exact group sum in units of 2^-2 (e2m1 products are multiples of 1/4); padding adds nothing.
      i128 G4 = 0;
      for (std::size_t i = g0; i < g0 + 16 && i < K; ++i) {
        const term p = product(decode(format::e2m1, a[i]), decode(format::e2m1, b[i]));
        if (p.mag == 0) continue;  // a zero (exponent -126 by convention) adds nothing to the exact sum
        const i128 m = i128(p.mag) << (p.lsb + 2);
        G4 += p.negative ? -m : m;
      }
      term t;
      t.negative = G4 < 0;
      t.mag = u128(G4 < 0 ? -G4 : G4) * sa.sig * sb.sig;
      t.lsb = -2 + (sa.E - sa.man_bits) + (sb.E - sb.man_bits);
      t.align = sa.E + sb.E;  // the group sum is not normalised: only the scales decide its alignment
      terms.push_back(t);
    }
    if (nan) {
      c_bits = 0x7FFFFFFFu;  // and the chain goes on
    } else if (c.inf) {
      c_bits = nv_inf(nv_output::f32, c.negative);
    } else {
      terms.push_back(as_term(c));
      c_bits = nv_fused_sum(terms, 35, nv_output::f32);
    }
  }
  return c_bits;
}

// ---- Provisional B200 mma.sync fp8 -> f32, §9.3
// -----------------------------------------------------------------

// Each step of 32 products: P = NV-FDA(25) with c = +0, RZ to fp32; then D = fp32 RNE(P + c). NaN results are
// NVIDIA's 0x7FFFFFFF (an FADD on the GPU returns the canonical NaN).
inline std::uint32_t fp32_add_rne(std::uint32_t x, std::uint32_t y) {
  // The host's fp32 addition is IEEE nearest even: the CPU is the reference for this one operation.
  const float s = fp32_value(x) + fp32_value(y);
  return std::isnan(s) ? 0x7FFFFFFFu : fp32_bits(s);
}

inline std::uint32_t nv_blackwell_mma_sync_fp8_dot(format fa, format fb, std::span<const std::uint32_t> a,
                                                   std::span<const std::uint32_t> b, std::uint32_t c) {
  return chain(a, b, 32, c, [&](auto x, auto y, std::uint32_t acc) {
    return fp32_add_rne(nv_step(fa, fb, x, y, 0u, 25, nv_output::f32), acc);
  });
}

// ---- fp64 / fp32 FMA chains, §5 and §7 (the host's IEEE fma is the reference: one rounding per step)
// ----------

inline std::uint64_t fma64_dot(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                               std::uint64_t c) {
  double d = fp64_value(c);
  for (std::size_t k = 0; k < a.size(); ++k) d = std::fma(fp64_value(a[k]), fp64_value(b[k]), d);
  return fp64_bits(d);
}
inline std::uint32_t fma32_dot(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b,
                               std::uint32_t c) {
  float d = fp32_value(c);
  for (std::size_t k = 0; k < a.size(); ++k) d = std::fma(fp32_value(a[k]), fp32_value(b[k]), d);
  return fp32_bits(d);
}

// ---- AMD-FDRD: CDNA3, §6
// ---------------------------------------------------------------------------------------

inline constexpr std::uint32_t amd_nan = 0x7FC00000u;

// Sum of products truncated toward zero to 24 fraction bits relative to their largest exponent e: returns
// (S, e) with the sum's value S * 2^(e - 24). An empty set has e = -infinity (represented as INT_MIN/2).
struct partial_sum {
  i128 S = 0;
  int e = -1000000;
};
inline partial_sum truncated_product_sum(const std::vector<term>& products) {
  partial_sum r;
  for (const term& t : products) r.e = t.align > r.e ? t.align : r.e;
  for (const term& t : products) r.S += trunc_to_grid(t, r.e - 24);
  return r;
}

inline std::uint32_t amd_fdrd_step(format fa, format fb, std::span<const std::uint32_t> a,
                                   std::span<const std::uint32_t> b, std::uint32_t c_bits) {
  const bool fp8 = fa == format::e4m3fnuz || fa == format::e5m2fnuz;
  special_scan sp;
  std::vector<term> products, even, odd;
  bool big_pos = false, big_neg = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const operand x = decode(fa, a[i]), y = decode(fb, b[i]);
    sp.product(x, y);
    if (!x.finite() || !y.finite()) continue;
    const term p = product(x, y);
    // |a*b| >= 2^128 (bf16 / xf32 only): the step overflows whatever c is (§6 step 1).
    if (p.mag != 0 && bit_length(p.mag) - 1 + p.lsb >= 128) (p.negative ? big_neg : big_pos) = true;
    products.push_back(p);
    (i % 2 == 0 ? even : odd).push_back(p);
  }
  const operand c = decode(format::fp32, c_bits);
  sp.addend(c);
  if (sp.is_nan()) return amd_nan;
  if (sp.decided()) return sp.neg_inf ? 0xFF800000u : 0x7F800000u;
  if (big_pos && big_neg) return amd_nan;
  if (big_pos) return 0x7F800000u;
  if (big_neg) return 0xFF800000u;

  partial_sum s;
  if (!fp8) {
    s = truncated_product_sum(products);
  } else {
    const partial_sum s0 = truncated_product_sum(even), s1 = truncated_product_sum(odd);
    s.e = s0.e > s1.e ? s0.e : s1.e;
    // Re-align each half with floor onto the 24-bit grid of e.
    if (s0.e > -1000000) s.S += floor_to_grid(s0.S, s0.e - 24, s.e - 24);
    if (s1.e > -1000000) s.S += floor_to_grid(s1.S, s1.e - 24, s.e - 24);
  }
  const int Ec = c.E;  // zero c: -126
  const int m = s.e > Ec ? s.e : Ec;
  const i128 P31 = s.e > -1000000 ? floor_to_grid(s.S, s.e - 24, m - 31) : 0;
  const term ct = as_term(c);
  const i128 c_signed = c.negative ? -i128(ct.mag) : i128(ct.mag);
  i128 C24 = floor_to_grid(c_signed, ct.lsb, m - 24);
  if (fp8 && Ec < m - 25) C24 = 0;  // fp8/bf8: c far below the products is dropped (toward zero)
  const i128 V = P31 + C24 * 128;
  return std::uint32_t(round_signed(V, m - 31, out_fp32, rounding::nearest_even));
}

// CDNA3 unit: f16/bf16 W = 8, xf32 (tf32) W = 4, fp8/bf8 W = 16; steps chained through the fp32 accumulator.
inline std::uint32_t amd_fdrd_dot(format fa, format fb, int W, std::span<const std::uint32_t> a,
                                  std::span<const std::uint32_t> b, std::uint32_t c) {
  return chain(a, b, std::size_t(W), c,
               [&](auto x, auto y, std::uint32_t acc) { return amd_fdrd_step(fa, fb, x, y, acc); });
}

// ---- CDNA1 / CDNA2 fp32 trees, §7
// -----------------------------------------------------------------------------

// Host fp32 arithmetic is IEEE nearest even, the rounding §7 asks for; the flushes are written here.
inline float flush_tiny(float x, bool ftz) {
  return (ftz && std::fabs(x) < 0x1p-126f) ? std::copysign(0.0f, x) : x;
}

inline float amd_tree_product(format f, std::uint32_t a, std::uint32_t b, bool ftz) {
  operand x = decode(f, a), y = decode(f, b);
  const auto flush_input = [&](operand& o) {
    if (ftz && o.finite() && o.sig != 0 && o.sig < (std::uint64_t(1) << o.man_bits)) o = operand{};  // -> +0
  };
  flush_input(x);
  flush_input(y);
  const auto value = [](const operand& o) -> double {
    if (o.nan) return std::nan("");
    if (o.inf) return o.negative ? -HUGE_VAL : HUGE_VAL;
    const double m = std::ldexp(double(o.sig), o.E - o.man_bits);
    return o.negative ? -m : m;
  };
  const double p = value(x) * value(y);                 // exact in double for f16 and bf16
  if (p == 0 && x.finite() && y.finite()) return 0.0f;  // an exactly-zero product is +0
  return flush_tiny(float(p), ftz);                     // one RNE rounding to fp32
}

inline float amd_tree(std::span<const float> p, bool ftz) {
  if (p.size() == 1) return p[0];
  const std::size_t h = p.size() / 2;
  return flush_tiny(amd_tree(p.first(h), ftz) + amd_tree(p.subspan(h), ftz), ftz);
}

// CDNA1 (ftz = false) / CDNA2 (ftz = true) f16 and bf16 units, group W (4, or 2 for CDNA1 bf16); a partial
// last group is zero-padded with +0 products.
inline std::uint32_t amd_tree_dot(format f, int W, bool ftz, std::span<const std::uint32_t> a,
                                  std::span<const std::uint32_t> b, std::uint32_t c_bits) {
  if (a.size() != b.size()) throw std::invalid_argument("sizes differ");
  float acc = fp32_value(c_bits);
  if (ftz && std::fabs(acc) < 0x1p-126f && acc != 0) acc = 0.0f;  // subnormal C -> +0
  std::vector<float> p(std::size_t(W), 0.0f);
  for (std::size_t k = 0; k < a.size(); k += std::size_t(W)) {
    for (std::size_t i = 0; i < std::size_t(W); ++i)
      p[i] = k + i < a.size() ? amd_tree_product(f, a[k + i], b[k + i], ftz) : 0.0f;
    acc = flush_tiny(acc + amd_tree(p, ftz), ftz);
  }
  return fp32_bits(acc);
}

}  // namespace mma_reference
