// lowp::mma::gemm against the plain reference, element by element: D(i, j) must be the reference's chain of
// row i of A and column j of B from C(i, j), bit for bit, for Eigen matrices of the units' input types
// (random codes, rows and columns each with their own regime -- so the gemm's lane kernels see columns of
// very different exponents, and rows or columns holding NaN / Inf that must take the scalar path), with
// threads{1} and {2}; promote_every{k} must equal the manual recipe (the reference's chain over chunks of k
// from +0, each chunk added into an fp32 accumulator starting at C with one IEEE nearest-even addition;
// NVIDIA NaN 0x7FFFFFFF); and quantized_matrix gemm (MXFP8, MXFP6, MXFP4, NVFP4, mixed MX) must equal the
// reference's block chain on the matrices' codes and scales, NVFP4 with its epilogue D = fl32(fl32(fl32(ta *
// tb) * P) + C).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <gtest/gtest.h>

#include <lowp/block/quantize.hpp>
#include <lowp/mma.hpp>

#include "oracle/mma_lowp_units.hpp"
#include "oracle/mma_random_inputs.hpp"
#include "oracle/mma_reference.hpp"

namespace {

namespace mma = lowp::mma;
namespace ref = mma_reference;
using lowp::bfloat16;
using lowp::float16;
using lowp::tfloat32;
using mma_units::code_of;
using mma_units::format_of;
using mma_units::from_code;
using e4m3 = lowp::float8_e4m3fn;
using e5m2 = lowp::float8_e5m2;

bool quick() {
  return std::getenv("LOWP_TEST_QUICK") != nullptr;
}

template <class T>
using matrix = Eigen::Matrix<T, -1, -1>;

bool is_nan_code(ref::format f, std::uint64_t code) {
  return f == ref::format::fp16   ? ((code & 0x7C00) == 0x7C00 && (code & 0x3FF) != 0)
         : f == ref::format::fp64 ? std::isnan(ref::fp64_value(code))
                                  : std::isnan(ref::fp32_value(std::uint32_t(code)));
}

// A random m x k matrix of codes of format f, each row (or, transposed, each column) with its own regime.
std::vector<std::vector<std::uint64_t>> random_lines(mma_random::generator& gen, ref::format f,
                                                     std::size_t lines, std::size_t k) {
  std::vector<std::vector<std::uint64_t>> out(lines);
  std::vector<std::uint64_t> unused;
  for (auto& line : out) gen.operands(f, f, gen.pick_regime(), k, line, unused);
  return out;
}

// The manual promotion recipe of MMA_API.md: chunks of p products from +0 through the unit, each added into
// an fp32 accumulator that starts at c (one IEEE fp32 nearest-even addition; NaN -> NVIDIA's 0x7FFFFFFF).
template <class Chain>
std::uint32_t promoted(std::size_t k, std::size_t p, std::uint32_t c, Chain chain) {
  float acc = ref::fp32_value(c);
  for (std::size_t k0 = 0; k0 < k; k0 += p) {
    const float part = ref::fp32_value(chain(k0, std::min(p, k - k0)));
    acc = acc + part;
    if (std::isnan(acc)) acc = ref::fp32_value(0x7FFFFFFFu);
  }
  return ref::fp32_bits(acc);
}

struct shape {
  Eigen::Index m, k, n;
};

template <class U>
void check_gemm(const std::string& name, int promote = 0) {
  using A = typename U::a_type;
  using B = typename U::b_type;
  using D = typename U::d_type;
  using Arch = typename U::arch;
  const mma_units::plain_model model = mma_units::model_of<Arch, A, B, D>();
  constexpr bool any_nan = mma_units::any_nan<Arch, A>();
  const ref::format fd = format_of<D>();
  mma_random::generator gen(std::hash<std::string>{}(name));
  const Eigen::Index W = model.W;
  std::vector<shape> shapes = {{1, 1, 1},      {3, W - 1 > 0 ? W - 1 : 1, 17},
                               {5, W + 1, 33}, {17, 3 * W + 5, 9},
                               {2, 0, 3},      {33, 2 * W, 40},
                               {7, 100, 18},   {3, 1000, 35}};  // long K: sums that have grown
  // Each shape several times with fresh draws (the lane kernels see many column mixes); quick runs: once.
  const int repeats = quick() ? 1 : 12;
  if (quick()) shapes.resize(4);
  int mismatches = 0;
  for (int rep = 0; rep < repeats; ++rep)
    for (const shape& s : shapes) {
      const auto rows = random_lines(gen, format_of<A>(), std::size_t(s.m), std::size_t(s.k));
      const auto cols = random_lines(gen, format_of<B>(), std::size_t(s.n), std::size_t(s.k));
      matrix<A> a(s.m, s.k);
      matrix<B> b(s.k, s.n);
      matrix<D> c(s.m, s.n);
      for (Eigen::Index i = 0; i < s.m; ++i)
        for (Eigen::Index k = 0; k < s.k; ++k) a(i, k) = from_code<A>(rows[std::size_t(i)][std::size_t(k)]);
      for (Eigen::Index j = 0; j < s.n; ++j)
        for (Eigen::Index k = 0; k < s.k; ++k) b(k, j) = from_code<B>(cols[std::size_t(j)][std::size_t(k)]);
      for (Eigen::Index i = 0; i < s.m; ++i)
        for (Eigen::Index j = 0; j < s.n; ++j) c(i, j) = from_code<D>(gen.addend(fd, gen.pick_regime()));
      matrix<D> d1, d2;
      if constexpr (std::is_same_v<D, float>) {
        if (promote > 0) {
          d1 = mma::gemm<U>(a, b, c, mma::promote_every{promote});
          d2 = mma::gemm<U>(a, b, c, mma::promote_every{promote}, lowp::threads{2});
        }
      }
      if (promote == 0) {
        d1 = mma::gemm<U>(a, b, c);
        d2 = mma::gemm<U>(a, b, c, lowp::threads{2});
      }
      ASSERT_EQ(d1.rows(), s.m);
      ASSERT_EQ(d1.cols(), s.n);
      for (Eigen::Index i = 0; i < s.m; ++i) {
        for (Eigen::Index j = 0; j < s.n; ++j) {
          const auto& x = rows[std::size_t(i)];
          const auto& y = cols[std::size_t(j)];
          const std::uint64_t c0 = code_of(c(i, j));
          const auto chain = [&](std::size_t k0, std::size_t len) {
            const std::vector<std::uint64_t> xs(x.begin() + std::ptrdiff_t(k0),
                                                x.begin() + std::ptrdiff_t(k0 + len));
            const std::vector<std::uint64_t> ys(y.begin() + std::ptrdiff_t(k0),
                                                y.begin() + std::ptrdiff_t(k0 + len));
            return std::uint32_t(mma_units::reference_dot<Arch, A, B, D>(xs, ys, 0));
          };
          const std::uint64_t want = promote > 0
                                         ? promoted(x.size(), std::size_t(promote), std::uint32_t(c0), chain)
                                         : mma_units::reference_dot<Arch, A, B, D>(x, y, c0);
          const std::uint64_t got = code_of(d1(i, j)), got2 = code_of(d2(i, j));
          const auto same = [&](std::uint64_t g) {
            return g == want || (any_nan && is_nan_code(fd, g) && is_nan_code(fd, want));
          };
          if (!same(got) || !same(got2)) {
            if (++mismatches <= 3) {
              std::ostringstream
                  report;  // (ostringstream: g++ 12 warns falsely on string concatenation here)
              report << name;
              if (promote > 0) report << " promote_every{" << promote << "}";
              report << " " << s.m << "x" << s.k << "x" << s.n << " at (" << i << ", " << j
                     << ")\n  row:" << std::hex;
              for (auto v : x) report << " " << v;
              report << "\n  column:";
              for (auto v : y) report << " " << v;
              report << "\n  c: " << c0 << "\n  reference " << want << ", gemm " << got
                     << ", gemm threads{2} " << got2;
              ADD_FAILURE() << report.str();
            }
          }
        }
      }
    }
  EXPECT_EQ(mismatches, 0) << name;
}

#define LOWP_MMA_GEMM(Arch, A, B, D) check_gemm<mma::unit<mma::Arch, A, B, D>>(#Arch " " #A "x" #B "->" #D)

TEST(MmaGemm, NvidiaFp32OutputLaneKernels) {
  LOWP_MMA_GEMM(volta, float16, float16, float);
  LOWP_MMA_GEMM(turing, float16, float16, float);
  LOWP_MMA_GEMM(ampere, float16, float16, float);
  LOWP_MMA_GEMM(ampere, bfloat16, bfloat16, float);
  LOWP_MMA_GEMM(ampere, tfloat32, tfloat32, float);
  LOWP_MMA_GEMM(ada, bfloat16, bfloat16, float);
  LOWP_MMA_GEMM(hopper, float16, float16, float);
  LOWP_MMA_GEMM(hopper, bfloat16, bfloat16, float);
  LOWP_MMA_GEMM(hopper, tfloat32, tfloat32, float);
  LOWP_MMA_GEMM(blackwell, float16, float16, float);
  LOWP_MMA_GEMM(blackwell, bfloat16, bfloat16, float);
  LOWP_MMA_GEMM(rtx_blackwell, tfloat32, tfloat32, float);
}

TEST(MmaGemm, NvidiaFp8AndF8f6f4) {
  LOWP_MMA_GEMM(ada, e4m3, e4m3, float);
  LOWP_MMA_GEMM(ada, e5m2, e4m3, float);
  LOWP_MMA_GEMM(hopper, e4m3, e4m3, float);
  LOWP_MMA_GEMM(hopper, e4m3, e5m2, float);
  LOWP_MMA_GEMM(hopper, e5m2, e5m2, float);
  LOWP_MMA_GEMM(blackwell, e4m3, e4m3, float);
  LOWP_MMA_GEMM(blackwell, e5m2, lowp::float4_e2m1fn, float);
  LOWP_MMA_GEMM(blackwell, lowp::float6_e3m2fn, lowp::float6_e2m3fn, float);
  LOWP_MMA_GEMM(rtx_blackwell, lowp::float4_e2m1fn, lowp::float4_e2m1fn, float);
  LOWP_MMA_GEMM(blackwell_mma_sync, e4m3, e5m2, float);
  LOWP_MMA_GEMM(blackwell_mma_sync, bfloat16, bfloat16, float);
}

TEST(MmaGemm, Float16OutputsAndFma) {
  LOWP_MMA_GEMM(volta, float16, float16, float16);
  LOWP_MMA_GEMM(ada, e4m3, e5m2, float16);
  LOWP_MMA_GEMM(hopper, e4m3, e4m3, float16);
  LOWP_MMA_GEMM(hopper, float16, float16, float16);
  LOWP_MMA_GEMM(blackwell, lowp::float6_e2m3fn, e4m3, float16);
  LOWP_MMA_GEMM(ampere, double, double, double);
}

TEST(MmaGemm, Amd) {
  LOWP_MMA_GEMM(cdna1, float16, float16, float);
  LOWP_MMA_GEMM(cdna1, bfloat16, bfloat16, float);
  LOWP_MMA_GEMM(cdna2, float16, float16, float);
  LOWP_MMA_GEMM(cdna2, double, double, double);
  LOWP_MMA_GEMM(cdna3, float16, float16, float);
  LOWP_MMA_GEMM(cdna3, bfloat16, bfloat16, float);
  LOWP_MMA_GEMM(cdna3, tfloat32, tfloat32, float);
  LOWP_MMA_GEMM(cdna3, lowp::float8_e4m3fnuz, lowp::float8_e5m2fnuz, float);
  LOWP_MMA_GEMM(cdna3, float, float, float);
}

// promote_every{k}: gemm == the manual chunks + fp32 adds; k a multiple of the step, and not.
TEST(MmaGemm, PromoteEveryIsManualChunksPlusFp32Adds) {
  check_gemm<mma::unit<mma::hopper, e4m3, e4m3, float>>("hopper e4m3 promote 128", 128);
  check_gemm<mma::unit<mma::hopper, e4m3, e4m3, float>>("hopper e4m3 promote 32", 32);
  check_gemm<mma::unit<mma::hopper, e4m3, e5m2, float>>("hopper e4m3xe5m2 promote 50", 50);
  check_gemm<mma::unit<mma::ada, e4m3, e4m3, float>>("ada e4m3 promote 40", 40);
  check_gemm<mma::unit<mma::hopper, float16, float16, float>>("hopper f16 promote 16", 16);
  check_gemm<mma::unit<mma::blackwell, e4m3, e4m3, float>>("blackwell e4m3 promote 64", 64);
  check_gemm<mma::unit<mma::cdna3, lowp::float8_e4m3fnuz, lowp::float8_e4m3fnuz, float>>(
      "cdna3 fp8 promote 48", 48);
}

// dot<U>(..., promote_every) == the same recipe.
TEST(MmaGemm, DotPromoteEveryIsManualChunksPlusFp32Adds) {
  using U = mma::unit<mma::hopper, e4m3, e4m3, float>;
  mma_random::generator gen(2024);
  int mismatches = 0;
  const int cases = quick() ? 300 : 5000;
  for (int t = 0; t < cases; ++t) {
    const std::size_t k = std::size_t(gen.uniform(0, 600));
    const std::size_t p = std::size_t(gen.uniform(1, 300));
    std::vector<std::uint64_t> a, b;
    gen.operands(ref::format::e4m3, ref::format::e4m3, gen.pick_regime(), k, a, b);
    const std::uint32_t c = std::uint32_t(gen.addend(ref::format::fp32, mma_random::regime::narrow));
    std::vector<e4m3> x, y;
    for (auto v : a) x.push_back(from_code<e4m3>(v));
    for (auto v : b) y.push_back(from_code<e4m3>(v));
    const std::uint32_t got = ref::fp32_bits(mma::dot<U>(std::span<const e4m3>(x), std::span<const e4m3>(y),
                                                         ref::fp32_value(c), mma::promote_every{int(p)}));
    const std::uint32_t want = promoted(k, p, c, [&](std::size_t k0, std::size_t len) {
      const std::vector<std::uint64_t> xs(a.begin() + std::ptrdiff_t(k0),
                                          a.begin() + std::ptrdiff_t(k0 + len));
      const std::vector<std::uint64_t> ys(b.begin() + std::ptrdiff_t(k0),
                                          b.begin() + std::ptrdiff_t(k0 + len));
      return std::uint32_t(mma_units::reference_dot<mma::hopper, e4m3, e4m3, float>(xs, ys, 0));
    });
    if (got != want && ++mismatches <= 3)
      ADD_FAILURE() << "K=" << k << " promote_every{" << p << "}: reference " << std::hex << want << ", lowp "
                    << got;
  }
  EXPECT_EQ(mismatches, 0);
}

// ---- quantized_matrix gemm ------------------------------------------------------------------------------

// A float matrix whose rows (and columns) span many binades, with zero rows and tiny/huge blocks, so that the
// block scales reach their extremes.
Eigen::MatrixXf wide_matrix(mma_random::generator& gen, Eigen::Index rows, Eigen::Index cols) {
  Eigen::MatrixXf x(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const int row_scale = gen.uniform(-40, 40);
    for (Eigen::Index j = 0; j < cols; ++j) {
      const int kind = gen.uniform(0, 99);
      const int e = row_scale + gen.uniform(-12, 12) + (kind < 5 ? gen.uniform(-80, 80) : 0);
      const float m = float(gen.uniform(-1000, 1000)) / 1000.0f;
      x(i, j) = kind < 8 ? 0.0f : std::ldexp(m, e);
    }
  }
  return x;
}

template <class U>
void check_quantized_gemm(const std::string& name) {
  using FA = typename U::a_type;
  using FB = typename U::b_type;
  mma_random::generator gen(std::hash<std::string>{}(name));
  const std::vector<shape> shapes = {{1, 32, 1},   {5, 64, 7}, {9, 40, 6},
                                     {4, 200, 11}, {3, 17, 2}, {2, 129, 5}};
  const int repeats = quick() ? 1 : 12;
  int mismatches = 0;
  for (int rep = 0; rep < repeats; ++rep)
    for (const shape& s : shapes) {
      const auto qa = lowp::quantize<FA>(wide_matrix(gen, s.m, s.k), lowp::block_axis::row);
      const auto qb = lowp::quantize<FB>(wide_matrix(gen, s.k, s.n), lowp::block_axis::column);
      Eigen::MatrixXf c(s.m, s.n);
      for (Eigen::Index i = 0; i < c.size(); ++i)
        c.data()[i] = ref::fp32_value(std::uint32_t(gen.addend(ref::format::fp32, gen.pick_regime())));
      const Eigen::MatrixXf d = mma::gemm<U>(qa, qb, c);
      const Eigen::MatrixXf d2 = mma::gemm<U>(qa, qb, c, lowp::threads{2});
      constexpr int block = FA::block_size;
      for (Eigen::Index i = 0; i < s.m; ++i) {
        for (Eigen::Index j = 0; j < s.n; ++j) {
          std::vector<std::uint32_t> a, b;
          std::vector<std::uint8_t> sa, sb;
          for (Eigen::Index k = 0; k < s.k; ++k) {
            a.push_back(qa.code(i, k));
            b.push_back(qb.code(k, j));
            if (k % block == 0) {
              sa.push_back(std::uint8_t(qa.scale_code(i, k)));
              sb.push_back(std::uint8_t(qb.scale_code(k, j)));
            }
          }
          std::uint32_t want;
          if constexpr (FA::has_tensor_scale) {
            // NVFP4: the unit from +0, then the epilogue with the tensor scales (MMA_API.md).
            const float P = ref::fp32_value(mma_units::reference_block_dot<FA, FB>(a, sa, b, sb, 0u));
            const float alpha = qa.tensor_scale() * qb.tensor_scale();
            const float scaled = alpha * P;
            const float sum = scaled + c(i, j);
            want = std::isnan(sum) ? 0x7FFFFFFFu : ref::fp32_bits(sum);
          } else {
            want = mma_units::reference_block_dot<FA, FB>(a, sa, b, sb, ref::fp32_bits(c(i, j)));
          }
          const std::uint32_t got = ref::fp32_bits(d(i, j)), got2 = ref::fp32_bits(d2(i, j));
          if ((got != want || got2 != want) && ++mismatches <= 3)
            ADD_FAILURE() << name << " " << s.m << "x" << s.k << "x" << s.n << " at (" << i << ", " << j
                          << ")" << std::hex << ": reference " << want << ", gemm " << got << ", threads{2} "
                          << got2;
        }
      }
    }
  EXPECT_EQ(mismatches, 0) << name;
}

TEST(MmaGemm, QuantizedMatricesEqualTheBlockChainOnTheirCodes) {
  check_quantized_gemm<mma::unit<mma::blackwell, lowp::mxfp8_e4m3, lowp::mxfp8_e4m3, float>>("mxfp8 e4m3");
  check_quantized_gemm<mma::unit<mma::blackwell, lowp::mxfp8_e5m2, lowp::mxfp6_e2m3, float>>(
      "mxfp8 e5m2 x mxfp6 e2m3");
  check_quantized_gemm<mma::unit<mma::blackwell, lowp::mxfp6_e3m2, lowp::mxfp6_e3m2, float>>("mxfp6 e3m2");
  check_quantized_gemm<mma::unit<mma::blackwell, lowp::mxfp4, lowp::mxfp8_e4m3, float>>("mxfp4 x mxfp8 e4m3");
  check_quantized_gemm<mma::unit<mma::blackwell, lowp::mxfp4, lowp::mxfp4, float>>("mxfp4 (kind::mxf4)");
  check_quantized_gemm<mma::unit<mma::rtx_blackwell, lowp::mxfp4, lowp::mxfp4, float>>("rtx mxfp4");
  check_quantized_gemm<mma::unit<mma::blackwell, lowp::nvfp4, lowp::nvfp4, float>>("nvfp4 with epilogue");
}

}  // namespace
