// lowp::gemm and lowp::dot on float inputs under an accumulation policy (accumulate.hpp): products exact,
// sums sequential along K from +0, one rounding per step into the policy's type; bit-reproducible.
//
// Every path computes exactly what accumulator<Policy> defines, element by element:
// - accumulate<float> (the default): a cache-blocked fma GEMM (blocked_gemm.hpp), each C(i,j) the chain
//   s = fma(A(i,k), B(k,j), s) for k = 0 .. K-1 from +0. Not Eigen's kernel, whose order is its own, so
//   results are bit-reproducible and equal lowp::dot of row i and column j.
// - accumulate<T> and accumulate_chunked<T, N> with a deterministic rounding policy: vectorised across rows
//   of C (each C(i,j) is its own sequential chain) in binary64 lanes: the product is exact, the sum is
//   rounded to odd and then into T by core::round_to_format.
// - T with stochastic rounding, and accumulate_exact: the scalar accumulator, element by element in the
//   order j (columns), then i (rows), then k; stochastic draws follow that order from the calling thread's
//   stream.
// lowp::threads{n} splits C's columns over n threads; every path but the stochastic one computes each C(i,j)
// independently of the others, so results are bit-identical for every n. Stochastic accumulators draw from
// the calling thread's stream in the order above, so they run on the calling thread alone whatever n is.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../core/lanes.hpp"
#include "../core/round_float_value.hpp"
#include "../core/round_to_format.hpp"
#include "../float/float_format.hpp"
#include "accumulate.hpp"
#include "blocked_gemm.hpp"
#include "parallel_ranges.hpp"

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__FMA__) || defined(__AVX512F__))
#include <immintrin.h>
#endif

namespace lowp {

namespace detail {

inline std::string shape_string(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

inline void check_product_shapes(const char* function, Eigen::Index a_rows, Eigen::Index a_cols,
                                 Eigen::Index b_rows, Eigen::Index b_cols) {
  if (a_cols != b_rows) {
    throw std::invalid_argument(std::string("lowp::") + function + ": A is " + shape_string(a_rows, a_cols) +
                                " but B is " + shape_string(b_rows, b_cols) +
                                " (A's column count must equal B's row count)");
  }
}

template <class Derived>
inline constexpr bool is_float_expression = std::is_same_v<typename Derived::Scalar, float>;

// C = A * B one element at a time through accumulator<Policy>: the definition every fast path reproduces.
template <class Policy>
Eigen::MatrixXf gemm_reference(const float_matrix_ref& a, const float_matrix_ref& b) {
  Eigen::MatrixXf c(a.rows(), b.cols());
  for (Eigen::Index j = 0; j < b.cols(); ++j) {
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      accumulator<Policy> sum;
      for (Eigen::Index k = 0; k < a.cols(); ++k) sum.add(a(i, k), b(k, j));
      c(i, j) = sum.result();
    }
  }
  return c;
}

// a * b + c per lane, one rounding (the fused instruction where the target has one).
inline core::f32_lanes fma_lanes(core::f32_lanes a, core::f32_lanes b, core::f32_lanes c) {
#if LOWP_HAS_VECTOR_EXTENSIONS && defined(__AVX512F__) && defined(__AVX512BW__)
  return (core::f32_lanes)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
#elif LOWP_HAS_VECTOR_EXTENSIONS && defined(__AVX2__) && defined(__FMA__)
  return (core::f32_lanes)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
#elif LOWP_HAS_VECTOR_EXTENSIONS && defined(__FMA__) && !defined(__AVX2__)
  return (core::f32_lanes)_mm_fmadd_ps((__m128)a, (__m128)b, (__m128)c);
#elif LOWP_HAS_VECTOR_EXTENSIONS
  core::f32_lanes r = c;
  for (int l = 0; l < core::lane_count<core::f32_lanes>; ++l) r[l] = std::fma(a[l], b[l], c[l]);
  return r;
#else
  return std::fma(a, b, c);
#endif
}

// accumulate<float> in blocked_gemm: the packed patterns are the floats themselves.
struct fma_gemm_kernel {
  static constexpr int tile_columns = gemm_vector_lanes >= 16 ? 12 : 6;
  static std::uint32_t pack_a(float x) { return std::bit_cast<std::uint32_t>(x); }
  static std::uint32_t pack_b(float x) { return std::bit_cast<std::uint32_t>(x); }
  static std::uint32_t magnitude(float) { return 0; }
  static constexpr std::uint32_t padding_a = 0, padding_b = 0;
  static constexpr bool has_zero_modes = false;
  static tile_mode choose_mode(panel_range, panel_range) { return tile_mode::unchecked; }
  template <bool>
  static core::f32_lanes step(core::f32_lanes sum, core::u32_lanes a, std::uint32_t b) {
    // Broadcast as integers: splat<f32_lanes> is `0.0f + b`, an addition the compiler must keep (-0 + 0).
    return fma_lanes(core::float_of<core::f32_lanes>(a),
                     core::float_of<core::f32_lanes>(core::splat<core::u32_lanes>(b)), sum);
  }
};

// The float format descriptor of binary32, so that accumulate<float> steps can share the lane kernel.
using binary32_format = float_format<8, 23>;

template <class T>
struct accumulator_format {
  using format = typename T::format;
  using rounding = typename T::rounding_policy;
  using overflow = typename T::overflow_policy;
};
template <>
struct accumulator_format<float> {
  using format = binary32_format;
  using rounding = lowp::rounding::nearest_even;
  using overflow = lowp::overflow::ieee;
};

template <class T>
inline constexpr bool has_deterministic_rounding =
    !rounding::is_stochastic_v<typename accumulator_format<T>::rounding>;

// Formats whose nearest-even rounding has the value form core::round_float_value_nearest_even (float lanes).
template <class T>
inline constexpr bool has_float_value_rounding = [] {
  using F = accumulator_format<T>;
  using Format = typename F::format;
  return std::is_same_v<typename F::rounding, rounding::nearest_even> && Format::mantissa_bits <= 22 &&
         Format::has_subnormals && core::fits_lanes_of<Format, float>;
}();

// accumulate_step<T> over binary64 lanes. The exact sum x = s + p is a TwoSum pair (sum, error).
// Formats of at most 22 mantissa bits under nearest_even: x rounded to odd at float's 24 bits, then to T by
// the float value form of the kernel (round-to-odd at p + 2 or more bits, then nearest, is the nearest
// rounding of x: Boldo and Melquiond; the odd float also keeps x's side of every T midpoint in float's
// subnormal range, which lies 2^-13 or more below every such format's quantum). Every other T: x rounded
// to odd in binary64, then the rounding kernel into T's code and back, as T::round_from and double(T) do
// (for float itself, the hardware conversion, which is that rounding).
template <class T>
inline core::f64_lanes accumulate_step_lanes(core::f64_lanes s, core::f64_lanes p) {
  using L = core::u64_lanes;
  using F = accumulator_format<T>;
  const core::f64_lanes sum = s + p;
  const core::f64_lanes b_virtual = sum - s;
  const core::f64_lanes a_virtual = sum - b_virtual;
  const core::f64_lanes error = (s - a_virtual) + (p - b_virtual);
  typedef float narrow_f __attribute__((vector_size(sizeof(core::f64_lanes) / 2)));
  if constexpr (has_float_value_rounding<T>) {
    typedef std::uint32_t narrow_u __attribute__((vector_size(sizeof(core::f64_lanes) / 2)));
    typedef std::int32_t narrow_i __attribute__((vector_size(sizeof(core::f64_lanes) / 2)));
    const narrow_f nearest = __builtin_convertvector(sum, narrow_f);
    // x - nearest, exactly signed: sum - nearest is exact, and adding error keeps the sign of the total.
    const core::f64_lanes residual = (sum - __builtin_convertvector(nearest, core::f64_lanes)) + error;
    const core::f64_lanes one = core::splat<core::f64_lanes>(1.0), zero = core::splat<core::f64_lanes>(0.0);
    const narrow_f side = __builtin_convertvector(
        core::select(residual > 0.0, one, core::select(residual < 0.0, -one, zero)), narrow_f);
    narrow_u bits = (narrow_u)nearest;
    const narrow_u magnitude = bits & 0x7fffffffu;
    // Inexact, finite, nonzero and even: one float ulp toward x. (A zero stays: x is then below 2^-149,
    // where every such format rounds to zero with x's sign; Inf stays: x is then beyond every such max.)
    const auto needs_odd = (side != 0.0f) & (magnitude - 1u < 0x7f7fffffu) & ((bits & 1u) == 0u);
    const auto toward_larger_magnitude = (side > 0.0f) == ((bits >> 31) == 0u);
    bits = bits + (narrow_u)core::select(needs_odd,
                                         core::select(toward_larger_magnitude, core::splat<narrow_i>(1),
                                                      core::splat<narrow_i>(-1)),
                                         core::splat<narrow_i>(0));
    const narrow_f rounded =
        core::round_float_value_nearest_even<typename F::format, typename F::overflow, narrow_f, narrow_u>(
            (narrow_f)bits);
    return __builtin_convertvector(rounded, core::f64_lanes);
  }
  L bits = (L)sum;
  const L exponent_field = bits & 0x7ff0000000000000u;
  // Inexact (and finite): step one ulp toward the exact value when the nearest result is even.
  const auto needs_odd = (error != 0.0) & (exponent_field != 0x7ff0000000000000u) & ((bits & 1u) == 0u);
  const auto toward_larger_magnitude = (error > 0.0) == ((bits >> 63) == 0u);
  bits = bits + core::select(needs_odd,
                             core::select(toward_larger_magnitude, core::splat<L>(1),
                                          core::splat<L>(~std::uint64_t(0))),
                             core::splat<L>(0));
  if constexpr (std::is_same_v<T, float>) {
    // binary32: the hardware conversion rounds to nearest even, once, from the odd binary64 value.
    return __builtin_convertvector(__builtin_convertvector((core::f64_lanes)bits, narrow_f), core::f64_lanes);
  } else {
    const L code =
        core::round_to_format<typename F::format, typename F::rounding, typename F::overflow, double>(bits,
                                                                                                      L{});
    return (core::f64_lanes)core::decode_format<typename F::format, double>(code);
  }
}

template <class Policy>
struct policy_traits;
template <class T>
struct policy_traits<accumulate<T>> {
  using type = T;
  static constexpr Eigen::Index chunk = 0;  // one chain over all of K
};
template <class T, int N>
struct policy_traits<accumulate_chunked<T, N>> {
  using type = T;
  static constexpr Eigen::Index chunk = N;
};

// accumulate<T> / accumulate_chunked<T, N> vectorised across rows: a tile of one binary64 vector of rows by
// `tile` columns is `tile` independent chains per lane, which hides the long latency of one step.
template <class Policy>
Eigen::MatrixXf policy_gemm_lanes(const float_matrix_ref& a, const float_matrix_ref& b) {
  using Eigen::Index;
  using T = typename policy_traits<Policy>::type;
  constexpr Index chunk = policy_traits<Policy>::chunk;
  constexpr int V = core::lane_count<core::f64_lanes>;
  constexpr int tile = 4;
  const Index m = a.rows(), n = b.cols(), depth = a.cols();
  Eigen::MatrixXf c(m, n);
  std::vector<double> panel(static_cast<std::size_t>(depth * V));
  for (Index i0 = 0; i0 < m; i0 += V) {
    const Index rows = std::min<Index>(V, m - i0);
    // A's rows i0 .. i0+V as binary64, k-major; missing rows padded with zeros (and discarded).
    for (Index k = 0; k < depth; ++k) {
      for (Index l = 0; l < V; ++l) panel[k * V + l] = l < rows ? static_cast<double>(a(i0 + l, k)) : 0.0;
    }
    for (Index j0 = 0; j0 < n; j0 += tile) {
      const Index cols = std::min<Index>(tile, n - j0);
      core::f64_lanes sum[tile];
      float total[tile][V];
      for (int t = 0; t < tile; ++t) {
        sum[t] = core::splat<core::f64_lanes>(0.0);
        for (int l = 0; l < V; ++l) total[t][l] = 0.0f;
      }
      const float* b_col[tile];
      for (int t = 0; t < tile; ++t)
        b_col[t] = b.data() + (j0 + std::min<Index>(t, cols - 1)) * b.outerStride();
      Index in_chunk = 0;
      for (Index k = 0; k < depth; ++k) {
        core::f64_lanes a_k;
        std::memcpy(&a_k, panel.data() + k * V, sizeof a_k);
        for (int t = 0; t < tile; ++t) {
          const auto b_k = (core::f64_lanes)core::splat<core::u64_lanes>(
              std::bit_cast<std::uint64_t>(double(b_col[t][k])));
          sum[t] = accumulate_step_lanes<T>(sum[t], a_k * b_k);
        }
        if constexpr (chunk != 0) {
          if (++in_chunk == chunk) {
            for (int t = 0; t < tile; ++t) {
              for (int l = 0; l < V; ++l) total[t][l] += static_cast<float>(sum[t][l]);
              sum[t] = core::splat<core::f64_lanes>(0.0);
            }
            in_chunk = 0;
          }
        }
      }
      for (Index t = 0; t < cols; ++t) {
        for (Index l = 0; l < rows; ++l) {
          // accumulate<T>: the chain's value; chunked: the total plus the final partial chunk, if any.
          c(i0 + l, j0 + t) = chunk == 0      ? static_cast<float>(sum[t][l])
                              : in_chunk == 0 ? total[t][l]
                                              : total[t][l] + static_cast<float>(sum[t][l]);
        }
      }
    }
  }
  return c;
}

template <class Policy>
Eigen::MatrixXf gemm_one_thread(const float_matrix_ref& a, const float_matrix_ref& b) {
  if constexpr (std::is_same_v<Policy, accumulate_exact>) {
    return gemm_reference<Policy>(a, b);
  } else if constexpr (LOWP_HAS_VECTOR_EXTENSIONS &&
                       has_deterministic_rounding<typename policy_traits<Policy>::type>) {
    return policy_gemm_lanes<Policy>(a, b);
  } else {
    return gemm_reference<Policy>(a, b);
  }
}

template <class Policy>
inline constexpr bool draws_random_bits = [] {
  if constexpr (std::is_same_v<Policy, accumulate_exact>) {
    return false;
  } else {
    return !has_deterministic_rounding<typename policy_traits<Policy>::type>;
  }
}();

template <class Policy>
Eigen::MatrixXf gemm_dispatch(const float_matrix_ref& a, const float_matrix_ref& b, threads workers) {
  if constexpr (std::is_same_v<Policy, accumulate<float>>) {
    return blocked_gemm<fma_gemm_kernel>(a, b, workers);
  } else if constexpr (draws_random_bits<Policy>) {
    return gemm_reference<Policy>(a, b);
  } else {
    Eigen::MatrixXf c(a.rows(), b.cols());
    parallel_ranges(b.cols(), workers, 4, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
      c.middleCols(first, last - first) = gemm_one_thread<Policy>(a, b.middleCols(first, last - first));
    });
    return c;
  }
}

}  // namespace detail

// C = A * B with every C(i, j) accumulated under `Policy` (default accumulate<float>: an fma chain in fp32).
// A and B are dense float Eigen expressions; A's column count must equal B's row count. threads{n}: C's
// columns on n threads, the same bits for every n (stochastic accumulators: the calling thread only).
template <class DA, class DB, class Policy>
Eigen::MatrixXf gemm(const Eigen::MatrixBase<DA>& a, const Eigen::MatrixBase<DB>& b, Policy,
                     threads workers) {
  static_assert(detail::is_float_expression<DA> && detail::is_float_expression<DB>,
                "lowp::gemm: A and B must be float Eigen expressions (use .cast<float>() for others)");
  static_assert(is_accumulation_policy_v<Policy>,
                "lowp::gemm: the policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact");
  detail::check_product_shapes("gemm", a.rows(), a.cols(), b.rows(), b.cols());
  detail::check_thread_count(workers, "gemm");
  return detail::gemm_dispatch<Policy>(a.derived(), b.derived(), workers);
}

template <class DA, class DB, class Policy = accumulate<float>>
Eigen::MatrixXf gemm(const Eigen::MatrixBase<DA>& a, const Eigen::MatrixBase<DB>& b, Policy policy = {}) {
  return gemm(a, b, policy, threads{1});
}

template <class DA, class DB>
Eigen::MatrixXf gemm(const Eigen::MatrixBase<DA>& a, const Eigen::MatrixBase<DB>& b, threads workers) {
  return gemm(a, b, accumulate<float>{}, workers);
}

// x . y under `Policy`, summed sequentially from x[0] * y[0].
template <class Policy = accumulate<float>>
float dot(std::span<const float> x, std::span<const float> y, Policy = {}) {
  static_assert(is_accumulation_policy_v<Policy>,
                "lowp::dot: the policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact");
  if (x.size() != y.size()) {
    throw std::invalid_argument("lowp::dot: x has " + std::to_string(x.size()) + " elements but y has " +
                                std::to_string(y.size()));
  }
  accumulator<Policy> sum;
  for (std::size_t k = 0; k < x.size(); ++k) sum.add(x[k], y[k]);
  return sum.result();
}

template <class DX, class DY, class Policy = accumulate<float>>
float dot(const Eigen::MatrixBase<DX>& x, const Eigen::MatrixBase<DY>& y, Policy policy = {}) {
  static_assert(detail::is_float_expression<DX> && detail::is_float_expression<DY>,
                "lowp::dot: x and y must be float Eigen vectors");
  if (!(x.rows() == 1 || x.cols() == 1) || !(y.rows() == 1 || y.cols() == 1) || x.size() != y.size()) {
    throw std::invalid_argument("lowp::dot: x is " + detail::shape_string(x.rows(), x.cols()) + " but y is " +
                                detail::shape_string(y.rows(), y.cols()) + " (two vectors of equal length)");
  }
  const Eigen::VectorXf x_eval = x.reshaped(), y_eval = y.reshaped();
  return dot(std::span<const float>(x_eval.data(), x_eval.size()),
             std::span<const float>(y_eval.data(), y_eval.size()), policy);
}

}  // namespace lowp
