// Products of quantized matrices as Eigen expressions: `qw * X` (weights times activations, the W4A16
// product of weight-only inference), `X * qb` and `qa * qb`, with `=`, `+=` and `-=` (noalias() or not), and
// inside larger expressions; lowp::gemm(qw, X, policy) and lowp::gemm(X, qb, policy) for the other
// accumulation policies.
//
// What they compute (../shared/DESIGN.md): `qw * X` equals lowp::gemm(qw.dequantize(), X) bit for bit: every
// C(i, j) is the chain s = fma(W(i, k), X(k, j), s) for k = 0 .. K-1 from +0 in fp32, W(i, k) the decoded
// value exactly as dequantize() computes it (element times block scale, then NVFP4's tensor scale). `X * qb`
// likewise equals lowp::gemm(X, qb.dequantize()); `qa * qb` is lowp::gemm(qa, qb). `Y += P` and `Y -= P` add
// the finished product, one fp32 addition per element, as the explicit sum `Y + P` does.
//
// How: the weights are never decoded whole. The rows of W are cut into panels and K into chunks; for each
// piece the decoded weights go straight into fp32 fma chains vectorised across output rows (one lane per
// row of C, so every lane is its own sequential chain), and a chain's partial sum is stored in C between
// chunks and reloaded, exactly, as a float. With AVX-512, weights of 4-bit codes (INT4 groups, MXFP4, NVFP4)
// and 8-bit minifloat codes (MXFP8) blocked along K are decoded in registers: eight packed bytes hold 16
// rows' codes, a table permute turns codes into element values and one multiply applies the block scale.
// Every other format, and the rows past the last multiple of 16, decode a small panel with
// quantized_matrix::dequantize_block and run the same chains from it.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
// The intrinsics below use their zero-masked forms with every lane enabled: the plain forms start from an
// undefined vector, which GCC 12 reports as uninitialised.

#include "../arith/accumulate.hpp"
#include "../arith/gemm.hpp"
#include "../core/lanes.hpp"
#include "../core/round_to_format.hpp"
#include "block_axis.hpp"
#include "element.hpp"
#include "gemm.hpp"
#include "quantized_matrix.hpp"

#if LOWP_HAS_VECTOR_EXTENSIONS && defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>
#define LOWP_QUANTIZED_PRODUCT_AVX512 1
#else
#define LOWP_QUANTIZED_PRODUCT_AVX512 0
#endif

namespace lowp {

template <class Lhs, class Rhs>
class quantized_product;

namespace detail {

template <class T>
inline constexpr bool is_quantized_matrix_v = false;
template <class F>
inline constexpr bool is_quantized_matrix_v<quantized_matrix<F>> = true;

template <class F>
std::string quantized_shape(const quantized_matrix<F>& q) {
  return shape_of(q.rows(), q.cols()) + " (quantized, blocked along " + name_of(q.axis()) + "s)";
}

// qw * X: K is qw's columns, so 1-D blocks must run along rows.
template <class F>
void check_quantized_times_dense(const char* function, const quantized_matrix<F>& a, Eigen::Index b_rows,
                                 Eigen::Index b_cols) {
  const std::string shapes = "A is " + quantized_shape(a) + " but B is " + shape_of(b_rows, b_cols);
  if (a.cols() != b_rows) {
    throw std::invalid_argument(std::string("lowp::") + function + ": " + shapes +
                                "; A's column count must equal B's row count");
  }
  if (F::tile_rows == 1 && a.axis() != block_axis::row) {
    throw std::invalid_argument(std::string("lowp::") + function + ": " + shapes +
                                "; A's blocks must run along K, which is A's rows (quantize it with "
                                "block_axis::row)");
  }
}

// X * qb: K is qb's rows, so 1-D blocks must run along columns.
template <class F>
void check_dense_times_quantized(const char* function, Eigen::Index a_rows, Eigen::Index a_cols,
                                 const quantized_matrix<F>& b) {
  const std::string shapes = "A is " + shape_of(a_rows, a_cols) + " but B is " + quantized_shape(b);
  if (a_cols != b.rows()) {
    throw std::invalid_argument(std::string("lowp::") + function + ": " + shapes +
                                "; A's column count must equal B's row count");
  }
  if (F::tile_rows == 1 && b.axis() != block_axis::column) {
    throw std::invalid_argument(std::string("lowp::") + function + ": " + shapes +
                                "; B's blocks must run along K, which is B's columns (quantize it with "
                                "block_axis::column)");
  }
}

inline constexpr int product_lanes = core::lane_count<core::f32_lanes>;

// x in every lane. Broadcast as integers: splat<f32_lanes> is `0.0f + x`, which turns -0 into +0.
inline core::f32_lanes broadcast_lanes(float x) {
  return core::float_of<core::f32_lanes>(core::splat<core::u32_lanes>(std::bit_cast<std::uint32_t>(x)));
}

// The register tile of the product: RV vectors of output rows by NT output columns. For k in
// [k_begin, k_end): acc(r, t) = fma(weight(k, r), x[k * x_stride + t], acc(r, t)), from +0 when `first`,
// else from load(r, t); then store(r, t, acc(r, t)).
template <int RV, int NT, class Weight, class Load, class Store>
inline void fma_chain_tile(Eigen::Index k_begin, Eigen::Index k_end, const float* x, Eigen::Index x_stride,
                           bool first, const Weight& weight, const Load& load, const Store& store) {
  core::f32_lanes acc[RV][NT];
  for (int r = 0; r < RV; ++r) {
    for (int t = 0; t < NT; ++t) acc[r][t] = first ? core::f32_lanes{} : load(r, t);
  }
  for (Eigen::Index k = k_begin; k < k_end; ++k) {
    core::f32_lanes w[RV];
    for (int r = 0; r < RV; ++r) w[r] = weight(k, r);
    const float* xk = x + k * x_stride;
    for (int t = 0; t < NT; ++t) {
      const core::f32_lanes b = broadcast_lanes(xk[t]);
      for (int r = 0; r < RV; ++r) acc[r][t] = fma_lanes(w[r], b, acc[r][t]);
    }
  }
  for (int r = 0; r < RV; ++r) {
    for (int t = 0; t < NT; ++t) store(r, t, acc[r][t]);
  }
}

// Runs `tile.template operator()<NT>(t0)` over columns [0, n) in tiles of NT = 4, then 1.
template <class Tile>
inline void for_each_column_tile(Eigen::Index n, const Tile& tile) {
  Eigen::Index t0 = 0;
  for (; t0 + 4 <= n; t0 += 4) tile.template operator()<4>(t0);
  for (; t0 < n; ++t0) tile.template operator()<1>(t0);
}

// Chains from a decoded panel, k-major: panel[k * P + l] is lane l's weight at depth k0 + k, for P = RV * V
// lanes of which `lanes` are real. x[k * x_stride + t] is column t's operand at depth k0 + k. The result of
// lane l, column t is read from and written to c[l * lane_step + t * column_step].
template <int RV>
void panel_chains(const float* panel, Eigen::Index lanes, Eigen::Index depth, const float* x,
                  Eigen::Index x_stride, Eigen::Index n, float* c, Eigen::Index lane_step,
                  Eigen::Index column_step, bool first) {
  constexpr int V = product_lanes, P = RV * V;
  const auto weight = [&](Eigen::Index k, int r) {
    core::f32_lanes w;
    std::memcpy(&w, panel + k * P + r * V, sizeof w);
    return w;
  };
  for_each_column_tile(n, [&]<int NT>(Eigen::Index t0) {
    const auto load = [&](int r, int t) {
      float lane[V] = {};
      for (int l = 0; l < V && r * V + l < lanes; ++l)
        lane[l] = c[(r * V + l) * lane_step + (t0 + t) * column_step];
      core::f32_lanes v;
      std::memcpy(&v, lane, sizeof v);
      return v;
    };
    const auto store = [&](int r, int t, core::f32_lanes v) {
      float lane[V];
      std::memcpy(lane, &v, sizeof v);
      for (int l = 0; l < V && r * V + l < lanes; ++l)
        c[(r * V + l) * lane_step + (t0 + t) * column_step] = lane[l];
    };
    fma_chain_tile<RV, NT>(0, depth, x + t0, x_stride, first, weight, load, store);
  });
}

inline constexpr int panel_vectors = 4;
inline constexpr Eigen::Index panel_depth = 128;  // a multiple of 4 (dequantize_block's packing group)

// C(rows [row_begin, row_end), :) of qw * X from decoded panels. xt is X transposed (n x K, column-major), so
// that one depth's operands are contiguous; c is m x n, column-major.
template <class F>
void quantized_times_dense_panels(const quantized_matrix<F>& w, const float* xt, Eigen::Index n,
                                  Eigen::Index row_begin, Eigen::Index row_end, float* c) {
  constexpr Eigen::Index P = panel_vectors * product_lanes;
  const Eigen::Index m = w.rows(), depth_total = w.cols();
  std::vector<float> panel(static_cast<std::size_t>(P * panel_depth));
  for (Eigen::Index i0 = row_begin; i0 < row_end; i0 += P) {
    const Eigen::Index rows = std::min(P, row_end - i0);
    if (rows < P) std::fill(panel.begin(), panel.end(), 0.0f);
    for (Eigen::Index k0 = 0; k0 < depth_total; k0 += panel_depth) {
      const Eigen::Index depth = std::min(panel_depth, depth_total - k0);
      w.dequantize_block(i0, k0, rows, depth, panel.data(), P);
      panel_chains<panel_vectors>(panel.data(), rows, depth, xt + k0 * n, n, n, c + i0, 1, m, k0 == 0);
    }
  }
}

// C = X * qb from decoded panels: C^T = qb^T X^T, with the lanes across C's columns. x is X (n x K,
// column-major, leading dimension ldx); c is n x N, column-major.
template <class F>
void dense_times_quantized_panels(const float* x, Eigen::Index ldx, Eigen::Index n,
                                  const quantized_matrix<F>& b, float* c) {
  constexpr Eigen::Index P = panel_vectors * product_lanes;
  const Eigen::Index depth_total = b.rows(), columns = b.cols();
  std::vector<float> decoded(static_cast<std::size_t>(P * panel_depth));
  std::vector<float> panel(static_cast<std::size_t>(P * panel_depth));
  for (Eigen::Index j0 = 0; j0 < columns; j0 += P) {
    const Eigen::Index cols = std::min(P, columns - j0);
    if (cols < P) std::fill(panel.begin(), panel.end(), 0.0f);
    for (Eigen::Index k0 = 0; k0 < depth_total; k0 += panel_depth) {
      const Eigen::Index depth = std::min(panel_depth, depth_total - k0);
      b.dequantize_block(k0, j0, depth, cols, decoded.data(), panel_depth);
      for (Eigen::Index j = 0; j < cols; ++j) {
        for (Eigen::Index k = 0; k < depth; ++k) panel[k * P + j] = decoded[j * panel_depth + k];
      }
      panel_chains<panel_vectors>(panel.data(), cols, depth, x + k0 * ldx, ldx, n, c + j0 * n, n, 1, k0 == 0);
    }
  }
}

#if LOWP_QUANTIZED_PRODUCT_AVX512

// 16 decoded scales of consecutive rows (codes contiguous in the scale grid), exactly as
// scale_codec<S>::decode gives them.
template <class S>
inline __m512 decode_scales16(const typename scale_codec<S>::storage* codes) {
  if constexpr (std::is_same_v<S, float8_e8m0fnu>) {
    // E8M0: code c is 2^(c - 127), so c in the exponent field, except 2^-127 (a float subnormal) and NaN.
    const __m512i code =
        _mm512_maskz_cvtepu8_epi32(0xffff, _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes)));
    __m512i bits = _mm512_maskz_slli_epi32(0xffff, code, 23);
    bits = _mm512_mask_mov_epi32(bits, _mm512_cmpeq_epi32_mask(code, _mm512_setzero_si512()),
                                 _mm512_set1_epi32(std::bit_cast<std::int32_t>(scale_codec<S>::table[0])));
    bits = _mm512_mask_mov_epi32(bits, _mm512_cmpeq_epi32_mask(code, _mm512_set1_epi32(255)),
                                 _mm512_set1_epi32(std::bit_cast<std::int32_t>(scale_codec<S>::table[255])));
    return _mm512_castsi512_ps(bits);
  } else if constexpr (!std::is_same_v<S, float> && sizeof(typename scale_codec<S>::storage) == 1) {
    const __m512i code =
        _mm512_maskz_cvtepu8_epi32(0xffff, _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes)));
    using format = typename S::format;
    if constexpr (core::fits_lanes_of<format, float>) {
      // e4m3 and the like: the lane decoder (every value is a float normal).
      return (__m512)core::decode_format<format, float>((core::u32_lanes)code);
    } else {
      return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xffff, code, scale_codec<S>::table.data(), 4);
    }
  } else {
    if constexpr (std::is_same_v<S, float16>) {
      // binary16 to binary32 is exact; NaN payloads are left to the scalar decoder.
      const __m512 v =
          _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes)));
      if (_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q) == 0) return v;
    }
    alignas(64) float lane[16];
    for (int l = 0; l < 16; ++l) lane[l] = scale_codec<S>::decode(codes[l]);
    return _mm512_load_ps(lane);
  }
}

// Register decoders of 16 rows' elements at one depth, for formats blocked along rows. `permuted`: the lanes
// hold rows 0, 2, .., 14, 1, 3, .., 15 (the order nibbles come out of eight bytes) instead of 0 .. 15.
template <class F>
struct register_decoder {
  static constexpr bool supported = false;
};

// 4-bit storage: codes of rows 2i and 2i+1 in the low and high nibble of byte i.
template <class F>
requires(quantized_matrix<F>::storage_bits == 4) struct register_decoder<F> {
  static constexpr bool supported = true;
  static constexpr bool permuted = true;
  static constexpr bool has_rescale = false;
  static constexpr int bytes_per_vector = 8;
  __m512 table;
  __m512i shift;
  register_decoder() {
    alignas(64) float values[16];
    for (int c = 0; c < 16; ++c) values[c] = element_traits<typename F::element_type>::values[c];
    table = _mm512_load_ps(values);
    shift = _mm512_set_epi32(4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0);
  }
  template <bool Rescaled = true>  // (no rescaling step: the flag is for the 8-bit decoder's callers)
  __m512 elements(const std::uint8_t* bytes) const {
    std::uint64_t word;
    std::memcpy(&word, bytes, sizeof word);
    // Bytes 0..7 twice: lanes 0..7 keep the low nibbles, lanes 8..15 shift the high ones down; the permute
    // reads only the low 4 bits of each lane's index.
    const __m512i codes = _mm512_maskz_srlv_epi32(
        0xffff, _mm512_maskz_cvtepu8_epi32(0xffff, _mm_set1_epi64x(std::int64_t(word))), shift);
    return _mm512_maskz_permutexvar_ps(0xffff, codes, table);
  }
};

// 8-bit minifloat codes (MXFP8). A code's magnitude bits shifted into a float's exponent and fraction fields
// give the value times 2^(127 - bias) exactly (field 0 lands on float subnormals, which scale the same way),
// so one multiply rescales it; the sign bit is copied across. Codes whose value is not finite (NaN, Inf) are
// rare and come from the element table, the definition.
template <class F>
requires(quantized_matrix<F>::storage_bits == 8 && !element_traits<typename F::element_type>::is_integer &&
         element_traits<typename F::element_type>::bits == 8 &&
         element_traits<typename F::element_type>::format::has_subnormals) struct register_decoder<F> {
  using traits = element_traits<typename F::element_type>;
  using format = typename traits::format;
  static constexpr bool supported = true;
  static constexpr bool permuted = false;
  // elements<false>() leaves out the multiply by `rescale`, for a caller that folds it into the scale.
  static constexpr bool has_rescale = true;
  static constexpr int bytes_per_vector = 16;
  static constexpr int fraction_shift = 23 - format::mantissa_bits;
  // The smallest magnitude code whose value is NaN or infinite (128 if none).
  static constexpr int first_special = [] {
    for (int c = 0; c < 128; ++c) {
      const float v = traits::values[c];
      if (!(v == v) || v == std::numeric_limits<float>::infinity()) return c;
    }
    return 128;
  }();
  static constexpr float rescale = [] {  // 2^(127 - bias)
    float r = 1.0f;
    for (int i = 0; i < 126 + format::emin; ++i) r *= 2.0f;
    return r;
  }();
  template <bool Rescaled = true>
  __m512 elements(const std::uint8_t* bytes) const {
    const __m512i code =
        _mm512_maskz_cvtepu8_epi32(0xffff, _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes)));
    const __m512i magnitude = _mm512_and_si512(_mm512_maskz_slli_epi32(0xffff, code, fraction_shift),
                                               _mm512_set1_epi32(0x7f << fraction_shift));
    const __m512 scaled = Rescaled ? _mm512_mul_ps(_mm512_castsi512_ps(magnitude), _mm512_set1_ps(rescale))
                                   : _mm512_castsi512_ps(magnitude);
    // Bit 31 from the code's sign (bit 7 shifted up), the rest from the scaled magnitude.
    __m512 value = _mm512_castsi512_ps(
        _mm512_ternarylogic_epi32(_mm512_set1_epi32(0x7fffffff), _mm512_castps_si512(scaled),
                                  _mm512_maskz_slli_epi32(0xffff, code, 24), 0xca));
    if constexpr (first_special < 128) {
      const __mmask16 special = _mm512_cmpge_epu32_mask(_mm512_and_si512(code, _mm512_set1_epi32(0x7f)),
                                                        _mm512_set1_epi32(first_special));
      if (special != 0) {
        // NaN and Inf are their own rescaled values, so elements<false>() may take them as they are.
        value = _mm512_mask_i32gather_ps(value, special, code, traits::values.data(), 4);
      }
    }
    return value;
  }
};

template <class F>
inline constexpr bool has_register_path = register_decoder<F>::supported&& F::tile_rows == 1 &&
                                          std::has_single_bit(unsigned(F::block_size));

// Lane order of a permuted decoder: natural -> permuted and back.
inline __m512i to_nibble_order() {
  return _mm512_set_epi32(15, 13, 11, 9, 7, 5, 3, 1, 14, 12, 10, 8, 6, 4, 2, 0);
}
inline __m512i from_nibble_order() {
  return _mm512_set_epi32(15, 7, 14, 6, 13, 5, 12, 4, 11, 3, 10, 2, 9, 1, 8, 0);
}

inline constexpr int register_panel_vectors = 8;           // 128 rows
inline constexpr Eigen::Index prefetch_distance = 24;      // depths ahead (~ memory latency / one step)
inline constexpr Eigen::Index register_chunk_depth = 256;  // codes of a panel: 256 cache lines

template <class F>
struct register_panel {
  const quantized_matrix<F>& w;
  const register_decoder<F>& decoder;
  const std::uint8_t* codes;  // column 0, row i0
  Eigen::Index column_bytes;
  const float* scales;  // [block - first_block][vector][16 lanes], in the decoder's lane order
  Eigen::Index first_block;
  int block_shift;
  float tensor_scale;
  const float* xt;  // X^T: depth k's operands at xt + k * n
  Eigen::Index n, m;
  float* c;  // C(i0, 0)

  template <int RV, int NT>
  void tile(int v0, Eigen::Index t0, Eigen::Index k0, Eigen::Index k1) const {
    using D = register_decoder<F>;
    const auto weight = [&](Eigen::Index k, int r) {
      const int v = v0 + r;
      if (r == 0 && v0 == 0) {
        // The panel's codes at one depth are a line or two, a column (kilobytes) from the last: the hardware
        // prefetcher does not run that far ahead. Past the chunk's end, the next panel's first depths.
        const Eigen::Index ahead = k + prefetch_distance;
        const char* line =
            reinterpret_cast<const char*>(ahead < k1 ? codes + ahead * column_bytes
                                                     : codes + (ahead - (k1 - k0)) * column_bytes +
                                                           register_panel_vectors * D::bytes_per_vector);
        _mm_prefetch(line, _MM_HINT_T0);
        _mm_prefetch(line + register_panel_vectors * D::bytes_per_vector - 1, _MM_HINT_T0);
      }
      __m512 x = decoder.elements(codes + k * column_bytes + v * D::bytes_per_vector);
      x = _mm512_mul_ps(
          x, _mm512_load_ps(scales + (((k >> block_shift) - first_block) * register_panel_vectors + v) * 16));
      if constexpr (F::has_tensor_scale) x = _mm512_mul_ps(x, _mm512_set1_ps(tensor_scale));
      return (core::f32_lanes)x;
    };
    const auto load = [&](int r, int t) {
      __m512 x = _mm512_loadu_ps(c + (t0 + t) * m + (v0 + r) * 16);
      if constexpr (D::permuted) x = _mm512_maskz_permutexvar_ps(0xffff, to_nibble_order(), x);
      return (core::f32_lanes)x;
    };
    const auto store = [&](int r, int t, core::f32_lanes v) {
      __m512 x = (__m512)v;
      if constexpr (D::permuted) x = _mm512_maskz_permutexvar_ps(0xffff, from_nibble_order(), x);
      _mm512_storeu_ps(c + (t0 + t) * m + (v0 + r) * 16, x);
    };
    fma_chain_tile<RV, NT>(k0, k1, xt + t0, n, k0 == 0, weight, load, store);
  }

  // Vectors [0, vectors) in groups of RV (then one at a time), for columns t0 .. t0 + NT.
  template <int RV, int NT>
  void rows(int vectors, Eigen::Index t0, Eigen::Index k0, Eigen::Index k1) const {
    int v = 0;
    for (; v + RV <= vectors; v += RV) tile<RV, NT>(v, t0, k0, k1);
    for (; v < vectors; ++v) tile<1, NT>(v, t0, k0, k1);
  }

  void run(int vectors, Eigen::Index k0, Eigen::Index k1) const {
    Eigen::Index t0 = 0;
    for (; t0 + 16 <= n; t0 += 16) rows<1, 16>(vectors, t0, k0, k1);
    if (n - t0 >= 8) rows<2, 8>(vectors, t0, k0, k1), t0 += 8;
    if (n - t0 >= 4) rows<4, 4>(vectors, t0, k0, k1), t0 += 4;
    if (n - t0 >= 2) rows<4, 2>(vectors, t0, k0, k1), t0 += 2;
    if (n - t0 >= 1) rows<8, 1>(vectors, t0, k0, k1);
  }
};

// Rows [0, m16) of y = qw * x for one token, m16 a multiple of 16: column by column (y += W(:, k) x_k, the
// chains of all rows advanced together), so the codes stream through memory in storage order; the partial
// sums of all rows stay in L1, and four columns are applied per pass over them.
template <class F>
void quantized_times_vector_registers(const quantized_matrix<F>& w, const float* x, Eigen::Index m16,
                                      float* y) {
  using D = register_decoder<F>;
  const D decoder;
  const Eigen::Index depth_total = w.cols(), scale_rows = w.scale_rows(), vectors = m16 / 16;
  const Eigen::Index column_bytes = w.padded_rows() * quantized_matrix<F>::storage_bits / 8;
  const int block_shift = std::countr_zero(unsigned(F::block_size));
  const auto* scale_codes = w.scale_codes().data();
  const std::uint8_t* codes = w.packed_codes().data();
  const __m512 tensor_scale = _mm512_set1_ps(w.tensor_scale());
  // Partial sums and the current block's scales, one vector per 16 rows, 64-byte aligned.
  std::vector<float> storage(static_cast<std::size_t>(2 * m16 + 16), 0.0f);
  float* acc = storage.data() + (16 - (reinterpret_cast<std::uintptr_t>(storage.data()) / 4) % 16) % 16;
  float* scales = acc + m16;
  constexpr Eigen::Index vectors_per_line = 64 / D::bytes_per_vector;
  // One block of columns [k0, k1). Folded: the decoder's rescaling power of two is already in the scales.
  const auto run_block = [&]<bool Folded>(Eigen::Index k0, Eigen::Index k1) {
    const auto weight = [&](const std::uint8_t* column, Eigen::Index v, __m512 s) {
      __m512 e;
      if constexpr (Folded) {
        e = _mm512_mul_ps(decoder.template elements<false>(column + v * D::bytes_per_vector), s);
      } else {
        e = _mm512_mul_ps(decoder.elements(column + v * D::bytes_per_vector), s);
      }
      if constexpr (F::has_tensor_scale) e = _mm512_mul_ps(e, tensor_scale);
      return e;
    };
    Eigen::Index k = k0;
    for (; k + 4 <= k1; k += 4) {
      const std::uint8_t* c0 = codes + k * column_bytes;
      const std::uint8_t *c1 = c0 + column_bytes, *c2 = c1 + column_bytes, *c3 = c2 + column_bytes;
      const __m512 x0 = _mm512_set1_ps(x[k]), x1 = _mm512_set1_ps(x[k + 1]), x2 = _mm512_set1_ps(x[k + 2]),
                   x3 = _mm512_set1_ps(x[k + 3]);
      for (Eigen::Index v = 0; v < vectors; ++v) {
        if (v % vectors_per_line == 0) {
          // The next four columns' line at this height: four streams, each ahead by one pass.
          const char* ahead = reinterpret_cast<const char*>(c3 + column_bytes + v * D::bytes_per_vector);
          for (int j = 0; j < 4; ++j) _mm_prefetch(ahead + j * column_bytes, _MM_HINT_T0);
        }
        const __m512 s = _mm512_load_ps(scales + 16 * v);
        __m512 a = _mm512_load_ps(acc + 16 * v);
        a = _mm512_fmadd_ps(weight(c0, v, s), x0, a);
        a = _mm512_fmadd_ps(weight(c1, v, s), x1, a);
        a = _mm512_fmadd_ps(weight(c2, v, s), x2, a);
        a = _mm512_fmadd_ps(weight(c3, v, s), x3, a);
        _mm512_store_ps(acc + 16 * v, a);
      }
    }
    for (; k < k1; ++k) {
      const std::uint8_t* c0 = codes + k * column_bytes;
      const __m512 x0 = _mm512_set1_ps(x[k]);
      for (Eigen::Index v = 0; v < vectors; ++v) {
        const __m512 a = _mm512_load_ps(acc + 16 * v);
        _mm512_store_ps(acc + 16 * v, _mm512_fmadd_ps(weight(c0, v, _mm512_load_ps(scales + 16 * v)), x0, a));
      }
    }
  };
  for (Eigen::Index k0 = 0; k0 < depth_total;) {
    const Eigen::Index block = k0 >> block_shift;
    const Eigen::Index k1 = std::min(depth_total, (block + 1) << block_shift);
    // The decoded value is round(u * R * s) either way (u * R is exact: it is the element's value), so where
    // R * s is finite (exact: both are powers of two or s is a float and R a power of two without overflow)
    // the product u * (R * s) rounds the same real number once: one multiply fewer per 16 weights.
    __mmask16 foldable = 0xffff;
    for (Eigen::Index v = 0; v < vectors; ++v) {
      __m512 s = decode_scales16<typename F::scale_type>(scale_codes + block * scale_rows + 16 * v);
      if constexpr (D::permuted) s = _mm512_maskz_permutexvar_ps(0xffff, to_nibble_order(), s);
      if constexpr (D::has_rescale) {
        const __m512 folded = _mm512_mul_ps(s, _mm512_set1_ps(D::rescale));
        foldable &= _mm512_cmp_ps_mask(_mm512_abs_ps(folded),
                                       _mm512_set1_ps(std::numeric_limits<float>::infinity()), _CMP_LT_OQ);
        s = folded;
      }
      _mm512_store_ps(scales + 16 * v, s);
    }
    if constexpr (D::has_rescale) {
      if (foldable == 0xffff) {
        run_block.template operator()<true>(k0, k1);
      } else {
        for (Eigen::Index v = 0; v < vectors; ++v) {  // back to the plain scales
          __m512 s = decode_scales16<typename F::scale_type>(scale_codes + block * scale_rows + 16 * v);
          _mm512_store_ps(scales + 16 * v, s);
        }
        run_block.template operator()<false>(k0, k1);
      }
    } else {
      run_block.template operator()<false>(k0, k1);
    }
    k0 = k1;
  }
  for (Eigen::Index v = 0; v < vectors; ++v) {
    __m512 a = _mm512_load_ps(acc + 16 * v);
    if constexpr (D::permuted) a = _mm512_maskz_permutexvar_ps(0xffff, from_nibble_order(), a);
    _mm512_storeu_ps(y + 16 * v, a);
  }
}

// Rows [0, m16) of C = qw * X, m16 a multiple of 16, weights decoded in registers.
template <class F>
void quantized_times_dense_registers(const quantized_matrix<F>& w, const float* xt, Eigen::Index n,
                                     Eigen::Index m16, float* c) {
  using D = register_decoder<F>;
  const D decoder;
  const Eigen::Index m = w.rows(), depth_total = w.cols(), scale_rows = w.scale_rows();
  const Eigen::Index column_bytes = w.padded_rows() * quantized_matrix<F>::storage_bits / 8;
  const int block_shift = std::countr_zero(unsigned(F::block_size));
  const auto* scale_codes = w.scale_codes().data();
  const std::uint8_t* codes = w.packed_codes().data();
  const Eigen::Index chunk = std::max<Eigen::Index>(register_chunk_depth, F::block_size);
  const Eigen::Index max_blocks = chunk / F::block_size + 1;
  // 64-byte aligned: one vector per entry.
  std::vector<float> scale_storage(static_cast<std::size_t>(max_blocks * register_panel_vectors * 16 + 16));
  float* scales =
      scale_storage.data() + (16 - (reinterpret_cast<std::uintptr_t>(scale_storage.data()) / 4) % 16) % 16;
  constexpr Eigen::Index panel_rows = 16 * register_panel_vectors;
  // Chunks of K outside, panels of rows inside: a chunk's columns are a few hundred pages (a column of 8-bit
  // codes is 4 KiB for 4096 rows), which the TLB holds while every panel of rows passes over them.
  for (Eigen::Index k0 = 0; k0 < depth_total; k0 += chunk) {
    const Eigen::Index k1 = std::min(depth_total, k0 + chunk);
    const Eigen::Index first_block = k0 >> block_shift, last_block = (k1 - 1) >> block_shift;
    for (Eigen::Index i0 = 0; i0 < m16; i0 += panel_rows) {
      const int vectors = int(std::min(panel_rows, m16 - i0) / 16);
      for (Eigen::Index b = first_block; b <= last_block; ++b) {
        for (int v = 0; v < vectors; ++v) {
          __m512 s = decode_scales16<typename F::scale_type>(scale_codes + b * scale_rows + i0 + 16 * v);
          if constexpr (D::permuted) s = _mm512_maskz_permutexvar_ps(0xffff, to_nibble_order(), s);
          _mm512_store_ps(scales + ((b - first_block) * register_panel_vectors + v) * 16, s);
        }
      }
      const register_panel<F> panel{w,
                                    decoder,
                                    codes + i0 * quantized_matrix<F>::storage_bits / 8,
                                    column_bytes,
                                    scales,
                                    first_block,
                                    block_shift,
                                    w.tensor_scale(),
                                    xt,
                                    n,
                                    m,
                                    c + i0};
      panel.run(vectors, k0, k1);
    }
  }
}

#endif  // LOWP_QUANTIZED_PRODUCT_AVX512

// C = qw * X (fp32 chains), X evaluated with contiguous columns.
template <class F>
Eigen::MatrixXf quantized_times_dense(const quantized_matrix<F>& w, const float_matrix_ref& x) {
  const Eigen::Index m = w.rows(), n = x.cols();
  Eigen::MatrixXf c(m, n);
  if (m == 0 || n == 0) return c;
  if (w.cols() == 0) {
    c.setZero();
    return c;
  }
  const Eigen::MatrixXf xt = x.transpose();  // depth-major operands
  Eigen::Index done = 0;
#if LOWP_QUANTIZED_PRODUCT_AVX512
  if constexpr (has_register_path<F>) {
    done = m / 16 * 16;
    if (done > 0 && n == 1) {
      quantized_times_vector_registers(w, xt.data(), done, c.data());
    } else if (done > 0) {
      quantized_times_dense_registers(w, xt.data(), n, done, c.data());
    }
  }
#endif
  if (done < m) quantized_times_dense_panels(w, xt.data(), n, done, m, c.data());
  return c;
}

// C = X * qb (fp32 chains).
template <class F>
Eigen::MatrixXf dense_times_quantized(const float_matrix_ref& x, const quantized_matrix<F>& b) {
  const Eigen::Index n = x.rows(), columns = b.cols();
  Eigen::MatrixXf c(n, columns);
  if (n == 0 || columns == 0) return c;
  if (b.rows() == 0) {
    c.setZero();
    return c;
  }
  dense_times_quantized_panels(x.data(), x.outerStride(), n, b, c.data());
  return c;
}

template <class Policy>
inline constexpr bool is_stochastic_policy = false;
template <class T>
inline constexpr bool is_stochastic_policy<accumulate<T>> =
    rounding::is_stochastic_v<typename accumulator_format<T>::rounding>;
template <class T, int N>
inline constexpr bool is_stochastic_policy<accumulate_chunked<T, N>> =
    rounding::is_stochastic_v<typename accumulator_format<T>::rounding>;

inline constexpr Eigen::Index policy_panel = 256;  // a multiple of 4 (dequantize_block's packing group)

}  // namespace detail

// C = qw * X with every C(i, j) accumulated under `Policy`: equals lowp::gemm(qw.dequantize(), X, policy).
// qw's blocks must run along K (its rows, or square tiles); X is any float Eigen expression.
template <class F, class DB, class Policy = accumulate<float>>
Eigen::MatrixXf gemm(const quantized_matrix<F>& a, const Eigen::MatrixBase<DB>& b, Policy policy = {}) {
  static_assert(detail::is_float_expression<DB>,
                "lowp::gemm: X must be a float Eigen expression (use .cast<float>() for others)");
  static_assert(is_accumulation_policy_v<Policy>,
                "lowp::gemm: the policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact");
  detail::check_quantized_times_dense("gemm", a, b.rows(), b.cols());
  if constexpr (std::is_same_v<Policy, accumulate<float>>) {
    return detail::quantized_times_dense(a, b.derived());
  } else if constexpr (detail::is_stochastic_policy<Policy>) {
    // Stochastic draws follow gemm's element order over the whole matrix: decode it whole.
    return gemm(a.dequantize(), b, policy);
  } else {
    // Each row of C depends on one row of A: panels of rows give the same elements.
    const Eigen::MatrixXf x = b;
    Eigen::MatrixXf c(a.rows(), x.cols());
    Eigen::MatrixXf panel;
    for (Eigen::Index i0 = 0; i0 < a.rows(); i0 += detail::policy_panel) {
      const Eigen::Index rows = std::min(detail::policy_panel, a.rows() - i0);
      panel.resize(rows, a.cols());
      a.dequantize_block(i0, 0, rows, a.cols(), panel.data(), rows);
      c.middleRows(i0, rows) = gemm(panel, x, policy);
    }
    return c;
  }
}

// C = X * qb under `Policy`: equals lowp::gemm(X, qb.dequantize(), policy). qb's blocks must run along K
// (its columns, or square tiles).
template <class DA, class F, class Policy = accumulate<float>>
Eigen::MatrixXf gemm(const Eigen::MatrixBase<DA>& a, const quantized_matrix<F>& b, Policy policy = {}) {
  static_assert(detail::is_float_expression<DA>,
                "lowp::gemm: X must be a float Eigen expression (use .cast<float>() for others)");
  static_assert(is_accumulation_policy_v<Policy>,
                "lowp::gemm: the policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact");
  detail::check_dense_times_quantized("gemm", a.rows(), a.cols(), b);
  if constexpr (std::is_same_v<Policy, accumulate<float>>) {
    return detail::dense_times_quantized(a.derived(), b);
  } else {
    // Columns of C in order, each from one panel of B's columns: gemm's element order (column by column) and
    // so its stochastic draws are kept.
    const Eigen::MatrixXf x = a;
    Eigen::MatrixXf c(x.rows(), b.cols());
    Eigen::MatrixXf panel;
    for (Eigen::Index j0 = 0; j0 < b.cols(); j0 += detail::policy_panel) {
      const Eigen::Index cols = std::min(detail::policy_panel, b.cols() - j0);
      panel.resize(b.rows(), cols);
      b.dequantize_block(0, j0, b.rows(), cols, panel.data(), b.rows());
      c.middleCols(j0, cols) = gemm(x, panel, policy);
    }
    return c;
  }
}

// The expression of `qw * X`, `X * qb` or `qa * qb`: evaluated when assigned (or when a larger expression
// needs its coefficients) by the lowp::gemm overload above, never by Eigen's own product. Quantized operands
// are held by reference; Eigen operands as Eigen nests them (plain matrices by reference, expressions by
// value), so the operands must outlive the expression.
template <class Lhs, class Rhs>
class quantized_product : public Eigen::ReturnByValue<quantized_product<Lhs, Rhs>> {
  template <class T>
  struct nested_type {
    using type = typename Eigen::internal::ref_selector<T>::type;
  };
  template <class F>
  struct nested_type<quantized_matrix<F>> {
    using type = const quantized_matrix<F>&;
  };
  template <class T>
  using nested = typename nested_type<T>::type;

 public:
  quantized_product(const Lhs& lhs, const Rhs& rhs) : lhs_(lhs), rhs_(rhs) {
    if constexpr (detail::is_quantized_matrix_v<Lhs> && detail::is_quantized_matrix_v<Rhs>) {
      // lowp::gemm checks and names both shapes; check now, where the product is written.
      if (lhs.cols() != rhs.rows()) {
        throw std::invalid_argument("lowp::operator*: A is " + detail::quantized_shape(lhs) + " but B is " +
                                    detail::quantized_shape(rhs) +
                                    "; A's column count must equal B's row count");
      }
    } else if constexpr (detail::is_quantized_matrix_v<Lhs>) {
      detail::check_quantized_times_dense("operator*", lhs, rhs.rows(), rhs.cols());
    } else {
      detail::check_dense_times_quantized("operator*", lhs.rows(), lhs.cols(), rhs);
    }
  }
  Eigen::Index rows() const noexcept { return lhs_.rows(); }
  Eigen::Index cols() const noexcept { return rhs_.cols(); }
  // The product, computed once into a new matrix (so `X = qw * X` is safe).
  Eigen::MatrixXf evaluate() const { return gemm(lhs_, rhs_); }
  template <class Dest>
  void evalTo(Dest& dst) const {
    // Copied, not moved: Eigen's evaluator of a nested product has already bound dst's storage.
    const Eigen::MatrixXf result = evaluate();
    dst = result;
  }

 private:
  nested<Lhs> lhs_;
  nested<Rhs> rhs_;
};

// qw * X: W4A16 and friends. X is any float Eigen expression.
template <class F, class D>
quantized_product<quantized_matrix<F>, D> operator*(const quantized_matrix<F>& w,
                                                    const Eigen::MatrixBase<D>& x) {
  static_assert(detail::is_float_expression<D>,
                "lowp: quantized_matrix * X needs a float Eigen expression (use .cast<float>() for others)");
  return {w, x.derived()};
}

// X * qb.
template <class D, class F>
quantized_product<D, quantized_matrix<F>> operator*(const Eigen::MatrixBase<D>& x,
                                                    const quantized_matrix<F>& b) {
  static_assert(detail::is_float_expression<D>,
                "lowp: X * quantized_matrix needs a float Eigen expression (use .cast<float>() for others)");
  return {x.derived(), b};
}

// qa * qb: lowp::gemm(qa, qb) (A blocked along rows, B along columns).
template <class FA, class FB>
quantized_product<quantized_matrix<FA>, quantized_matrix<FB>> operator*(const quantized_matrix<FA>& a,
                                                                        const quantized_matrix<FB>& b) {
  return {a, b};
}

}  // namespace lowp

namespace Eigen::internal {

template <class Lhs, class Rhs>
struct traits<lowp::quantized_product<Lhs, Rhs>> {
  using ReturnType = Eigen::MatrixXf;
};

// `Y += P` and `Y -= P` (noalias() or not): P is computed whole, then added, one fp32 operation per
// element, after the destination's shape is checked (Eigen only asserts it).
template <class Dst, class Lhs, class Rhs, class Functor>
requires(
    std::is_same_v<Functor, add_assign_op<float, float>> ||
    std::is_same_v<
        Functor,
        sub_assign_op<float, float>>) struct Assignment<Dst, ReturnByValue<lowp::quantized_product<Lhs, Rhs>>,
                                                        Functor, Dense2Dense, void> {
  static void run(Dst& dst, const ReturnByValue<lowp::quantized_product<Lhs, Rhs>>& expression,
                  const Functor&) {
    const auto& src = static_cast<const lowp::quantized_product<Lhs, Rhs>&>(expression);
    if (dst.rows() != src.rows() || dst.cols() != src.cols()) {
      throw std::invalid_argument(std::string("lowp: Y ") +
                                  (std::is_same_v<Functor, add_assign_op<float, float>> ? "+=" : "-=") +
                                  " A * B: Y is " + lowp::detail::shape_of(dst.rows(), dst.cols()) +
                                  " but A * B is " + lowp::detail::shape_of(src.rows(), src.cols()));
    }
    const Eigen::MatrixXf product = src.evaluate();
    if constexpr (std::is_same_v<Functor, add_assign_op<float, float>>) {
      dst += product;
    } else {
      dst -= product;
    }
  }
};

}  // namespace Eigen::internal
