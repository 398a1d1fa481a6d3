// Matrix-unit models, GEMM through a unit against Eigen's float GEMM in the same binary (the ratio of the two
// times is the figure to read; items = multiply-adds, so items/s of both are comparable):
//   mma/eigen_float/n                 C = A * B, float, Eigen's kernel, one thread
//   mma/gemm/<unit>/n                 lowp::mma::gemm<unit>(A, B, C) on operands already in the input format
//   mma/gemm_quantized/<unit>/n       lowp::mma::gemm<unit>(qa, qb, C) on quantized operands
//   mma/dot/<unit>/k                  lowp::mma::dot<unit> over fresh operands (items = products)
// threads/mma/...: the same calls with lowp::threads{t}, timed by the wall clock (UseRealTime), CPU time
// summed over all threads (MeasureProcessCPUTime; caller_cpu_ms is the calling thread's share); the speedup
// is threads:2 over threads:1 of the same case in the same run (scripts/threads_speedup.sh prints it).
#include <ctime>
#include <random>
#include <vector>

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <lowp/block.hpp>
#include <lowp/mma.hpp>

namespace {

Eigen::MatrixXf gaussian(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Eigen::MatrixXf m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(engine);
  return m;
}

void eigen_float(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXf a = gaussian(n, n, 1), b = gaussian(n, n, 2);
  Eigen::MatrixXf c(n, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n * n * n);
}

// CPU seconds of the calling thread (with the process's CPU time: each thread's share of a threaded call).
double caller_cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

template <class U>
void gemm(benchmark::State& state) {
  using A = typename U::a_type;
  using B = typename U::b_type;
  using D = typename U::d_type;
  const Eigen::Index n = state.range(0);
  const lowp::threads workers{int(state.range(1))};
  const Eigen::Matrix<A, -1, -1> a = gaussian(n, n, 1).unaryExpr([](float x) { return A(x); });
  const Eigen::Matrix<B, -1, -1> b = gaussian(n, n, 2).unaryExpr([](float x) { return B(x); });
  const Eigen::Matrix<D, -1, -1> c = Eigen::Matrix<D, -1, -1>::Constant(n, n, D(0.0f));
  double caller = 0.0;
  for (auto _ : state) {
    const double start = caller_cpu_seconds();
    auto d = lowp::mma::gemm<U>(a, b, c, workers);
    benchmark::DoNotOptimize(d.data());
    caller += caller_cpu_seconds() - start;
  }
  state.counters["caller_cpu_ms"] = benchmark::Counter(caller * 1e3, benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(state.iterations() * n * n * n);
}

template <class U>
void gemm_quantized(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const lowp::threads workers{int(state.range(1))};
  const auto qa = lowp::quantize<typename U::a_type>(gaussian(n, n, 1), lowp::block_axis::row);
  const auto qb = lowp::quantize<typename U::b_type>(gaussian(n, n, 2), lowp::block_axis::column);
  const Eigen::MatrixXf c = Eigen::MatrixXf::Zero(n, n);
  double caller = 0.0;
  for (auto _ : state) {
    const double start = caller_cpu_seconds();
    Eigen::MatrixXf d = lowp::mma::gemm<U>(qa, qb, c, workers);
    benchmark::DoNotOptimize(d.data());
    caller += caller_cpu_seconds() - start;
  }
  state.counters["caller_cpu_ms"] = benchmark::Counter(caller * 1e3, benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(state.iterations() * n * n * n);
}

// Dot products over 2^16 fresh operand pairs cycled (no short array replayed), K = state.range(0).
template <class U>
void dot(benchmark::State& state) {
  using A = typename U::a_type;
  using B = typename U::b_type;
  using D = typename U::d_type;
  const std::size_t k = std::size_t(state.range(0)), pool = std::size_t(1) << 16;
  std::mt19937 engine(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<A> a(pool + k);
  std::vector<B> b(pool + k);
  for (auto& x : a) x = A(normal(engine));
  for (auto& x : b) x = B(normal(engine));
  std::size_t at = 0;
  for (auto _ : state) {
    D d = lowp::mma::dot<U>(a.data() + at, b.data() + at, k, D(0.0f));
    benchmark::DoNotOptimize(d);
    at = (at + 977) % pool;
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(k));
}

using namespace lowp;
using namespace lowp::mma;

}  // namespace

BENCHMARK(eigen_float)->Name("mma/eigen_float")->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm<unit<hopper, float8_e4m3fn, float8_e4m3fn, float>>)
    ->Name("mma/gemm/hopper_e4m3_f32")
    ->ArgNames({"n", "threads"})
    ->Args({1024, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_quantized<unit<blackwell, mxfp4, mxfp4, float>>)
    ->Name("mma/gemm_quantized/blackwell_mxfp4")
    ->ArgNames({"n", "threads"})
    ->Args({1024, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_quantized<unit<blackwell, nvfp4, nvfp4, float>>)
    ->Name("mma/gemm_quantized/blackwell_nvfp4")
    ->ArgNames({"n", "threads"})
    ->Args({1024, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm<unit<ada, float8_e4m3fn, float8_e4m3fn, float>>)
    ->Name("mma/gemm/ada_e4m3_f32")
    ->ArgNames({"n", "threads"})
    ->Args({1024, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm<unit<hopper, float16, float16, float>>)
    ->Name("mma/gemm/hopper_f16_f32")
    ->ArgNames({"n", "threads"})
    ->Args({512, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm<unit<blackwell, float8_e4m3fn, float8_e4m3fn, float>>)
    ->Name("mma/gemm/blackwell_e4m3_f32")
    ->ArgNames({"n", "threads"})
    ->Args({512, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_quantized<unit<blackwell, mxfp8_e4m3, mxfp8_e4m3, float>>)
    ->Name("mma/gemm_quantized/blackwell_mxfp8_e4m3")
    ->ArgNames({"n", "threads"})
    ->Args({512, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm<unit<cdna3, float16, float16, float>>)
    ->Name("mma/gemm/cdna3_f16_f32")
    ->ArgNames({"n", "threads"})
    ->Args({512, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(eigen_float)->Name("mma/eigen_float")->Arg(512)->Unit(benchmark::kMillisecond);
#define LOWP_THREAD_ARGS        \
  ->ArgNames({"n", "threads"})  \
      ->Args({1024, 1})         \
      ->Args({1024, 2})         \
      ->MeasureProcessCPUTime() \
      ->UseRealTime()           \
      ->Unit(benchmark::kMillisecond)
BENCHMARK(gemm<unit<hopper, float8_e4m3fn, float8_e4m3fn, float>>)
    ->Name("threads/mma/gemm/hopper_e4m3_f32") LOWP_THREAD_ARGS;
BENCHMARK(gemm_quantized<unit<blackwell, mxfp4, mxfp4, float>>)
    ->Name("threads/mma/gemm_quantized/blackwell_mxfp4") LOWP_THREAD_ARGS;
BENCHMARK(dot<unit<hopper, float8_e4m3fn, float8_e4m3fn, float>>)->Name("mma/dot/hopper_e4m3_f32")->Arg(4096);
BENCHMARK(dot<unit<hopper, float16, float16, float>>)->Name("mma/dot/hopper_f16_f32")->Arg(4096);
BENCHMARK(dot<unit<cdna3, float16, float16, float>>)->Name("mma/dot/cdna3_f16_f32")->Arg(4096);
