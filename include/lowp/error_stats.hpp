// Error of an approximation (quantised, low-precision) against a reference, without Eigen: the statistics
// (error_stats), the accumulator that computes them in binary64, and QSNR / compare over spans. The same
// functions over Eigen expressions, and per-block statistics, are in eigen/error_metrics.hpp; both are kept
// free of GoogleTest so examples and users can call them.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

namespace lowp {

// Error of x against a reference over a region: all in binary64.
//   mse       mean of (ref - x)^2
//   max_abs   max |ref - x|
//   max_rel   max |ref - x| / |ref| over the elements with ref != 0 (0 if there are none)
//   qsnr_db   10 log10(sum ref^2 / sum (ref - x)^2) (+inf when x == ref)
// A NaN anywhere in x or ref makes every statistic NaN.
struct error_stats {
  double mse = 0.0;
  double max_abs = 0.0;
  double max_rel = 0.0;
  double qsnr_db = 0.0;
  std::ptrdiff_t count = 0;  // Eigen::Index's type
};

namespace detail {

// Quantisation signal-to-noise ratio in dB from the two sums; +inf when there is no noise.
inline double qsnr_from_sums(double signal, double noise) noexcept {
  return noise == 0.0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(signal / noise);
}

class error_accumulator {
 public:
  void add(double r, double v) noexcept {
    const double d = r - v;
    signal_ += r * r;
    noise_ += d * d;
    const double a = std::fabs(d);
    nan_ = nan_ || a != a;
    max_abs_ = a > max_abs_ ? a : max_abs_;
    if (r != 0.0) {
      const double rel = a / std::fabs(r);
      max_rel_ = rel > max_rel_ ? rel : max_rel_;
    }
    ++count_;
  }
  error_stats result() const noexcept {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (nan_) return {nan, nan, nan, nan, count_};
    return {count_ == 0 ? 0.0 : noise_ / double(count_), max_abs_, max_rel_, qsnr_from_sums(signal_, noise_),
            count_};
  }

 private:
  double signal_ = 0.0, noise_ = 0.0, max_abs_ = 0.0, max_rel_ = 0.0;
  std::ptrdiff_t count_ = 0;
  bool nan_ = false;
};

// Shapes as "rows x cols" in the message, as the Eigen overloads give them.
[[noreturn]] inline void throw_error_shapes(const char* function, std::ptrdiff_t reference_rows,
                                            std::ptrdiff_t reference_cols, std::ptrdiff_t x_rows,
                                            std::ptrdiff_t x_cols) {
  throw std::invalid_argument(std::string("lowp::") + function + ": reference is " +
                              std::to_string(reference_rows) + "x" + std::to_string(reference_cols) +
                              " but x is " + std::to_string(x_rows) + "x" + std::to_string(x_cols));
}
template <class A, class B>
void check_error_sizes(const char* function, std::span<const A> reference, std::span<const B> x) {
  if (reference.size() != x.size()) {
    throw_error_shapes(function, static_cast<std::ptrdiff_t>(reference.size()), 1,
                       static_cast<std::ptrdiff_t>(x.size()), 1);
  }
}

}  // namespace detail

// Quantisation signal-to-noise ratio in dB: 10 log10(sum ref^2 / sum (ref - x)^2); +inf when x == ref.
// Throws std::invalid_argument when the lengths differ.
template <class A, class B>
double qsnr_db(std::span<const A> reference, std::span<const B> x) {
  detail::check_error_sizes("qsnr_db", reference, x);
  double signal = 0.0, noise = 0.0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const double r = static_cast<double>(reference[i]), v = static_cast<double>(x[i]);
    signal += r * r;
    noise += (r - v) * (r - v);
  }
  return detail::qsnr_from_sums(signal, noise);
}

// Every statistic of error_stats at once.
template <class A, class B>
error_stats compare(std::span<const A> reference, std::span<const B> x) {
  detail::check_error_sizes("compare", reference, x);
  detail::error_accumulator acc;
  for (std::size_t i = 0; i < reference.size(); ++i) acc.add(double(reference[i]), double(x[i]));
  return acc.result();
}

}  // namespace lowp
