// quantize / fake_quantize: a float matrix into a block-scaled format.
//
// Per block (BlockSize consecutive elements along the blocked axis; a partial last block is treated as
// padded with zeros), with amax the largest magnitude in the block:
//   power-of-two rules (MX): s from scale_rule.hpp, scale code s + 127; element = round(V / 2^s) in the
//       element format (rounding policy, default ties-to-even), saturated to +-max_elem. V / 2^s is one
//       exact float multiply. MXINT8's element is round(V / 2^s * 64) clipped to -127..127 (-128 unused).
//   amax_over_max (INT groups): scale S = round_Scale(amax / qmax) (ties-to-even, saturating at Scale's
//       max); element = round(V / S) (the exact quotient; one binary64 division, which cannot turn a
//       non-tie into a tie at these magnitudes) clipped to +-qmax; S == 0 gives zero codes.
//   nvfp4_two_level, in float32 exactly as NVIDIA TransformerEngine's reference (fl = one float32 rounding,
//       amax_t over the whole matrix):
//         ges = fl(2688 / amax_t) (amax_t = 0 -> 1; overflow -> FLT_MAX);  gd = fl(1 / ges)
//         ds = e4m3_rne(min(fl(amax_b * fl(ges * fl(1/6))), 448))
//         enc = min(fl(1 / fl(ds * gd)), FLT_MAX);  element = e2m1(clamp(fl(V * enc), -6, 6))
//       and the decoded value is fl(fl(element * ds) * gd).
// Non-finite input: a block holding a NaN or an Inf is poisoned: its scale code is the scale type's NaN
// (E8M0 0xFF, e4m3 0x7F, fp16/bf16/fp32 quiet NaN), its element codes are 0, and it decodes to NaN
// everywhere (OCP MX: a NaN scale makes every element of the block NaN). Other blocks are unaffected:
// NVFP4's amax_t is taken over the finite values only.
// Inputs: any dense Eigen expression of float or double; double is rounded to float first.
// Stochastic rounding draws one 32-bit word per element from the stream, indexed by the column-major
// element index (word i is word i % 4 of stream block first + i / 4), so results do not depend on the
// traversal order.
// With lowp::threads{n} the blocks are split over n threads by columns (whole blocks, or whole groups of
// columns that share scales); every code and scale is computed as on one thread, so the result is
// bit-identical for every n (stochastic words are indexed by element, and each thread draws those of its
// own columns).
#pragma once

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../arith/parallel_ranges.hpp"
#include "../core/lanes.hpp"
#include "../core/random.hpp"
#include "../core/round_to_format.hpp"
#include "../core/round_to_integer.hpp"
#include "../core/rounding.hpp"
#include "../float/round_to.hpp"
#include "quantized_matrix.hpp"

namespace lowp {

namespace detail {

// What the element encoder needs per row of the current column: the multiplier (or divisor) and whether
// the block is poisoned (mask 0) or not (mask 0xff).
struct row_scale {
  std::vector<float> factor;
  std::vector<std::uint32_t> keep;
  explicit row_scale(Eigen::Index rows) : factor(std::size_t(rows)), keep(std::size_t(rows)) {}
};

template <class Rounding>
inline constexpr bool integer_rounding_supported =
    std::is_same_v<Rounding, rounding::nearest_even> || std::is_same_v<Rounding, rounding::nearest_away> ||
    std::is_same_v<Rounding, rounding::toward_zero> || rounding::is_stochastic_v<Rounding>;

// Encodes one column: codes[r] for r < rows (codes beyond rows stay as they are). keep[r] is all ones, or
// zero in a poisoned block (its codes are 0).
template <class Element, class Rounding, bool Divide>
void encode_column(const float* x, const float* factor, const std::uint32_t* keep,
                   const std::uint32_t* random, Eigen::Index rows, std::uint8_t* codes) {
  using traits = element_traits<Element>;
  constexpr bool stochastic = rounding::is_stochastic_v<Rounding>;
  if constexpr (traits::is_integer) {
    static_assert(
        integer_rounding_supported<Rounding>,
        "quantize: integer elements support nearest_even, nearest_away, toward_zero and stochastic rounding");
    constexpr float limit = traits::max_integer;
    constexpr float unit = float(1 << traits::fraction_bits);
    constexpr std::uint32_t mask = (1u << traits::bits) - 1;
    if constexpr (!Divide && std::is_same_v<Rounding, rounding::nearest_even>) {
      // MX: two exact float multiplies (2^-s, then the element's 2^F) give |y| < 2^(Bits-1), and nearbyint
      // rounds ties to even in the default rounding mode, which lowp never changes. Vectorises.
      for (Eigen::Index r = 0; r < rows; ++r) {
        float q = std::nearbyint((x[r] * factor[r]) * unit);
        q = q > limit ? limit : q;
        q = q < -limit ? -limit : q;
        q = keep[r] != 0 ? q : 0.0f;  // also replaces the NaN of a poisoned block
        codes[r] = static_cast<std::uint8_t>(std::uint32_t(static_cast<std::int32_t>(q)) & mask);
      }
    } else if constexpr (Divide && std::is_same_v<Rounding, rounding::nearest_even>) {
      // Groups: the quotient rounded once to binary64 cannot create or break a tie at these magnitudes, so
      // nearbyint of it is the exact quotient rounded to nearest even.
      for (Eigen::Index r = 0; r < rows; ++r) {
        const double divisor = factor[r] != 0.0f ? double(factor[r]) : 1.0;
        double q = std::nearbyint(double(x[r]) / divisor);
        q = q > double(limit) ? double(limit) : q;
        q = q < -double(limit) ? -double(limit) : q;
        q = keep[r] != 0 ? q : 0.0;
        codes[r] = static_cast<std::uint8_t>(std::uint32_t(static_cast<std::int32_t>(q)) & mask);
      }
    } else {
      for (Eigen::Index r = 0; r < rows; ++r) {
        // Groups: the exact quotient rounded once to binary64 (which cannot create or break a tie here).
        // A poisoned block (NaN or Inf in it) gives code 0; its NaN never reaches the rounding, whose
        // conversion of a NaN fraction to an integer would be undefined.
        const double y = keep[r] == 0 ? 0.0
                         : Divide     ? (factor[r] != 0.0f ? double(x[r]) / double(factor[r]) : 0.0)
                                      : double(x[r] * factor[r]) * double(unit);
        double q = core::round_to_integer<Rounding>(y, stochastic ? random[r] : 0u);
        q = q > limit ? limit : q < -limit ? -limit : q;
        q = keep[r] != 0 && q == q ? q : 0.0;
        codes[r] = static_cast<std::uint8_t>(std::uint32_t(static_cast<std::int32_t>(q)) & mask);
      }
    }
  } else {
    using F = typename traits::format;
    Eigen::Index r = 0;
#if LOWP_HAS_VECTOR_EXTENSIONS
    using L = core::u32_lanes;
    constexpr Eigen::Index N = core::lane_count<L>;
    for (; r + N <= rows; r += N) {
      core::f32_lanes xs, fs;
      L ks, rnd{};
      std::memcpy(&xs, x + r, sizeof xs);
      std::memcpy(&fs, factor + r, sizeof fs);
      std::memcpy(&ks, keep + r, sizeof ks);
      if constexpr (stochastic) std::memcpy(&rnd, random + r, sizeof rnd);
      const L code = core::round_to_format<F, Rounding, overflow::saturate, float>((L)(xs * fs), rnd) & ks;
      core::store_narrowed(codes + r, code);
    }
#endif
    for (; r < rows; ++r) {
      const float y = x[r] * factor[r];
      const std::uint32_t code = core::round_to_format<F, Rounding, overflow::saturate, float>(
          std::bit_cast<std::uint32_t>(y), stochastic ? random[r] : 0u);
      codes[r] = static_cast<std::uint8_t>(code & keep[r]);
    }
  }
}

inline std::uint32_t magnitude_bits(float x) noexcept {
  return std::bit_cast<std::uint32_t>(x) & 0x7fffffffu;
}
inline constexpr std::uint32_t infinity_bits = 0x7f800000u;

// The scale of one block from its amax bits (sign cleared; >= infinity_bits means NaN/Inf inside).
template <class BF>
struct block_scaler {
  using S = typename BF::scale_type;
  using Rule = typename BF::rule;
  using traits = element_traits<typename BF::element_type>;
  using storage = typename scale_codec<S>::storage;

  float global_encode = 1.0f, global_decode = 1.0f;  // NVFP4's ges and gd

  struct result {
    storage code;
    float factor;  // multiplier (MX, NVFP4) or divisor (groups) applied to the elements
    bool keep;
  };

  result operator()(std::uint32_t amax_bits) const noexcept {
    if (amax_bits >= infinity_bits) return {scale_codec<S>::nan_code, 0.0f, false};
    if constexpr (scale_rule::is_power_of_two_v<Rule>) {
      constexpr float max_elem = float(traits::max);
      constexpr std::uint32_t max_significand =
          decompose_positive(std::bit_cast<std::uint32_t>(max_elem)).significand;
      const int s =
          shared_exponent<Rule>(amax_bits, traits::emax, traits::mantissa_bits, max_significand, max_elem);
      // 2^-s is a float for every s in [-127, 127] (2^-127 as a subnormal), so V * 2^-s is exact.
      return {storage(s + 127), std::bit_cast<float>(s == 127 ? 0x00400000u : std::uint32_t(127 - s) << 23),
              true};
    } else if constexpr (std::is_same_v<Rule, scale_rule::amax_over_max>) {
      const double quotient = double(std::bit_cast<float>(amax_bits)) / double(traits::max_integer);
      storage code;
      float scale;
      if constexpr (std::is_same_v<S, float>) {
        scale = static_cast<float>(quotient);  // binary64 then binary32: innocuous double rounding
        code = std::bit_cast<std::uint32_t>(scale);
      } else {
        using saturating = with_overflow<with_rounding<S, rounding::nearest_even>, overflow::saturate>;
        const saturating rounded = saturating::round_from(quotient);
        code = rounded.bits();
        scale = static_cast<float>(rounded);
      }
      return {code, scale, scale != 0.0f};
    } else {
      // NVFP4: ds = e4m3_rne(min(fl(amax_b * fl(ges * fl(1/6))), 448)).
      const float amax = std::bit_cast<float>(amax_bits);
      const float per_block = amax * (global_encode * (1.0f / 6.0f));
      const float clamped = per_block < 448.0f ? per_block : 448.0f;
      const auto ds = float8_e4m3fn::round_from(clamped);
      const float ds_value = static_cast<float>(ds);
      const float product = ds_value * global_decode;
      float encode = 1.0f / product;
      if (!(encode <= FLT_MAX)) encode = FLT_MAX;  // 1/0 = Inf
      return {storage(ds.bits()), encode, true};
    }
  }

  // The scales of n blocks at once (one per row of a row-blocked matrix): codes[i], factor[i], keep[i].
  void batch(const std::uint32_t* amax, Eigen::Index n, storage* codes, float* factor,
             std::uint32_t* keep) const {
    Eigen::Index i = 0;
#if LOWP_HAS_VECTOR_EXTENSIONS
    if constexpr (std::is_same_v<Rule, scale_rule::nvfp4_two_level>) {
      // The same float32 steps as operator(), over lanes: NVFP4 has a scale per 16 elements, so the scalar
      // e4m3 rounding would cost as much as the elements.
      using L = core::u32_lanes;
      using F = core::f32_lanes;
      using e4m3 = typename float8_e4m3fn::format;
      constexpr Eigen::Index N = core::lane_count<L>;
      const float ges_sixth = global_encode * (1.0f / 6.0f);
      const L limit = core::splat<L>(std::bit_cast<std::uint32_t>(448.0f));
      const L flt_max = core::splat<L>(std::bit_cast<std::uint32_t>(FLT_MAX));
      for (; i + N <= n; i += N) {
        L bits;
        std::memcpy(&bits, amax + i, sizeof bits);
        const L finite = core::select(bits < infinity_bits, core::splat<L>(~0u), core::splat<L>(0u));
        const F per_block = (F)bits * ges_sixth;
        const L clamped =
            core::select(per_block < 448.0f, (L)per_block, limit);  // NaN lanes are masked below
        const L ds_code =
            core::round_to_format<e4m3, rounding::nearest_even, overflow::ieee, float>(clamped, L{});
        const F product = (F)core::decode_format<e4m3, float>(ds_code) * global_decode;
        const F encode = 1.0f / product;
        const L factor_bits = core::select(encode <= FLT_MAX, (L)encode, flt_max) & finite;
        const L code = (ds_code & finite) | (core::splat<L>(scale_codec<S>::nan_code) & ~finite);
        std::memcpy(factor + i, &factor_bits, sizeof factor_bits);
        std::memcpy(keep + i, &finite, sizeof finite);
        core::store_narrowed(codes + i, code);
      }
    }
#endif
    for (; i < n; ++i) {
      const result s = (*this)(amax[i]);
      codes[i] = s.code;
      factor[i] = s.factor;
      keep[i] = s.keep ? ~0u : 0u;
    }
  }
};

// NVFP4's tensor scales from amax_t over the finite values.
inline void nvfp4_global_scales(float amax_t, float& encode, float& decode) noexcept {
  float ges = amax_t == 0.0f ? 1.0f : 2688.0f / amax_t;  // 2688 = 6 * 448
  if (!(ges <= FLT_MAX)) ges = FLT_MAX;
  encode = ges;
  decode = 1.0f / ges;
}

// The stochastic words of one column at a time, drawn where they are used (no n-word buffer, and each thread
// draws its own columns): word i of the matrix (column-major index) is word i % 4 of stream block
// first + i / 4, whichever thread asks for it.
class column_words {
 public:
  column_words(const sr_stream* stream, std::uint64_t first, Eigen::Index rows)
      : stream_(stream), first_(first), rows_(std::size_t(rows)) {
    if (stream_ != nullptr) words_.resize(rows_ + 2 * lanes + 4);
  }
  // The words of column c (nullptr without a stream).
  const std::uint32_t* of(Eigen::Index c) {
    if (stream_ == nullptr) return nullptr;
    const std::size_t start = std::size_t(c) * rows_, skip = start % 4;
    const std::uint64_t block = first_ + start / 4;
    std::size_t i = 0;
#if LOWP_HAS_VECTOR_EXTENSIONS
    philox_lanes draws(*stream_, block);
    for (; i < skip + rows_; i += lanes) {
      const core::u32_lanes next = draws.next();
      std::memcpy(words_.data() + i, &next, sizeof next);
    }
#else
    for (; i < skip + rows_; ++i) words_[i] = stream_->block(block + i / 4)[i % 4];
#endif
    return words_.data() + skip;
  }

 private:
#if LOWP_HAS_VECTOR_EXTENSIONS
  static constexpr std::size_t lanes = core::lane_count<core::u32_lanes>;
#else
  static constexpr std::size_t lanes = 1;
#endif
  const sr_stream* stream_;
  std::uint64_t first_;
  std::size_t rows_;
  std::vector<std::uint32_t> words_;
};

// Encodes column c of X into q with the current scales (`codes` is scratch of padded_rows() bytes).
template <class BF, class Rounding>
void encode_into(quantized_matrix<BF>& q, const Eigen::Ref<const Eigen::MatrixXf>& X, Eigen::Index c,
                 const row_scale& scale, column_words& random, std::vector<std::uint8_t>& codes) {
  constexpr bool divide = std::is_same_v<typename BF::rule, scale_rule::amax_over_max>;
  encode_column<typename BF::element_type, Rounding, divide>(
      X.col(c).data(), scale.factor.data(), scale.keep.data(), random.of(c), X.rows(), codes.data());
  quantized_matrix_writer::pack_column(q, c, codes.data());
}

template <class BF, class Rounding>
quantized_matrix<BF> quantize_matrix(const Eigen::Ref<const Eigen::MatrixXf>& X, block_axis axis,
                                     sr_stream* stream, threads workers) {
  static_assert(rounding::is_policy_v<Rounding>,
                "quantize: Rounding must be one of the lowp::rounding policies");
  constexpr bool stochastic = rounding::is_stochastic_v<Rounding>;
  constexpr Eigen::Index B = BF::block_size;
  constexpr Eigen::Index T = BF::tile_rows;
  const Eigen::Index rows = X.rows(), cols = X.cols();
  // Every column's codes are packed below; only the scale codes start zeroed.
  auto q = quantized_matrix_writer::to_be_packed<quantized_matrix<BF>>(rows, cols, axis);
  block_scaler<BF> scaler;

  if constexpr (BF::has_tensor_scale) {
    // The largest finite magnitude of each column (on the threads), then of the matrix: a max, so the order
    // does not matter.
    std::vector<std::uint32_t> column_max(static_cast<std::size_t>(cols));
    parallel_ranges(cols, workers, 8, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
      for (Eigen::Index c = first; c < last; ++c) {
        std::uint32_t m = 0;
        const float* x = X.col(c).data();
        Eigen::Index r = 0;
#if LOWP_HAS_VECTOR_EXTENSIONS
        using L = core::u32_lanes;
        constexpr Eigen::Index N = core::lane_count<L>;
        L lanes_max{};
        for (; r + N <= rows; r += N) {
          L bits;
          std::memcpy(&bits, x + r, sizeof bits);
          bits &= 0x7fffffffu;
          lanes_max =
              core::lane_max(lanes_max, core::select(bits < infinity_bits, bits, L{}));  // finite only
        }
        for (Eigen::Index j = 0; j < N; ++j) m = lanes_max[j] > m ? lanes_max[j] : m;
#endif
        for (; r < rows; ++r) {
          std::uint32_t bits = magnitude_bits(x[r]);
          bits = bits < infinity_bits ? bits : 0u;  // finite values only
          m = bits > m ? bits : m;
        }
        column_max[std::size_t(c)] = m;
      }
    });
    std::uint32_t m = 0;
    for (const std::uint32_t column : column_max) m = std::max(m, column);
    nvfp4_global_scales(std::bit_cast<float>(m), scaler.global_encode, scaler.global_decode);
    quantized_matrix_writer::set_tensor_scales(q, scaler.global_encode, scaler.global_decode);
  }

  // Stochastic rounding reserves one word per element up front; each column's words are drawn by the
  // thread that encodes it (column_words).
  const std::uint64_t first_block =
      stochastic ? stream->take_blocks((std::uint64_t(rows) * std::uint64_t(cols) + 3) / 4) : 0;
  const sr_stream* const words_from = stochastic ? stream : nullptr;

  auto& scale_codes = quantized_matrix_writer::scale_codes(q);
  const Eigen::Index scale_rows = q.scale_rows();

  if (T == 1 && axis == block_axis::row) {
    // Blocks run along rows: the amax of every row's block is a running max over the block's columns,
    // vectorised over the (contiguous) rows. Threads take whole blocks of columns.
    const Eigen::Index column_blocks = (cols + B - 1) / B;
    parallel_ranges(column_blocks, workers, 1, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
      row_scale scale(rows);
      column_words random(words_from, first_block, rows);
      std::vector<std::uint8_t> codes(std::size_t(q.padded_rows()), 0);
      std::vector<std::uint32_t> amax(static_cast<std::size_t>(rows));
      for (Eigen::Index b = first; b < last; ++b) {
        const Eigen::Index c0 = b * B, c1 = std::min(c0 + B, cols);
        std::fill(amax.begin(), amax.end(), 0u);
        for (Eigen::Index c = c0; c < c1; ++c) {
          const float* x = X.col(c).data();
          std::uint32_t* m = amax.data();
          for (Eigen::Index r = 0; r < rows; ++r) {
            const std::uint32_t bits = magnitude_bits(x[r]);
            m[r] = bits > m[r] ? bits : m[r];
          }
        }
        scaler.batch(amax.data(), rows, scale_codes.data() + b * scale_rows, scale.factor.data(),
                     scale.keep.data());
        for (Eigen::Index c = c0; c < c1; ++c) encode_into<BF, Rounding>(q, X, c, scale, random, codes);
      }
    });
  } else {
    // Blocks run down columns (or T x B tiles): the amax of every block of the column (or tile column),
    // then all their scales at once, spread over the rows they cover. Threads take whole groups of columns.
    constexpr Eigen::Index rows_per_scale = T == 1 ? B : T;
    const Eigen::Index block_rows = (rows + rows_per_scale - 1) / rows_per_scale;
    const Eigen::Index group = T == 1 ? 1 : B;  // columns that share the scales
    const Eigen::Index column_groups = (cols + group - 1) / group;
    parallel_ranges(column_groups, workers, T == 1 ? 8 : 1, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
      row_scale scale(rows);
      column_words random(words_from, first_block, rows);
      std::vector<std::uint8_t> codes(std::size_t(q.padded_rows()), 0);
      std::vector<std::uint32_t> block_amax(static_cast<std::size_t>(block_rows)),
          block_keep(block_amax.size());
      std::vector<float> block_factor(block_amax.size());
      for (Eigen::Index g = first; g < last; ++g) {
        const Eigen::Index c0 = g * group, c1 = std::min(c0 + group, cols);
        std::fill(block_amax.begin(), block_amax.end(), 0u);
        for (Eigen::Index c = c0; c < c1; ++c) {
          const float* x = X.col(c).data();
          for (Eigen::Index b = 0; b < block_rows; ++b) {
            const Eigen::Index r0 = b * rows_per_scale, r1 = std::min(r0 + rows_per_scale, rows);
            std::uint32_t m = 0;
            if (r1 - r0 == rows_per_scale) {
              for (Eigen::Index r = 0; r < rows_per_scale;
                   ++r) {  // a constant trip count: unrolled and vectorised
                const std::uint32_t bits = magnitude_bits(x[r0 + r]);
                m = bits > m ? bits : m;
              }
            } else {
              for (Eigen::Index r = r0; r < r1; ++r) {
                const std::uint32_t bits = magnitude_bits(x[r]);
                m = bits > m ? bits : m;
              }
            }
            block_amax[std::size_t(b)] = std::max(block_amax[std::size_t(b)], m);
          }
        }
        scaler.batch(block_amax.data(), block_rows, scale_codes.data() + g * scale_rows, block_factor.data(),
                     block_keep.data());
        for (Eigen::Index b = 0; b < block_rows; ++b) {  // block by block: a gather per row is slower
          const Eigen::Index r0 = b * rows_per_scale, r1 = std::min(r0 + rows_per_scale, rows);
          std::fill(scale.factor.begin() + r0, scale.factor.begin() + r1, block_factor[std::size_t(b)]);
          std::fill(scale.keep.begin() + r0, scale.keep.begin() + r1, block_keep[std::size_t(b)]);
        }
        for (Eigen::Index c = c0; c < c1; ++c) encode_into<BF, Rounding>(q, X, c, scale, random, codes);
      }
    });
  }
  return q;
}

template <class Derived>
Eigen::MatrixXf evaluate_as_float(const Eigen::DenseBase<Derived>& X) {
  Eigen::MatrixXf m(X.rows(), X.cols());
  m = X.derived().template cast<float>();
  return m;
}

template <class BF, class Rounding, class Derived>
quantized_matrix<BF> quantize_any(const Eigen::DenseBase<Derived>& X, block_axis axis, sr_stream* stream,
                                  threads workers) {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>,
                "quantize: the input must be an Eigen expression of float or double");
  static_assert(is_block_format_v<BF>, "quantize<F>: F must be a lowp::block_format (mxfp4, nvfp4, ...)");
  if (axis != block_axis::row && axis != block_axis::column) {
    throw std::invalid_argument("lowp::quantize: the axis must be block_axis::row or block_axis::column");
  }
  check_thread_count(workers, "quantize");
  if constexpr (std::is_same_v<Scalar, float> && std::is_base_of_v<Eigen::MatrixBase<Derived>, Derived>) {
    return quantize_matrix<BF, Rounding>(Eigen::Ref<const Eigen::MatrixXf>(X.derived()), axis, stream,
                                         workers);
  } else {
    return quantize_matrix<BF, Rounding>(evaluate_as_float(X), axis, stream, workers);
  }
}

}  // namespace detail

// X into the block format F, blocks along `axis`; Rounding is the elements' rounding policy (stochastic
// policies draw from the calling thread's stream, from `stream`, or from a fresh stream seeded with `seed`).
// threads{n}: the blocks on n threads, bit-identical to one thread.
template <class F, class Rounding = rounding::nearest_even, class Derived>
quantized_matrix<F> quantize(const Eigen::DenseBase<Derived>& X, block_axis axis, threads workers = {}) {
  return detail::quantize_any<F, Rounding>(X, axis, &core::thread_stream(), workers);
}
template <class F, class Rounding = rounding::nearest_even, class Derived>
quantized_matrix<F> quantize(const Eigen::DenseBase<Derived>& X, block_axis axis, sr_stream& stream,
                             threads workers = {}) {
  return detail::quantize_any<F, Rounding>(X, axis, &stream, workers);
}
template <class F, class Rounding = rounding::nearest_even, class Derived>
quantized_matrix<F> quantize(const Eigen::DenseBase<Derived>& X, block_axis axis, std::uint64_t seed,
                             threads workers = {}) {
  sr_stream stream(seed);
  return detail::quantize_any<F, Rounding>(X, axis, &stream, workers);
}

// quantize then dequantize: X as the block format represents it.
template <class F, class Rounding = rounding::nearest_even, class Derived>
Eigen::MatrixXf fake_quantize(const Eigen::DenseBase<Derived>& X, block_axis axis) {
  return quantize<F, Rounding>(X, axis).dequantize();
}
template <class F, class Rounding = rounding::nearest_even, class Derived>
Eigen::MatrixXf fake_quantize(const Eigen::DenseBase<Derived>& X, block_axis axis, sr_stream& stream) {
  return quantize<F, Rounding>(X, axis, stream).dequantize();
}
template <class F, class Rounding = rounding::nearest_even, class Derived>
Eigen::MatrixXf fake_quantize(const Eigen::DenseBase<Derived>& X, block_axis axis, std::uint64_t seed) {
  return quantize<F, Rounding>(X, axis, seed).dequantize();
}

}  // namespace lowp
