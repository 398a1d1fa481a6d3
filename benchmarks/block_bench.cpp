// Block-scaled formats, single thread: quantize and dequantize throughput per format (items = elements),
// and the quantized GEMM against Eigen's float GEMM in the same binary (the ratio is the figure to read):
//   gemm/eigen_float/n          C = A * B, float, Eigen's kernel
//   gemm/quantize_both+gemm/F/n quantize A (rows) and B (columns) into F, then lowp::gemm (accumulate<float>)
//   gemm/gemm_only/F/n          lowp::gemm on operands quantized beforehand
// MXFP4 and MXINT8 take the integer path (exact int32 block sums, AVX512-VNNI where compiled); MXFP8 and
// NVFP4 the decoded-panel path (Eigen's kernel). threads/...: quantize, quantize both + gemm and gemm alone
// with lowp::threads{t}, timed by the wall clock (UseRealTime), CPU time summed over all threads
// (MeasureProcessCPUTime; caller_cpu_ms is the calling thread's share); the speedup is threads:2 over
// threads:1 of the same case in the same run (scripts/threads_speedup.sh prints it).
#include <ctime>
#include <random>

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <lowp/block.hpp>

namespace {

Eigen::MatrixXf gaussian(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Eigen::MatrixXf m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(engine);
  return m;
}

template <class F, class Rounding = lowp::rounding::nearest_even>
void quantize(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  const auto axis = state.range(1) == 0 ? lowp::block_axis::row : lowp::block_axis::column;
  const Eigen::MatrixXf x = gaussian(n, n, 1);
  for (auto _ : state) {
    auto q = lowp::quantize<F, Rounding>(x, axis, std::uint64_t(7));
    benchmark::DoNotOptimize(q.packed_codes().data());
  }
  state.SetItemsProcessed(state.iterations() * n * n);
}

template <class F>
void dequantize(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  const auto q = lowp::quantize<F>(gaussian(n, n, 2), lowp::block_axis::row);
  Eigen::MatrixXf y(n, n);
  for (auto _ : state) {
    q.dequantize_into(y.data(), n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n * n);
}

void gemm_eigen_float(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXf a = gaussian(n, n, 3), b = gaussian(n, n, 4);
  Eigen::MatrixXf c(n, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

template <class F>
void gemm_quantize_both(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXf a = gaussian(n, n, 3), b = gaussian(n, n, 4);
  for (auto _ : state) {
    const auto qa = lowp::quantize<F>(a, lowp::block_axis::row);
    const auto qb = lowp::quantize<F>(b, lowp::block_axis::column);
    Eigen::MatrixXf c = lowp::gemm(qa, qb);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

template <class F>
void gemm_only(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  const auto qa = lowp::quantize<F>(gaussian(n, n, 3), lowp::block_axis::row);
  const auto qb = lowp::quantize<F>(gaussian(n, n, 4), lowp::block_axis::column);
  for (auto _ : state) {
    Eigen::MatrixXf c = lowp::gemm(qa, qb);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

// CPU seconds of the calling thread: with the process's CPU time it gives each thread's share of a threaded
// call (the worker's is the difference), which bounds the wall time on idle cores when the machine is not.
double caller_cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// On `threads` threads: quantize (A along rows), quantize both + gemm, or gemm alone (operands quantized
// beforehand). Items: elements quantized, or multiply-adds (n^3).
enum class threaded { quantize, quantize_both_and_gemm, gemm_only };

template <class F, threaded What, class Rounding = lowp::rounding::nearest_even>
void on_threads(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const lowp::threads workers{int(state.range(1))};
  const Eigen::MatrixXf a = gaussian(n, n, 3), b = gaussian(n, n, 4);
  const auto qa_fixed = lowp::quantize<F>(a, lowp::block_axis::row);
  const auto qb_fixed = lowp::quantize<F>(b, lowp::block_axis::column);
  double caller = 0.0;
  for (auto _ : state) {
    const double start = caller_cpu_seconds();
    if constexpr (What == threaded::quantize) {
      const auto qa = lowp::quantize<F, Rounding>(a, lowp::block_axis::row, std::uint64_t(7), workers);
      benchmark::DoNotOptimize(qa.packed_codes().data());
    } else if constexpr (What == threaded::quantize_both_and_gemm) {
      const auto qa = lowp::quantize<F>(a, lowp::block_axis::row, workers);
      const auto qb = lowp::quantize<F>(b, lowp::block_axis::column, workers);
      Eigen::MatrixXf c = lowp::gemm(qa, qb, workers);
      benchmark::DoNotOptimize(c.data());
    } else {
      Eigen::MatrixXf c = lowp::gemm(qa_fixed, qb_fixed, workers);
      benchmark::DoNotOptimize(c.data());
    }
    benchmark::ClobberMemory();
    caller += caller_cpu_seconds() - start;
  }
  state.counters["caller_cpu_ms"] = benchmark::Counter(caller * 1e3, benchmark::Counter::kAvgIterations);
  if constexpr (What == threaded::quantize) {
    state.SetItemsProcessed(state.iterations() * n * n);
  } else {
    state.SetItemsProcessed(state.iterations() * n * n * n);
    state.counters["GFLOP/s"] = benchmark::Counter(
        2.0 * double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  }
}

void rht(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXf x = gaussian(n, n, 5);
  for (auto _ : state) {
    Eigen::MatrixXf y = lowp::hadamard_transform(x, 32, 1);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * n * n);
}

#define LOWP_QUANTIZE_BENCH(F, NAME)                                                                         \
  BENCHMARK(quantize<F>)->Name("quantize/" NAME)->ArgNames({"n", "axis"})->Args({1024, 0})->Args({1024, 1}); \
  BENCHMARK(dequantize<F>)->Name("dequantize/" NAME)->Arg(1024)

LOWP_QUANTIZE_BENCH(lowp::mxfp8_e4m3, "mxfp8_e4m3");
LOWP_QUANTIZE_BENCH(lowp::mxfp8_e5m2, "mxfp8_e5m2");
LOWP_QUANTIZE_BENCH(lowp::mxfp6_e3m2, "mxfp6_e3m2");
LOWP_QUANTIZE_BENCH(lowp::mxfp6_e2m3, "mxfp6_e2m3");
LOWP_QUANTIZE_BENCH(lowp::mxfp4, "mxfp4");
LOWP_QUANTIZE_BENCH(lowp::mxint8, "mxint8");
LOWP_QUANTIZE_BENCH(lowp::nvfp4, "nvfp4");
LOWP_QUANTIZE_BENCH(lowp::nvfp4_2d, "nvfp4_2d");
using int4_g32 = lowp::int_group<4, 32>;
using int8_g128_bf16 = lowp::int_group<8, 128, lowp::bfloat16>;
LOWP_QUANTIZE_BENCH(int4_g32, "int4_g32_fp16");
LOWP_QUANTIZE_BENCH(int8_g128_bf16, "int8_g128_bf16");
BENCHMARK(quantize<lowp::mxfp4, lowp::rounding::stochastic<>>)
    ->Name("quantize/mxfp4_stochastic")
    ->ArgNames({"n", "axis"})
    ->Args({1024, 0});
BENCHMARK(quantize<lowp::nvfp4, lowp::rounding::stochastic<>>)
    ->Name("quantize/nvfp4_stochastic")
    ->ArgNames({"n", "axis"})
    ->Args({1024, 0});

BENCHMARK(gemm_eigen_float)
    ->Name("gemm/eigen_float")
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_quantize_both<lowp::mxfp4>)
    ->Name("gemm/quantize_both+gemm/mxfp4")
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_quantize_both<lowp::mxfp8_e4m3>)
    ->Name("gemm/quantize_both+gemm/mxfp8_e4m3")
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_quantize_both<lowp::mxint8>)
    ->Name("gemm/quantize_both+gemm/mxint8")
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_quantize_both<lowp::nvfp4>)
    ->Name("gemm/quantize_both+gemm/nvfp4")
    ->Arg(1024)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_only<lowp::mxfp4>)->Name("gemm/gemm_only/mxfp4")->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_only<lowp::mxint8>)->Name("gemm/gemm_only/mxint8")->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_only<lowp::nvfp4>)->Name("gemm/gemm_only/nvfp4")->Arg(1024)->Unit(benchmark::kMillisecond);
#define LOWP_THREAD_ARGS        \
  ->ArgNames({"n", "threads"})  \
      ->Args({1024, 1})         \
      ->Args({1024, 2})         \
      ->MeasureProcessCPUTime() \
      ->UseRealTime()           \
      ->Unit(benchmark::kMillisecond)
BENCHMARK(on_threads<lowp::mxfp4, threaded::quantize>)->Name("threads/quantize/mxfp4") LOWP_THREAD_ARGS;
BENCHMARK(on_threads<lowp::mxfp4, threaded::quantize, lowp::rounding::stochastic<>>)
    ->Name("threads/quantize/mxfp4_stochastic") LOWP_THREAD_ARGS;
BENCHMARK(on_threads<lowp::nvfp4, threaded::quantize>)->Name("threads/quantize/nvfp4") LOWP_THREAD_ARGS;
BENCHMARK(on_threads<lowp::mxfp4, threaded::quantize_both_and_gemm>)
    ->Name("threads/quantize_both+gemm/mxfp4") LOWP_THREAD_ARGS;
BENCHMARK(on_threads<lowp::mxint8, threaded::quantize_both_and_gemm>)
    ->Name("threads/quantize_both+gemm/mxint8") LOWP_THREAD_ARGS;
BENCHMARK(on_threads<lowp::mxfp8_e4m3, threaded::quantize_both_and_gemm>)
    ->Name("threads/quantize_both+gemm/mxfp8_e4m3") LOWP_THREAD_ARGS;
BENCHMARK(on_threads<lowp::mxfp4, threaded::gemm_only>)->Name("threads/gemm_only/mxfp4") LOWP_THREAD_ARGS;
BENCHMARK(on_threads<lowp::mxfp8_e4m3, threaded::gemm_only>)
    ->Name("threads/gemm_only/mxfp8_e4m3") LOWP_THREAD_ARGS;
BENCHMARK(rht)->Name("hadamard_transform/block32")->Arg(1024);

}  // namespace
