// quantized_matrix<BlockFormat>: a matrix stored the way block-scaled hardware stores it: packed element
// codes plus one scale code per block (plus NVFP4's fp32 tensor scale).
//
// Layout (an implementation detail, exposed read-only for export): codes are column-major, each column
// padded to a multiple of 4 rows and packed little-endian within it, 4-bit codes two per byte (row 2i in
// the low nibble), 6-bit codes four per 3 bytes (a 24-bit little-endian word, row 4g+j at bits 6j), 8-bit
// codes one per byte. Scale codes form a column-major grid: row axis rows x ceil(cols / B), column axis
// ceil(rows / B) x cols, tiles ceil(rows / T) x ceil(cols / B). An MXFP4 matrix of m x n (n a multiple of
// 32) therefore takes m * n * (4 + 8/32) / 8 bytes.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../core/lanes.hpp"
#include "../core/round_to_format.hpp"
#include "../core/written_later.hpp"
#include "block_axis.hpp"
#include "block_format.hpp"

namespace lowp {

namespace detail {

// How a scale type is stored and decoded.
template <class S>
struct scale_codec;
template <>
struct scale_codec<float> {
  using storage = std::uint32_t;
  static constexpr storage nan_code = 0x7fc00000u;
  static float decode(storage code) noexcept { return std::bit_cast<float>(code); }
};
template <class F, class R, class O>
struct scale_codec<minifloat<F, R, O>> {
  using storage = typename F::storage_type;
  static constexpr storage nan_code = storage(F::nan_code);
  static float decode(storage code) noexcept {
    if constexpr (F::bits <= 8) {
      return table[code];
    } else {
      return static_cast<float>(minifloat<F, R, O>::from_bits(code));
    }
  }
  // e8m0's 2^-127 is a float subnormal: the table is built through double, where every code is exact.
  static constexpr std::array<float, 256> table = [] {
    std::array<float, 256> values{};
    if constexpr (F::bits <= 8) {
      for (std::uint32_t code = 0; code < (1u << F::bits); ++code) {
        values[code] =
            static_cast<float>(std::bit_cast<double>(core::decode_format<F, double>(std::uint64_t(code))));
      }
    }
    return values;
  }();
};

// Codes of 5 or 7 bits are stored in the next supported width.
constexpr int storage_bits_for(int bits) {
  return bits <= 4 ? 4 : bits <= 6 ? 6 : 8;
}

inline std::string shape_of(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

// values() is defined in values.hpp (included at the end of this header).
template <class BlockFormat>
struct quantized_values;

// quantize()'s access to a quantized_matrix's storage.
struct quantized_matrix_writer {
  // A matrix whose packed codes are left unwritten: quantize packs every column (on the threads), so a
  // serial zero fill of them first would be thrown away.
  template <class Q>
  static Q to_be_packed(Eigen::Index rows, Eigen::Index cols, block_axis axis) {
    return Q(rows, cols, axis, typename Q::codes_written_later{});
  }
  template <class Q>
  static void pack_column(Q& q, Eigen::Index c, const std::uint8_t* codes) {
    q.pack_column(c, codes);
  }
  template <class Q>
  static auto& scale_codes(Q& q) {
    return q.scales_;
  }
  template <class Q>
  static void set_tensor_scales(Q& q, float encode, float decode) {
    q.set_tensor_scales(encode, decode);
  }
};

}  // namespace detail

template <class BlockFormat>
class quantized_matrix {
  static_assert(is_block_format_v<BlockFormat>,
                "quantized_matrix<F>: F must be a lowp::block_format (mxfp4, nvfp4, int_group<4, 32>, ...)");

 public:
  using format = BlockFormat;
  using element_type = typename BlockFormat::element_type;
  using scale_type = typename BlockFormat::scale_type;
  using scale_storage = typename detail::scale_codec<scale_type>::storage;
  static constexpr int block_size = BlockFormat::block_size;
  static constexpr int tile_rows = BlockFormat::tile_rows;
  static constexpr int element_bits = BlockFormat::element_bits;
  static constexpr int storage_bits = detail::storage_bits_for(element_bits);

  // Packed element codes: bytes, contiguous (a std::vector whose allocator leaves unwritten what quantize
  // writes itself).
  using code_storage = detail::written_later<std::uint8_t>;

  quantized_matrix() = default;
  // A matrix of zero codes and zero scale codes.
  quantized_matrix(Eigen::Index rows, Eigen::Index cols, block_axis axis)
      : quantized_matrix(rows, cols, axis, codes_written_later{}) {
    std::fill(codes_.begin(), codes_.end(), std::uint8_t(0));
  }

  Eigen::Index rows() const noexcept { return rows_; }
  Eigen::Index cols() const noexcept { return cols_; }
  block_axis axis() const noexcept { return axis_; }
  // Storage in bytes: packed codes, scale codes and (NVFP4) the fp32 tensor scale.
  std::size_t bytes() const noexcept {
    return codes_.size() + scales_.size() * sizeof(scale_storage) +
           (BlockFormat::has_tensor_scale ? sizeof(float) : 0);
  }

  // The element's code (two's complement for integer elements).
  std::uint32_t code(Eigen::Index r, Eigen::Index c) const {
    check_index(r, c);
    return code_unchecked(r, c);
  }
  // The element's own value, before any scale.
  float element(Eigen::Index r, Eigen::Index c) const {
    return detail::element_traits<element_type>::values[code(r, c)];
  }
  // The code and the decoded value of the scale that applies to element (r, c).
  scale_storage scale_code(Eigen::Index r, Eigen::Index c) const {
    check_index(r, c);
    return scales_[scale_index(r, c)];
  }
  float block_scale(Eigen::Index r, Eigen::Index c) const {
    return detail::scale_codec<scale_type>::decode(scale_code(r, c));
  }
  // NVFP4's global decode scale (1 / the global encode scale); 1 for every other format.
  float tensor_scale() const noexcept { return tensor_decode_; }
  float tensor_encode_scale() const noexcept { return tensor_encode_; }
  // The decoded value of element (r, c), exactly as dequantize() gives it.
  float value(Eigen::Index r, Eigen::Index c) const { return decode_value(element(r, c), block_scale(r, c)); }
  float operator()(Eigen::Index r, Eigen::Index c) const { return value(r, c); }
  // The decoded values as a lazy, read-only Eigen expression (values.hpp); it refers to *this.
  auto values() const { return detail::quantized_values<BlockFormat>::of(*this); }

  Eigen::MatrixXf dequantize() const {
    Eigen::MatrixXf out(rows_, cols_);
    dequantize_into(out.data(), out.rows());
    return out;
  }

  // Decodes into column-major storage with leading dimension `stride` >= rows().
  void dequantize_into(float* out, Eigen::Index stride) const {
    dequantize_block(0, 0, rows_, cols_, out, stride);
  }

  // Decodes the block of `rows` x `cols` elements from (r0, c0) into column-major storage with leading
  // dimension `stride` >= rows. r0 must be a multiple of 4 (the packing group); the quantized GEMM decodes
  // panels this way instead of whole operands.
  void dequantize_block(Eigen::Index r0, Eigen::Index c0, Eigen::Index rows, Eigen::Index cols, float* out,
                        Eigen::Index stride) const {
    if (r0 % 4 != 0 || r0 < 0 || c0 < 0 || rows < 0 || cols < 0 || r0 + rows > rows_ || c0 + cols > cols_) {
      throw std::invalid_argument("lowp::quantized_matrix::dequantize_block: a " +
                                  detail::shape_of(rows, cols) + " block at (" + std::to_string(r0) + ", " +
                                  std::to_string(c0) + ") does not fit a " + detail::shape_of(rows_, cols_) +
                                  " matrix (or the first row is not a multiple of 4)");
    }
    std::vector<float> scale(static_cast<std::size_t>(rows));
    std::vector<std::uint8_t> codes(static_cast<std::size_t>((rows + 3) / 4 * 4));
    for (Eigen::Index c = c0; c < c0 + cols; ++c) {
      if (c == c0 || axis_ == block_axis::column || c % block_size == 0)
        column_scales(c, r0, rows, scale.data());
      unpack_column(c, r0, rows, codes.data());
      decode_column(codes.data(), scale.data(), rows, out + (c - c0) * stride);
    }
  }

  // The decoded scale of rows r0 .. r0 + n - 1 of column c (NVFP4: the block scale only).
  void column_scales(Eigen::Index c, Eigen::Index r0, Eigen::Index n, float* scale) const {
    const Eigen::Index rows_per_scale = tile_rows > 1                 ? tile_rows
                                        : axis_ == block_axis::column ? block_size
                                                                      : 1;
    const scale_storage* column = scales_.data() + scale_column(c) * scale_rows_;
    if (rows_per_scale == 1) {
      for (Eigen::Index i = 0; i < n; ++i) scale[i] = detail::scale_codec<scale_type>::decode(column[r0 + i]);
      return;
    }
    for (Eigen::Index i = 0; i < n;) {  // run by run: one decode per block
      const Eigen::Index r = r0 + i, end = std::min(n, (r / rows_per_scale + 1) * rows_per_scale - r0);
      const float value = detail::scale_codec<scale_type>::decode(column[r / rows_per_scale]);
      for (; i < end; ++i) scale[i] = value;
    }
  }

  // Codes of rows r0 .. r0 + n - 1 of column c, one per byte (r0 a multiple of 4; up to 3 codes past
  // the end are written too, so `out` holds n rounded up to a multiple of 4).
  void unpack_column(Eigen::Index c, Eigen::Index r0, Eigen::Index n, std::uint8_t* out) const {
    const Eigen::Index groups = (n + 3) / 4;
    const std::uint8_t* in = codes_.data() + c * column_bytes_ + r0 * storage_bits / 8;
    if constexpr (storage_bits == 8) {
      for (Eigen::Index i = 0; i < 4 * groups; ++i) out[i] = in[i];
    } else if constexpr (storage_bits == 4) {
      for (Eigen::Index i = 0; i < 2 * groups; ++i) {
        out[2 * i] = in[i] & 0x0f;
        out[2 * i + 1] = in[i] >> 4;
      }
    } else {
      for (Eigen::Index g = 0; g < groups; ++g) {
        const std::uint32_t word =
            in[3 * g] | (std::uint32_t(in[3 * g + 1]) << 8) | (std::uint32_t(in[3 * g + 2]) << 16);
        for (int j = 0; j < 4; ++j) out[4 * g + j] = (word >> (6 * j)) & 0x3f;
      }
    }
  }
  void unpack_column(Eigen::Index c, std::uint8_t* out) const { unpack_column(c, 0, padded_rows_, out); }
  // Raw storage (see the layout at the top of this header).
  Eigen::Index padded_rows() const noexcept { return padded_rows_; }
  Eigen::Index scale_rows() const noexcept { return scale_rows_; }
  Eigen::Index scale_cols() const noexcept { return scale_cols_; }
  const code_storage& packed_codes() const noexcept { return codes_; }
  const std::vector<scale_storage>& scale_codes() const noexcept { return scales_; }
  // The scale grid position of element (r, c).
  Eigen::Index scale_row(Eigen::Index r) const noexcept {
    return tile_rows > 1 ? r / tile_rows : axis_ == block_axis::column ? r / block_size : r;
  }
  Eigen::Index scale_column(Eigen::Index c) const noexcept {
    return tile_rows > 1 || axis_ == block_axis::row ? c / block_size : c;
  }

 private:
  // Writing is for quantize() only (through detail::quantized_matrix_writer), so a quantized_matrix always
  // holds what quantisation produced.
  friend struct detail::quantized_matrix_writer;
  struct codes_written_later {};
  quantized_matrix(Eigen::Index rows, Eigen::Index cols, block_axis axis, codes_written_later)
      : rows_(rows), cols_(cols), axis_(axis) {
    if (rows < 0 || cols < 0) {
      throw std::invalid_argument("lowp::quantized_matrix: negative shape " + detail::shape_of(rows, cols));
    }
    padded_rows_ = (rows + 3) / 4 * 4;
    column_bytes_ = padded_rows_ * storage_bits / 8;
    if (tile_rows > 1) {
      scale_rows_ = (rows + tile_rows - 1) / tile_rows;
      scale_cols_ = (cols + block_size - 1) / block_size;
    } else if (axis == block_axis::row) {
      scale_rows_ = rows;
      scale_cols_ = (cols + block_size - 1) / block_size;
    } else {
      scale_rows_ = (rows + block_size - 1) / block_size;
      scale_cols_ = cols;
    }
    codes_.resize(static_cast<std::size_t>(column_bytes_ * cols));  // unwritten: see code_storage
    scales_.assign(static_cast<std::size_t>(scale_rows_ * scale_cols_), 0);
  }
  // Packs padded_rows() codes (one per byte, high bits clear) into column c.
  void pack_column(Eigen::Index c, const std::uint8_t* in) {
    std::uint8_t* out = codes_.data() + c * column_bytes_;
    if constexpr (storage_bits == 8) {
      for (Eigen::Index i = 0; i < padded_rows_; ++i) out[i] = in[i];
    } else if constexpr (storage_bits == 4) {
      for (Eigen::Index i = 0; i < padded_rows_ / 2; ++i)
        out[i] = std::uint8_t(in[2 * i] | (in[2 * i + 1] << 4));
    } else {
      for (Eigen::Index g = 0; g < padded_rows_ / 4; ++g) {
        const std::uint32_t word = std::uint32_t(in[4 * g]) | (std::uint32_t(in[4 * g + 1]) << 6) |
                                   (std::uint32_t(in[4 * g + 2]) << 12) |
                                   (std::uint32_t(in[4 * g + 3]) << 18);
        out[3 * g] = std::uint8_t(word);
        out[3 * g + 1] = std::uint8_t(word >> 8);
        out[3 * g + 2] = std::uint8_t(word >> 16);
      }
    }
  }

  void set_tensor_scales(float encode, float decode) noexcept {
    tensor_encode_ = encode;
    tensor_decode_ = decode;
  }

  // out[r] = element(code[r]) * scale[r] (* the tensor scale), for r < n.
  void decode_column(const std::uint8_t* codes, const float* scale, Eigen::Index n, float* out) const {
    using traits = detail::element_traits<element_type>;
    Eigen::Index r = 0;
    if constexpr (traits::is_integer) {
      constexpr float unit = 1.0f / float(1 << traits::fraction_bits);
      constexpr int shift = 32 - traits::bits;
      for (; r < n; ++r) {
        const auto k = static_cast<std::int32_t>(std::uint32_t(codes[r]) << shift) >> shift;  // sign-extended
        out[r] = decode_value(float(k) * unit, scale[r]);
      }
    } else {
#if LOWP_HAS_VECTOR_EXTENSIONS
      // The lane decoder (a dozen integer operations per vector) beats one table load per value.
      using L = core::u32_lanes;
      constexpr Eigen::Index N = core::lane_count<L>;
      for (; r + N <= n; r += N) {
        std::uint32_t wide[N];
        for (Eigen::Index j = 0; j < N; ++j) wide[j] = codes[r + j];
        L code;
        std::memcpy(&code, wide, sizeof code);
        core::f32_lanes values = (core::f32_lanes)core::decode_format<typename traits::format, float>(code),
                        s;
        std::memcpy(&s, scale + r, sizeof s);
        values = values * s;
        if constexpr (BlockFormat::has_tensor_scale) values = values * tensor_decode_;
        std::memcpy(out + r, &values, sizeof values);
      }
#endif
      for (; r < n; ++r) out[r] = decode_value(traits::values[codes[r]], scale[r]);
    }
  }

  float decode_value(float element, float scale) const noexcept {
    if constexpr (BlockFormat::has_tensor_scale) {
      return element * scale * tensor_decode_;
    } else {
      return element * scale;
    }
  }
  Eigen::Index scale_index(Eigen::Index r, Eigen::Index c) const noexcept {
    return scale_column(c) * scale_rows_ + scale_row(r);
  }
  std::uint32_t code_unchecked(Eigen::Index r, Eigen::Index c) const noexcept {
    const std::uint8_t* column = codes_.data() + c * column_bytes_;
    if constexpr (storage_bits == 8) {
      return column[r];
    } else if constexpr (storage_bits == 4) {
      return (column[r / 2] >> (4 * (r % 2))) & 0x0f;
    } else {
      const std::uint8_t* group = column + 3 * (r / 4);
      const std::uint32_t word = group[0] | (std::uint32_t(group[1]) << 8) | (std::uint32_t(group[2]) << 16);
      return (word >> (6 * (r % 4))) & 0x3f;
    }
  }
  void check_index(Eigen::Index r, Eigen::Index c) const {
    if (r < 0 || r >= rows_ || c < 0 || c >= cols_) {
      throw std::out_of_range("lowp::quantized_matrix: element (" + std::to_string(r) + ", " +
                              std::to_string(c) + ") is outside a " + detail::shape_of(rows_, cols_) +
                              " matrix");
    }
  }

  Eigen::Index rows_ = 0, cols_ = 0, padded_rows_ = 0, column_bytes_ = 0, scale_rows_ = 0, scale_cols_ = 0;
  block_axis axis_ = block_axis::row;
  code_storage codes_;
  std::vector<scale_storage> scales_;
  float tensor_encode_ = 1.0f, tensor_decode_ = 1.0f;
};

}  // namespace lowp

#include "values.hpp"  // NOLINT(misc-header-include-cycle): values() needs the class complete
