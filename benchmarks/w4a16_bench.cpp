// Weight-only quantized inference (W4A16), single thread: Y = W X for a 4096 x 4096 weight matrix W blocked
// along K, X holding 1 or 16 tokens (columns), against Eigen's float product with the already-dequantized
// weights, in the same run:
//   w4a16/F/tokens   each iteration times `Y.noalias() = qw * X` (lowp, the weights packed in format F) and
//                    `Y.noalias() = D * X` (Eigen, D = qw.dequantize() as fp32), one after the other, each
//                    after the caches are flushed (a layer's weights are not in cache when inference comes
//                    back to it); fresh activations every iteration. The reported time is lowp's; counters:
//                    lowp_GFLOPs, eigen_GFLOPs and speedup = Eigen's time / lowp's time, summed over the
//                    iterations (the figure to read).
//   w4a16_warm/F/tokens  the same without the flush.
// Both products compute every output as an fp32 fma chain (lowp's order is the definition's, Eigen's its
// own); lowp reads the packed codes (an eighth of the bytes for 4-bit formats) and decodes them in registers.
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <lowp/block.hpp>

namespace {

constexpr Eigen::Index rows = 4096, depth = 4096;

Eigen::MatrixXf gaussian(Eigen::Index r, Eigen::Index c, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Eigen::MatrixXf m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(engine);
  return m;
}

// Reads and writes more than the last-level cache holds, so that neither product starts warm.
void flush_caches() {
  static std::vector<std::uint64_t> buffer(std::size_t(192) << 17);  // 192 MiB
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < buffer.size(); i += 8) {
    sum += buffer[i];
    buffer[i] = sum;
  }
  benchmark::DoNotOptimize(sum);
}

template <class F>
void w4a16(benchmark::State& state, bool flush) {
  Eigen::setNbThreads(1);
  const Eigen::Index tokens = state.range(0);
  const auto qw = lowp::quantize<F>(gaussian(rows, depth, 1), lowp::block_axis::row);
  const Eigen::MatrixXf dequantized = qw.dequantize();
  Eigen::MatrixXf y(rows, tokens), z(rows, tokens);
  using clock = std::chrono::steady_clock;
  double lowp_seconds = 0, eigen_seconds = 0;
  unsigned seed = 100;
  for (auto _ : state) {
    const Eigen::MatrixXf x = gaussian(depth, tokens, ++seed);
    if (flush) flush_caches();
    const auto t0 = clock::now();
    y.noalias() = qw * x;
    benchmark::DoNotOptimize(y.data());
    const auto t1 = clock::now();
    if (flush) flush_caches();
    const auto t2 = clock::now();
    z.noalias() = dequantized * x;
    benchmark::DoNotOptimize(z.data());
    const auto t3 = clock::now();
    const double lowp_time = std::chrono::duration<double>(t1 - t0).count();
    lowp_seconds += lowp_time;
    eigen_seconds += std::chrono::duration<double>(t3 - t2).count();
    state.SetIterationTime(lowp_time);
  }
  const double flop = 2.0 * double(rows) * double(depth) * double(tokens) * double(state.iterations());
  state.counters["lowp_GFLOPs"] = flop / lowp_seconds * 1e-9;
  state.counters["eigen_GFLOPs"] = flop / eigen_seconds * 1e-9;
  state.counters["speedup"] = eigen_seconds / lowp_seconds;
  state.SetItemsProcessed(state.iterations() * rows * depth * tokens);
}

template <class F>
void cold(benchmark::State& state) {
  w4a16<F>(state, true);
}
template <class F>
void warm(benchmark::State& state) {
  w4a16<F>(state, false);
}

#define LOWP_W4A16_CASES(F, name)                                                                           \
  BENCHMARK(cold<F>)->Name("w4a16/" name)->Arg(1)->Arg(16)->UseManualTime()->Unit(benchmark::kMillisecond); \
  BENCHMARK(warm<F>)                                                                                        \
      ->Name("w4a16_warm/" name)                                                                            \
      ->Arg(1)                                                                                              \
      ->Arg(16)                                                                                             \
      ->UseManualTime()                                                                                     \
      ->Unit(benchmark::kMillisecond)

using int4_g32 = lowp::int_group<4, 32>;
using int4_g64 = lowp::int_group<4, 64>;
using int4_g128 = lowp::int_group<4, 128>;
LOWP_W4A16_CASES(int4_g32, "int4_g32");
LOWP_W4A16_CASES(int4_g64, "int4_g64");
LOWP_W4A16_CASES(int4_g128, "int4_g128");
LOWP_W4A16_CASES(lowp::mxfp4, "mxfp4");
LOWP_W4A16_CASES(lowp::nvfp4, "nvfp4");
LOWP_W4A16_CASES(lowp::mxfp8_e4m3, "mxfp8_e4m3");

}  // namespace
