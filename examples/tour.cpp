// A tour of lowp: the FP4 value table, the constants of every named minifloat, one value rounded under every
// policy, posits (the cut-point rule and the quire), narrow integers, block-scaled quantization and L-Mul.
// Run it with scripts/tour.sh.
#include <limits>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <lowp/fmt.hpp>
#include <lowp/lowp.hpp>

namespace {

template <class T>
void print_constants(const char* name) {
  using limits = std::numeric_limits<T>;
  using F = typename T::format;
  fmt::print("{:<20} {:>2} {:>2} {:>4}  {:>12.6g}  {:>12.6g}  {:>12.6g}  {:>10.6g}  {:<3} {:<3}\n", name,
             F::bits, F::precision, F::bias, double(limits::max()), double(limits::min()),
             double(limits::denorm_min()), double(limits::epsilon()), F::has_inf ? "yes" : "no",
             F::has_nan ? "yes" : "no");
}

template <class R>
void print_rounded(const char* policy, double x) {
  using T = lowp::with_rounding<lowp::float8_e4m3fn, R>;
  const T rounded(x);
  fmt::print("  {:<16} {:>8}  {:<10} {:>6}  {}\n", policy, rounded, static_cast<double>(rounded),
             fmt::format("{:x}", rounded), fmt::format("{:b}", rounded));
}

}  // namespace

int main() {
  fmt::print("float4_e2m1fn (OCP MX FP4): every code\n  code  fields    value\n");
  for (unsigned code = 0; code < 16; ++code) {
    const auto x = lowp::float4_e2m1fn::from_bits(static_cast<std::uint8_t>(code));
    fmt::print("  {:x}  {:<8}  {}\n", x, fmt::format("{:b}", x), x);
  }

  fmt::print("\nNamed formats\n{:<20} {:>2} {:>2} {:>4}  {:>12}  {:>12}  {:>12}  {:>10}  {:<3} {:<3}\n",
             "format", "b", "p", "bias", "max", "min normal", "min subnorm", "epsilon", "inf", "nan");
  print_constants<lowp::float8_e4m3fn>("float8_e4m3fn");
  print_constants<lowp::float8_e5m2>("float8_e5m2");
  print_constants<lowp::float8_e4m3fnuz>("float8_e4m3fnuz");
  print_constants<lowp::float8_e5m2fnuz>("float8_e5m2fnuz");
  print_constants<lowp::float8_e4m3b11fnuz>("float8_e4m3b11fnuz");
  print_constants<lowp::float8_e4m3>("float8_e4m3");
  print_constants<lowp::float8_e3m4>("float8_e3m4");
  print_constants<lowp::float6_e2m3fn>("float6_e2m3fn");
  print_constants<lowp::float6_e3m2fn>("float6_e3m2fn");
  print_constants<lowp::float4_e2m1fn>("float4_e2m1fn");
  print_constants<lowp::float8_e8m0fnu>("float8_e8m0fnu");
  print_constants<lowp::float16>("float16");
  print_constants<lowp::bfloat16>("bfloat16");
  print_constants<lowp::tfloat32>("tfloat32");

  const double x = 0.3;
  fmt::print(
      "\n{} rounded into float8_e4m3fn (neighbours 0.28125 and 0.3125) under each policy\n  {:<16} {:>8}  "
      "{:<10} {:>6}  {}\n",
      x, "policy", "shortest", "exact", "code", "fields");
  namespace r = lowp::rounding;
  print_rounded<r::nearest_even>("nearest_even", x);
  print_rounded<r::nearest_away>("nearest_away", x);
  print_rounded<r::toward_zero>("toward_zero", x);
  print_rounded<r::upward>("upward", x);
  print_rounded<r::downward>("downward", x);
  print_rounded<r::to_odd>("to_odd", x);
  lowp::seed_stochastic_rounding(2026);
  for (int draw = 0; draw < 3; ++draw) print_rounded<r::stochastic<>>("stochastic<>", x);
  print_rounded<r::stochastic<3>>("stochastic<3>", x);
  print_rounded<r::stochastic_equal>("stochastic_equal", x);

  fmt::print("\nOverflow: 1000 into float8_e4m3fn (max 448, no Inf)\n");
  fmt::print("  nearest_even, ieee:     {}\n", lowp::float8_e4m3fn(1000.0));
  fmt::print("  toward_zero, ieee:      {}\n",
             lowp::with_rounding<lowp::float8_e4m3fn, r::toward_zero>(1000.0));
  fmt::print("  nearest_even, saturate: {}\n",
             lowp::with_overflow<lowp::float8_e4m3fn, lowp::overflow::saturate>(1000.0));

  fmt::print("\nPosits (Posit Standard 2022): posit8 = posit<8, 2>\n");
  // 2^18 and 2^20 are neighbours in posit8 (the exponent bits are cut off). Their midpoint is 1.25 * 2^19,
  // but the Standard rounds on the encoding: the cut point is the 9-bit posit between them, 2^19.
  const double big = 1.1 * 524288.0;
  fmt::print("  1.1*2^19 = {} rounds to {} ({:b}); nearest-value rounding would give 2^18\n", big,
             lowp::posit8(big), lowp::posit8(big));
  fmt::print("  1e-30 -> {} (minpos: no underflow to zero), 1e30 -> {} (maxpos: no overflow to NaR)\n",
             lowp::posit8(1e-30), lowp::posit8(1e30));
  std::vector<lowp::posit16> xs, ys;
  double exact = 0.0;
  for (int i = 0; i < 1000; ++i) {
    xs.emplace_back(0.1 + i * 1e-3);
    ys.emplace_back(1.0);
    exact += static_cast<double>(xs.back());  // exact in double: few bits, small range
  }
  lowp::posit16 rounded_each_step = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) rounded_each_step += xs[i] * ys[i];
  fmt::print("  sum of 1000 posit16 values: exact {}, every step rounded {}, quire (one rounding) {}\n",
             exact, rounded_each_step,
             lowp::fdot(std::span<const lowp::posit16>(xs), std::span<const lowp::posit16>(ys)));

  fmt::print("\nNarrow integers: round with the policy, then saturate\n");
  fmt::print("  int4(2.5) = {} (ties to even), int4(-9.7) = {} (saturates), code of int4(-3) = {:b}\n",
             lowp::int4(2.5), lowp::int4(-9.7), lowp::int4(-3));

  fmt::print("\nBlock-scaled formats: a 64 x 256 Gaussian matrix with a few outliers, blocks along rows\n");
  std::mt19937 engine(5);
  std::normal_distribution<float> normal;
  Eigen::MatrixXf X(64, 256);
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    for (Eigen::Index i = 0; i < X.rows(); ++i)
      X(i, j) = normal(engine) * ((i * 256 + j) % 97 == 0 ? 30.0f : 1.0f);
  }
  auto report = [&](const char* name, const auto& q) {
    fmt::print("  {:<12} {:>6.2f} bits/element  QSNR {:5.2f} dB\n", name,
               8.0 * double(q.bytes()) / double(X.size()), lowp::qsnr_db(X, q.dequantize()));
  };
  report("mxfp8_e4m3", lowp::quantize<lowp::mxfp8_e4m3>(X, lowp::block_axis::row));
  report("mxint8", lowp::quantize<lowp::mxint8>(X, lowp::block_axis::row));
  report("mxfp4", lowp::quantize<lowp::mxfp4>(X, lowp::block_axis::row));
  report("nvfp4", lowp::quantize<lowp::nvfp4>(X, lowp::block_axis::row));
  report("int4 g32", lowp::quantize<lowp::int_group<4, 32>>(X, lowp::block_axis::row));
  const auto q = lowp::quantize<lowp::mxfp4>(X, lowp::block_axis::row);
  fmt::print("  mxfp4 element (0, 0): x = {:.4f}, code {:#x}, block scale {}, value {}\n", X(0, 0),
             q.code(0, 0), q.block_scale(0, 0), q.value(0, 0));

  fmt::print("\nL-Mul (\"Addition is All You Need\"): one integer addition instead of a multiplication\n");
  for (auto [a, b] : {std::pair{1.5f, 1.5f}, std::pair{3.0f, 0.7f}, std::pair{-2.2f, 5.1f}}) {
    fmt::print("  {:>5} x {:<4} = {:<8}  lmul<3>: {:<8}  lmul<4>: {}\n", a, b, a * b, lowp::lmul<3>(a, b),
               lowp::lmul<4>(a, b));
  }
  // Gaussian data without outliers: e4m3fn's range (448) is enough for these partial sums.
  Eigen::MatrixXf A(16, 256), B(256, 16);
  for (float& a : A.reshaped()) a = normal(engine);
  for (float& b : B.reshaped()) b = normal(engine);
  const Eigen::MatrixXf exact_product = lowp::gemm(A, B, lowp::accumulate_exact{});
  auto relative = [&](const Eigen::MatrixXf& C) {
    return double((C - exact_product).norm() / exact_product.norm());
  };
  fmt::print(
      "  16 x 256 x 16 product, relative error: fp32 {:.1e}, bfloat16 accumulator {:.1e}, e4m3fn "
      "accumulator chunked every 32 {:.1e}, lmul_gemm<4> {:.1e}\n",
      relative(lowp::gemm(A, B)), relative(lowp::gemm(A, B, lowp::accumulate<lowp::bfloat16>{})),
      relative(lowp::gemm(A, B, lowp::accumulate_chunked<lowp::float8_e4m3fn, 32>{})),
      relative(lowp::lmul_gemm<4>(A, B)));
}
