// Error metrics over Eigen expressions: QSNR, MSE, max absolute and relative error of x against a reference
// (any dense expressions of one shape), and the same statistics per block. The statistics themselves and
// the span forms are in error_stats.hpp, which needs no Eigen.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Core>

#include "../block/block_axis.hpp"
#include "../error_stats.hpp"

namespace lowp {

namespace detail {
template <class DerivedA, class DerivedB>
void check_error_shapes(const char* function, const Eigen::DenseBase<DerivedA>& reference,
                        const Eigen::DenseBase<DerivedB>& x) {
  if (reference.rows() != x.rows() || reference.cols() != x.cols()) {
    throw_error_shapes(function, reference.rows(), reference.cols(), x.rows(), x.cols());
  }
}
}  // namespace detail

// Quantisation signal-to-noise ratio in dB: 10 log10(sum ref^2 / sum (ref - x)^2); +inf when x == ref.
template <class DerivedA, class DerivedB>
double qsnr_db(const Eigen::DenseBase<DerivedA>& reference, const Eigen::DenseBase<DerivedB>& x) {
  detail::check_error_shapes("qsnr_db", reference, x);
  double signal = 0.0, noise = 0.0;
  for (Eigen::Index j = 0; j < reference.cols(); ++j) {
    for (Eigen::Index i = 0; i < reference.rows(); ++i) {
      const double r = static_cast<double>(reference(i, j)), v = static_cast<double>(x(i, j));
      signal += r * r;
      noise += (r - v) * (r - v);
    }
  }
  return detail::qsnr_from_sums(signal, noise);
}

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
