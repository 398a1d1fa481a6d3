// Independent oracles for the accumulation policies of lowp::dot / lowp::gemm, built on MPFR and on
// oracle/mpfr_round.hpp's rounder (which knows formats only as plain numbers). Written from the semantics
// stated in include/lowp/arith/accumulate.hpp's top comment, sharing no code with lowp:
//   sequential chain from +0: s = round_T(s + x_k * y_k), the sum formed exactly by MPFR (an exact zero sum
//   is +0, as MPFR's round-to-nearest addition gives it), then rounded into T by the oracle rounder;
//   chunked: the same within chunks of N, each chunk added to an fp32 total with one float addition;
//   exact: the exact sum of all products, rounded once to float by MPFR.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>

#include <gmp.h>
#include <mpfr.h>

#include "mpfr_round.hpp"

namespace accumulation_oracle {

inline constexpr mpfr_oracle::format binary32{8, 23, 127, mpfr_oracle::encoding::ieee};

// Wide enough that every sum here is exact: values from 2^-298 (products of subnormals) to 2^270.
constexpr mpfr_prec_t exact_precision = 1200;

class chain {
 public:
  chain(mpfr_oracle::format f, mpfr_oracle::rounding r)
      : format_(f), rounding_(r), rounder_(f, exact_precision) {
    mpfr_inits2(exact_precision, sum_, product_, static_cast<mpfr_ptr>(nullptr));
  }
  ~chain() { mpfr_clears(sum_, product_, static_cast<mpfr_ptr>(nullptr)); }
  chain(const chain&) = delete;
  chain& operator=(const chain&) = delete;

  void reset() { value_ = 0.0; }
  double value() const { return value_; }

  void add(float x, float y) {
    mpfr_set_flt(product_, x, MPFR_RNDN);
    mpfr_mul_d(product_, product_, static_cast<double>(y), MPFR_RNDN);  // exact: 48 bits at most
    mpfr_set_d(sum_, value_, MPFR_RNDN);
    mpfr_add(sum_, sum_, product_, MPFR_RNDN);  // exact at this precision
    const auto expected = rounder_.expect(rounder_.analyse(sum_, 0), rounding_, mpfr_oracle::overflow::ieee);
    if (expected.kind != mpfr_oracle::expectation::code) {
      value_ = std::numeric_limits<double>::quiet_NaN();
    } else {
      value_ = mpfr_oracle::decode(format_, expected.value).value;
    }
  }

 private:
  mpfr_oracle::format format_;
  mpfr_oracle::rounding rounding_;
  mpfr_oracle::rounder rounder_;
  mpfr_t sum_, product_;
  double value_ = 0.0;
};

// accumulate<T>: the chain over all of x, y.
inline float sequential_dot(chain& c, std::span<const float> x, std::span<const float> y) {
  c.reset();
  for (std::size_t k = 0; k < x.size(); ++k) c.add(x[k], y[k]);
  return static_cast<float>(c.value());
}

// accumulate_chunked<T, N>: chains of N from +0, each added into a float total.
inline float chunked_dot(chain& c, std::size_t n, std::span<const float> x, std::span<const float> y) {
  float total = 0.0f;
  for (std::size_t start = 0; start < x.size(); start += n) {
    c.reset();
    for (std::size_t k = start; k < x.size() && k < start + n; ++k) c.add(x[k], y[k]);
    total = total + static_cast<float>(c.value());
  }
  return total;
}

// accumulate_exact: IEEE's rules for Inf and NaN products, else MPFR's exact sum (from +0) rounded once.
inline float exact_dot(std::span<const float> x, std::span<const float> y) {
  bool nan = false, positive_inf = false, negative_inf = false;
  mpfr_t sum, product;
  mpfr_inits2(exact_precision, sum, product, static_cast<mpfr_ptr>(nullptr));
  mpfr_set_zero(sum, 1);
  for (std::size_t k = 0; k < x.size(); ++k) {
    const bool x_inf = std::isinf(x[k]), y_inf = std::isinf(y[k]);
    if (std::isnan(x[k]) || std::isnan(y[k]) || (x_inf && y[k] == 0) || (y_inf && x[k] == 0)) {
      nan = true;
    } else if (x_inf || y_inf) {
      (std::signbit(x[k]) != std::signbit(y[k]) ? negative_inf : positive_inf) = true;
    } else {
      mpfr_set_flt(product, x[k], MPFR_RNDN);
      mpfr_mul_d(product, product, static_cast<double>(y[k]), MPFR_RNDN);
      mpfr_add(sum, sum, product, MPFR_RNDN);
    }
  }
  float result;
  if (nan || (positive_inf && negative_inf)) {
    result = std::numeric_limits<float>::quiet_NaN();
  } else if (positive_inf || negative_inf) {
    result = positive_inf ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
  } else {
    // Rounded by the oracle rounder (binary32 as plain numbers), which handles subnormal results by itself.
    mpfr_oracle::rounder to_float(binary32, exact_precision);
    const auto expected = to_float.expect(to_float.analyse(sum, 0), mpfr_oracle::rounding::nearest_even,
                                          mpfr_oracle::overflow::ieee);
    const std::uint32_t code = expected.value;
    std::memcpy(&result, &code, sizeof result);
  }
  mpfr_clears(sum, product, static_cast<mpfr_ptr>(nullptr));
  return result;
}

}  // namespace accumulation_oracle
