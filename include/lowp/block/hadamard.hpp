// The randomized Hadamard transform (RHT) applied before low-bit quantisation: within every block of
// `block_size` consecutive elements along the blocked axis, x -> H D x / sqrt(block_size), with H the
// Sylvester-Hadamard matrix (a fast Walsh-Hadamard transform, O(n log n)) and D a diagonal of random signs.
// The map is orthonormal, so it spreads an outlier's energy over its block without changing the block's
// norm, and inverse_hadamard_transform undoes it (up to float rounding; exactly so in real arithmetic).
// The sign of position k along the axis is a pure function of (seed, k) and the same for every line, so
// rotating the rows of A and the columns of B with the same seed leaves A * B unchanged: (A R)(R^T B).
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "../core/random.hpp"
#include "block_axis.hpp"

namespace lowp {

namespace detail {

// +1 or -1 for positions 0..n-1: bit k % 32 of word (k / 32) % 4 of Philox block k / 128 under `seed`.
inline std::vector<float> hadamard_signs(Eigen::Index n, std::uint64_t seed) {
  const sr_stream stream(seed, /*stream_id=*/0x4841444dull);  // "HADM": apart from rounding streams
  std::vector<float> signs(static_cast<std::size_t>(n));
  for (Eigen::Index k = 0; k < n; ++k) {
    const std::uint32_t word = stream.block(std::uint64_t(k) / 128)[(k % 128) / 32];
    signs[std::size_t(k)] = ((word >> (k % 32)) & 1u) ? -1.0f : 1.0f;
  }
  return signs;
}

inline void check_hadamard(const char* function, Eigen::Index rows, Eigen::Index cols, int block_size,
                           block_axis axis) {
  const Eigen::Index length = axis == block_axis::row ? cols : rows;
  if (block_size < 1 || (block_size & (block_size - 1)) != 0 || length % block_size != 0) {
    throw std::invalid_argument(std::string("lowp::") + function + ": block size " +
                                std::to_string(block_size) + " must be a power of two dividing the " +
                                name_of(axis) + " length " + std::to_string(length) + " of a " +
                                std::to_string(rows) + "x" + std::to_string(cols) + " matrix");
  }
}

// In-place unnormalised Walsh-Hadamard butterflies within each block along the axis.
inline void walsh_hadamard(Eigen::MatrixXf& Y, int block_size, block_axis axis) {
  const Eigen::Index rows = Y.rows(), cols = Y.cols();
  if (axis == block_axis::row) {
    // Lines are rows: every butterfly combines two whole columns, vectorised over the rows.
    for (Eigen::Index j0 = 0; j0 < cols; j0 += block_size) {
      for (int h = 1; h < block_size; h *= 2) {
        for (int i = 0; i < block_size; i += 2 * h) {
          for (int j = i; j < i + h; ++j) {
            float* u = Y.col(j0 + j).data();
            float* v = Y.col(j0 + j + h).data();
            for (Eigen::Index r = 0; r < rows; ++r) {
              const float a = u[r], b = v[r];
              u[r] = a + b;
              v[r] = a - b;
            }
          }
        }
      }
    }
  } else {
    for (Eigen::Index c = 0; c < cols; ++c) {
      float* x = Y.col(c).data();
      for (Eigen::Index r0 = 0; r0 < rows; r0 += block_size) {
        for (int h = 1; h < block_size; h *= 2) {
          for (int i = 0; i < block_size; i += 2 * h) {
            for (int j = i; j < i + h; ++j) {
              const float a = x[r0 + j], b = x[r0 + j + h];
              x[r0 + j] = a + b;
              x[r0 + j + h] = a - b;
            }
          }
        }
      }
    }
  }
}

inline void apply_signs(Eigen::MatrixXf& Y, const std::vector<float>& signs, block_axis axis) {
  if (axis == block_axis::row) {
    for (Eigen::Index c = 0; c < Y.cols(); ++c) Y.col(c) *= signs[std::size_t(c)];
  } else {
    const Eigen::Map<const Eigen::VectorXf> s(signs.data(), Eigen::Index(signs.size()));
    for (Eigen::Index c = 0; c < Y.cols(); ++c) Y.col(c).array() *= s.array();
  }
}

}  // namespace detail

// H D X / sqrt(block_size) within each block along `axis` (row: blocks run along rows, the K of A in A * B).
template <class Derived>
Eigen::MatrixXf hadamard_transform(const Eigen::DenseBase<Derived>& X, int block_size, std::uint64_t seed,
                                   block_axis axis = block_axis::row) {
  detail::check_hadamard("hadamard_transform", X.rows(), X.cols(), block_size, axis);
  Eigen::MatrixXf Y(X.rows(), X.cols());
  Y = X.derived().template cast<float>();
  detail::apply_signs(Y, detail::hadamard_signs(axis == block_axis::row ? Y.cols() : Y.rows(), seed), axis);
  detail::walsh_hadamard(Y, block_size, axis);
  Y *= static_cast<float>(1.0 / std::sqrt(double(block_size)));
  return Y;
}

// The inverse: D H Y / sqrt(block_size) (H is symmetric and D its own inverse).
template <class Derived>
Eigen::MatrixXf inverse_hadamard_transform(const Eigen::DenseBase<Derived>& Y, int block_size,
                                           std::uint64_t seed, block_axis axis = block_axis::row) {
  detail::check_hadamard("inverse_hadamard_transform", Y.rows(), Y.cols(), block_size, axis);
  Eigen::MatrixXf X(Y.rows(), Y.cols());
  X = Y.derived().template cast<float>();
  detail::walsh_hadamard(X, block_size, axis);
  X *= static_cast<float>(1.0 / std::sqrt(double(block_size)));
  detail::apply_signs(X, detail::hadamard_signs(axis == block_axis::row ? X.cols() : X.rows(), seed), axis);
  return X;
}

}  // namespace lowp
