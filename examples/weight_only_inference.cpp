// Weight-only quantized inference: one transformer-sized linear layer y = W x (W 4096 x 4096, Gaussian with a
// few outlier input channels, as LLM weights have) with its weights stored in INT4 groups of 128 (fp16
// scales, GPTQ/AWQ style), MXFP4, NVFP4 and MXFP8, with and without a randomized Hadamard rotation along K
// (W R and R^T x, block 128: the product is unchanged, the outliers are spread over their blocks before
// quantisation). For each: the output's error against the fp32 layer (QSNR in dB, higher is better; the
// largest error of one output relative to the largest output) and the time per token of `qw * x` (activations
// in fp32, weights decoded on the fly, one thread) against Eigen's fp32 product with the fp32 weights, for
// one token (a matrix-vector product, as in decoding) and for 16. The rotated rows include rotating x.
//
// Usage: weight_only_inference [size]   (default 4096; LOWP_TEST_QUICK=1 uses 512)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <span>
#include <string>

#include <Eigen/Core>

#include <lowp/block.hpp>
#include <lowp/error_stats.hpp>

namespace {

constexpr int rotation_block = 128;
constexpr std::uint64_t rotation_seed = 2024;

Eigen::MatrixXf weights(Eigen::Index rows, Eigen::Index cols) {
  std::mt19937 engine(1);
  std::normal_distribution<float> normal(0.0f, 0.02f);  // a typical init scale
  std::uniform_int_distribution<int> percent(0, 99);
  Eigen::MatrixXf w(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    const float outlier = percent(engine) == 0 ? 25.0f : 1.0f;  // ~1% of input channels
    for (Eigen::Index i = 0; i < rows; ++i) w(i, j) = outlier * normal(engine);
  }
  return w;
}

Eigen::MatrixXf activations(Eigen::Index rows, Eigen::Index tokens, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Eigen::MatrixXf x(rows, tokens);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(engine);
  return x;
}

// The best of `repeats` runs of f, in microseconds.
template <class Function>
double best_microseconds(int repeats, Function f) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    best = std::min(
        best, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

struct layer_inputs {
  Eigen::MatrixXf w, x1, x16, y1_reference, y16_reference;
  double fp32_us_1 = 0, fp32_us_16 = 0;
};

template <class F>
void report(const char* name, const layer_inputs& in, bool rotate, int repeats) {
  const Eigen::MatrixXf w =
      rotate ? lowp::hadamard_transform(in.w, rotation_block, rotation_seed, lowp::block_axis::row) : in.w;
  const auto qw = lowp::quantize<F>(w, lowp::block_axis::row);
  const auto input = [&](const Eigen::MatrixXf& x) -> Eigen::MatrixXf {
    return rotate ? lowp::hadamard_transform(x, rotation_block, rotation_seed, lowp::block_axis::column) : x;
  };
  Eigen::MatrixXf y1, y16;
  const double us_1 = best_microseconds(repeats, [&] { y1 = qw * input(in.x1); });
  const double us_16 = best_microseconds(repeats, [&] { y16 = qw * input(in.x16); });
  // The largest error relative to the largest output: outputs near zero make a per-element ratio meaningless.
  const double max_relative =
      double((y16 - in.y16_reference).cwiseAbs().maxCoeff()) / double(in.y16_reference.cwiseAbs().maxCoeff());
  const lowp::error_stats e =
      lowp::compare(std::span<const float>(in.y16_reference.data(), in.y16_reference.size()),
                    std::span<const float>(y16.data(), y16.size()));
  const double bits = 8.0 * double(qw.bytes()) / double(w.size());
  std::printf("%-11s %-8s %6.2f %9.2f %10.1f%% %10.1f %8.2fx %10.1f %8.2fx\n", name,
              rotate ? "Hadamard" : "none", bits, e.qsnr_db, 100.0 * max_relative, us_1, in.fp32_us_1 / us_1,
              us_16 / 16.0, in.fp32_us_16 / us_16);
}

}  // namespace

int main(int argc, char** argv) {
  Eigen::setNbThreads(1);
  const bool quick = std::getenv("LOWP_TEST_QUICK") != nullptr;
  const Eigen::Index n = argc > 1 ? std::atol(argv[1]) : quick ? 512 : 4096;
  const int repeats = quick ? 2 : 5;
  if (n <= 0 || n % rotation_block != 0) {
    std::fprintf(stderr, "size must be a positive multiple of %d\n", rotation_block);
    return 1;
  }
  layer_inputs in;
  in.w = weights(n, n);
  in.x1 = activations(n, 1, 2);
  in.x16 = activations(n, 16, 3);
  in.fp32_us_1 = best_microseconds(repeats, [&] { in.y1_reference.noalias() = in.w * in.x1; });
  in.fp32_us_16 = best_microseconds(repeats, [&] { in.y16_reference.noalias() = in.w * in.x16; });

  std::printf("y = W x, W %ldx%ld (fp32: %.1f MiB), one thread. Error of the 16-token output against fp32.\n",
              long(n), long(n), double(in.w.size()) * 4.0 / 1048576.0);
  std::printf("fp32 (Eigen): %.1f us for 1 token, %.1f us per token for 16\n\n", in.fp32_us_1,
              in.fp32_us_16 / 16.0);
  std::printf("%-11s %-8s %6s %9s %11s %10s %9s %10s %9s\n", "weights", "rotation", "bits", "QSNR dB",
              "max err", "us/token", "vs fp32", "us/tok@16", "vs fp32");
  for (const bool rotate : {false, true}) {
    report<lowp::int_group<4, 128>>("INT4 g128", in, rotate, repeats);
    report<lowp::mxfp4>("MXFP4", in, rotate, repeats);
    report<lowp::nvfp4>("NVFP4", in, rotate, repeats);
    report<lowp::mxfp8_e4m3>("MXFP8 e4m3", in, rotate, repeats);
  }
  std::printf(
      "\nbits: storage per weight (codes and scales). max err: max |y - y_fp32| / max |y_fp32|. vs fp32: "
      "Eigen's fp32 time / this time (higher is faster).\n");
  return 0;
}
