// Matrix<T> products and LU through Eigen, against the same float operations in the same run.
// Every lowp product rounds each multiply and each add into T (the emulation); float is Eigen's own
// kernel. Reported as GFLOP/s (2 n^3 for a product, 2/3 n^3 for LU).
#include <Eigen/Dense>
#include <benchmark/benchmark.h>

#include <lowp/eigen.hpp>

namespace {

template <class T>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> random_matrix(Eigen::Index n, unsigned seed) {
  std::srand(seed);
  const Eigen::MatrixXf m = Eigen::MatrixXf::Random(n, n);
  if constexpr (std::is_same_v<T, float>) {
    return m;
  } else {
    return m.cast<T>();
  }
}

template <class T>
void product(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const auto a = random_matrix<T>(n, 1), b = random_matrix<T>(n, 2);
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> c(n, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

template <class T>
void lu(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  auto a = random_matrix<T>(n, 3);
  for (Eigen::Index i = 0; i < n; ++i) a(i, i) = a(i, i) + T(4);
  for (auto _ : state) {
    Eigen::PartialPivLU<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>> factorization(a);
    benchmark::DoNotOptimize(factorization.matrixLU().data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 / 3.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

BENCHMARK(product<float>)->Name("product/float")->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(product<lowp::bfloat16>)
    ->Name("product/bfloat16")
    ->Arg(128)
    ->Arg(256)
    ->Arg(512)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(product<lowp::float16>)
    ->Name("product/float16")
    ->Arg(128)
    ->Arg(256)
    ->Arg(512)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(product<lowp::float8_e4m3fn>)
    ->Name("product/float8_e4m3fn")
    ->Arg(128)
    ->Arg(256)
    ->Arg(512)
    ->Unit(benchmark::kMillisecond);
// The scalar path (every operation one lowp scalar call): what the fast path is measured against.
BENCHMARK(product<lowp::with_rounding<lowp::bfloat16, lowp::rounding::toward_zero>>)
    ->Name("product/bfloat16_toward_zero_scalar_path")
    ->Arg(128)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(lu<float>)->Name("lu/float")->Arg(256)->Unit(benchmark::kMillisecond);
BENCHMARK(lu<lowp::bfloat16>)->Name("lu/bfloat16")->Arg(256)->Unit(benchmark::kMillisecond);
BENCHMARK(lu<lowp::float16>)->Name("lu/float16")->Arg(256)->Unit(benchmark::kMillisecond);
BENCHMARK(lu<lowp::float8_e4m3fn>)->Name("lu/float8_e4m3fn")->Arg(256)->Unit(benchmark::kMillisecond);

}  // namespace
