// An independent oracle for posits, written from the Posit Standard (2022) text. It shares no code with lowp.
//
//   decode:   the value of an n-bit code (n <= 33), read bit by bit: sign, regime run, terminator, up to es
//             exponent bits (missing ones read as 0), fraction. Exact in binary64 for n <= 33.
//   rounder:  rounds an exact real x to the nearest posit with the Standard's rule: between adjacent posits
//             with codes c < c+1 the cut point is the value of the (n+1)-bit code 2c+1; a tie goes to the
//             even code; nonzero |x| below minpos gives minpos, above maxpos gives maxpos. The floor code
//             comes from a sorted table of every posit value (n <= 16) or, for wider formats, from a plain
//             bit-by-bit truncated (n+1)-bit encoding of x.
//   exact:    +, -, *, /, sqrt and fma computed by MPFR rounded toward zero to 53 bits, with MPFR's ternary
//             value saying whether that was exact. This is all the rounder needs: every posit value and every
//             cut point (at most 31 significant bits) is a binary64 number, so comparing x with one of them
//             gives the same answer as comparing trunc53(x) with it, except for equality, which needs x
//             exact.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <gmp.h>
#include <mpfr.h>

#include "operations.hpp"
#include "vectors_dir.hpp"

namespace posit_oracle {

// A real number known as t = x rounded toward zero to binary64, and whether t == x.
struct truncated {
  double value;
  bool exact;
};

// Value of an nbits-bit posit code with es exponent bits; NaR gives NaN.
inline double decode(std::uint64_t code, int nbits, int es) {
  const std::uint64_t mask = nbits == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << nbits) - 1;
  code &= mask;
  const std::uint64_t sign_bit = std::uint64_t(1) << (nbits - 1);
  if (code == 0) return 0.0;
  if (code == sign_bit) return std::numeric_limits<double>::quiet_NaN();
  const bool negative = (code & sign_bit) != 0;
  if (negative) code = (0 - code) & mask;  // the Standard: negate by two's complement, then decode
  int position = nbits - 2;                // next bit to read
  auto bit_at = [&](int i) { return int((code >> i) & 1); };
  const int first = bit_at(position);
  int run = 0;
  while (position >= 0 && bit_at(position) == first) {
    ++run;
    --position;
  }
  if (position >= 0) --position;  // the terminating bit
  const int k = first == 1 ? run - 1 : -run;
  int exponent = 0;
  for (int i = 0; i < es; ++i) {
    exponent <<= 1;
    if (position >= 0) exponent |= bit_at(position--);
  }
  double fraction = 1.0;
  double weight = 0.5;
  while (position >= 0) {
    if (bit_at(position--) != 0) fraction += weight;
    weight /= 2;
  }
  const double value = std::ldexp(fraction, k * (1 << es) + exponent);
  return negative ? -value : value;
}

class rounder {
 public:
  rounder(int n, int es) : n_(n), es_(es) {
    mask_ = n == 32 ? 0xffffffffu : (std::uint32_t(1) << n) - 1;
    nar_ = std::uint32_t(1) << (n - 1);
    maxpos_code_ = nar_ - 1;
    maxpos_ = decode(maxpos_code_, n, es);
    minpos_ = decode(1, n, es);
    if (n <= 16) {
      values_.resize(std::size_t{maxpos_code_} + 1);
      cuts_.resize(std::size_t{maxpos_code_} + 1);
      for (std::uint32_t c = 0; c <= maxpos_code_; ++c) {
        values_[c] = decode(c, n, es);
        cuts_[c] = decode(2 * std::uint64_t{c} + 1, n + 1, es);
      }
    }
  }

  int n() const { return n_; }
  int es() const { return es_; }
  std::uint32_t nar() const { return nar_; }
  std::uint32_t maxpos_code() const { return maxpos_code_; }
  double maxpos() const { return maxpos_; }
  double minpos() const { return minpos_; }
  double value(std::uint32_t code) const { return decode(code, n_, es_); }
  // Value of the (n+1)-bit code 2c+1: the cut point between c and c+1.
  double cut(std::uint32_t c) const {
    return n_ <= 16 ? cuts_[c] : decode(2 * std::uint64_t{c} + 1, n_ + 1, es_);
  }

  // The posit nearest to x (x finite), as a code.
  std::uint32_t round(truncated x) const {
    const bool negative = std::signbit(x.value);
    const double a = std::fabs(x.value);
    std::uint32_t c;
    if (a == 0.0 && x.exact) return 0;
    if (a >= maxpos_) {
      c = maxpos_code_;
    } else if (a < minpos_ || (a == minpos_ && x.exact)) {
      c = 1;
    } else {
      c = floor_code(a);
      const double v = cut(c);
      if (a < v) {
        // c stays
      } else if (a > v || !x.exact) {
        ++c;
      } else {
        c += c & 1;  // tie: the even code
      }
    }
    return negative ? (0u - c) & mask_ : c;
  }
  std::uint32_t round_double(double x) const {
    if (std::isnan(x) || std::isinf(x)) return nar_;
    return round({x, true});
  }

  // Largest code c >= 1 with value(c) <= a, for a in [minpos, maxpos).
  std::uint32_t floor_code(double a) const {
    if (n_ <= 16) {
      return static_cast<std::uint32_t>(std::upper_bound(values_.begin() + 1, values_.end(), a) -
                                        values_.begin() - 1);
    }
    return static_cast<std::uint32_t>(truncated_encoding(a, n_ + 1) >> 1);
  }

  // The m-bit code of the largest m-bit posit <= a (a > 0 in range), by writing a's unbounded encoding bit by
  // bit (regime, exponent, fraction) and keeping the first m-1 bits after the sign.
  std::uint64_t truncated_encoding(double a, int m) const {
    int binary_exponent = 0;
    std::frexp(a, &binary_exponent);
    const int scale = binary_exponent - 1;  // a in [2^scale, 2^(scale+1))
    const int useed_log = 1 << es_;
    int k = scale / useed_log;
    if (k * useed_log > scale) --k;  // floor division
    const int e = scale - k * useed_log;
    std::vector<int> bits;
    if (k >= 0) {
      for (int i = 0; i <= k; ++i) bits.push_back(1);
      bits.push_back(0);
    } else {
      for (int i = 0; i < -k; ++i) bits.push_back(0);
      bits.push_back(1);
    }
    for (int i = es_ - 1; i >= 0; --i) bits.push_back((e >> i) & 1);
    double fraction = std::ldexp(a, -scale) - 1.0;  // exact
    while (static_cast<int>(bits.size()) < m - 1) {
      fraction *= 2;
      const int bit = fraction >= 1.0 ? 1 : 0;
      fraction -= bit;
      bits.push_back(bit);
    }
    std::uint64_t code = 0;
    for (int i = 0; i < m - 1; ++i) code = (code << 1) | std::uint64_t(bits[i]);
    return code;
  }

 private:
  int n_, es_;
  std::uint32_t mask_, nar_, maxpos_code_;
  double maxpos_, minpos_;
  std::vector<double> values_, cuts_;
};

// Exact results through MPFR (53 bits, toward zero, ternary value = exactness).
using test_ops::op;
using test_ops::op_name;

class exact_arithmetic {
 public:
  exact_arithmetic() { mpfr_inits2(53, a_, b_, c_, r_, static_cast<mpfr_ptr>(nullptr)); }
  ~exact_arithmetic() { mpfr_clears(a_, b_, c_, r_, static_cast<mpfr_ptr>(nullptr)); }
  exact_arithmetic(const exact_arithmetic&) = delete;
  exact_arithmetic& operator=(const exact_arithmetic&) = delete;

  // Operands are finite doubles; for div, b != 0; for sqrt, a >= 0.
  truncated compute(op o, double a, double b = 0.0, double c = 0.0) {
    mpfr_set_d(a_, a, MPFR_RNDN);
    mpfr_set_d(b_, b, MPFR_RNDN);
    mpfr_set_d(c_, c, MPFR_RNDN);
    int ternary = 0;
    switch (o) {
      case op::add:
        ternary = mpfr_add(r_, a_, b_, MPFR_RNDZ);
        break;
      case op::sub:
        ternary = mpfr_sub(r_, a_, b_, MPFR_RNDZ);
        break;
      case op::mul:
        ternary = mpfr_mul(r_, a_, b_, MPFR_RNDZ);
        break;
      case op::div:
        ternary = mpfr_div(r_, a_, b_, MPFR_RNDZ);
        break;
      case op::sqrt:
        ternary = mpfr_sqrt(r_, a_, MPFR_RNDZ);
        break;
      case op::fma:
        ternary = mpfr_fma(r_, a_, b_, c_, MPFR_RNDZ);
        break;
    }
    return {mpfr_get_d(r_, MPFR_RNDZ), ternary == 0};
  }

 private:
  mpfr_t a_, b_, c_, r_;
};

// The correctly rounded posit result of o on codes, with the Standard's exceptions: a NaR operand, x/0 and
// sqrt of a negative value give NaR.
inline std::uint32_t expected(const rounder& r, exact_arithmetic& exact, op o, std::uint32_t a,
                              std::uint32_t b = 0, std::uint32_t c = 0) {
  const std::uint32_t nar = r.nar();
  const bool uses_b = o != op::sqrt, uses_c = o == op::fma;
  if (a == nar || (uses_b && b == nar) || (uses_c && c == nar)) return nar;
  const double x = r.value(a), y = uses_b ? r.value(b) : 0.0, z = uses_c ? r.value(c) : 0.0;
  if (o == op::div && y == 0.0) return nar;
  if (o == op::sqrt && x < 0.0) return nar;
  const truncated t = exact.compute(o, x, y, z);
  if (t.value == 0.0 && t.exact) return 0;  // one zero, no sign
  return r.round(t);
}

// --- SoftPosit reference vectors ----------------------------------------------------------------------

// Where the reference vectors live (see vectors_dir.hpp); empty if absent.
inline std::filesystem::path vectors_dir() {
  return test_vectors::find_vectors_dir("softposit_posit8es0_add.txt");
}

// Every data line of a vector file as its hexadecimal fields (lines starting with '#' are comments); the
// fdp files' leading count is decimal (first_field_decimal).
struct vector_rows {
  bool found = false;
  std::string path;
  std::vector<std::vector<std::uint64_t>> rows;
};

inline vector_rows read_rows(const std::string& file_name, bool first_field_decimal = false) {
  vector_rows result;
  const auto dir = vectors_dir();
  if (dir.empty()) return result;
  result.path = (dir / file_name).string();
  std::ifstream in(result.path);
  if (!in) return result;
  result.found = true;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::vector<std::uint64_t> row;
    std::string field;
    bool first = true;
    while (fields >> field) {
      row.push_back(std::stoull(field, nullptr, first && first_field_decimal ? 10 : 16));
      first = false;
    }
    result.rows.push_back(std::move(row));
  }
  return result;
}

// LOWP_TEST_QUICK=1 (sanitizer builds) scales the big sweeps down.
inline bool quick_mode() {
  const char* value = std::getenv("LOWP_TEST_QUICK");
  return value != nullptr && value[0] == '1' && value[1] == '\0';
}

}  // namespace posit_oracle
