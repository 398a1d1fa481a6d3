// Posit arithmetic throughput, one thread, on fresh operands: 2^20 operand pairs (4 MiB per posit32 array)
// whose magnitudes are log-uniform over 2^±8 with random signs, each used once per iteration, so regime
// lengths vary unpredictably and no branch predictor can learn them (a short array replayed over and over
// flatters branchy code: the predictor learns its pattern). Cases:
//   posit32_* / posit16_*   the scalar operators in a plain loop, out[i] = a[i] op b[i];
//   *_span                  lowp::add / subtract / multiply / divide over the whole arrays (SIMD lanes;
//                           posit8 spans read 64 K-entry tables);
//   posit32_quire_fma       quire32::fma over the arrays; posit8_*_sqrt: sqrt of 2^20 positive codes.
// Baselines in the same binary, so that every figure reads as a ratio from one run:
//   float_*        the same loop on float (hardware);
//   naive_posit32_* a plainly written posit: decode bit by bit with a loop (as a first implementation would),
//                   compute in double, encode by a bit loop. Not correctly rounded in every case; only a
//                   speed reference for the branch-free codec.
// Mops/s = items_per_second / 10^6. SoftPosit and Universal are compared in a separate binary built outside
// the repository (benchmarks/README.md, "Peers").
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include <lowp/posit/elementwise.hpp>
#include <lowp/posit/posit.hpp>

namespace {

constexpr std::size_t count = std::size_t(1) << 20;

template <class T>
std::vector<T> operands(std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> exponent(-8.0, 8.0);
  std::vector<T> values;
  values.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double x = std::exp2(exponent(engine)) * ((engine() & 1) != 0 ? -1.0 : 1.0);
    values.push_back(static_cast<T>(x));
  }
  return values;
}

template <class T, class Op>
void binary(benchmark::State& state) {
  const auto a = operands<T>(1), b = operands<T>(2);
  std::vector<T> c(count);
  Op op;
  for (auto _ : state) {
    for (std::size_t i = 0; i < count; ++i) c[i] = op(a[i], b[i]);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

// The span functions over the same arrays.
enum class span_operation { add, multiply, divide };
template <class T, span_operation Op>
void span(benchmark::State& state) {
  const auto a = operands<T>(1), b = operands<T>(2);
  std::vector<T> c(count);
  for (auto _ : state) {
    if constexpr (Op == span_operation::add) lowp::add(a, b, c);
    if constexpr (Op == span_operation::multiply) lowp::multiply(a, b, c);
    if constexpr (Op == span_operation::divide) lowp::divide(a, b, c);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

// sqrt of 2^20 positive codes drawn uniformly (posits of 8 bits read a 256-entry table).
template <class T>
void positive_sqrt(benchmark::State& state) {
  std::mt19937_64 engine(3);
  std::vector<T> a(count), c(count);
  for (auto& x : a) x = T::from_bits(static_cast<std::uint32_t>(1 + engine() % T::maxpos().bits()));
  for (auto _ : state) {
    for (std::size_t i = 0; i < count; ++i) c[i] = sqrt(a[i]);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

struct square_root {
  template <class T>
  T operator()(T a, T) const {
    using std::sqrt;
    return sqrt(a < T(0) ? -a : a);
  }
};

// --- the naive reference posit32 (es = 2) ---------------------------------------------------------------
double naive_decode(std::uint32_t code) {
  if (code == 0) return 0.0;
  if (code == 0x80000000u) return NAN;
  const bool negative = (code >> 31) != 0;
  if (negative) code = 0u - code;
  int i = 30;
  const int first = (code >> i) & 1;
  int run = 0;
  while (i >= 0 && int((code >> i) & 1) == first) {
    ++run;
    --i;
  }
  --i;
  const int k = first != 0 ? run - 1 : -run;
  int e = 0;
  for (int j = 0; j < 2; ++j) e = (e << 1) | (i >= 0 ? int((code >> i--) & 1) : 0);
  double f = 1.0, w = 0.5;
  for (; i >= 0; --i, w /= 2) f += ((code >> i) & 1) != 0 ? w : 0.0;
  const double v = std::ldexp(f, 4 * k + e);
  return negative ? -v : v;
}
std::uint32_t naive_encode(double x) {
  if (x == 0) return 0;
  if (!std::isfinite(x)) return 0x80000000u;
  const bool negative = x < 0;
  double a = std::fabs(x);
  a = std::fmin(std::fmax(a, std::ldexp(1.0, -120)), std::ldexp(1.0, 120));
  int exponent = 0;
  std::frexp(a, &exponent);
  const int scale = exponent - 1;
  const int k = scale >= 0 ? scale / 4 : -((-scale + 3) / 4);
  const int e = scale - 4 * k;
  std::uint64_t bits = 0;
  int length = 0;
  auto push = [&](int bit) {
    bits = (bits << 1) | std::uint64_t(bit);
    ++length;
  };
  if (k >= 0) {
    for (int j = 0; j <= k; ++j) push(1);
    push(0);
  } else {
    for (int j = 0; j < -k; ++j) push(0);
    push(1);
  }
  push((e >> 1) & 1);
  push(e & 1);
  double fraction = std::ldexp(a, -scale) - 1.0;
  while (length < 33) {
    fraction *= 2;
    const int bit = fraction >= 1 ? 1 : 0;
    fraction -= bit;
    push(bit);
  }
  // Keep 31 bits, round half to even on the 32nd with the remaining fraction as sticky.
  const std::uint64_t kept = bits >> (length - 31);
  const int guard = int((bits >> (length - 32)) & 1);
  const bool sticky = (bits & ((std::uint64_t(1) << (length - 32)) - 1)) != 0 || fraction != 0;
  std::uint32_t magnitude = std::uint32_t(kept + std::uint64_t(guard && (sticky || (kept & 1))));
  if (magnitude > 0x7fffffffu) magnitude = 0x7fffffffu;
  return negative ? 0u - magnitude : magnitude;
}
struct naive_posit32 {
  std::uint32_t code;
  explicit naive_posit32(double x = 0) : code(naive_encode(x)) {}
};
template <class Op>
struct naive_op {
  naive_posit32 operator()(naive_posit32 a, naive_posit32 b) const {
    return naive_posit32(Op{}(naive_decode(a.code), naive_decode(b.code)));
  }
};

void quire32_dot(benchmark::State& state) {
  const auto a = operands<lowp::posit32>(1), b = operands<lowp::posit32>(2);
  for (auto _ : state) {
    lowp::quire32 q;
    for (std::size_t i = 0; i < count; ++i) q.fma(a[i], b[i]);
    benchmark::DoNotOptimize(q.to_posit());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

// Rounding each product into float and summing in float: the float fused-multiply-add loop as a baseline.
void float_dot(benchmark::State& state) {
  const auto a = operands<float>(1), b = operands<float>(2);
  for (auto _ : state) {
    float sum = 0;
    for (std::size_t i = 0; i < count; ++i) sum = std::fma(a[i], b[i], sum);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

using lowp::posit16;
using lowp::posit32;

BENCHMARK(binary<posit32, std::plus<>>)->Name("posit32_add");
BENCHMARK(binary<posit32, std::multiplies<>>)->Name("posit32_mul");
BENCHMARK(binary<posit32, std::divides<>>)->Name("posit32_div");
BENCHMARK(binary<posit32, square_root>)->Name("posit32_sqrt");
BENCHMARK(binary<posit16, std::plus<>>)->Name("posit16_add");
BENCHMARK(binary<posit16, std::multiplies<>>)->Name("posit16_mul");
BENCHMARK(binary<posit16, std::divides<>>)->Name("posit16_div");
BENCHMARK(binary<posit16, square_root>)->Name("posit16_sqrt");
BENCHMARK(span<posit32, span_operation::add>)->Name("posit32_add_span");
BENCHMARK(span<posit32, span_operation::multiply>)->Name("posit32_mul_span");
BENCHMARK(span<posit32, span_operation::divide>)->Name("posit32_div_span");
BENCHMARK(span<posit16, span_operation::add>)->Name("posit16_add_span");
BENCHMARK(span<posit16, span_operation::multiply>)->Name("posit16_mul_span");
BENCHMARK(span<posit16, span_operation::divide>)->Name("posit16_div_span");
BENCHMARK(binary<lowp::posit8, std::plus<>>)->Name("posit8_add");
BENCHMARK(span<lowp::posit8, span_operation::add>)->Name("posit8_add_span");
BENCHMARK(span<lowp::posit8, span_operation::multiply>)->Name("posit8_mul_span");
BENCHMARK(positive_sqrt<lowp::posit<8, 0>>)->Name("posit8_0_sqrt");
BENCHMARK(positive_sqrt<lowp::posit8>)->Name("posit8_sqrt");
BENCHMARK(quire32_dot)->Name("posit32_quire_fma");
BENCHMARK(binary<float, std::plus<>>)->Name("float_add");
BENCHMARK(binary<float, std::multiplies<>>)->Name("float_mul");
BENCHMARK(binary<float, std::divides<>>)->Name("float_div");
BENCHMARK(float_dot)->Name("float_fma_dot");
BENCHMARK(binary<naive_posit32, naive_op<std::plus<>>>)->Name("naive_posit32_add");
BENCHMARK(binary<naive_posit32, naive_op<std::multiplies<>>>)->Name("naive_posit32_mul");
BENCHMARK(binary<naive_posit32, naive_op<std::divides<>>>)->Name("naive_posit32_div");

}  // namespace
