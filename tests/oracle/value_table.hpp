// An independent oracle for conversions into small binary floating-point formats.
//
// It shares no code with lowp and includes none of lowp's headers: a format is described by plain numbers
// (exponent bits, mantissa bits, bias, and which encoding of special values it uses), every code is
// enumerated and given its exact value by the textbook formula, and rounding is done by the most literal
// method there is: find the two neighbours of x among the sorted finite values and apply each mode's rule
// as the semantics text states it (DESIGN.md, API.md). It is deliberately slow and obvious; the library is
// fast and clever, and the tests compare the two.
//
// Every value of every format here is exactly a float (hence a double), so double holds values, midpoints
// of adjacent values and all float/double inputs exactly; comparisons against midpoints are exact.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace oracle {

// Where a format keeps its special values (the five encodings of API.md, restated here).
enum class encoding_kind {
  ieee,               // all-ones exponent: mantissa 0 is Inf, anything else NaN
  fn,                 // no Inf; the all-ones magnitude (both signs) is NaN
  fnuz,               // no Inf, no -0: the code with only the sign bit set is the one NaN
  finite,             // no Inf, no NaN
  unsigned_exponent,  // no sign bit, no mantissa: code c is 2^(c - bias); the all-ones code is NaN
};

enum class round_mode { nearest_even, nearest_away, toward_zero, upward, downward, to_odd };
enum class overflow_mode { ieee, saturate };

inline const char* name_of(round_mode mode) {
  switch (mode) {
    case round_mode::nearest_even:
      return "nearest_even";
    case round_mode::nearest_away:
      return "nearest_away";
    case round_mode::toward_zero:
      return "toward_zero";
    case round_mode::upward:
      return "upward";
    case round_mode::downward:
      return "downward";
    case round_mode::to_odd:
      return "to_odd";
  }
  return "?";
}
inline const char* name_of(overflow_mode mode) {
  return mode == overflow_mode::ieee ? "ieee" : "saturate";
}

struct format_spec {
  const char* name;
  int exp_bits;
  int man_bits;
  int bias;
  encoding_kind enc;
};

enum class code_class : std::uint8_t { finite, infinity, nan };

class value_table {
 public:
  // One finite value and the code that holds it (for zero: the +0 code).
  struct entry {
    double value;
    std::uint32_t code;
  };

  explicit value_table(format_spec spec) : spec_(spec) {
    if (spec.exp_bits < 1 || spec.man_bits < 0) throw std::invalid_argument("oracle: bad format spec");
    signed_ = spec.enc != encoding_kind::unsigned_exponent;
    bits_ = (signed_ ? 1 : 0) + spec.exp_bits + spec.man_bits;
    sign_mask_ = signed_ ? std::uint32_t(1) << (bits_ - 1) : 0;
    const std::uint32_t count = std::uint32_t(1) << bits_;
    values_.resize(count);
    classes_.resize(count);
    for (std::uint32_t code = 0; code < count; ++code) {
      classes_[code] = classify_code(code);
      values_[code] = compute_value(code, classes_[code]);
    }
    // Sorted distinct finite values; -0 is folded into +0 (it is the same point of the real line).
    for (std::uint32_t code = 0; code < count; ++code) {
      if (classes_[code] != code_class::finite) continue;
      if (values_[code] == 0.0 && std::signbit(values_[code])) continue;
      sorted_.push_back({values_[code], code});
    }
    std::sort(sorted_.begin(), sorted_.end(),
              [](const entry& a, const entry& b) { return a.value < b.value; });
    for (std::size_t i = 1; i < sorted_.size(); ++i) {
      if (!(sorted_[i - 1].value < sorted_[i].value))
        throw std::logic_error("oracle: two codes share a value");
    }
    const entry& largest = sorted_.back();
    max_ = largest.value;
    max_code_ = largest.code;
    smallest_positive_ = 0.0;
    for (const entry& e : sorted_) {
      if (e.value > 0.0) {
        smallest_positive_ = e.value;
        break;
      }
    }
    // ulp(max): the spacing of the format in max's binade, 2^(exponent of max - mantissa bits).
    int exponent = 0;
    (void)std::frexp(max_, &exponent);  // max = f * 2^exponent with f in [0.5, 1)
    ulp_of_max_ = std::ldexp(1.0, exponent - 1 - spec.man_bits);
  }

  const format_spec& spec() const { return spec_; }
  const char* name() const { return spec_.name; }
  int bits() const { return bits_; }
  std::uint32_t code_count() const { return std::uint32_t(1) << bits_; }
  bool is_signed() const { return signed_; }
  std::uint32_t sign_mask() const { return sign_mask_; }
  bool has_inf() const { return spec_.enc == encoding_kind::ieee; }
  bool has_nan() const { return spec_.enc != encoding_kind::finite; }
  bool has_zero() const { return spec_.enc != encoding_kind::unsigned_exponent; }
  bool has_negative_zero() const { return signed_ && spec_.enc != encoding_kind::fnuz; }

  code_class classify(std::uint32_t code) const { return classes_.at(code); }
  bool is_nan(std::uint32_t code) const { return classify(code) == code_class::nan; }
  bool is_inf(std::uint32_t code) const { return classify(code) == code_class::infinity; }
  bool is_negative_zero(std::uint32_t code) const {
    return classify(code) == code_class::finite && values_[code] == 0.0 && std::signbit(values_[code]);
  }
  bool code_sign(std::uint32_t code) const { return (code & sign_mask_) != 0; }
  // The exact value of a code: ±Inf for Inf codes, a NaN for NaN codes.
  double value(std::uint32_t code) const { return values_.at(code); }

  const std::vector<entry>& sorted_finite() const { return sorted_; }
  double max() const { return max_; }
  double ulp_of_max() const { return ulp_of_max_; }
  double smallest_positive() const { return smallest_positive_; }

  // Codes of special results.
  std::uint32_t max_code(bool negative) const { return max_code_ | (negative ? sign_mask_ : 0); }
  std::uint32_t zero_code(bool negative) const {
    if (!has_zero()) throw std::logic_error("oracle: format has no zero");
    return has_negative_zero() && negative ? sign_mask_ : 0;
  }
  std::uint32_t inf_code(bool negative) const {
    if (!has_inf()) throw std::logic_error("oracle: format has no Inf");
    return (exponent_all_ones() << spec_.man_bits) | (negative ? sign_mask_ : 0);
  }
  // The canonical quiet NaN (API.md: no payload; the input's sign where there is a sign to carry):
  // ieee: all-ones exponent with only the top mantissa bit; fn: all-ones magnitude; fnuz: the sign bit
  // alone (its only NaN); e8m0: all ones.
  std::uint32_t quiet_nan_code(bool negative) const {
    switch (spec_.enc) {
      case encoding_kind::ieee:
        return (exponent_all_ones() << spec_.man_bits) | (std::uint32_t(1) << (spec_.man_bits - 1)) |
               (negative ? sign_mask_ : 0);
      case encoding_kind::fn:
        return magnitude_mask() | (negative ? sign_mask_ : 0);
      case encoding_kind::fnuz:
        return sign_mask_;
      case encoding_kind::unsigned_exponent:
        return code_count() - 1;
      case encoding_kind::finite:
        break;
    }
    throw std::logic_error("oracle: format has no NaN");
  }
  // What an overflow away from zero gives under overflow::ieee: Inf, else NaN, else max.
  std::uint32_t overflow_code(bool negative) const {
    if (has_inf()) return inf_code(negative);
    if (has_nan()) return quiet_nan_code(negative);
    return max_code(negative);
  }

  // The value of a code as the bits of a float / double: exact values; NaN codes give the canonical quiet
  // NaN of the wide type with the code's sign bit (fnuz's NaN code 0x80 has it set).
  std::uint32_t float_bits(std::uint32_t code) const {
    if (is_nan(code)) return 0x7fc00000u | (code_sign(code) ? 0x80000000u : 0u);
    return std::bit_cast<std::uint32_t>(static_cast<float>(values_.at(code)));
  }
  std::uint64_t double_bits(std::uint32_t code) const {
    if (is_nan(code)) return 0x7ff8000000000000ull | (code_sign(code) ? 0x8000000000000000ull : 0ull);
    return std::bit_cast<std::uint64_t>(values_.at(code));
  }

  std::uint32_t exponent_all_ones() const { return (std::uint32_t(1) << spec_.exp_bits) - 1; }
  std::uint32_t magnitude_mask() const { return (std::uint32_t(1) << (bits_ - (signed_ ? 1 : 0))) - 1; }

 private:
  code_class classify_code(std::uint32_t code) const {
    const std::uint32_t magnitude = code & magnitude_mask();
    const std::uint32_t field = magnitude >> spec_.man_bits;
    const std::uint32_t fraction = magnitude & ((std::uint32_t(1) << spec_.man_bits) - 1);
    switch (spec_.enc) {
      case encoding_kind::ieee:
        if (field == exponent_all_ones()) return fraction == 0 ? code_class::infinity : code_class::nan;
        return code_class::finite;
      case encoding_kind::fn:
        return magnitude == magnitude_mask() ? code_class::nan : code_class::finite;
      case encoding_kind::fnuz:
        return code == sign_mask_ ? code_class::nan : code_class::finite;
      case encoding_kind::finite:
        return code_class::finite;
      case encoding_kind::unsigned_exponent:
        return code == magnitude_mask() ? code_class::nan : code_class::finite;
    }
    return code_class::finite;
  }

  double compute_value(std::uint32_t code, code_class kind) const {
    const bool negative = (code & sign_mask_) != 0;
    if (kind == code_class::nan)
      return negative ? -std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::quiet_NaN();
    if (kind == code_class::infinity)
      return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    const std::uint32_t magnitude = code & magnitude_mask();
    double v;
    if (spec_.enc == encoding_kind::unsigned_exponent) {
      v = std::ldexp(1.0, int(magnitude) - spec_.bias);
    } else {
      const int field = int(magnitude >> spec_.man_bits);
      const double fraction = double(magnitude & ((std::uint32_t(1) << spec_.man_bits) - 1));
      if (field == 0) {
        // subnormal: 0.fraction * 2^(1 - bias)
        v = std::ldexp(fraction, 1 - spec_.bias - spec_.man_bits);
      } else {
        // normal: 1.fraction * 2^(field - bias)
        v = std::ldexp(std::ldexp(1.0, spec_.man_bits) + fraction, field - spec_.bias - spec_.man_bits);
      }
    }
    return negative ? -v : v;
  }

  format_spec spec_;
  bool signed_ = true;
  int bits_ = 0;
  std::uint32_t sign_mask_ = 0;
  std::vector<double> values_;
  std::vector<code_class> classes_;
  std::vector<entry> sorted_;
  double max_ = 0, ulp_of_max_ = 0, smallest_positive_ = 0;
  std::uint32_t max_code_ = 0;
};

// The code that converting x gives, from the semantics text:
//  - NaN: the canonical quiet NaN with x's sign; formats without NaN give the zero of the OPPOSITE sign
//    (ml_dtypes' choice, adopted by API.md). e8m0 (no sign) gives its NaN.
//  - ±Inf: overflow::ieee gives Inf, else NaN, else ±max; overflow::saturate gives ±max.
//  - e8m0 (no sign, no zero): ±0 and every negative value (−Inf included) give NaN under ieee and the
//    smallest code 0x00 under saturate; positive values below 2^-127 give 0x00 in every mode.
//  - finite x inside [-max, max]: the two neighbours lo <= x <= hi among the finite values; an exact x is
//    its own code; otherwise downward = lo, upward = hi, toward_zero = the one nearer zero, nearest modes
//    compare x with the midpoint (ties: nearest_away away from zero, nearest_even the even code — for
//    e8m0 the larger value, API.md), to_odd = the neighbour whose code is odd (e8m0, whose significand is
//    always 1: toward zero, see below). A zero result carries x's
//    sign (fnuz: +0 only).
//  - finite |x| > max: nearest modes compare with a virtual next value V = max + ulp(max) whose code
//    parity is that of max_code + 1 (e8m0: ties go up); landing on V (or beyond) overflows. A direction
//    away from zero overflows; toward zero (and to_odd) gives ±max. Overflow is overflow_code under ieee
//    and ±max under saturate.
inline std::uint32_t reference_round(const value_table& t, double x, round_mode mode, overflow_mode ovf) {
  const bool negative = std::signbit(x);
  const bool saturate = ovf == overflow_mode::saturate;

  if (std::isnan(x)) {
    if (t.has_nan()) return t.quiet_nan_code(negative);
    return t.zero_code(!negative);
  }

  if (!t.is_signed()) {
    if (negative || x == 0.0) return saturate ? 0u : t.quiet_nan_code(false);
    if (std::isinf(x)) return saturate ? t.max_code(false) : t.overflow_code(false);
    if (x < t.smallest_positive()) return t.sorted_finite().front().code;
  }

  if (std::isinf(x)) return saturate ? t.max_code(negative) : t.overflow_code(negative);
  if (x == 0.0) return t.zero_code(negative);

  const double a = std::fabs(x);
  if (a > t.max()) {
    bool overflows = false;
    switch (mode) {
      case round_mode::nearest_even:
      case round_mode::nearest_away: {
        // Halfway between max and the virtual next value max + ulp(max): exact in double.
        const double midpoint = t.max() + t.ulp_of_max() / 2;
        if (a > midpoint) {
          overflows = true;
        } else if (a < midpoint) {
          overflows = false;
        } else if (mode == round_mode::nearest_away || t.spec().enc == encoding_kind::unsigned_exponent) {
          overflows = true;
        } else {
          // Ties to even: the virtual code max_code + 1 wins when it is even.
          const std::uint32_t virtual_code = (t.max_code(false) + 1);
          overflows = (virtual_code & 1u) == 0;
        }
        break;
      }
      case round_mode::toward_zero:
        overflows = false;
        break;
      case round_mode::upward:
        overflows = !negative;
        break;
      case round_mode::downward:
        overflows = negative;
        break;
      case round_mode::to_odd:
        overflows = false;
        break;
    }
    if (!overflows || saturate) return t.max_code(negative);
    return t.overflow_code(negative);
  }

  // Neighbours: lo = largest value <= x, hi = smallest value >= x.
  const auto& v = t.sorted_finite();
  const auto it = std::lower_bound(v.begin(), v.end(), x,
                                   [](const value_table::entry& e, double y) { return e.value < y; });
  // |x| <= max and (for e8m0) x >= smallest, so `it` points at a value >= x.
  if (it == v.end()) throw std::logic_error("oracle: no neighbour above x");
  value_table::entry result{};
  if (it->value == x) {
    result = *it;
  } else {
    if (it == v.begin()) throw std::logic_error("oracle: no neighbour below x");
    const value_table::entry hi = *it;
    const value_table::entry lo = *(it - 1);
    const double midpoint = (lo.value + hi.value) / 2;  // exact: both are floats
    const value_table::entry& nearer_zero = x > 0 ? lo : hi;
    const value_table::entry& farther_from_zero = x > 0 ? hi : lo;
    switch (mode) {
      case round_mode::downward:
        result = lo;
        break;
      case round_mode::upward:
        result = hi;
        break;
      case round_mode::toward_zero:
        result = nearer_zero;
        break;
      case round_mode::nearest_even:
      case round_mode::nearest_away:
        if (x < midpoint) {
          result = lo;
        } else if (x > midpoint) {
          result = hi;
        } else if (mode == round_mode::nearest_away) {
          result = farther_from_zero;
        } else if (t.spec().enc == encoding_kind::unsigned_exponent) {
          result = hi;  // e8m0: a tie rounds up (API.md)
        } else {
          result = (lo.code & 1u) == 0 ? lo : hi;
        }
        break;
      case round_mode::to_odd:
        // Boldo and Melquiond: RO(x) = RZ(x) when RZ(x) has an odd integral significand, else the other
        // neighbour. With a stored mantissa (M >= 1) the significand's last bit is the code's last bit, so
        // this is "the neighbour whose code is odd". With no mantissa (e8m0, precision 1) every significand
        // is the single digit 1, odd, so RO = RZ (API.md: for e8m0 "both neighbours are odd").
        if (t.spec().man_bits == 0) {
          result = nearer_zero;
        } else {
          result = (lo.code & 1u) == 1 ? lo : hi;
        }
        break;
    }
  }
  if (result.value == 0.0) return t.zero_code(negative);
  return result.code;
}

}  // namespace oracle
