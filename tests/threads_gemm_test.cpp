// lowp::threads{n}: lowp::gemm (float inputs, every accumulation policy), lmul_gemm, quantize (every
// rounding, stochastic included), the quantized gemm (both of its paths) and lowp::mma::gemm (each of its
// kernels) give the same bits on 2, 3 and 7 threads as on 1, for ragged shapes (rows and columns that fill no
// register tile or slice, more threads than column tiles). The one-thread results are themselves proven
// against plain loops in accumulate_gemm_test, lmul_gemm_test, block_quantize_test, block_gemm_test,
// block_integer_gemm_test and mma_gemm_test; here the question is only whether the split changes a bit.
// Then the worker pool behind the threads (core/worker_pool.hpp): calls from two user threads at once, a
// call from inside a range, and an exception thrown by a range. Clean under ThreadSanitizer (2026-12-07):
// configure with CXX=clang++ -DCMAKE_CXX_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread
// in a build directory of its own, build this target and run it with --gtest_repeat=5.
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Core>
#include <gtest/gtest.h>

#include <lowp/arith/gemm.hpp>
#include <lowp/arith/lmul_gemm.hpp>
#include <lowp/block.hpp>
#include <lowp/float/parallel.hpp>
#include <lowp/mma.hpp>

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
  quantize_same_for_every_thread_count<lowp::nvfp4>();
  quantize_same_for_every_thread_count<lowp::nvfp4_2d>();
  quantize_same_for_every_thread_count<lowp::int_group<4, 32>>();
}

// Each thread draws the stochastic words of its own columns; word i of the matrix stays word i.
TEST(Threads, QuantizeStochastic) {
  using sr = lowp::rounding::stochastic<>;
  quantize_same_for_every_thread_count<lowp::mxfp8_e4m3, sr>();
  quantize_same_for_every_thread_count<lowp::mxfp4, sr>();
  quantize_same_for_every_thread_count<lowp::mxint8, sr>();
  quantize_same_for_every_thread_count<lowp::nvfp4, sr>();
  quantize_same_for_every_thread_count<lowp::int_group<4, 32>, sr>();
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

// lowp::mma::gemm: a lane kernel on FP8 floats (Hopper), on 64-bit integer lanes (Hopper f16), the scalar
// chain on decoded operands (CDNA3 f16), the fma chain (CDNA3 fp32), the AMD tree (CDNA1 f16), with NaN and
// Inf operands so that the scalar fix-ups after the lane kernels run too.
template <class U>
void mma_gemm_same_for_every_thread_count(unsigned seed) {
  using A = typename U::a_type;
  using B = typename U::b_type;
  using D = typename U::d_type;
  for (const shape s : {shape{37, 70, 13}, shape{5, 33, 100}, shape{1, 1, 1}}) {
    const Eigen::Matrix<A, -1, -1> a = make(s.m, s.k, seed++, true).unaryExpr([](float x) { return A(x); });
    const Eigen::Matrix<B, -1, -1> b = make(s.k, s.n, seed++, true).unaryExpr([](float x) { return B(x); });
    const Eigen::Matrix<D, -1, -1> c = make(s.m, s.n, seed++).unaryExpr([](float x) { return D(x); });
    const Eigen::MatrixXf one = lowp::mma::gemm<U>(a, b, c).template cast<float>();
    for (const int t : thread_counts) {
      const Eigen::MatrixXf many = lowp::mma::gemm<U>(a, b, c, threads{t}).template cast<float>();
      EXPECT_TRUE(same_bits(one, many)) << name(s) << ", " << t;
    }
  }
}

TEST(Threads, MatrixUnitGemm) {
  using namespace lowp::mma;
  mma_gemm_same_for_every_thread_count<unit<hopper, lowp::float8_e4m3fn, lowp::float8_e4m3fn, float>>(50);
  mma_gemm_same_for_every_thread_count<unit<hopper, lowp::float16, lowp::float16, float>>(60);
  mma_gemm_same_for_every_thread_count<unit<cdna3, lowp::float16, lowp::float16, float>>(70);
  mma_gemm_same_for_every_thread_count<unit<cdna3, float, float, float>>(80);
  mma_gemm_same_for_every_thread_count<unit<cdna1, lowp::float16, lowp::float16, float>>(90);
}

// Block-scaled units: MXFP4 (integer group sums), NVFP4 (and its tensor-scale epilogue), MXFP8 (the scalar
// block chain); a NaN in the inputs poisons a block's scale, which the fix-up after the lanes handles.
template <class U>
void mma_block_gemm_same_for_every_thread_count(unsigned seed) {
  for (const shape s : {shape{37, 128, 13}, shape{5, 64, 100}, shape{1, 64, 1}}) {
    const auto qa = lowp::quantize<typename U::a_type>(make(s.m, s.k, seed++, true), block_axis::row);
    const auto qb = lowp::quantize<typename U::b_type>(make(s.k, s.n, seed++, true), block_axis::column);
    const Eigen::MatrixXf c = make(s.m, s.n, seed++);
    const Eigen::MatrixXf one = lowp::mma::gemm<U>(qa, qb, c);
    for (const int t : thread_counts)
      EXPECT_TRUE(same_bits(one, lowp::mma::gemm<U>(qa, qb, c, threads{t}))) << name(s) << ", " << t;
  }
}

TEST(Threads, MatrixUnitBlockGemm) {
  using namespace lowp::mma;
  mma_block_gemm_same_for_every_thread_count<unit<blackwell, lowp::mxfp4, lowp::mxfp4, float>>(100);
  mma_block_gemm_same_for_every_thread_count<unit<blackwell, lowp::nvfp4, lowp::nvfp4, float>>(110);
  mma_block_gemm_same_for_every_thread_count<unit<blackwell, lowp::mxfp8_e4m3, lowp::mxfp8_e4m3, float>>(120);
}

// Round_to on spans (split_span): the stochastic words are addressed by element, whatever the split.
TEST(Threads, StochasticSpans) {
  std::vector<float> in(1000 + 37), one(in.size()), many(in.size());
  std::mt19937 engine(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& x : in) x = normal(engine);
  using T = lowp::with_rounding<lowp::bfloat16, lowp::rounding::stochastic<>>;
  lowp::sr_stream first(11);
  lowp::round_to<T>(std::span<const float>(in), std::span<float>(one), first, threads{1});
  for (const int t : thread_counts) {
    lowp::sr_stream again(11);
    lowp::round_to<T>(std::span<const float>(in), std::span<float>(many), again, threads{t});
    EXPECT_EQ(one, many) << t;
  }
}

// Two user threads calling at once: one gets the pool, the other its own threads (or the pool after it);
// neither waits forever, and both get the one-thread bits.
TEST(Threads, ConcurrentCallsFromTwoThreads) {
  const Eigen::MatrixXf a = make(64, 96, 130), b = make(96, 70, 131);
  const auto qa = lowp::quantize<lowp::mxfp4>(a, block_axis::row);
  const auto qb = lowp::quantize<lowp::mxfp8_e4m3>(b, block_axis::column);
  const auto qb4 = lowp::quantize<lowp::mxfp4>(b, block_axis::column);
  const Eigen::MatrixXf float_one = lowp::gemm(a, b), lmul_one = lowp::lmul_gemm<3>(a, b);
  const Eigen::MatrixXf panels_one = lowp::gemm(lowp::quantize<lowp::mxfp8_e4m3>(a, block_axis::row), qb);
  const Eigen::MatrixXf integer_one = lowp::gemm(qa, qb4);
  const int rounds = 20;
  std::atomic<int> mismatches{0};
  auto user = [&](int t) {
    for (int r = 0; r < rounds; ++r) {
      const threads workers{t + r % 3};
      if (!same_bits(float_one, lowp::gemm(a, b, workers))) ++mismatches;
      if (!same_bits(lmul_one, lowp::lmul_gemm<3>(a, b, workers))) ++mismatches;
      const auto qa8 = lowp::quantize<lowp::mxfp8_e4m3>(a, block_axis::row, workers);
      if (!same_bits(panels_one, lowp::gemm(qa8, qb, workers))) ++mismatches;
      if (!same_bits(integer_one, lowp::gemm(qa, qb4, workers))) ++mismatches;
    }
  };
  std::thread first(user, 2), second(user, 3);
  first.join();
  second.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// No public function calls a threaded one from inside its ranges, but the pool must allow it: a nested call
// runs its ranges inline on the thread that makes it.
TEST(Threads, NestedCallRunsInline) {
  std::vector<int> hits(7 * 11, 0);
  lowp::detail::parallel_ranges(7, threads{7}, 1, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
    for (std::ptrdiff_t i = first; i < last; ++i) {
      const std::thread::id outer = std::this_thread::get_id();
      lowp::detail::parallel_ranges(11, threads{4}, 1, [&](std::ptrdiff_t f, std::ptrdiff_t l) {
        EXPECT_EQ(std::this_thread::get_id(), outer);
        for (std::ptrdiff_t j = f; j < l; ++j) ++hits[std::size_t(i * 11 + j)];
      });
    }
  });
  for (const int h : hits) EXPECT_EQ(h, 1);
  // A public threaded call from inside a range (as a user's callback would make) gives the same bits.
  const Eigen::MatrixXf a = make(20, 30, 140), b = make(30, 25, 141);
  const Eigen::MatrixXf one = lowp::gemm(a, b);
  std::atomic<int> mismatches{0};
  lowp::detail::parallel_ranges(3, threads{3}, 1, [&](std::ptrdiff_t, std::ptrdiff_t) {
    if (!same_bits(one, lowp::gemm(a, b, threads{2}))) ++mismatches;
  });
  EXPECT_EQ(mismatches.load(), 0);
}

// A range that throws: the other ranges still run, the exception reaches the caller, the pool goes on.
TEST(Threads, ExceptionInARangeReachesTheCaller) {
  for (int trial = 0; trial < 20; ++trial) {
    std::atomic<int> ran{0};
    EXPECT_THROW(lowp::detail::parallel_ranges(8, threads{4}, 1,
                                               [&](std::ptrdiff_t first, std::ptrdiff_t last) {
                                                 ran += int(last - first);
                                                 if (first == 2) throw std::runtime_error("range 2");
                                               }),
                 std::runtime_error);
    EXPECT_EQ(ran.load(), 8);
  }
  const Eigen::MatrixXf a = make(20, 30, 150), b = make(30, 25, 151);
  EXPECT_TRUE(same_bits(lowp::gemm(a, b), lowp::gemm(a, b, threads{2})));
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
