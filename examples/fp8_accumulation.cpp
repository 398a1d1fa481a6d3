// DeepSeek-V3 (arXiv 2412.19437, section 3.3.2) reports that FP8 GEMMs on H800 tensor cores keep about 14
// bits of the sum, which for K = 4096 gives a maximum relative error of nearly 2%, and fixes it by promoting
// the partial sums to fp32 CUDA cores every 128 products. This program reproduces the finding with lowp's
// models of the units: random FP8 (e4m3) GEMMs through Hopper's unit (13 fraction bits, 32 products per step,
// truncation), the same with promote_every{128}, and Blackwell's tcgen05 unit (25 fraction bits), against the
// exact product (every FP8 product is exact in double and the sums are accumulated in long double).
//
// Two kinds of operands: positive ones (|N(0,1)|), where every truncation toward zero pushes the same way and
// the error is the maximum over the outputs of |D - exact| / |exact|; and zero-mean N(0,1) ones, whose exact
// outputs may be near zero, so the error is normwise, ||D - exact||_F / ||exact||_F.
#include <cmath>
#include <cstdio>
#include <random>

#include <Eigen/Core>

#include <lowp/eigen.hpp>
#include <lowp/mma.hpp>

namespace {

using e4m3 = lowp::float8_e4m3fn;
using hopper = lowp::mma::unit<lowp::mma::hopper, e4m3, e4m3, float>;
using blackwell = lowp::mma::unit<lowp::mma::blackwell, e4m3, e4m3, float>;
using Matrix8 = Eigen::Matrix<e4m3, -1, -1>;

Matrix8 random_fp8(Eigen::Index rows, Eigen::Index cols, bool positive, std::mt19937& engine) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Matrix8 m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    const float x = normal(engine);
    m.data()[i] = e4m3(positive ? std::fabs(x) : x);
  }
  return m;
}

struct errors {
  double hopper = 0, promoted = 0, blackwell = 0;
};

errors measure(Eigen::Index k, bool positive, std::mt19937& engine) {
  constexpr Eigen::Index m = 32, n = 32;
  const Matrix8 a = random_fp8(m, k, positive, engine), b = random_fp8(k, n, positive, engine);
  const Eigen::MatrixXf zero = Eigen::MatrixXf::Zero(m, n);
  const Eigen::MatrixXf d_hopper = lowp::mma::gemm<hopper>(a, b, zero);
  const Eigen::MatrixXf d_promoted = lowp::mma::gemm<hopper>(a, b, zero, lowp::mma::promote_every{128});
  const Eigen::MatrixXf d_blackwell = lowp::mma::gemm<blackwell>(a, b, zero);
  errors worst, squares;
  double exact_squares = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < m; ++i) {
      long double sum = 0;
      for (Eigen::Index q = 0; q < k; ++q) sum += double(float(a(i, q))) * double(float(b(q, j)));
      const double exact = double(sum);
      exact_squares += exact * exact;
      auto error = [&](float d) { return std::fabs(double(d) - exact); };
      squares.hopper += error(d_hopper(i, j)) * error(d_hopper(i, j));
      squares.promoted += error(d_promoted(i, j)) * error(d_promoted(i, j));
      squares.blackwell += error(d_blackwell(i, j)) * error(d_blackwell(i, j));
      worst.hopper = std::max(worst.hopper, error(d_hopper(i, j)) / std::fabs(exact));
      worst.promoted = std::max(worst.promoted, error(d_promoted(i, j)) / std::fabs(exact));
      worst.blackwell = std::max(worst.blackwell, error(d_blackwell(i, j)) / std::fabs(exact));
    }
  }
  if (positive) return worst;
  return {std::sqrt(squares.hopper / exact_squares), std::sqrt(squares.promoted / exact_squares),
          std::sqrt(squares.blackwell / exact_squares)};
}

}  // namespace

int main() {
  std::mt19937 engine(2024);
  for (const bool positive : {true, false}) {
    std::printf("\n%s operands, 32 x K times K x 32: %s\n",
                positive ? "positive |N(0,1)|" : "zero-mean N(0,1)",
                positive ? "maximum relative error over the 1024 outputs" : "normwise relative error");
    std::printf("%8s  %14s  %22s  %18s\n", "K", "Hopper e4m3", "Hopper + promote 128", "Blackwell e4m3");
    for (Eigen::Index k = 256; k <= 16384; k *= 2) {
      const errors e = measure(k, positive, engine);
      std::printf("%8ld  %13.4f%%  %21.5f%%  %17.6f%%\n", long(k), 100 * e.hopper, 100 * e.promoted,
                  100 * e.blackwell);
    }
  }
  std::printf(
      "\nDeepSeek-V3 reports nearly 2%% at K = 4096. The mechanism holds: with 13 fraction bits relative to "
      "the\n"
      "largest term, once the running sum is large every new product is cut to a coarse grid, always toward "
      "zero,\n"
      "so for operands of one sign the error grows with K (percent level from K = 1024 on); promoting every "
      "128\n"
      "products to fp32 bounds it, and Blackwell's 25-bit sums make it negligible. Its size depends on the "
      "data.\n");
}
