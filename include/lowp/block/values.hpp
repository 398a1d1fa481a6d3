// q.values(): the decoded values of a quantized_matrix as a lazy, read-only Eigen expression. Each
// coefficient is decoded when Eigen asks for it (element code, its block's scale, NVFP4's tensor scale), with
// exactly the arithmetic of dequantize(), so `q.values()` and `q.dequantize()` agree element for element
// while no decoded copy is ever made. The expression refers to `q`, which must outlive it.
#pragma once

#include <cstdint>

#include <Eigen/Core>

#include "element.hpp"
#include "quantized_matrix.hpp"

namespace lowp {

namespace detail {

// x, opaque to the optimiser: without it GCC (whose C++ default is -ffp-contract=fast) fuses the decode's
// last multiply with an addition of the enclosing expression, so that `q.values() - X` would skip the
// rounding that dequantize() performs.
inline float rounded(float x) noexcept {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  asm("" : "+x"(x));
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
  asm("" : "+w"(x));
#endif
  return x;
}

// Decodes element (r, c) from the storage layout documented in quantized_matrix.hpp.
template <class BlockFormat>
class quantized_values_functor {
 public:
  using matrix = quantized_matrix<BlockFormat>;
  explicit quantized_values_functor(const matrix& q) noexcept
      : codes_(q.packed_codes().data()),
        scales_(q.scale_codes().data()),
        column_bytes_(q.padded_rows() * matrix::storage_bits / 8),
        scale_rows_(q.scale_rows()),
        tensor_scale_(q.tensor_scale()),
        axis_(q.axis()) {}

  float operator()(Eigen::Index r, Eigen::Index c) const noexcept {
    const float element = element_traits<typename BlockFormat::element_type>::values[code(r, c)];
    const float scale = scale_codec<typename BlockFormat::scale_type>::decode(scales_[scale_index(r, c)]);
    // The order of dequantize(): element times block scale, then (NVFP4) times the tensor scale.
    if constexpr (BlockFormat::has_tensor_scale) {
      return rounded(element * scale * tensor_scale_);
    } else {
      return rounded(element * scale);
    }
  }

 private:
  std::uint32_t code(Eigen::Index r, Eigen::Index c) const noexcept {
    const std::uint8_t* column = codes_ + c * column_bytes_;
    if constexpr (matrix::storage_bits == 8) {
      return column[r];
    } else if constexpr (matrix::storage_bits == 4) {
      return (column[r / 2] >> (4 * (r % 2))) & 0x0f;
    } else {
      const std::uint8_t* group = column + 3 * (r / 4);
      const std::uint32_t word = group[0] | (std::uint32_t(group[1]) << 8) | (std::uint32_t(group[2]) << 16);
      return (word >> (6 * (r % 4))) & 0x3f;
    }
  }
  Eigen::Index scale_index(Eigen::Index r, Eigen::Index c) const noexcept {
    constexpr int B = BlockFormat::block_size, T = BlockFormat::tile_rows;
    const Eigen::Index scale_row = T > 1 ? r / T : axis_ == block_axis::column ? r / B : r;
    const Eigen::Index scale_column = T > 1 || axis_ == block_axis::row ? c / B : c;
    return scale_column * scale_rows_ + scale_row;
  }

  const std::uint8_t* codes_;
  const typename matrix::scale_storage* scales_;
  Eigen::Index column_bytes_, scale_rows_;
  float tensor_scale_;
  block_axis axis_;
};

// Named by quantized_matrix::values() before this header is seen (the member's body is instantiated later).
template <class BlockFormat>
struct quantized_values {
  using functor = quantized_values_functor<BlockFormat>;
  using expression = Eigen::CwiseNullaryOp<functor, Eigen::MatrixXf>;
  static expression of(const quantized_matrix<BlockFormat>& q) {
    return Eigen::MatrixXf::NullaryExpr(q.rows(), q.cols(), functor(q));
  }
};

}  // namespace detail

// The type of q.values() for a quantized_matrix<F>.
template <class BlockFormat>
using quantized_values_expression = typename detail::quantized_values<BlockFormat>::expression;

}  // namespace lowp
