// A tour of lowp: the FP4 value table, the constants of every named minifloat, one value rounded under every
// policy, posits (the cut-point rule and the quire), narrow integers, block-scaled quantization and L-Mul.
// Run it with scripts/tour.sh.
#include <limits>
#include <span>
#include <string>
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
}
