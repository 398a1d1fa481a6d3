// An independent oracle for rounding into small binary floating-point formats, built on MPFR.
//
// It shares no code with lowp: a format is described by four plain numbers (exponent bits, mantissa bits,
// bias, encoding), codes are decoded here from that description, and the rounding decision is made by exact
// comparisons of an MPFR value with the format's neighbouring values and their midpoint. The rules for
// specials, overflow and signed zero are written from the text of API.md / DESIGN.md, not from lowp's code.
//
// Usage: compute the exact result with MPFR (or an inexact one at high precision together with MPFR's
// ternary value), call `analyse` once, then ask `expect` for the code under each rounding/overflow policy.
// One analysis serves every policy, which keeps exhaustive sweeps cheap.
#pragma once

#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include <gmp.h>
#include <mpfr.h>

namespace mpfr_oracle {

enum class encoding { ieee, fn, fnuz, finite, unsigned_exponent };
enum class rounding { nearest_even, nearest_away, toward_zero, upward, downward, to_odd };
enum class overflow { ieee, saturate };

inline const char* name(rounding r) {
  switch (r) {
    case rounding::nearest_even:
      return "nearest_even";
    case rounding::nearest_away:
      return "nearest_away";
    case rounding::toward_zero:
      return "toward_zero";
    case rounding::upward:
      return "upward";
    case rounding::downward:
      return "downward";
    case rounding::to_odd:
      return "to_odd";
  }
  return "?";
}
inline const char* name(overflow o) {
  return o == overflow::ieee ? "ieee" : "saturate";
}

// A format as the specification describes it (ExpBits, ManBits, Bias, encoding). Everything else is derived
// here from those numbers, following API.md:
//   ieee:  the all-ones exponent holds Inf (mantissa 0) and NaNs; field 0 holds zero and subnormals.
//   fn:    no Inf; the all-ones magnitude S.1..1.1..1 is NaN; the all-ones exponent is otherwise normal.
//   fnuz:  no Inf, no -0: the code with only the sign bit set is the one NaN.
//   finite: neither Inf nor NaN.
//   unsigned_exponent (e8m0): no sign, no mantissa, no zero, no subnormals; value 2^(code - bias), all-ones
//          is NaN.
struct format {
  int exp_bits;
  int man_bits;
  int bias;
  encoding enc;

  constexpr bool is_signed() const { return enc != encoding::unsigned_exponent; }
  constexpr int bits() const { return (is_signed() ? 1 : 0) + exp_bits + man_bits; }
  constexpr std::uint32_t code_count() const { return std::uint32_t(1) << bits(); }
  constexpr int precision() const { return man_bits + 1; }
  constexpr std::uint32_t sign_mask() const {
    return is_signed() ? std::uint32_t(1) << (exp_bits + man_bits) : 0;
  }
  constexpr std::uint32_t magnitude_mask() const { return (std::uint32_t(1) << (exp_bits + man_bits)) - 1; }
  constexpr std::uint32_t all_ones_field() const { return (std::uint32_t(1) << exp_bits) - 1; }
  constexpr bool has_inf() const { return enc == encoding::ieee; }
  constexpr bool has_nan() const { return enc != encoding::finite; }
  constexpr bool has_subnormals() const { return enc != encoding::unsigned_exponent; }
  constexpr bool has_negative_zero() const { return is_signed() && enc != encoding::fnuz; }
  // Unbiased exponent of the smallest normal binade (exponent field 1, or field 0 without subnormals).
  constexpr int emin() const { return (has_subnormals() ? 1 : 0) - bias; }
  // Unbiased exponent of the largest finite binade: the all-ones field is special for ieee and e8m0.
  constexpr int emax() const {
    const int top = int(all_ones_field());
    return (enc == encoding::ieee || enc == encoding::unsigned_exponent ? top - 1 : top) - bias;
  }
  // Integer significand (hidden bit included) of the largest finite value: fn loses the all-ones mantissa
  // to NaN, the others keep it.
  constexpr std::uint32_t max_significand() const {
    const std::uint32_t all = (std::uint32_t(1) << precision()) - 1;
    return enc == encoding::fn ? all - 1 : all;
  }
  double max_value() const { return std::ldexp(double(max_significand()), emax() - man_bits); }
  double min_normal() const { return std::ldexp(1.0, emin()); }
  double min_subnormal() const { return std::ldexp(1.0, has_subnormals() ? emin() - man_bits : emin()); }
  // The canonical quiet NaN (without the sign; fnuz's NaN *is* the sign bit).
  constexpr std::uint32_t nan_magnitude() const {
    switch (enc) {
      case encoding::ieee:
        return (all_ones_field() << man_bits) | (std::uint32_t(1) << (man_bits - 1));
      case encoding::fn:
        return magnitude_mask();
      case encoding::fnuz:
        return sign_mask();
      case encoding::unsigned_exponent:
        return magnitude_mask();
      case encoding::finite:
        return 0;  // no NaN
    }
    return 0;
  }
  constexpr std::uint32_t inf_magnitude() const { return all_ones_field() << man_bits; }
  // Code of a finite magnitude k * 2^(e - man_bits), k normalised (k < 2^man_bits only at e = emin).
  constexpr std::uint32_t encode_magnitude(std::uint32_t k, int e) const {
    if (k == 0) return 0;
    const std::uint32_t hidden = std::uint32_t(1) << man_bits;
    if (k < hidden) return k;  // subnormal: field 0
    return (std::uint32_t(e + bias) << man_bits) | (k - hidden);
  }
  constexpr std::uint32_t max_code() const { return encode_magnitude(max_significand(), emax()); }
};

// What a code means.
struct decoded {
  enum kind_t { number, infinity, nan } kind;
  bool negative;  // the sign bit of the code
  double value;   // exact (every value of these formats is a double); signed; NaN/Inf as doubles
};

inline decoded decode(const format& f, std::uint32_t code) {
  const bool negative = (code & f.sign_mask()) != 0;
  const std::uint32_t magnitude = code & f.magnitude_mask();
  const std::uint32_t field = magnitude >> f.man_bits;
  const std::uint32_t fraction = magnitude & ((std::uint32_t(1) << f.man_bits) - 1);
  const double sign = negative ? -1.0 : 1.0;
  auto nan = [&] { return decoded{decoded::nan, negative, std::copysign(NAN, sign)}; };
  switch (f.enc) {
    case encoding::ieee:
      if (field == f.all_ones_field()) {
        return fraction == 0 ? decoded{decoded::infinity, negative, sign * INFINITY} : nan();
      }
      break;
    case encoding::fn:
      if (magnitude == f.magnitude_mask()) return nan();
      break;
    case encoding::fnuz:
      if (code == f.sign_mask()) return nan();
      break;
    case encoding::finite:
      break;
    case encoding::unsigned_exponent:
      if (code == f.magnitude_mask()) return nan();
      return decoded{decoded::number, false, std::ldexp(1.0, int(code) - f.bias)};
  }
  const double value = field == 0 ? std::ldexp(double(fraction), f.emin() - f.man_bits)
                                  : std::ldexp(double(fraction | (std::uint32_t(1) << f.man_bits)),
                                               int(field) - f.bias - f.man_bits);
  return decoded{decoded::number, negative, sign * value};
}

// The expected result of one operation under one policy.
struct expectation {
  enum kind_t {
    code,        // exactly `value`
    any_nan,     // the format's canonical NaN of either sign; for formats without NaN, a zero of either sign
                 // (IEEE 754 6.3 leaves the sign of an operation's NaN unspecified, and API.md maps a NaN
                 // into such formats to a zero whose sign follows the NaN's)
    signed_nan,  // a NaN with a known sign (conversions): the canonical NaN with that sign; without NaN, the
                 // zero of the opposite sign (ml_dtypes); fnuz and e8m0 have a single NaN code
  } kind;
  std::uint32_t value = 0;
  bool negative = false;
};

inline bool is_canonical_nan(const format& f, std::uint32_t code) {
  if (!f.has_nan()) return false;
  if (f.enc == encoding::fnuz || !f.is_signed()) return code == f.nan_magnitude();  // the one NaN code
  return (code & ~f.sign_mask()) == f.nan_magnitude();
}

inline bool matches(const format& f, const expectation& e, std::uint32_t got) {
  switch (e.kind) {
    case expectation::code:
      return got == e.value;
    case expectation::any_nan:
      if (!f.has_nan()) return (got & f.magnitude_mask()) == 0 && got < f.code_count();
      return is_canonical_nan(f, got);
    case expectation::signed_nan:
      if (!f.has_nan()) return got == (e.negative ? 0 : f.sign_mask());
      if (f.enc == encoding::fnuz || !f.is_signed()) return got == f.nan_magnitude();
      return got == (f.nan_magnitude() | (e.negative ? f.sign_mask() : 0));
  }
  return false;
}

inline std::string describe_code(const format& f, std::uint32_t code) {
  const decoded d = decode(f, code);
  char buffer[96];
  if (d.kind == decoded::nan) {
    std::snprintf(buffer, sizeof buffer, "0x%0*" PRIx32 " (%snan)", (f.bits() + 3) / 4, code,
                  d.negative ? "-" : "");
  } else {
    std::snprintf(buffer, sizeof buffer, "0x%0*" PRIx32 " (%.17g)", (f.bits() + 3) / 4, code, d.value);
  }
  return buffer;
}

inline std::string describe(const format& f, const expectation& e) {
  switch (e.kind) {
    case expectation::code:
      return describe_code(f, e.value);
    case expectation::any_nan:
      return f.has_nan() ? "canonical NaN (either sign)" : "+-0 (NaN substitute)";
    case expectation::signed_nan:
      return std::string(e.negative ? "-" : "+") + "NaN (canonical/substitute)";
  }
  return "?";
}

// Where the true value x lies relative to the format's grid, extended without bound above max (overflow is a
// policy decision taken afterwards) and, for formats with subnormals, down to zero.
struct analysis {
  enum kind_t { nan, infinity, zero, finite } kind = nan;
  bool negative = false;
  bool exact = false;        // |x| is the grid point lo
  bool below_range = false;  // e8m0 only: 0 < |x| < 2^emin (no zero and no subnormal below it)
  // |x| lies in [lo, hi), lo = k_lo * 2^(e_lo - M), hi its successor; mid = sign(|x| - (lo + hi)/2).
  std::uint32_t k_lo = 0, k_hi = 0;
  int e_lo = 0, e_hi = 0;
  int mid = 0;
};

// Holds the MPFR temporaries so that millions of analyses allocate nothing.
class rounder {
 public:
  explicit rounder(format f, mpfr_prec_t precision = 256) : f_(f) {
    mpfr_init2(scaled_, precision);
    mpfr_init2(fraction_, precision);
  }
  ~rounder() {
    mpfr_clear(scaled_);
    mpfr_clear(fraction_);
  }
  rounder(const rounder&) = delete;
  rounder& operator=(const rounder&) = delete;

  const format& fmt() const { return f_; }

  // `x` is MPFR's result and `ternary` MPFR's ternary value for it (positive: x is above the true value,
  // negative: below, zero: exact). The precision of x must be at least M + 2 bits so that every grid point
  // and midpoint is representable; then a nonzero comparison of x with one of them has the sign of the
  // comparison of the true value, and when x equals one of them the ternary says on which side the true
  // value lies.
  analysis analyse(mpfr_srcptr x, int ternary) {
    analysis a;
    if (mpfr_nan_p(x)) return a;
    a.negative = mpfr_signbit(x) != 0;
    if (mpfr_inf_p(x)) {
      a.kind = analysis::infinity;
      return a;
    }
    if (mpfr_zero_p(x)) {
      if (ternary != 0) throw std::logic_error("oracle: MPFR underflowed to zero");
      a.kind = analysis::zero;
      return a;
    }
    a.kind = analysis::finite;
    // Sign of |true| - |x|.
    const int true_minus_x = ternary > 0 ? -1 : ternary < 0 ? 1 : 0;
    const int above = a.negative ? -true_minus_x : true_minus_x;

    const int M = f_.man_bits;
    const std::uint32_t hidden = std::uint32_t(1) << M;
    const std::uint32_t top = std::uint32_t(1) << f_.precision();
    const int e_x = int(mpfr_get_exp(x)) - 1;  // |x| in [2^e_x, 2^(e_x+1))
    if (!f_.has_subnormals() && e_x < f_.emin()) {
      a.below_range = true;  // e8m0: nothing below 2^emin
      return a;
    }
    const int e = e_x > f_.emin() ? e_x : f_.emin();
    mpfr_abs(scaled_, x, MPFR_RNDN);                   // exact
    mpfr_mul_2si(scaled_, scaled_, M - e, MPFR_RNDN);  // exact: |x| in units of the quantum 2^(e - M)
    const unsigned long k = mpfr_get_ui(scaled_, MPFR_RNDD);
    mpfr_sub_ui(fraction_, scaled_, k, MPFR_RNDN);  // exact: k < 2^24 and the precision is ample
    const int half = mpfr_cmp_ui_2exp(fraction_, 1, -1);
    if (mpfr_zero_p(fraction_)) {
      if (above == 0) {
        a.exact = true;
        a.k_lo = std::uint32_t(k);
        a.e_lo = e;
      } else if (above > 0) {
        // Just above the grid point k: below the midpoint of (k, successor).
        a.k_lo = std::uint32_t(k);
        a.e_lo = e;
        a.mid = -1;
      } else {
        // Just below the grid point k: above the midpoint of (predecessor, k).
        if (!f_.has_subnormals() && e == f_.emin()) {
          a.below_range = true;  // e8m0: just below 2^emin
          return a;
        }
        if (k == hidden && e > f_.emin()) {
          a.k_lo = top - 1;  // the last significand of the binade below
          a.e_lo = e - 1;
        } else {
          a.k_lo = std::uint32_t(k) - 1;
          a.e_lo = e;
        }
        a.mid = 1;
      }
    } else {
      a.k_lo = std::uint32_t(k);
      a.e_lo = e;
      a.mid = half != 0 ? (half > 0 ? 1 : -1) : above;
    }
    if (a.k_lo + 1 == top) {
      a.k_hi = hidden;
      a.e_hi = a.e_lo + 1;
    } else {
      a.k_hi = a.k_lo + 1;
      a.e_hi = a.e_lo;
    }
    return a;
  }

  // The code the specification asks for. NaN results are `any_nan` (operations); conversions that know the
  // sign of their NaN input build `signed_nan` themselves.
  expectation expect(const analysis& a, rounding r, overflow o) const {
    const format& f = f_;
    const std::uint32_t sign = a.negative ? f.sign_mask() : 0;
    const std::uint32_t max = f.max_code();
    const bool saturate = o == overflow::saturate;
    // e8m0: zero and negative values are invalid: NaN under ieee, the smallest code when saturating.
    const expectation invalid =
        saturate ? expectation{expectation::code, 0} : expectation{expectation::code, f.nan_magnitude()};
    // Where a rounding that points away from zero overflows (IEEE policy): Inf, else NaN, else max.
    const std::uint32_t away_code = f.has_inf() ? f.inf_magnitude() : f.has_nan() ? f.nan_magnitude() : max;

    switch (a.kind) {
      case analysis::nan:
        return expectation{expectation::any_nan};
      case analysis::infinity:
        if (!f.is_signed() && a.negative) return invalid;
        return expectation{expectation::code, (saturate ? max : away_code) | sign};
      case analysis::zero:
        if (!f.is_signed()) return invalid;
        return expectation{expectation::code, f.has_negative_zero() ? sign : 0};
      case analysis::finite:
        break;
    }
    if (!f.is_signed()) {
      if (a.negative) return invalid;
      if (a.below_range) return expectation{expectation::code, 0};  // "below 2^-127 -> 0x00, every mode"
    }

    std::uint32_t k = a.k_lo;
    int e = a.e_lo;
    if (!a.exact) {
      const bool magnitude_up_directed =
          (r == rounding::upward && !a.negative) || (r == rounding::downward && a.negative);
      bool take_hi = false;
      switch (r) {
        case rounding::nearest_even:
          // On a tie, the neighbour whose integer significand (in the quantum of lo) is even; lo + quantum
          // is then odd exactly when lo is even. For one-bit significands (e8m0) lo is always 1, so ties
          // go up, as API.md decides.
          take_hi = a.mid > 0 || (a.mid == 0 && (a.k_lo & 1) != 0);
          break;
        case rounding::nearest_away:
          take_hi = a.mid >= 0;
          break;
        case rounding::toward_zero:
          take_hi = false;
          break;
        case rounding::upward:
        case rounding::downward:
          take_hi = magnitude_up_directed;
          break;
        case rounding::to_odd:
          // Truncate, then make the last significand bit 1 if inexact (Boldo-Melquiond): for one-bit
          // significands (e8m0) the truncated value already ends in 1.
          take_hi = (a.k_lo & 1) == 0;
          break;
      }
      if (take_hi) {
        k = a.k_hi;
        e = a.e_hi;
      }
    }
    const bool beyond_max = e > f.emax() || (e == f.emax() && k > f.max_significand());
    if (beyond_max) {
      bool away = false;  // does the rounding direction point away from zero?
      switch (r) {
        case rounding::nearest_even:
        case rounding::nearest_away:
          away = true;
          break;
        case rounding::toward_zero:
        case rounding::to_odd:
          away = false;
          break;
        case rounding::upward:
          away = !a.negative;
          break;
        case rounding::downward:
          away = a.negative;
          break;
      }
      if (saturate || !away) return expectation{expectation::code, max | sign};
      return expectation{expectation::code, away_code | sign};
    }
    const std::uint32_t magnitude = f.encode_magnitude(k, e);
    if (magnitude == 0 && !f.has_negative_zero()) return expectation{expectation::code, 0};
    return expectation{expectation::code, magnitude | sign};
  }

  // Convenience: the expectation for a value given as a double (exact).
  expectation expect_double(double v, rounding r, overflow o) {
    mpfr_t x;
    mpfr_init2(x, 64);
    mpfr_set_d(x, v, MPFR_RNDN);
    const expectation e = std::isnan(v) ? expectation{expectation::signed_nan, 0, std::signbit(v) != 0}
                                        : expect(analyse(x, 0), r, o);
    mpfr_clear(x);
    return e;
  }

 private:
  format f_;
  mpfr_t scaled_, fraction_;
};

}  // namespace mpfr_oracle
