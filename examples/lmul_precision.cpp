// L-Mul's precision claim (Luo and Sun 2024, "Addition is All You Need for Energy-efficient Language
// Models"): L-Mul with a 4-bit mantissa is about as precise as float8_e4m3 multiplication, and with 3 bits it
// beats float8_e5m2. Measured here on synthetic data, and then the error of length-4096 dot products under
// each accumulation policy.
//
// What is compared, per pair (x, y) of fp32 operands, against the exact product x*y (binary64):
//   L-Mul M      lowp::lmul<M>(x, y): operand mantissas truncated to M bits, one integer addition, fp32
//                result. (The paper's hardware takes operands that already have M mantissa bits; the
//                truncation is our reading of its bit-level simulation and is part of the error here.)
//   L-Mul M rne  the operands first rounded to nearest (M mantissa bits, fp32's exponent range), then L-Mul:
//                the error L-Mul adds to operands quantised as well as an fp8 cast would quantise them.
//   fp8 mul      both operands rounded to the fp8 format (round to nearest even, as a cast does), their
//                product formed exactly and kept in fp32: fp8 multiplication with fp32 output, as FP8
//                tensor cores do and as the paper compares against.
//   fp8 mul, product to fp8   the same with the product rounded to fp8 too (a weaker baseline).
// Error = mean of |approx - exact| / |exact| over 10^6 pairs with a nonzero product. Data: x, y ~ N(0,1)
// (some fall below e4m3's normal range, 2^-6, as unscaled data do) and log-uniform |x|, |y| in [2^-3, 2^4]
// with random signs (operands and products inside both fp8 formats' normal ranges).
// Model expectation: the same mean over operands whose mantissas are uniform on [0, 1) (exponents do not
// matter for relative error): the usual model behind such estimates, computed here by numerical
// integration on a 1024 x 1024 grid (not a closed form taken from the paper).
//
// Part of the test suite: the program returns 1 if its sanity checks fail.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <vector>

#include <lowp/arith/gemm.hpp>
#include <lowp/arith/lmul.hpp>
#include <lowp/float/named_formats.hpp>
#include <lowp/float/round_to.hpp>

namespace {

// fp32 with M mantissa bits, rounded to nearest even (the exponent range stays fp32's).
template <int M>
float round_mantissa(float x) {
  using T = lowp::minifloat<lowp::float_format<8, M>>;
  return lowp::round_to<T>(x);
}

struct method {
  const char* name;
  double (*apply)(float, float);
};

template <int M>
double lmul_truncating(float x, float y) {
  return lowp::lmul<M>(x, y);
}
template <int M>
double lmul_rounded_operands(float x, float y) {
  return lowp::lmul<M>(round_mantissa<M>(x), round_mantissa<M>(y));
}
template <class T>
double fp8_fp32_output(float x, float y) {
  return static_cast<double>(lowp::round_to<T>(x)) * static_cast<double>(lowp::round_to<T>(y));
}
template <class T>
double fp8_fp8_output(float x, float y) {
  return lowp::round_to<T>(fp8_fp32_output<T>(x, y));
}

const method methods[] = {
    {"L-Mul 4 (truncated operands)", lmul_truncating<4>},
    {"L-Mul 4 (operands rounded to 4 bits)", lmul_rounded_operands<4>},
    {"fp8 e4m3fn mul, fp32 product", fp8_fp32_output<lowp::float8_e4m3fn>},
    {"fp8 e4m3fn mul, product to e4m3fn", fp8_fp8_output<lowp::float8_e4m3fn>},
    {"L-Mul 3 (truncated operands)", lmul_truncating<3>},
    {"L-Mul 3 (operands rounded to 3 bits)", lmul_rounded_operands<3>},
    {"fp8 e5m2 mul, fp32 product", fp8_fp32_output<lowp::float8_e5m2>},
    {"fp8 e5m2 mul, product to e5m2", fp8_fp8_output<lowp::float8_e5m2>},
    {"L-Mul 2 (truncated operands)", lmul_truncating<2>},
};

double mean_relative_error(const method& m, const std::vector<float>& x, const std::vector<float>& y) {
  double sum = 0.0;
  long count = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double exact = static_cast<double>(x[i]) * static_cast<double>(y[i]);
    if (exact == 0.0) continue;
    sum += std::abs(m.apply(x[i], y[i]) - exact) / std::abs(exact);
    ++count;
  }
  return sum / static_cast<double>(count);
}

// Mantissas uniform on [0, 1): midpoints of a 1024 x 1024 grid of operands in [1, 2).
double model_expectation(const method& m) {
  constexpr int n = 1024;
  double sum = 0.0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const float x = 1.0f + (static_cast<float>(i) + 0.5f) / n,
                  y = 1.0f + (static_cast<float>(j) + 0.5f) / n;
      const double exact = static_cast<double>(x) * static_cast<double>(y);
      sum += std::abs(m.apply(x, y) - exact) / exact;
    }
  }
  return sum / (static_cast<double>(n) * n);
}

}  // namespace

int main() {
  constexpr std::size_t pairs = 1'000'000;
  std::mt19937_64 engine(2024);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> exponent(-3.0f, 4.0f);
  std::vector<float> nx(pairs), ny(pairs), lx(pairs), ly(pairs);
  for (std::size_t i = 0; i < pairs; ++i) {
    nx[i] = normal(engine);
    ny[i] = normal(engine);
    lx[i] = std::exp2(exponent(engine)) * (engine() & 1 ? 1.0f : -1.0f);
    ly[i] = std::exp2(exponent(engine)) * (engine() & 1 ? 1.0f : -1.0f);
  }

  std::printf("Mean relative error of one multiplication (10^6 pairs each)\n\n");
  std::printf("%-40s %12s %12s %12s\n", "method", "N(0,1)", "log-uniform", "model");
  double results[std::size(methods)][3];
  for (std::size_t k = 0; k < std::size(methods); ++k) {
    results[k][0] = mean_relative_error(methods[k], nx, ny);
    results[k][1] = mean_relative_error(methods[k], lx, ly);
    results[k][2] = model_expectation(methods[k]);
    std::printf("%-40s %11.3f%% %11.3f%% %11.3f%%\n", methods[k].name, 100 * results[k][0],
                100 * results[k][1], 100 * results[k][2]);
  }

  // Dot products of length 4096, x, y ~ N(0,1): error relative to sum |x_k y_k| (the scale the rounding
  // errors of a sum are measured against), mean over 20 pairs of vectors; reference: accumulate_exact
  // (the exact sum, rounded once).
  constexpr std::size_t length = 4096;
  constexpr int trials = 20;
  struct policy_row {
    const char* name;
    float (*dot)(std::span<const float>, std::span<const float>);
    double error = 0.0;
  };
  policy_row rows[] = {
      {"accumulate<float> (fma chain)",
       [](auto x, auto y) { return lowp::dot(x, y, lowp::accumulate<float>{}); }},
      {"accumulate<bfloat16>",
       [](auto x, auto y) { return lowp::dot(x, y, lowp::accumulate<lowp::bfloat16>{}); }},
      {"accumulate<float16>",
       [](auto x, auto y) { return lowp::dot(x, y, lowp::accumulate<lowp::float16>{}); }},
      {"accumulate<float8_e4m3fn>",
       [](auto x, auto y) { return lowp::dot(x, y, lowp::accumulate<lowp::float8_e4m3fn>{}); }},
      {"accumulate_chunked<bfloat16, 128>",
       [](auto x, auto y) { return lowp::dot(x, y, lowp::accumulate_chunked<lowp::bfloat16, 128>{}); }},
      {"accumulate_chunked<float8_e4m3fn, 128>",
       [](auto x, auto y) { return lowp::dot(x, y, lowp::accumulate_chunked<lowp::float8_e4m3fn, 128>{}); }},
      {"accumulate_chunked<float8_e4m3fn, 32>",
       [](auto x, auto y) { return lowp::dot(x, y, lowp::accumulate_chunked<lowp::float8_e4m3fn, 32>{}); }},
      {"L-Mul 4 products, fp32 sum",
       [](auto x, auto y) {
         float s = 0.0f;
         for (std::size_t k = 0; k < x.size(); ++k) s += lowp::lmul<4>(x[k], y[k]);
         return s;
       }},
      {"L-Mul 3 products, fp32 sum",
       [](auto x, auto y) {
         float s = 0.0f;
         for (std::size_t k = 0; k < x.size(); ++k) s += lowp::lmul<3>(x[k], y[k]);
         return s;
       }},
  };
  std::vector<float> x(length), y(length);
  for (int t = 0; t < trials; ++t) {
    double scale = 0.0;
    for (std::size_t k = 0; k < length; ++k) {
      x[k] = normal(engine);
      y[k] = normal(engine);
      scale += std::abs(static_cast<double>(x[k]) * y[k]);
    }
    const float exact =
        lowp::dot(std::span<const float>(x), std::span<const float>(y), lowp::accumulate_exact{});
    for (auto& row : rows) row.error += std::abs(static_cast<double>(row.dot(x, y)) - exact) / scale / trials;
  }
  std::printf("\nDot products of length %zu, N(0,1): mean |error| / sum|x*y| over %d pairs of vectors\n\n",
              length, trials);
  for (const auto& row : rows) std::printf("%-40s %12.2e\n", row.name, row.error);

  // Sanity checks (the program is a test): errors are positive and finite, fp32 accumulation is far more
  // accurate than e4m3fn accumulation, and chunking e4m3fn accumulation helps.
  bool ok = true;
  for (const auto& r : results)
    ok = ok && r[0] > 0 && r[0] < 0.5 && r[1] > 0 && r[1] < 0.5 && r[2] > 0 && r[2] < 0.5;
  ok = ok && rows[0].error < 1e-5 && rows[3].error > 100 * rows[0].error && rows[6].error < rows[3].error;
  if (!ok) std::printf("\nsanity check FAILED\n");
  return ok ? 0 : 1;
}
