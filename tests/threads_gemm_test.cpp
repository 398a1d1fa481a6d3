// lowp::threads{n}: lowp::gemm (float inputs, every accumulation policy), lmul_gemm, quantize and the
// quantized gemm (both of its paths) give the same bits on 2, 3 and 7 threads as on 1, for ragged shapes
// (rows and columns that fill no register tile or slice, more threads than column tiles). The one-thread
// results are themselves proven against plain loops in accumulate_gemm_test, lmul_gemm_test,
// block_quantize_test, block_gemm_test and block_integer_gemm_test; here the question is only whether the
// split changes a bit.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include <Eigen/Core>
#include <gtest/gtest.h>

#include <lowp/arith/gemm.hpp>
#include <lowp/arith/lmul_gemm.hpp>
#include <lowp/block.hpp>

namespace {

using lowp::block_axis;
using lowp::threads;

constexpr int thread_counts[] = {2, 3, 7};

struct shape {
  Eigen::Index m, k, n;
};
constexpr shape shapes[] = {{1, 1, 1}, {37, 70, 13}, {64, 300, 100}, {5, 33, 600}};

// Gaussian with outliers; `specials` adds zeros, subnormals, +-Inf and NaN (lmul_gemm's checked tiles).
Eigen::MatrixXf make(Eigen::Index rows, Eigen::Index cols, unsigned seed, bool specials = false) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> percent(0, 199);
  Eigen::MatrixXf m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i) {
      float x = normal(engine) * (percent(engine) == 0 ? 100.0f : 1.0f);
      if (specials) {
        const int p = percent(engine);
        x = p == 0   ? std::numeric_limits<float>::quiet_NaN()
            : p == 1 ? std::numeric_limits<float>::infinity()
            : p == 2 ? 1e-40f
            : p < 8  ? 0.0f
                     : x;
      }
      m(i, j) = x;
    }
  }
  return m;
}

bool same_bits(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const float x = a.data()[i], y = b.data()[i];
    if (!(std::isnan(x) && std::isnan(y)) &&
        std::bit_cast<std::uint32_t>(x) != std::bit_cast<std::uint32_t>(y))
      return false;
  }
  return true;
}

std::string name(const shape& s) {
  return std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n);
}

template <class Policy>
void float_gemm_same_for_every_thread_count(bool specials) {
  unsigned seed = 10;
  for (const shape s : shapes) {
    const Eigen::MatrixXf a = make(s.m, s.k, seed++, specials), b = make(s.k, s.n, seed++, specials);
    const Eigen::MatrixXf one = lowp::gemm(a, b, Policy{});
    EXPECT_TRUE(same_bits(one, lowp::gemm(a, b, Policy{}, threads{1}))) << name(s);
    for (const int t : thread_counts)
      EXPECT_TRUE(same_bits(one, lowp::gemm(a, b, Policy{}, threads{t}))) << name(s) << ", " << t;
  }
}

TEST(Threads, FloatGemm) {
  float_gemm_same_for_every_thread_count<lowp::accumulate<float>>(false);
  float_gemm_same_for_every_thread_count<lowp::accumulate<float>>(true);
  // The policy-less overload is accumulate<float>.
  const Eigen::MatrixXf a = make(33, 40, 1), b = make(40, 29, 2);
  EXPECT_TRUE(same_bits(lowp::gemm(a, b), lowp::gemm(a, b, threads{3})));
}

TEST(Threads, FloatGemmOtherPolicies) {
  float_gemm_same_for_every_thread_count<lowp::accumulate<lowp::bfloat16>>(false);
  float_gemm_same_for_every_thread_count<lowp::accumulate_chunked<lowp::float16, 16>>(true);
  float_gemm_same_for_every_thread_count<lowp::accumulate_exact>(false);
}

// Stochastic accumulators run on the calling thread whatever n is: the same seed, the same bits.
TEST(Threads, StochasticAccumulatorIgnoresTheSplit) {
  using T = lowp::with_rounding<lowp::bfloat16, lowp::rounding::stochastic<>>;
  const Eigen::MatrixXf a = make(9, 50, 3), b = make(50, 11, 4);
  lowp::seed_stochastic_rounding(99);
  const Eigen::MatrixXf one = lowp::gemm(a, b, lowp::accumulate<T>{});
  lowp::seed_stochastic_rounding(99);
  EXPECT_TRUE(same_bits(one, lowp::gemm(a, b, lowp::accumulate<T>{}, threads{3})));
}

TEST(Threads, LmulGemm) {
  unsigned seed = 20;
  for (const bool specials : {false, true}) {
    for (const shape s : shapes) {
      const Eigen::MatrixXf a = make(s.m, s.k, seed++, specials), b = make(s.k, s.n, seed++, specials);
      const Eigen::MatrixXf one = lowp::lmul_gemm<3>(a, b);
      for (const int t : thread_counts)
        EXPECT_TRUE(same_bits(one, lowp::lmul_gemm<3>(a, b, threads{t}))) << name(s);
    }
  }
}

template <class F, class Rounding = lowp::rounding::nearest_even>
void quantize_same_for_every_thread_count() {
  unsigned seed = 30;
  for (const block_axis axis : {block_axis::row, block_axis::column}) {
    for (const shape s : {shape{37, 70, 0}, shape{300, 45, 0}, shape{1, 1, 0}}) {
      const Eigen::MatrixXf x = make(s.m, s.k, seed++, true);
      const auto one = lowp::quantize<F, Rounding>(x, axis, std::uint64_t(5));
      for (const int t : thread_counts) {
        const auto many = lowp::quantize<F, Rounding>(x, axis, std::uint64_t(5), threads{t});
        EXPECT_EQ(one.packed_codes(), many.packed_codes()) << name(s) << ", " << t;
        EXPECT_EQ(one.scale_codes(), many.scale_codes()) << name(s) << ", " << t;
        EXPECT_EQ(one.tensor_scale(), many.tensor_scale());
      }
    }
  }
}

TEST(Threads, Quantize) {
  quantize_same_for_every_thread_count<lowp::mxfp4>();
  quantize_same_for_every_thread_count<lowp::mxint8>();
  quantize_same_for_every_thread_count<lowp::mxfp8_e4m3, lowp::rounding::stochastic<>>();
  quantize_same_for_every_thread_count<lowp::nvfp4>();
  quantize_same_for_every_thread_count<lowp::nvfp4_2d>();
  quantize_same_for_every_thread_count<lowp::int_group<4, 32>>();
  // The thread's own stream: the same draws whatever the split.
  const Eigen::MatrixXf x = make(40, 70, 7);
  lowp::seed_stochastic_rounding(3);
  const auto one = lowp::quantize<lowp::mxfp4, lowp::rounding::stochastic<>>(x, block_axis::row);
  lowp::seed_stochastic_rounding(3);
  const auto many = lowp::quantize<lowp::mxfp4, lowp::rounding::stochastic<>>(x, block_axis::row, threads{3});
  EXPECT_EQ(one.packed_codes(), many.packed_codes());
}

template <class FA, class FB>
void quantized_gemm_same_for_every_thread_count() {
  unsigned seed = 40;
  for (const shape s : shapes) {
    const auto qa = lowp::quantize<FA>(make(s.m, s.k, seed++), block_axis::row);
    const auto qb = lowp::quantize<FB>(make(s.k, s.n, seed++), block_axis::column);
    const Eigen::MatrixXf one = lowp::gemm(qa, qb);
    for (const int t : thread_counts)
      EXPECT_TRUE(same_bits(one, lowp::gemm(qa, qb, threads{t}))) << name(s) << ", " << t;
    const Eigen::MatrixXf bf16 = lowp::gemm(qa, qb, lowp::accumulate<lowp::bfloat16>{});
    EXPECT_TRUE(same_bits(bf16, lowp::gemm(qa, qb, lowp::accumulate<lowp::bfloat16>{}, threads{3})))
        << name(s);
  }
}

TEST(Threads, QuantizedGemm) {
  quantized_gemm_same_for_every_thread_count<lowp::mxfp4, lowp::mxint8>();           // the integer path
  quantized_gemm_same_for_every_thread_count<lowp::mxfp8_e4m3, lowp::mxfp8_e5m2>();  // decoded panels
  quantized_gemm_same_for_every_thread_count<lowp::nvfp4, lowp::nvfp4>();
}

TEST(Threads, CountBelowOneThrows) {
  const Eigen::MatrixXf a = make(4, 4, 1);
  EXPECT_THROW((void)lowp::gemm(a, a, threads{0}), std::invalid_argument);
  EXPECT_THROW((void)lowp::lmul_gemm<3>(a, a, threads{-1}), std::invalid_argument);
  EXPECT_THROW((void)lowp::quantize<lowp::mxfp4>(a, block_axis::row, threads{0}), std::invalid_argument);
  const auto q = lowp::quantize<lowp::nvfp4>(a, block_axis::row);
  const auto r = lowp::quantize<lowp::nvfp4>(a, block_axis::column);
  EXPECT_THROW((void)lowp::gemm(q, r, threads{0}), std::invalid_argument);
}

}  // namespace
