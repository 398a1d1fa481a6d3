// Which way a block runs through a matrix.
#pragma once

namespace lowp {

// row: a block is consecutive elements of one row (the K dimension of A in A·B);
// column: consecutive elements of one column (the K dimension of B).
enum class block_axis { row, column };

inline constexpr const char* name_of(block_axis axis) noexcept {
  return axis == block_axis::row ? "row" : "column";
}

}  // namespace lowp
