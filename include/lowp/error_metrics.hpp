// Error metrics between a reference and an approximation (quantised, low-precision) of it, over Eigen
// expressions or spans: QSNR and friends. Kept free of GoogleTest so examples and users can call them.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "block/block_axis.hpp"

namespace lowp {

namespace detail {
template <class DerivedA, class DerivedB>
void check_error_shapes(const char* function, const Eigen::DenseBase<DerivedA>& reference,
                        const Eigen::DenseBase<DerivedB>& x) {
  if (reference.rows() != x.rows() || reference.cols() != x.cols()) {
    throw std::invalid_argument(std::string("lowp::") + function + ": reference is " +
                                std::to_string(reference.rows()) + "x" + std::to_string(reference.cols()) +
                                " but x is " + std::to_string(x.rows()) + "x" + std::to_string(x.cols()));
  }
}
}  // namespace detail

// Quantisation signal-to-noise ratio in dB: 10 log10(sum ref^2 / sum (ref - x)^2); +inf when x == ref.
template <class DerivedA, class DerivedB>
double qsnr_db(const Eigen::DenseBase<DerivedA>& reference, const Eigen::DenseBase<DerivedB>& x) {
  if (reference.rows() != x.rows() || reference.cols() != x.cols()) {
    throw std::invalid_argument("lowp::qsnr_db: reference is " + std::to_string(reference.rows()) + "x" +
                                std::to_string(reference.cols()) + " but x is " + std::to_string(x.rows()) +
                                "x" + std::to_string(x.cols()));
  }
  double signal = 0.0, noise = 0.0;
  for (Eigen::Index j = 0; j < reference.cols(); ++j) {
    for (Eigen::Index i = 0; i < reference.rows(); ++i) {
      const double r = static_cast<double>(reference(i, j)), v = static_cast<double>(x(i, j));
      signal += r * r;
      noise += (r - v) * (r - v);
    }
  }
  return noise == 0.0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(signal / noise);
}
template <class A, class B>
double qsnr_db(std::span<const A> reference, std::span<const B> x) {
  using MapA = Eigen::Map<const Eigen::Matrix<A, Eigen::Dynamic, 1>>;
  using MapB = Eigen::Map<const Eigen::Matrix<B, Eigen::Dynamic, 1>>;
  return qsnr_db(MapA(reference.data(), static_cast<Eigen::Index>(reference.size())),
                 MapB(x.data(), static_cast<Eigen::Index>(x.size())));
}

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
  Eigen::Index count = 0;
};

namespace detail {
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
    const double qsnr =
        noise_ == 0.0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(signal_ / noise_);
    return {count_ == 0 ? 0.0 : noise_ / double(count_), max_abs_, max_rel_, qsnr, count_};
  }

 private:
  double signal_ = 0.0, noise_ = 0.0, max_abs_ = 0.0, max_rel_ = 0.0;
  Eigen::Index count_ = 0;
  bool nan_ = false;
};
}  // namespace detail

template <class DerivedA, class DerivedB>
error_stats compare(const Eigen::DenseBase<DerivedA>& reference, const Eigen::DenseBase<DerivedB>& x) {
  detail::check_error_shapes("compare", reference, x);
  detail::error_accumulator acc;
  for (Eigen::Index j = 0; j < reference.cols(); ++j) {
    for (Eigen::Index i = 0; i < reference.rows(); ++i) acc.add(double(reference(i, j)), double(x(i, j)));
  }
  return acc.result();
}

// Mean squared error, max absolute error and max relative error (see error_stats).
template <class DerivedA, class DerivedB>
double mse(const Eigen::DenseBase<DerivedA>& reference, const Eigen::DenseBase<DerivedB>& x) {
  return compare(reference, x).mse;
}
template <class DerivedA, class DerivedB>
double max_abs_error(const Eigen::DenseBase<DerivedA>& reference, const Eigen::DenseBase<DerivedB>& x) {
  return compare(reference, x).max_abs;
}
template <class DerivedA, class DerivedB>
double max_rel_error(const Eigen::DenseBase<DerivedA>& reference, const Eigen::DenseBase<DerivedB>& x) {
  return compare(reference, x).max_rel;
}

// Error statistics of every block: blocks of `block_size` consecutive elements along `axis` (the last one
// may be partial), as a grid with one entry per block: row axis rows x ceil(cols / block_size), column axis
// ceil(rows / block_size) x cols. `overall` is the same statistics over the whole matrix; `worst_qsnr_db`
// the lowest block QSNR and `mean_qsnr_db` the mean of the finite block QSNRs (exact blocks are skipped).
struct block_error_stats {
  Eigen::MatrixXd mse, max_abs, max_rel, qsnr_db;
  error_stats overall;
  double worst_qsnr_db = std::numeric_limits<double>::infinity();
  double mean_qsnr_db = std::numeric_limits<double>::infinity();
};

template <class DerivedA, class DerivedB>
block_error_stats per_block_errors(const Eigen::DenseBase<DerivedA>& reference,
                                   const Eigen::DenseBase<DerivedB>& x, int block_size, block_axis axis) {
  detail::check_error_shapes("per_block_errors", reference, x);
  if (block_size < 1) throw std::invalid_argument("lowp::per_block_errors: block size must be at least 1");
  const Eigen::Index rows = reference.rows(), cols = reference.cols();
  const bool by_row = axis == block_axis::row;
  const Eigen::Index grid_rows = by_row ? rows : (rows + block_size - 1) / block_size;
  const Eigen::Index grid_cols = by_row ? (cols + block_size - 1) / block_size : cols;
  block_error_stats out;
  out.mse.resize(grid_rows, grid_cols);
  out.max_abs.resize(grid_rows, grid_cols);
  out.max_rel.resize(grid_rows, grid_cols);
  out.qsnr_db.resize(grid_rows, grid_cols);
  double qsnr_sum = 0.0;
  Eigen::Index finite_blocks = 0;
  for (Eigen::Index gj = 0; gj < grid_cols; ++gj) {
    for (Eigen::Index gi = 0; gi < grid_rows; ++gi) {
      detail::error_accumulator acc;
      const Eigen::Index i0 = by_row ? gi : gi * block_size, j0 = by_row ? gj * block_size : gj;
      const Eigen::Index i1 = by_row ? gi + 1 : std::min<Eigen::Index>(i0 + block_size, rows);
      const Eigen::Index j1 = by_row ? std::min<Eigen::Index>(j0 + block_size, cols) : gj + 1;
      for (Eigen::Index j = j0; j < j1; ++j) {
        for (Eigen::Index i = i0; i < i1; ++i) acc.add(double(reference(i, j)), double(x(i, j)));
      }
      const error_stats s = acc.result();
      out.mse(gi, gj) = s.mse;
      out.max_abs(gi, gj) = s.max_abs;
      out.max_rel(gi, gj) = s.max_rel;
      out.qsnr_db(gi, gj) = s.qsnr_db;
      if (s.qsnr_db < out.worst_qsnr_db || s.qsnr_db != s.qsnr_db) out.worst_qsnr_db = s.qsnr_db;
      if (std::isfinite(s.qsnr_db)) {
        qsnr_sum += s.qsnr_db;
        ++finite_blocks;
      }
    }
  }
  if (finite_blocks > 0) out.mean_qsnr_db = qsnr_sum / double(finite_blocks);
  out.overall = compare(reference, x);
  return out;
}

}  // namespace lowp
