// lowp::mma::gemm<U>: D(i, j) = dot<U>(row i of A, column j of B, C(i, j)), bit for bit, for Eigen matrices
// of the unit's input types and for quantized_matrix operands of the block-scaled units.
//
// Every operand is decoded once (exponent, significand, sign). NVIDIA's fused units with an fp32 output then
// run 16 output columns side by side: the alignment, truncation and exact sum of a step are integer lane
// operations (32-bit lanes where the step's sum provably fits, 64-bit otherwise) that the compiler maps to
// AVX-512 or AVX2 where it targets them, and the one rounding per step is lane arithmetic too. Other units,
// and the outputs of rows or columns that hold NaN or Inf, take the scalar chain of dot.hpp.
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
#include <utility>
#include <vector>

#include <Eigen/Core>

#if defined(__AVX2__) || defined(__AVX512BW__)
#include <immintrin.h>
#endif

#include "../arith/parallel_ranges.hpp"
#include "../block/quantized_matrix.hpp"
#include "../core/written_later.hpp"
#include "../eigen.hpp"
#include "dot.hpp"

// Unrolling the per-product loops of the lane kernels by 4 gains about 10 % under GCC; nvcc's front end,
// which also reads this host-only header in .cu files, does not know the pragma (warning 1675).
#if defined(__GNUC__) && !defined(__CUDACC__)
#define LOWP_MMA_UNROLL_4 _Pragma("GCC unroll 4")
#else
#define LOWP_MMA_UNROLL_4
#endif

namespace lowp::mma {

namespace detail {

using lowp::detail::written_later;

inline std::string shape_text(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

[[noreturn]] inline void throw_gemm_shapes(const char* what, Eigen::Index r1, Eigen::Index c1,
                                           Eigen::Index r2, Eigen::Index c2) {
  throw std::invalid_argument(std::string("lowp::mma::gemm: ") + what + " (" + shape_text(r1, c1) + " and " +
                              shape_text(r2, c2) + ")");
}

inline void check_gemm_shapes(Eigen::Index ar, Eigen::Index ac, Eigen::Index br, Eigen::Index bc,
                              Eigen::Index cr, Eigen::Index cc) {
  if (ac != br) throw_gemm_shapes("the columns of a must match the rows of b", ar, ac, br, bc);
  if (cr != ar || cc != bc)
    throw_gemm_shapes("c must have the rows of a and the columns of b", cr, cc, ar, bc);
}

inline int promote_length(const promote_every* p) {
  if (p && p->k < 1)
    throw std::invalid_argument("lowp::mma::promote_every{k}: k must be at least 1, got " +
                                std::to_string(p->k));
  return p ? p->k : 0;
}

constexpr bool is_special(const operand& x) noexcept {
  return x.kind != operand_kind::finite;
}

// ---- The lane kernel of NV-FDA with an fp32-container output (fp32 or e8m13, toward zero) -----------------
template <class Algorithm>
inline constexpr bool has_lane_kernel = false;
template <int W, int N, int K>
inline constexpr bool has_lane_kernel<nv_fused_dot_add<W, N, output_grid<K, -126, 127, false>>> = true;

inline constexpr int lanes = 32;

// One step for all lanes: c (fp32 bit patterns, finite) in, rounded fp32 bit patterns out.
template <class Lane, int L, int N, int FC, int KeptFraction>
inline void lane_step(const std::int32_t* ea, const Lane* am, const Lane* as, const std::int32_t* eb,
                      const Lane* bm, const Lane* bs, int count, std::uint32_t* c) noexcept {
  constexpr int max_shift = int(sizeof(Lane) * 8 - 1);
  std::int32_t x[L], ce[L];
  Lane sum[L];
  for (int l = 0; l < L; ++l) {
    const std::int32_t field = std::int32_t((c[l] >> 23) & 0xff);
    ce[l] = std::max(field - 127, -126);
    x[l] = ce[l];
  }
  for (int k = 0; k < count; ++k) {
    for (int l = 0; l < L; ++l) x[l] = std::max(x[l], ea[k] + eb[k * L + l]);
  }
  for (int l = 0; l < L; ++l) {
    const std::int32_t field = std::int32_t((c[l] >> 23) & 0xff);
    const Lane m = Lane((c[l] & 0x7fffff) | (field != 0 ? 0x800000u : 0u));
    const int shift = N - FC - (x[l] - ce[l]);
    const Lane t = shift >= 0 ? Lane(m << std::min(shift, 16)) : Lane(m >> std::min(-shift, max_shift));
    const Lane s = Lane(-Lane(c[l] >> 31));
    sum[l] = (t ^ s) - s;
  }
  for (int k = 0; k < count; ++k) {
    const std::int32_t e = ea[k];
    const Lane m = am[k], s = as[k];
    for (int l = 0; l < L; ++l) {
      const int shift = std::min(x[l] - (e + eb[k * L + l]), max_shift);
      const Lane t = Lane(m * bm[k * L + l]) >> shift;
      const Lane sign = s ^ bs[k * L + l];
      sum[l] += (t ^ sign) - sign;
    }
  }
  // Round sum * 2^(x - N) toward zero to KeptFraction bits (subnormal grid 2^(-126 - KeptFraction)).
  for (int l = 0; l < L; ++l) {
    const std::int64_t t = sum[l];
    const std::uint64_t magnitude = std::uint64_t(t < 0 ? -t : t);
    const int scale = x[l] - N;
    const int top_bit = int(std::bit_cast<std::uint64_t>(double(magnitude)) >> 52) - 1023;
    const int top = top_bit + scale;
    const int grid = std::max(top - KeptFraction, -126 - KeptFraction);
    const int drop = std::max(grid - scale, 0);
    const std::uint64_t kept = magnitude >> drop;
    const double value = double(kept) * std::bit_cast<double>(std::uint64_t(scale + drop + 1023) << 52);
    std::uint32_t bits = std::bit_cast<std::uint32_t>(static_cast<float>(value));
    bits = top > 127 && magnitude != 0 ? 0x7f800000u : bits;
    c[l] = bits | (t < 0 && kept != 0 ? 0x80000000u : 0u);
  }
}

// FP8 units with 13-bit sums (Ada, Hopper): every product of two FP8 values and every aligned term fit a
// float exactly, so a term is one float multiply by 2^(n - X) and a conversion that truncates toward zero,
// and the e8m13 rounding is a mask on a float: 32 columns side by side (two AVX-512 vectors), 32-bit lanes.
typedef std::int32_t int_lanes __attribute__((vector_size(64)));
typedef float float_lanes __attribute__((vector_size(64)));
inline constexpr int vector_lanes = 16;
inline constexpr int vectors =
    lanes / vector_lanes;  // per step, so that each broadcast of A serves two vectors

// row_max + column_max[l] bounds every product exponent of the step: where it does not exceed E(c) in any
// lane, X = E(c) without looking at the products (the common case once the sum has grown).
typedef std::int16_t short_lanes __attribute__((vector_size(64)));  // the 32 columns' exponents in one vector
typedef std::int16_t half_short_lanes __attribute__((vector_size(32)));

template <int N>
inline void fp8_lane_step(const std::int16_t* ea, const float* av, const std::int16_t* eb, const float* bv,
                          int count, std::int32_t row_max, const std::int32_t* column_max,
                          std::uint32_t* c_bits) noexcept {
  static_assert(vectors == 2, "the exponent search holds the 32 columns in one vector of 16-bit lanes");
  int_lanes c[vectors], ce[vectors], x[vectors], sum[vectors];
  float_lanes scale[vectors];
  int_lanes exceeds{};
  half_short_lanes halves[vectors];
  for (int v = 0; v < vectors; ++v) {
    std::memcpy(&c[v], c_bits + v * vector_lanes, sizeof c[v]);
    const int_lanes field = (c[v] >> 23) & 0xff;
    ce[v] = field - 127 < -126 ? int_lanes{} - 126 : field - 127;
    x[v] = ce[v];
    int_lanes bound;
    std::memcpy(&bound, column_max + v * vector_lanes, sizeof bound);
    exceeds |= bound + row_max > ce[v];
    halves[v] = __builtin_convertvector(ce[v], half_short_lanes);
  }
  bool search = false;
  for (int l = 0; l < vector_lanes; ++l) search |= exceeds[l] != 0;
  if (search) {
    // Every exponent sum of FP8 operands (zeros: -126) fits 16 bits.
    short_lanes top;
    std::memcpy(&top, halves, sizeof top);
    LOWP_MMA_UNROLL_4
    for (int k = 0; k < count; ++k) {
      short_lanes e;
      std::memcpy(&e, eb + k * lanes, sizeof e);
      e += ea[k];
      top = e > top ? e : top;
    }
    std::memcpy(halves, &top, sizeof top);
    for (int v = 0; v < vectors; ++v) x[v] = __builtin_convertvector(halves[v], int_lanes);
  }
  for (int v = 0; v < vectors; ++v) {
    // The addend: its 24-bit significand shifted right by 23 - N + (X - E(c)) >= 10.
    const int_lanes field = (c[v] >> 23) & 0xff;
    const int_lanes cm = (c[v] & 0x7fffff) | (field != 0 ? int_lanes{} + 0x800000 : int_lanes{});
    int_lanes shift = 23 - N + (x[v] - ce[v]);
    shift = shift > 31 ? int_lanes{} + 31 : shift;
    sum[v] = cm >> shift;
    sum[v] = c[v] < 0 ? -sum[v] : sum[v];
    // 2^(N - X); no non-zero FP8 product lies below 2^-32, so X below -100 only matters for c.
    const int_lanes clamped = x[v] < -100 ? int_lanes{} - 100 : x[v];
    scale[v] = __builtin_bit_cast(float_lanes, (N - clamped + 127) << 23);
  }
  LOWP_MMA_UNROLL_4
  for (int k = 0; k < count; ++k) {
    for (int v = 0; v < vectors; ++v) {
      float_lanes b;
      std::memcpy(&b, bv + k * lanes + v * vector_lanes, sizeof b);
      sum[v] += __builtin_convertvector(b * scale[v] * av[k], int_lanes);
    }
  }
  for (int v = 0; v < vectors; ++v) {
    // sum * 2^(X - N) toward zero to 13 fraction bits; below 2^-126 on the grid 2^-139.
    const int_lanes negative = sum[v] < 0;
    int_lanes magnitude = negative ? -sum[v] : sum[v];
    int_lanes drop = -139 - (x[v] - N);
    drop = drop < 0 ? int_lanes{} : drop > 31 ? int_lanes{} + 31 : drop;
    magnitude = (magnitude >> drop) << drop;
    const float_lanes truncated = __builtin_bit_cast(
        float_lanes, __builtin_bit_cast(int_lanes, __builtin_convertvector(magnitude, float_lanes)) &
                         ~int_lanes{} << (23 - 13));
    const int_lanes power = x[v] - N + 127;  // 2^(X - N) >= 2^-139: a float, subnormal below 2^-126
    const float_lanes unit = __builtin_bit_cast(
        float_lanes, power > 0 ? power << 23 : (int_lanes{} + 0x400000) >> (int_lanes{} - power));
    const float_lanes value = truncated * unit;
    int_lanes bits = __builtin_bit_cast(int_lanes, value);
    bits = value == std::numeric_limits<float>::infinity() ? int_lanes{} + 0x7f800000 : bits;
    bits |= (negative & (magnitude != 0)) & (int_lanes{} + std::int32_t(0x80000000u));
    std::memcpy(c_bits + v * vector_lanes, &bits, sizeof bits);
  }
}

// Runs a unit of width W over rows [0, m) and the lane block of columns [j0, j0 + lanes) (columns past n are
// padding), from c to d, both column-major fp32 with leading dimension m. step(i, s, count, chain) advances
// the 16 accumulators `chain` (fp32 bit patterns, finite) by the products s .. s + count - 1 of row i.
template <int W, int L, class Step>
void lane_block(Eigen::Index m, Eigen::Index k, Eigen::Index j0, Eigen::Index n, const float* c, float* d,
                int promote, Step&& step) {
  const Eigen::Index columns = std::min<Eigen::Index>(L, n - j0);
  const Eigen::Index chunk = promote > 0 ? promote : std::max<Eigen::Index>(k, 1);
  for (Eigen::Index i = 0; i < m; ++i) {
    alignas(64) std::uint32_t acc[L], part[L];
    for (int l = 0; l < L; ++l) acc[l] = l < columns ? std::bit_cast<std::uint32_t>(c[i + (j0 + l) * m]) : 0u;
    for (Eigen::Index k0 = 0; k0 < k; k0 += chunk) {
      const Eigen::Index k1 = std::min(k, k0 + chunk);
      std::uint32_t* chain = promote > 0 ? part : acc;
      if (promote > 0) std::fill_n(part, L, 0u);
      for (Eigen::Index s = k0; s < k1; s += W) {
        const int count = int(std::min<Eigen::Index>(W, k1 - s));
        // A NaN or Inf accumulator stays so (the rows and columns here hold no special operand); the other
        // L go on.
        bool special = false;
        for (int l = 0; l < L; ++l) special |= (chain[l] & 0x7f800000u) == 0x7f800000u;
        std::uint32_t saved[L];
        if (special) {
          for (int l = 0; l < L; ++l) {
            saved[l] = chain[l];
            if ((chain[l] & 0x7f800000u) == 0x7f800000u) chain[l] = 0;
          }
        }
        step(i, s, count, chain);
        if (special) {
          for (int l = 0; l < L; ++l) {
            if ((saved[l] & 0x7f800000u) == 0x7f800000u) {
              chain[l] = (saved[l] & 0x7fffffu) ? nvidia_fp32_nan : saved[l];
            }
          }
        }
      }
      if (promote > 0) {
        for (int l = 0; l < L; ++l) {
          acc[l] = std::bit_cast<std::uint32_t>(
              promote_add(std::bit_cast<float>(acc[l]), std::bit_cast<float>(part[l])));
        }
      }
    }
    for (Eigen::Index l = 0; l < columns; ++l) d[i + (j0 + l) * m] = std::bit_cast<float>(acc[l]);
  }
}

template <class U>
constexpr bool lane_sum_fits_32_bits() {
  // Every product term is below 2^(n + 2) and the addend's below 2^(n + 1).
  return double(U::fused_width) * double(std::uint64_t(1) << (U::fraction_bits + 2)) +
             double(std::uint64_t(1) << (U::fraction_bits + 1)) <
         2147483648.0;
}

// The scalar chain of one output, with or without promotion.
template <class U, class Chain>
typename U::d_type chain_with_promotion(Chain&& chain, std::size_t k, typename U::d_type c, int promote) {
  if (promote <= 0) return chain(std::size_t(0), k, c);
  for (std::size_t k0 = 0; k0 < k; k0 += std::size_t(promote)) {
    if constexpr (std::is_same_v<typename U::d_type, float>) {
      c = promote_add(c, chain(k0, std::min(std::size_t(promote), k - k0), 0.0f));
    }
  }
  return c;
}

template <class U>
inline constexpr bool fp8_float_kernel = std::is_same_v<typename U::algorithm::output, e8m13_toward_zero>&&
    nvidia_fp8<typename U::a_type>&& nvidia_fp8<typename U::b_type>;

// The value of a finite decoded operand with F fraction bits, as a float (exact for the input formats).
template <int F>
float operand_value(const operand& x) noexcept {
  const float v = float(double(x.significand) * power_of_two(x.exponent - F));
  return x.negative ? -v : v;
}

// The lane path of gemm for NV-FDA units with an fp32-container output; specials are redone by the scalar
// chain.
template <class U, class Lane>
void fused_gemm(const Eigen::Matrix<typename U::a_type, -1, -1>& a,
                const Eigen::Matrix<typename U::b_type, -1, -1>& b, const float* c, float* d, int promote,
                threads workers) {
  const Eigen::Index m = a.rows(), k = a.cols(), n = b.cols();
  constexpr int fa = fraction_bits_of<typename U::a_type>, fb = fraction_bits_of<typename U::b_type>;
  constexpr int base = U::fraction_bits - fa - fb;  // products are aligned with a left shift of `base` first
  static_assert(base >= 0, "the lane kernel assumes n >= fa + fb");
  constexpr bool floats = fp8_float_kernel<U>;
  using Value = std::conditional_t<floats, float, Lane>;
  using Exponent = std::conditional_t<floats, std::int16_t, std::int32_t>;
  constexpr int L = floats ? lanes : 16;
  written_later<Exponent> ea(std::size_t(m * k));
  written_later<Value> am(ea.size());
  written_later<Lane> as(floats ? 0 : ea.size());
  std::vector<char> row_special(std::size_t(m), 0), column_special(std::size_t(n), 0);
  lowp::detail::parallel_ranges(m, workers, 8, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    for (Eigen::Index i = begin; i < end; ++i) {
      for (Eigen::Index q = 0; q < k; ++q) {
        const std::size_t at = std::size_t(i * k + q);
        const operand x = decode_operand(a(i, q));
        ea[at] = Exponent(x.exponent);
        if constexpr (floats) {
          am[at] = is_special(x) ? 0.0f : operand_value<fa>(x);
        } else {
          am[at] = Lane(Lane(x.significand) << base);
          as[at] = x.negative ? Lane(-1) : Lane(0);
        }
        row_special[std::size_t(i)] |= is_special(x);
      }
    }
  });
  // The steps lane_block will run ([start, start + count) in k, by promotion chunk), and per (row, step) the
  // largest exponent of A.
  std::vector<std::pair<Eigen::Index, Eigen::Index>> steps;
  std::vector<std::size_t> step_of(std::size_t(std::max<Eigen::Index>(k, 1)));
  std::vector<std::int32_t> row_max;
  if constexpr (floats) {
    const Eigen::Index chunk = promote > 0 ? promote : std::max<Eigen::Index>(k, 1);
    for (Eigen::Index k0 = 0; k0 < k; k0 += chunk) {
      for (Eigen::Index s = k0; s < std::min(k, k0 + chunk); s += U::fused_width) {
        step_of[std::size_t(s)] = steps.size();
        steps.emplace_back(s, std::min<Eigen::Index>(U::fused_width, std::min(k, k0 + chunk) - s));
      }
    }
    row_max.resize(std::size_t(m) * steps.size());
    lowp::detail::parallel_ranges(m, workers, 8, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      for (Eigen::Index i = begin; i < end; ++i) {
        for (std::size_t t = 0; t < steps.size(); ++t) {
          std::int32_t top = -(1 << 20);
          for (Eigen::Index q = steps[t].first; q < steps[t].first + steps[t].second; ++q) {
            top = std::max<std::int32_t>(top, ea[std::size_t(i * k + q)]);
          }
          row_max[std::size_t(i) * steps.size() + t] = top;
        }
      }
    });
  }
  const Eigen::Index blocks = (n + L - 1) / L;
  lowp::detail::parallel_ranges(blocks, workers, 1, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    std::vector<std::int32_t> column_max(floats ? steps.size() * L : 0);
    std::vector<Exponent> eb(std::size_t(k * L));
    std::vector<Value> bm(eb.size());
    std::vector<Lane> bs(floats ? 0 : eb.size());
    for (std::ptrdiff_t block = begin; block < end; ++block) {
      const Eigen::Index j0 = block * L;
      for (int l = 0; l < L; ++l) {
        for (Eigen::Index q = 0; q < k; ++q) {
          const std::size_t at = std::size_t(q * L + l);
          const operand x = j0 + l < n ? decode_operand(b(q, j0 + l)) : operand{};
          eb[at] = Exponent(x.exponent);
          if constexpr (floats) {
            bm[at] = is_special(x) ? 0.0f : operand_value<fb>(x);
          } else {
            bm[at] = Lane(x.significand);
            bs[at] = x.negative ? Lane(-1) : Lane(0);
          }
          if (j0 + l < n) column_special[std::size_t(j0 + l)] |= is_special(x);
        }
      }
      if constexpr (floats) {
        for (std::size_t t = 0; t < steps.size(); ++t) {
          for (int l = 0; l < L; ++l) {
            std::int32_t top = -(1 << 20);
            for (Eigen::Index q = steps[t].first; q < steps[t].first + steps[t].second; ++q) {
              top = std::max<std::int32_t>(top, eb[std::size_t(q * L + l)]);
            }
            column_max[t * L + std::size_t(l)] = top;
          }
        }
      }
      lane_block<U::fused_width, L>(
          m, k, j0, n, c, d, promote, [&](Eigen::Index i, Eigen::Index s, int count, std::uint32_t* chain) {
            const std::size_t at = std::size_t(i * k + s);
            if constexpr (floats) {
              const std::size_t t = step_of[std::size_t(s)];
              fp8_lane_step<U::fraction_bits>(
                  ea.data() + at, am.data() + at, eb.data() + s * L, bm.data() + s * L, count,
                  row_max[std::size_t(i) * steps.size() + t], column_max.data() + t * L, chain);
            } else {
              lane_step<Lane, L, U::fraction_bits, 23, U::algorithm::output::kept_fraction>(
                  ea.data() + at, am.data() + at, as.data() + at, eb.data() + s * L, bm.data() + s * L,
                  bs.data() + s * L, count, chain);
            }
          });
    }
  });
  // Rows and columns with NaN or Inf operands: the scalar chain (rare; the lane results there are void).
  // Checking every output is itself O(m n): on the threads, by columns.
  lowp::detail::parallel_ranges(n, workers, 8, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    std::vector<typename U::a_type> row(static_cast<std::size_t>(k));
    for (Eigen::Index j = begin; j < end; ++j) {
      for (Eigen::Index i = 0; i < m; ++i) {
        if (!row_special[std::size_t(i)] && !column_special[std::size_t(j)]) continue;
        for (Eigen::Index q = 0; q < k; ++q) row[std::size_t(q)] = a(i, q);
        const auto* y = b.data() + j * k;
        d[i + j * m] =
            chain_with_promotion<U>([&](std::size_t k0, std::size_t len,
                                        float acc) { return chain<U>(row.data() + k0, y + k0, len, acc); },
                                    std::size_t(k), c[i + j * m], promote);
      }
    }
  });
}

template <class U>
Eigen::Matrix<typename U::d_type, -1, -1> gemm_impl(const Eigen::Matrix<typename U::a_type, -1, -1>& a,
                                                    const Eigen::Matrix<typename U::b_type, -1, -1>& b,
                                                    const Eigen::Matrix<typename U::d_type, -1, -1>& c,
                                                    const promote_every* promotion, threads workers) {
  using A = typename U::a_type;
  using B = typename U::b_type;
  using D = typename U::d_type;
  using Algorithm = typename U::algorithm;
  check_gemm_shapes(a.rows(), a.cols(), b.rows(), b.cols(), c.rows(), c.cols());
  lowp::detail::check_thread_count(workers, "mma::gemm");
  const int promote = promote_length(promotion);
  if (promote > 0 && !std::is_same_v<D, float>) {
    throw std::invalid_argument("lowp::mma::promote_every needs a unit with D = float");
  }
  const Eigen::Index m = a.rows(), k = a.cols(), n = b.cols();
  Eigen::Matrix<D, -1, -1> d(m, n);
  if (m == 0 || n == 0) return d;
  if constexpr (std::is_same_v<Algorithm, fma_chain> || is_tree<Algorithm>) {
    // Values, not decoded operands: copy the rows of A once so that both operands are contiguous along k.
    const Eigen::Matrix<A, -1, -1, Eigen::RowMajor> rows = a;
    lowp::detail::parallel_ranges(n, workers, 1, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      for (Eigen::Index j = begin; j < end; ++j) {
        for (Eigen::Index i = 0; i < m; ++i) {
          const A* x = rows.data() + i * k;
          const B* y = b.data() + j * k;
          d(i, j) = chain_with_promotion<U>(
              [&](std::size_t k0, std::size_t len, D acc) { return chain<U>(x + k0, y + k0, len, acc); },
              std::size_t(k), c(i, j), promote);
        }
      }
    });
    return d;
  } else if constexpr (has_lane_kernel<Algorithm>) {
    using Lane = std::conditional_t<lane_sum_fits_32_bits<U>(), std::int32_t, std::int64_t>;
    fused_gemm<U, Lane>(a, b, c.data(), d.data(), promote, workers);
    return d;
  } else {
    written_later<operand> a_rows(std::size_t(m * k)), b_cols(std::size_t(k * n));
    lowp::detail::parallel_ranges(m, workers, 8, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      for (Eigen::Index i = begin; i < end; ++i) {
        for (Eigen::Index q = 0; q < k; ++q) a_rows[std::size_t(i * k + q)] = decode_operand(a(i, q));
      }
    });
    lowp::detail::parallel_ranges(n, workers, 8, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      for (Eigen::Index j = begin; j < end; ++j) {
        for (Eigen::Index q = 0; q < k; ++q) b_cols[std::size_t(j * k + q)] = decode_operand(b(q, j));
      }
    });
    lowp::detail::parallel_ranges(n, workers, 1, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      for (Eigen::Index j = begin; j < end; ++j) {
        for (Eigen::Index i = 0; i < m; ++i) {
          const operand* x = a_rows.data() + i * k;
          const operand* y = b_cols.data() + j * k;
          d(i, j) = chain_with_promotion<U>([&](std::size_t k0, std::size_t len,
                                                D acc) { return chain_decoded<U>(x + k0, y + k0, len, acc); },
                                            std::size_t(k), c(i, j), promote);
        }
      }
    });
    return d;
  }
}

// ---- Block-scaled units on quantized matrices ------------------------------------------------------------
// kind::mxf4 / mxf4nvf4 fp4_lanes: e2m1 values x 2 are integers up to 12 in magnitude, so a group sum of 16
// products is an exact 32-bit integer, computed two products at a time from 16-bit pairs (vpmaddwd); then
// the four group terms and c are aligned in 64-bit fp4_lanes and rounded toward zero, 16 columns at a time.
typedef std::int32_t sum_lanes __attribute__((vector_size(64)));
inline constexpr int fp4_lanes = 16;
typedef std::int64_t wide_lanes __attribute__((vector_size(64)));
typedef double double_lanes __attribute__((vector_size(64)));

// sum[l] += b[2l] * a0 + b[2l + 1] * a1 for the 16 fp4_lanes; a_pair holds a0 in its low and a1 in its high
// half.
inline void add_pair_products(sum_lanes& sum, const std::int16_t* b, std::int32_t a_pair) noexcept {
#if defined(__AVX512BW__)
  __m512i v;
  std::memcpy(&v, b, sizeof v);
  sum += __builtin_bit_cast(sum_lanes, _mm512_madd_epi16(v, _mm512_set1_epi32(a_pair)));
#elif defined(__AVX2__)
  __m256i lo, hi;
  std::memcpy(&lo, b, sizeof lo);
  std::memcpy(&hi, b + 16, sizeof hi);
  const __m256i a = _mm256_set1_epi32(a_pair);
  typedef std::int32_t half_lanes __attribute__((vector_size(32)));
  const half_lanes low = __builtin_bit_cast(half_lanes, _mm256_madd_epi16(lo, a));
  const half_lanes high = __builtin_bit_cast(half_lanes, _mm256_madd_epi16(hi, a));
  for (int l = 0; l < 8; ++l) {
    sum[l] += low[l];
    sum[l + 8] += high[l];
  }
#else
  const std::int32_t a0 = std::int16_t(a_pair & 0xffff), a1 = std::int16_t(a_pair >> 16);
  for (int l = 0; l < fp4_lanes; ++l) sum[l] += b[2 * l] * a0 + b[2 * l + 1] * a1;
#endif
}

// 8 consecutive int32 values widened to 64-bit lanes (out-parameters: a function that returns a vector type
// by value changes the ABI where AVX is off).
inline void widen(wide_lanes& out, const std::int32_t* p) noexcept {
  typedef std::int32_t half_lanes __attribute__((vector_size(32)));
  half_lanes loaded;
  std::memcpy(&loaded, p, sizeof loaded);
  out = __builtin_convertvector(loaded, wide_lanes);
}

// a_pairs: 32 pairs of values x 2 of the row (one step of 64); b_pairs: 32 x 16 pairs (k-pair major);
// group scale exponents / significands of the row (esa, msa: 4) and of the columns (esb, msb: 4 x 16).
template <int FS>
inline void fp4_lane_step(const std::int32_t* a_pairs, const std::int16_t* b_pairs, const std::int32_t* esa,
                          const std::int32_t* msa, const std::int32_t* esb, const std::int32_t* msb,
                          int groups, std::uint32_t* c_bits) noexcept {
  constexpr int n = 35;
  sum_lanes group_sum[4];
  for (int g = 0; g < groups; ++g) {
    group_sum[g] = sum_lanes{};
    for (int p = 8 * g; p < 8 * g + 8; ++p)
      add_pair_products(group_sum[g], b_pairs + p * 2 * fp4_lanes, a_pairs[p]);
  }
  typedef std::int32_t half_lanes __attribute__((vector_size(32)));
  typedef std::uint32_t half_bits __attribute__((vector_size(32)));
  typedef float half_floats __attribute__((vector_size(32)));
  constexpr int h = fp4_lanes / 2;

  for (int half = 0; half < 2; ++half) {
    half_bits c_half;
    std::memcpy(&c_half, c_bits + half * h, sizeof c_half);
    const wide_lanes c = __builtin_convertvector(c_half, wide_lanes);
    const wide_lanes field = (c >> 23) & 0xff;
    const wide_lanes ce = field - 127 < -126 ? wide_lanes{} - 126 : field - 127;
    wide_lanes x = ce, exponent[4], sums[4];
    for (int g = 0; g < groups; ++g) {
      widen(exponent[g], esb + g * fp4_lanes + half * h);
      exponent[g] += esa[g];
      for (int l = 0; l < h; ++l) sums[g][l] = group_sum[g][half * h + l];
      x = exponent[g] > x ? exponent[g] : x;
    }
    const wide_lanes cm = (c & 0x7fffff) | (field != 0 ? wide_lanes{} + 0x800000 : wide_lanes{});
    const wide_lanes c_right = x - ce - (n - 23);  // >= -(n - 23): a left shift when negative
    wide_lanes sum = c_right > 0 ? cm >> (c_right > 63 ? wide_lanes{} + 63 : c_right) : cm << -c_right;
    sum = (c & 0x80000000) != 0 ? -sum : sum;
    for (int g = 0; g < groups; ++g) {
      wide_lanes magnitude = sums[g] < 0 ? -sums[g] : sums[g];
      if constexpr (FS > 0) {
        wide_lanes mb;
        widen(mb, msb + g * fp4_lanes + half * h);
        magnitude *= mb * msa[g];
      }
      const wide_lanes right = x - exponent[g] - (n - 2 - 2 * FS);  // >= -(n - 2 - 2 FS)
      const wide_lanes t =
          right > 0 ? magnitude >> (right > 63 ? wide_lanes{} + 63 : right) : magnitude << -right;
      sum += sums[g] < 0 ? -t : t;
    }
    // sum * 2^(x - n) toward zero to fp32 (grid 2^-149 at the bottom).
    const wide_lanes negative = sum < 0;
    const wide_lanes magnitude = negative ? -sum : sum;
    const wide_lanes scale = x - n;
    const wide_lanes top =
        (__builtin_bit_cast(wide_lanes, __builtin_convertvector(magnitude, double_lanes)) >> 52) - 1023 +
        scale;
    wide_lanes drop = (top - 23 < -149 ? wide_lanes{} - 149 : top - 23) - scale;
    drop = drop < 0 ? wide_lanes{} : drop > 63 ? wide_lanes{} + 63 : drop;
    const wide_lanes kept = magnitude >> drop;
    const double_lanes value = __builtin_convertvector(kept, double_lanes) *
                               __builtin_bit_cast(double_lanes, (scale + drop + 1023) << 52);
    half_bits bits = __builtin_bit_cast(half_bits, __builtin_convertvector(value, half_floats));
    const half_lanes infinite = __builtin_convertvector((top > 127) & (magnitude != 0), half_lanes);
    const half_lanes sign = __builtin_convertvector(negative & (kept != 0), half_lanes);
    bits = infinite != 0 ? half_bits{} + 0x7f800000u : bits;
    bits |= __builtin_bit_cast(half_bits, sign) & 0x80000000u;
    std::memcpy(c_bits + half * h, &bits, sizeof bits);
  }
}

// The operands of a quantized matrix along K, decoded: A's rows (a blocked along rows) or B's columns.
template <class Format>
struct decoded_blocks {
  written_later<operand> elements;  // [line * k + q]
  written_later<operand> scales;    // [line * blocks + block]
  Eigen::Index lines = 0, k = 0, blocks = 0;
};
template <class Format>
decoded_blocks<Format> decode_blocks(const quantized_matrix<Format>& q, bool rows, threads workers) {
  using element = typename Format::element_type;
  using scale = typename Format::scale_type;
  decoded_blocks<Format> out;
  out.lines = rows ? q.rows() : q.cols();
  out.k = rows ? q.cols() : q.rows();
  out.blocks = (out.k + Format::block_size - 1) / Format::block_size;
  out.elements.resize(std::size_t(out.lines * out.k));
  out.scales.resize(std::size_t(out.lines * out.blocks));
  lowp::detail::parallel_ranges(out.lines, workers, 8, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    for (Eigen::Index line = begin; line < end; ++line) {
      for (Eigen::Index p = 0; p < out.k; ++p) {
        const Eigen::Index r = rows ? line : p, c = rows ? p : line;
        out.elements[std::size_t(line * out.k + p)] =
            decode_operand(element::from_bits(typename element::storage_type(q.code(r, c))));
        if (p % Format::block_size == 0) {
          out.scales[std::size_t(line * out.blocks + p / Format::block_size)] =
              decode_scale(scale::from_bits(typename scale::storage_type(q.scale_code(r, c))));
        }
      }
    }
  });
  return out;
}

// The scalar block chain of output (i, j), with or without promotion (k a multiple of the unit's step).
template <class U, class FA, class FB>
float block_chain_with_promotion(const decoded_blocks<FA>& a, const decoded_blocks<FB>& b, Eigen::Index i,
                                 Eigen::Index j, float c, int promote) {
  const Eigen::Index k = a.k;
  const operand* x = a.elements.data() + i * k;
  const operand* y = b.elements.data() + j * k;
  const operand* sx = a.scales.data() + i * a.blocks;
  const operand* sy = b.scales.data() + j * b.blocks;
  if (promote <= 0) return block_chain_decoded<U>(x, sx, y, sy, std::size_t(k), c);
  constexpr int block = U::block_size;
  for (Eigen::Index k0 = 0; k0 < k; k0 += promote) {
    const Eigen::Index len = std::min<Eigen::Index>(promote, k - k0);
    c = promote_add(
        c, block_chain_decoded<U>(x + k0, sx + k0 / block, y + k0, sy + k0 / block, std::size_t(len), 0.0f));
  }
  return c;
}

template <class U, class FA, class FB>
void fp4_gemm(const decoded_blocks<FA>& a, const decoded_blocks<FB>& b, Eigen::Index m, Eigen::Index k,
              Eigen::Index n, const float* c, float* d, int promote, threads workers) {
  constexpr int block = U::block_size, w = 64;
  constexpr int fs = scale_fraction_bits<typename U::a_scale>;
  const Eigen::Index blocks = a.blocks;
  const Eigen::Index steps = (k + w - 1) / w;
  const Eigen::Index kp = steps * w;  // k padded to whole steps with zeros
  auto times_two = [](const operand& x) {
    const int v = int(x.significand) << (x.significand ? x.exponent : 0);  // |x| * 2 for e2m1
    return std::int16_t(x.negative ? -v : v);
  };
  // Per step, the groups whose block exists; per (row, step, group) the row's scale.
  std::vector<int> groups(static_cast<std::size_t>(steps));
  for (Eigen::Index s = 0; s < steps; ++s) {
    int present = 0;
    for (int g = 0; g < 4; ++g) present += (s * w + 16 * g) / block < blocks;
    groups[std::size_t(s)] = present;
  }
  written_later<std::int32_t> a_pairs(std::size_t(m * kp / 2));  // each row zeroed by its thread below
  std::vector<std::int32_t> esa(std::size_t(m * steps * 4)), msa(esa.size());
  std::vector<char> a_nan(std::size_t(m), 0);
  lowp::detail::parallel_ranges(m, workers, 8, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    for (Eigen::Index i = begin; i < end; ++i) {
      std::fill_n(a_pairs.begin() + i * kp / 2, kp / 2, 0);
      for (Eigen::Index q = 0; q < k; ++q) {
        const std::uint32_t v = std::uint16_t(times_two(a.elements[std::size_t(i * k + q)]));
        a_pairs[std::size_t((i * kp + q) / 2)] |= std::int32_t(q % 2 ? v << 16 : v);
      }
      for (Eigen::Index s = 0; s < steps; ++s) {
        for (int g = 0; g < groups[std::size_t(s)]; ++g) {
          const operand& x = a.scales[std::size_t(i * blocks + (s * w + 16 * g) / block)];
          esa[std::size_t((i * steps + s) * 4 + g)] = x.exponent;
          msa[std::size_t((i * steps + s) * 4 + g)] = std::int32_t(x.significand);
          a_nan[std::size_t(i)] |= x.kind == operand_kind::nan;
        }
      }
    }
  });
  const Eigen::Index column_blocks = (n + fp4_lanes - 1) / fp4_lanes;
  std::vector<char> column_nan(std::size_t(n), 0);
  lowp::detail::parallel_ranges(column_blocks, workers, 1, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    std::vector<std::int16_t> b_pairs(std::size_t(kp * fp4_lanes));
    std::vector<std::int32_t> esb(std::size_t(steps * 4 * fp4_lanes)), msb(esb.size());
    for (std::ptrdiff_t cb = begin; cb < end; ++cb) {
      const Eigen::Index j0 = cb * fp4_lanes;
      const Eigen::Index columns = std::min<Eigen::Index>(fp4_lanes, n - j0);
      std::fill(b_pairs.begin(), b_pairs.end(), std::int16_t(0));
      for (int l = 0; l < columns; ++l) {
        const Eigen::Index j = j0 + l;
        for (Eigen::Index q = 0; q < k; ++q) {
          b_pairs[std::size_t((q / 2) * 2 * fp4_lanes + 2 * l + q % 2)] =
              times_two(b.elements[std::size_t(j * k + q)]);
        }
        for (Eigen::Index s = 0; s < steps; ++s) {
          for (int g = 0; g < groups[std::size_t(s)]; ++g) {
            const operand& x = b.scales[std::size_t(j * blocks + (s * w + 16 * g) / block)];
            esb[std::size_t((s * 4 + g) * fp4_lanes + l)] = x.exponent;
            msb[std::size_t((s * 4 + g) * fp4_lanes + l)] = std::int32_t(x.significand);
            column_nan[std::size_t(j)] |= x.kind == operand_kind::nan;
          }
        }
      }
      lane_block<w, fp4_lanes>(
          m, k, j0, n, c, d, promote, [&](Eigen::Index i, Eigen::Index s, int, std::uint32_t* chain) {
            const Eigen::Index step = s / w;
            const std::size_t at = std::size_t((i * steps + step) * 4);
            fp4_lane_step<fs>(a_pairs.data() + (i * kp + s) / 2, b_pairs.data() + s * fp4_lanes,
                              esa.data() + at, msa.data() + at, esb.data() + step * 4 * fp4_lanes,
                              msb.data() + step * 4 * fp4_lanes, groups[std::size_t(step)], chain);
          });
    }
  });
  // Outputs whose row or column has a NaN scale: the scalar chain.
  lowp::detail::parallel_ranges(n, workers, 8, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    for (Eigen::Index j = begin; j < end; ++j) {
      for (Eigen::Index i = 0; i < m; ++i) {
        if (!column_nan[std::size_t(j)] && !a_nan[std::size_t(i)]) continue;
        d[i + j * m] = block_chain_with_promotion<U>(a, b, i, j, c[i + j * m], promote);
      }
    }
  });
}

}  // namespace detail

// D = the unit's product A * B + C, each output the chain of dot<U>.
template <class U>
requires(!U::block_scaled) Eigen::Matrix<typename U::d_type, -1, -1> gemm(
    const Eigen::Matrix<typename U::a_type, -1, -1>& a, const Eigen::Matrix<typename U::b_type, -1, -1>& b,
    const Eigen::Matrix<typename U::d_type, -1, -1>& c, threads workers = threads{1}) {
  return detail::gemm_impl<U>(a, b, c, nullptr, workers);
}
namespace detail {

template <class U, class FA, class FB>
Eigen::MatrixXf block_gemm_impl(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b,
                                const Eigen::MatrixXf& c, const promote_every* promotion, threads workers) {
  static_assert(std::is_same_v<FA, typename U::a_type> && std::is_same_v<FB, typename U::b_type>,
                "lowp::mma::gemm<U>: the quantized matrices must have the unit's block formats");
  check_gemm_shapes(a.rows(), a.cols(), b.rows(), b.cols(), c.rows(), c.cols());
  lowp::detail::check_thread_count(workers, "mma::gemm");
  if (FA::tile_rows == 1 && a.axis() != block_axis::row) {
    throw std::invalid_argument(
        "lowp::mma::gemm: a must be blocked along its rows (block_axis::row), the K "
        "dimension of A * B");
  }
  if (FB::tile_rows == 1 && b.axis() != block_axis::column) {
    throw std::invalid_argument(
        "lowp::mma::gemm: b must be blocked along its columns (block_axis::column), the "
        "K dimension of A * B");
  }
  const int promote = promote_length(promotion);
  constexpr int step = std::is_same_v<typename U::algorithm, nv_fp4_groups> ? 64 : 32;
  if (promote % step != 0) {
    throw std::invalid_argument("lowp::mma::promote_every{" + std::to_string(promote) +
                                "}: a block-scaled unit restarts only at whole steps of " +
                                std::to_string(step) + " products");
  }
  const Eigen::Index m = a.rows(), k = a.cols(), n = b.cols();
  Eigen::MatrixXf d(m, n);
  if (m == 0 || n == 0) return d;
  const auto rows = decode_blocks(a, true, workers);
  const auto columns = decode_blocks(b, false, workers);
  // NVFP4: the unit runs from +0 on the codes and block scales; the tensor scales and c come in the
  // epilogue D = alpha * P + C.
  constexpr bool epilogue = FA::has_tensor_scale || FB::has_tensor_scale;
  const Eigen::MatrixXf zero = epilogue ? Eigen::MatrixXf::Zero(m, n) : Eigen::MatrixXf();
  const float* start = epilogue ? zero.data() : c.data();
  if constexpr (std::is_same_v<typename U::algorithm, nv_fp4_groups>) {
    fp4_gemm<U>(rows, columns, m, k, n, start, d.data(), promote, workers);
  } else {
    lowp::detail::parallel_ranges(n, workers, 1, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      for (Eigen::Index j = begin; j < end; ++j) {
        for (Eigen::Index i = 0; i < m; ++i) {
          d(i, j) = block_chain_with_promotion<U>(rows, columns, i, j, start[i + j * m], promote);
        }
      }
    });
  }
  if constexpr (epilogue) {
    const float alpha = a.tensor_scale() * b.tensor_scale();
    lowp::detail::parallel_ranges(d.size(), workers, 1024, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      for (Eigen::Index i = begin; i < end; ++i) {
        const float v = float(double(alpha) * double(d.data()[i]));  // exact in double: one fp32 rounding
        d.data()[i] = promote_add(v, c.data()[i]);
      }
    });
  }
  return d;
}

}  // namespace detail

// Block-scaled units: a blocked along rows, b along columns (the K dimension), D = the unit's chains from C;
// NVFP4's tensor scales are applied after the unit: D = fl32(fl32(ta * tb) * P + C), P the chain from +0.
template <class U, class FA, class FB>
requires U::block_scaled Eigen::MatrixXf gemm(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b,
                                              const Eigen::MatrixXf& c, threads workers = threads{1}) {
  return detail::block_gemm_impl<U>(a, b, c, nullptr, workers);
}
template <class U, class FA, class FB>
requires U::block_scaled Eigen::MatrixXf gemm(const quantized_matrix<FA>& a, const quantized_matrix<FB>& b,
                                              const Eigen::MatrixXf& c, promote_every p,
                                              threads workers = threads{1}) {
  return detail::block_gemm_impl<U>(a, b, c, &p, workers);
}

template <class U>
requires(!U::block_scaled) Eigen::Matrix<typename U::d_type, -1, -1> gemm(
    const Eigen::Matrix<typename U::a_type, -1, -1>& a, const Eigen::Matrix<typename U::b_type, -1, -1>& b,
    const Eigen::Matrix<typename U::d_type, -1, -1>& c, promote_every p, threads workers = threads{1}) {
  return detail::gemm_impl<U>(a, b, c, &p, workers);
}

}  // namespace lowp::mma
