// L-Mul GEMM and GEMM under each accumulation policy, against Eigen's float GEMM in the same run, single
// thread. Reported as GFLOP/s (2 n^3 per product: one multiply and one add per term, whatever they cost).
// threads/...: the same calls with lowp::threads{t}, timed by the wall clock (UseRealTime), CPU time summed
// over all threads (MeasureProcessCPUTime); the speedup is threads:2 over threads:1 of the same case
// (scripts/threads_speedup.sh prints it).
#include <ctime>

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <lowp/arith/gemm.hpp>
#include <lowp/arith/lmul_gemm.hpp>
#include <lowp/float/named_formats.hpp>

namespace {

Eigen::MatrixXf random_matrix(Eigen::Index n, unsigned seed) {
  std::srand(seed);
  return Eigen::MatrixXf::Random(n, n);
}

void set_gflops(benchmark::State& state, Eigen::Index n) {
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void eigen_float(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXf a = random_matrix(n, 1), b = random_matrix(n, 2);
  Eigen::MatrixXf c(n, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_gflops(state, n);
}

template <int M>
void lmul_gemm(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXf a = random_matrix(n, 1), b = random_matrix(n, 2);
  for (auto _ : state) {
    Eigen::MatrixXf c = lowp::lmul_gemm<M>(a, b);
    benchmark::DoNotOptimize(c.data());
  }
  set_gflops(state, n);
}

// The same L-Mul GEMM on other data. relu_A: half of A is zeros (the masked one-add path). checked: one
// subnormal in every packed panel of A (every 32 rows, every 256 columns), so every tile takes the checked
// path (the complete lmul_bits kernel).
template <int M, bool Checked>
void lmul_gemm_special_data(benchmark::State& state) {
  Eigen::setNbThreads(1);
  const Eigen::Index n = state.range(0);
  Eigen::MatrixXf a = random_matrix(n, 1);
  const Eigen::MatrixXf b = random_matrix(n, 2);
  if (Checked) {
    for (Eigen::Index i = 0; i < n; i += 32) {
      for (Eigen::Index k = 0; k < n; k += 256) a(i, k) = 1e-40f;
    }
  } else {
    a = a.cwiseMax(0.0f);
  }
  for (auto _ : state) {
    Eigen::MatrixXf c = lowp::lmul_gemm<M>(a, b);
    benchmark::DoNotOptimize(c.data());
  }
  set_gflops(state, n);
}

// Every product through the scalar lowp::lmul (what lmul_gemm's speed is measured against).
template <int M>
void lmul_triple_loop(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXf a = random_matrix(n, 1), b = random_matrix(n, 2);
  Eigen::MatrixXf c(n, n);
  for (auto _ : state) {
    for (Eigen::Index j = 0; j < n; ++j) {
      for (Eigen::Index i = 0; i < n; ++i) {
        float s = 0.0f;
        for (Eigen::Index k = 0; k < n; ++k) s += lowp::lmul<M>(a(i, k), b(k, j));
        c(i, j) = s;
      }
    }
    benchmark::DoNotOptimize(c.data());
  }
  set_gflops(state, n);
}

template <class Policy>
void policy_gemm(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXf a = random_matrix(n, 1), b = random_matrix(n, 2);
  for (auto _ : state) {
    Eigen::MatrixXf c = lowp::gemm(a, b, Policy{});
    benchmark::DoNotOptimize(c.data());
  }
  set_gflops(state, n);
}

// CPU seconds of the calling thread: with the process's CPU time it gives each thread's share of a threaded
// call (the worker's is the difference), which bounds the wall time on idle cores when the machine is not.
double caller_cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// lowp::gemm (accumulate<float>) and lmul_gemm<3> on `threads` threads.
template <bool Lmul>
void gemm_on_threads(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const lowp::threads workers{int(state.range(1))};
  const Eigen::MatrixXf a = random_matrix(n, 1), b = random_matrix(n, 2);
  double caller = 0.0;
  for (auto _ : state) {
    const double start = caller_cpu_seconds();
    Eigen::MatrixXf c = Lmul ? lowp::lmul_gemm<3>(a, b, workers) : lowp::gemm(a, b, workers);
    benchmark::DoNotOptimize(c.data());
    caller += caller_cpu_seconds() - start;
  }
  state.counters["caller_cpu_ms"] = benchmark::Counter(caller * 1e3, benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(state.iterations() * n * n * n);  // multiply-adds
  set_gflops(state, n);
}

#define LOWP_GEMM_SIZES ->Arg(256)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond)
BENCHMARK(eigen_float)->Name("gemm/eigen_float") LOWP_GEMM_SIZES;
BENCHMARK(lmul_gemm<3>)->Name("gemm/lmul3") LOWP_GEMM_SIZES;
BENCHMARK(lmul_gemm<4>)->Name("gemm/lmul4") LOWP_GEMM_SIZES;
BENCHMARK(lmul_gemm_special_data<4, false>)
    ->Name("gemm/lmul4_relu_A")
    ->Arg(1024)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(lmul_gemm_special_data<4, true>)
    ->Name("gemm/lmul4_checked_path")
    ->Arg(1024)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(lmul_triple_loop<4>)
    ->Name("gemm/lmul4_scalar_triple_loop")
    ->Arg(256)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(policy_gemm<lowp::accumulate<float>>)->Name("gemm/accumulate_float") LOWP_GEMM_SIZES;
#define LOWP_SLOW_SIZES ->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond)
BENCHMARK(policy_gemm<lowp::accumulate<lowp::bfloat16>>)->Name("gemm/accumulate_bfloat16") LOWP_SLOW_SIZES;
BENCHMARK(policy_gemm<lowp::accumulate<lowp::float16>>)->Name("gemm/accumulate_float16") LOWP_SLOW_SIZES;
BENCHMARK(policy_gemm<lowp::accumulate<lowp::float8_e4m3fn>>)->Name("gemm/accumulate_e4m3fn") LOWP_SLOW_SIZES;
BENCHMARK(policy_gemm<lowp::accumulate_chunked<lowp::float8_e4m3fn, 128>>)
    ->Name("gemm/accumulate_chunked_e4m3fn_128") LOWP_SLOW_SIZES;
BENCHMARK(policy_gemm<lowp::accumulate_chunked<float, 128>>)
    ->Name("gemm/accumulate_chunked_float_128") LOWP_SLOW_SIZES;
BENCHMARK(policy_gemm<lowp::accumulate_exact>)->Name("gemm/accumulate_exact") LOWP_SLOW_SIZES;
#define LOWP_THREAD_ARGS        \
  ->ArgNames({"n", "threads"})  \
      ->Args({1024, 1})         \
      ->Args({1024, 2})         \
      ->MeasureProcessCPUTime() \
      ->UseRealTime()           \
      ->Unit(benchmark::kMillisecond)
BENCHMARK(gemm_on_threads<false>)->Name("threads/accumulate_float") LOWP_THREAD_ARGS;
BENCHMARK(gemm_on_threads<true>)->Name("threads/lmul3") LOWP_THREAD_ARGS;

}  // namespace
