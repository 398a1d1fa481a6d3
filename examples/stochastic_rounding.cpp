// Stochastic rounding (SR) against round-to-nearest-even (RNE), in two experiments.
//
// (a) Stagnation. Start at s = 1 and add an increment d below half an ulp of 1, 10^5 times, rounding every
//     sum into the format. RNE gives s + d = s every time: the sum never moves. SR rounds up with
//     probability d / ulp(s), so the expected sum is exact at every step, while its spread grows with the
//     ulp of the running sum. stochastic<4> (4 random bits, the hardware scheme) sees only the top 4 bits
//     below the last kept bit and stalls once d < ulp/16; stochastic_equal (either neighbour with
//     probability 1/2) adds ulp/2 per step on average whatever d is, and runs away.
// (b) Lorenz-63 (sigma = 10, rho = 28, beta = 8/3), RK4, dt = 0.01, with every + - * / rounded in float16
//     or bfloat16 (the scalar types themselves), under RNE and SR, against a binary64 run. As in the
//     low-precision climate-modelling literature (Paxton et al., J. Climate 2022), the trajectories
//     themselves decorrelate within a few time units on a chaotic attractor, so what is compared is the
//     "climate": the long-run means of x, y, z and the Wasserstein-1 distance between the distributions of
//     x (and of z). Binary64 runs from slightly perturbed starting points give the noise floor: the
//     difference that a finite sample of a chaotic trajectory shows even without any rounding error. It
//     is printed for 10^4 steps (t = 100), where that floor is as large as the effects, and for 10^5
//     steps (t = 1000), where it is not. A deterministically rounded run is a map on a finite set of
//     states, so it must end on a cycle; the program reports where the RNE runs close theirs.
//
// Part of the test suite: the program returns 1 if its sanity checks fail.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include <lowp/float/minifloat.hpp>

namespace {

namespace rounding = lowp::rounding;

constexpr std::array<std::uint64_t, 5> seeds = {1, 2, 3, 4, 5};

struct summary {
  double mean = 0, sd = 0, min = 0, max = 0;
};

summary summarize(const std::vector<double>& v) {
  summary s{0, 0, v.front(), v.front()};
  for (double x : v) {
    s.mean += x / v.size();
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
  }
  if (v.size() > 1) {
    for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
    s.sd = std::sqrt(s.sd / (v.size() - 1));
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// (a) Stagnation

constexpr int additions = 100000;

// The sum after the additions, and the number of additions after which it first was Inf (0: never).
struct stagnation_result {
  double sum;
  int additions_to_inf;
};

template <class T>
stagnation_result stagnating_sum(double increment) {
  T sum(1);
  const T d(increment);  // a power of two: exact in every policy
  int to_inf = 0;
  for (int i = 0; i < additions; ++i) {
    sum = sum + d;
    if (to_inf == 0 && isinf(sum)) to_inf = i + 1;
  }
  return {static_cast<double>(sum), to_inf};
}

struct stagnation_row {
  std::string policy;
  summary result;
  double relative_error;
  summary additions_to_inf;  // over the runs that reached Inf
  int runs_to_inf;
};

template <class T, class R>
stagnation_row stagnation_run(const char* policy, double increment) {
  using U = lowp::with_rounding<T, R>;
  std::vector<stagnation_result> results;
  if constexpr (rounding::is_stochastic_v<R>) {
    for (std::uint64_t seed : seeds) {
      lowp::seed_stochastic_rounding(seed);
      results.push_back(stagnating_sum<U>(increment));
    }
  } else {
    results.push_back(stagnating_sum<U>(increment));
  }
  std::vector<double> sums, to_inf;
  for (const auto& r : results) {
    sums.push_back(r.sum);
    if (r.additions_to_inf > 0) to_inf.push_back(r.additions_to_inf);
  }
  const double exact = 1 + additions * increment;
  const summary s = summarize(sums);
  return {policy, s, (s.mean - exact) / exact, to_inf.empty() ? summary{} : summarize(to_inf),
          static_cast<int>(to_inf.size())};
}

// The ulp of the format at x > 0 (normal range).
template <class T>
double ulp_at(double x) {
  return std::ldexp(1.0, std::ilogb(x) - T::format::mantissa_bits);
}

template <class T>
bool stagnation_table(const char* format, int increment_exponent) {
  const double increment = std::ldexp(1.0, increment_exponent);
  const double exact = 1 + additions * increment;
  const std::array<stagnation_row, 4> rows = {
      stagnation_run<T, rounding::nearest_even>("nearest_even", increment),
      stagnation_run<T, rounding::stochastic<>>("stochastic<>", increment),
      stagnation_run<T, rounding::stochastic<4>>("stochastic<4>", increment),
      stagnation_run<T, rounding::stochastic_equal>("stochastic_equal", increment),
  };
  fmt::print(
      "{:<9} d = 2^{} (ulp(1) = 2^{}, ulp at the exact sum = 2^{} = {} d), exact sum 1 + 10^5 d = {}\n",
      format, increment_exponent, -T::format::mantissa_bits, std::ilogb(ulp_at<T>(exact)),
      ulp_at<T>(exact) / increment, exact);
  for (const auto& row : rows) {
    if (row.runs_to_inf > 0) {
      fmt::print("  {:<17} {:>12}   {} of {} runs reached Inf, after {:.0f} to {:.0f} additions\n",
                 row.policy, row.result.mean, row.runs_to_inf, seeds.size(), row.additions_to_inf.min,
                 row.additions_to_inf.max);
    } else if (row.result.min == row.result.max) {
      fmt::print("  {:<17} {:>12.6g}   {:<34}   rel. error {:>+10.3e}\n", row.policy, row.result.mean,
                 row.policy == "nearest_even" ? "" : "(every seed)", row.relative_error);
    } else {
      fmt::print("  {:<17} {:>12.6g}   sd {:>7.4g}  [{:>8.6g}, {:>8.6g}]     rel. error {:>+10.3e}\n",
                 row.policy, row.result.mean, row.result.sd, row.result.min, row.result.max,
                 row.relative_error);
    }
  }
  // One stochastic<> run: each addition adds ulp(s) with probability d / ulp(s), an error of variance
  // d (ulp(s) - d); the errors are uncorrelated (a martingale), so along the exact path the variance of the
  // final sum is about the sum of these.
  double variance = 0;
  for (int i = 0; i < additions; ++i) variance += increment * (ulp_at<T>(1 + i * increment) - increment);
  const double expected_sd = std::sqrt(variance);
  fmt::print(
      "  (stochastic<>: expected 0 error, sd of one run about {:.3g} from the growing ulp; mean of {} runs\n"
      "   {:+.3g} = {:+.2f} of its standard error)\n",
      expected_sd, seeds.size(), rows[1].result.mean - exact,
      (rows[1].result.mean - exact) / (expected_sd / std::sqrt(double(seeds.size()))));
  // stochastic<B> rounds up with probability floor(2^B d / ulp) / 2^B: zero once ulp(s) > 2^B d.
  const int stall_exponent = increment_exponent + 4 + T::format::mantissa_bits + 1;
  fmt::print("  (stochastic<4> sees d only while d >= ulp(s)/16, so it stalls at s = 2^{} = {})\n",
             stall_exponent, std::ldexp(1.0, stall_exponent));
  // stochastic_equal moves up one code with probability 1/2 whatever d is; past max lies Inf.
  const unsigned codes_above_one = T::format::max_code - T(1).bits() + 1;
  fmt::print(
      "  (stochastic_equal climbs one code per 2 additions on average, and {} codes lead from 1 to Inf:\n"
      "   about {} additions)\n",
      codes_above_one, 2 * codes_above_one);
  // Sanity: RNE never moves; the mean of the stochastic<> runs is within 4 of its standard errors of the
  // exact sum (a false alarm once in 16000 seeds).
  const bool ok = rows[0].result.mean == 1.0 &&
                  std::fabs(rows[1].result.mean - exact) < 4 * expected_sd / std::sqrt(double(seeds.size()));
  if (!ok)
    fmt::print("  SANITY CHECK FAILED: nearest_even should stay at 1, stochastic<> near the exact sum\n");
  return ok;
}

// ---------------------------------------------------------------------------------------------------------
// (b) Lorenz-63

// Binary64 and binary32 for the reference runs. Every product is rounded on its own (a volatile store),
// so a compiler that contracts a * b + c into a fused multiply-add (GCC's default with -march=native,
// and only at some optimisation levels) cannot change the chaotic reference trajectory: the printed
// numbers are the same in every build.
template <class F>
struct strict {
  F v;
  explicit operator double() const { return static_cast<double>(v); }
  friend strict operator+(strict a, strict b) { return {a.v + b.v}; }
  friend strict operator-(strict a, strict b) { return {a.v - b.v}; }
  friend strict operator*(strict a, strict b) {
    const volatile F product = a.v * b.v;
    return {product};
  }
  friend strict operator/(strict a, strict b) { return {a.v / b.v}; }
};
using binary64 = strict<double>;
using binary32 = strict<float>;

template <class T>
inline constexpr bool is_strict_v = false;
template <class F>
inline constexpr bool is_strict_v<strict<F>> = true;

template <class T>
constexpr bool is_stochastic_type() {
  if constexpr (is_strict_v<T>) {
    return false;
  } else {
    return rounding::is_stochastic_v<typename T::rounding_policy>;
  }
}

template <class T>
constexpr bool is_deterministic_16_bit() {
  if constexpr (is_strict_v<T>) {
    return false;
  } else {
    return !rounding::is_stochastic_v<typename T::rounding_policy> && T::format::bits <= 16;
  }
}

// The smallest positive normal number of T.
template <class T>
double smallest_normal() {
  if constexpr (is_strict_v<T>) {
    return std::numeric_limits<decltype(T::v)>::min();
  } else {
    return static_cast<double>(std::numeric_limits<T>::min());
  }
}

template <class T>
struct vec3 {
  T x, y, z;
};

// A constant of the model in T, rounded to nearest whatever T's policy (so SR runs share RNE's constants).
template <class T>
T constant(double c) {
  if constexpr (is_strict_v<T>) {
    return T{static_cast<decltype(T::v)>(c)};
  } else {
    return T::from_bits(lowp::with_rounding<T, rounding::nearest_even>(c).bits());
  }
}

// With a stochastic policy every operation draws the next word of the thread's stream, so the order of
// the operations is part of the result. C++ leaves the order in which the two operands of a + b are
// evaluated unspecified (GCC and Clang differ), so each operation whose operands are both computed is
// sequenced explicitly below, one statement per operation: the same seed gives the same run everywhere.
template <class T>
struct lorenz {
  // beta z is computed as (8 z) / 3: both roundings are arithmetic, no rounded constant 8/3.
  T sigma = constant<T>(10), rho = constant<T>(28), eight = constant<T>(8), three = constant<T>(3);
  T h = constant<T>(0.01), half_h = constant<T>(0.005), sixth_h = constant<T>(0.01 / 6);

  vec3<T> tendency(const vec3<T>& s) const {
    const T dx = sigma * (s.y - s.x);
    const T dy = s.x * (rho - s.z) - s.y;
    const T xy = s.x * s.y;
    const T beta_z = eight * s.z / three;
    return {dx, dy, xy - beta_z};
  }
  // The stage point s + a k; the braced list is evaluated left to right.
  static vec3<T> axpy(const vec3<T>& s, T a, const vec3<T>& k) {
    return {s.x + a * k.x, s.y + a * k.y, s.z + a * k.z};
  }

  // Classical RK4; the increment (h/6)(k1 + 2 k2 + 2 k3 + k4) is formed in this order.
  vec3<T> step(const vec3<T>& s, double& largest, long& tiny_increments) const {
    const vec3<T> k1 = tendency(s);
    const vec3<T> k2 = tendency(axpy(s, half_h, k1));
    const vec3<T> k3 = tendency(axpy(s, half_h, k2));
    const vec3<T> k4 = tendency(axpy(s, h, k3));
    auto update = [&](T s_i, T a, T b, T c, T d) {
      const T two_b = b + b;
      const T two_c = c + c;
      const T sum = ((a + two_b) + two_c) + d;
      const T increment = sixth_h * sum;
      for (T v : {a, b, c, d, sum}) largest = std::max(largest, std::fabs(static_cast<double>(v)));
      if (static_cast<double>(sum) != 0 && std::fabs(static_cast<double>(increment)) < smallest_normal<T>())
        ++tiny_increments;  // below the smallest normal: subnormal or flushed to zero
      return s_i + increment;
    };
    return {update(s.x, k1.x, k2.x, k3.x, k4.x), update(s.y, k1.y, k2.y, k3.y, k4.y),
            update(s.z, k1.z, k2.z, k3.z, k4.z)};
  }
};

struct trajectory {
  std::vector<double> x, y, z;
  double largest = 0;        // the largest |k_i| or |k1 + 2k2 + 2k3 + k4| seen
  long tiny_increments = 0;  // nonzero tendencies whose increment (h/6) sum fell below the smallest normal
  // Deterministic rounding of a 3 x 16-bit state is a map on a finite set, so every run ends on a cycle:
  // the first step whose state repeats an earlier one, and the cycle's length in steps (0: none seen).
  long repeat_step = 0, period = 0;
};

template <class T>
trajectory integrate(const vec3<double>& start, int steps) {
  const lorenz<T> model;
  vec3<T> s{constant<T>(start.x), constant<T>(start.y), constant<T>(start.z)};
  trajectory t;
  t.x.reserve(steps);
  t.y.reserve(steps);
  t.z.reserve(steps);
  [[maybe_unused]] std::unordered_map<std::uint64_t, long> seen;
  for (int i = 0; i < steps; ++i) {
    s = model.step(s, t.largest, t.tiny_increments);
    if constexpr (is_deterministic_16_bit<T>()) {
      const std::uint64_t key =
          (std::uint64_t(s.x.bits()) << 32) | (std::uint64_t(s.y.bits()) << 16) | s.z.bits();
      const auto [where, inserted] = seen.emplace(key, i);
      if (!inserted && t.period == 0) {
        t.repeat_step = i + 1;
        t.period = i - where->second;
      }
    }
    t.x.push_back(static_cast<double>(s.x));
    t.y.push_back(static_cast<double>(s.y));
    t.z.push_back(static_cast<double>(s.z));
  }
  return t;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / v.size();
}

// 1-D Wasserstein-1 distance between two empirical distributions of the same size: the mean absolute
// difference of their order statistics.
double wasserstein1(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::fabs(a[i] - b[i]);
  return sum / a.size();
}

struct climate_error {
  double mean_x, mean_y, mean_z, w1_x, w1_z;
  bool finite;
};

climate_error compare(const trajectory& run, const trajectory& reference) {
  climate_error e{mean(run.x) - mean(reference.x),  mean(run.y) - mean(reference.y),
                  mean(run.z) - mean(reference.z),  wasserstein1(run.x, reference.x),
                  wasserstein1(run.z, reference.z), true};
  for (const auto* v : {&run.x, &run.y, &run.z})
    for (double c : *v) e.finite = e.finite && std::isfinite(c) && std::fabs(c) < 1000;
  return e;
}

struct lorenz_row {
  std::string name;
  std::vector<climate_error> runs;
  double largest = 0;
  long tiny_increments = 0;
  long repeat_step = 0, period = 0;  // of the (single) deterministic run
};

template <class T>
lorenz_row lorenz_runs(const char* name, const vec3<double>& start, int steps, const trajectory& reference) {
  lorenz_row row{name, {}, 0, 0, 0, 0};
  auto record = [&](const trajectory& t) {
    row.runs.push_back(compare(t, reference));
    row.largest = std::max(row.largest, t.largest);
    row.tiny_increments += t.tiny_increments;
    row.repeat_step = t.repeat_step;
    row.period = t.period;
  };
  if constexpr (!is_stochastic_type<T>()) {
    record(integrate<T>(start, steps));
  } else {
    for (std::uint64_t seed : seeds) {
      lowp::seed_stochastic_rounding(seed);
      record(integrate<T>(start, steps));
    }
  }
  return row;
}

// The noise floor: binary64 from starting points moved by about 1e-3 (bfloat16's rounding of the start).
lorenz_row noise_floor(const vec3<double>& start, int steps, const trajectory& reference) {
  lorenz_row row{"binary64, moved start", {}, 0, 0, 0, 0};
  for (std::size_t k = 0; k < seeds.size(); ++k) {
    const double d = 1e-3 * (static_cast<double>(k) + 1);
    const trajectory t = integrate<binary64>({start.x + d, start.y - d, start.z + d}, steps);
    row.runs.push_back(compare(t, reference));
  }
  return row;
}

void print_lorenz_row(const lorenz_row& row) {
  auto column = [&](double climate_error::*field, bool is_signed) {
    std::vector<double> v;
    for (const auto& e : row.runs) v.push_back(e.*field);
    const summary s = summarize(v);
    if (row.runs.size() == 1)
      return is_signed ? fmt::format("{:>+7.3f}{:>16}", s.mean, "")
                       : fmt::format("{:>7.3f}{:>16}", s.mean, "");
    return is_signed ? fmt::format("{:>+7.3f} [{:+.3f},{:+.3f}]", s.mean, s.min, s.max)
                     : fmt::format("{:>7.3f} [{:.3f},{:.3f}]  ", s.mean, s.min, s.max);
  };
  fmt::print("  {:<22} {:>2}  {}  {}  {}  {}  {}\n", row.name, row.runs.size(),
             column(&climate_error::mean_x, true), column(&climate_error::mean_y, true),
             column(&climate_error::mean_z, true), column(&climate_error::w1_x, false),
             column(&climate_error::w1_z, false));
}

// Returns the rows, in the order printed.
std::vector<lorenz_row> lorenz_table(int steps, const vec3<double>& start) {
  const trajectory reference = integrate<binary64>(start, steps);
  using f16_sr = lowp::with_rounding<lowp::float16, rounding::stochastic<>>;
  using bf16_sr = lowp::with_rounding<lowp::bfloat16, rounding::stochastic<>>;
  std::vector<lorenz_row> rows;
  rows.push_back(noise_floor(start, steps, reference));
  rows.push_back(lorenz_runs<binary32>("binary32 RNE", start, steps, reference));
  rows.push_back(lorenz_runs<lowp::float16>("float16 RNE", start, steps, reference));
  rows.push_back(lorenz_runs<f16_sr>("float16 SR", start, steps, reference));
  rows.push_back(lorenz_runs<lowp::bfloat16>("bfloat16 RNE", start, steps, reference));
  rows.push_back(lorenz_runs<bf16_sr>("bfloat16 SR", start, steps, reference));

  fmt::print(
      "\n{} RK4 steps (t = {}), statistics over every step; reference: binary64 (mean x = {:.3f}, "
      "mean y = {:.3f}, mean z = {:.3f})\n",
      steps, steps / 100, mean(reference.x), mean(reference.y), mean(reference.z));
  fmt::print(
      "  differences from binary64 (mean of the run - mean of the reference; Wasserstein-1 distances);\n"
      "  rows with n > 1 runs: mean over the runs [min, max]\n");
  fmt::print("  {:<22} {:>2}  {:<23}  {:<23}  {:<23}  {:<23}  {:<23}\n", "arithmetic", "n", "  d mean x",
             "  d mean y", "  d mean z", "  W1(x)", "  W1(z)");
  for (const auto& row : rows) print_lorenz_row(row);
  return rows;
}

}  // namespace

int main() {
  bool ok = true;

  fmt::print("(a) Stagnation: s = 1, then s = s + d, 10^5 times, every sum rounded into the format\n");
  fmt::print("    stochastic rows: mean over seeds 1..5, sample sd, [min, max]\n\n");
  ok &= stagnation_table<lowp::bfloat16>("bfloat16", -10);
  fmt::print("\n");
  ok &= stagnation_table<lowp::float16>("float16", -12);

  fmt::print("\n(b) Lorenz-63, sigma = 10, rho = 28, beta = 8/3, RK4, dt = 0.01, every operation rounded\n");
  // Spin-up in binary64 from (1, 1, 1) for 10 time units, onto the attractor.
  vec3<double> start;
  {
    const lorenz<binary64> model;
    vec3<binary64> s{{1}, {1}, {1}};
    double largest = 0;
    long tiny = 0;
    for (int i = 0; i < 1000; ++i) s = model.step(s, largest, tiny);
    start = {s.x.v, s.y.v, s.z.v};
  }
  fmt::print("    start (after a binary64 spin-up of 1000 steps from (1, 1, 1)): ({:.6f}, {:.6f}, {:.6f})\n",
             start.x, start.y, start.z);
  fmt::print(
      "    constants dt, dt/2, dt/6 rounded to nearest into each format (dt is exactly {} in float16\n"
      "    and {} in bfloat16; all three within 0.21% of their values: time runs a little faster or\n"
      "    slower, on the same attractor); beta z computed as (8 z) / 3\n",
      static_cast<double>(lowp::float16(0.01)), static_cast<double>(lowp::bfloat16(0.01)));
  fmt::print(
      "    SR rows: seeds 1..5; 'binary64, moved start': 5 binary64 runs from starts moved by 1e-3..5e-3\n");

  const auto rows = lorenz_table(10000, start);
  const auto long_rows = lorenz_table(100000, start);

  // Range check for float16 (max 65504, smallest normal 2^-14).
  // Range check for float16 (max 65504, smallest normal 2^-14).
  auto increments = [&](std::size_t i) {
    return 3 * static_cast<long>(rows[i].runs.size()) * (10000 + 100000);
  };
  auto tiny = [&](std::size_t i) { return rows[i].tiny_increments + long_rows[i].tiny_increments; };
  fmt::print(
      "\nRange: the largest |k_i| or |k1 + 2 k2 + 2 k3 + k4| was {:.0f} in float16 RNE and {:.0f} in float16 "
      "SR\n"
      "(max 65504). Increments (dt/6)(k1 + 2 k2 + 2 k3 + k4) of a nonzero sum that fell below the smallest\n"
      "normal number: float16 RNE {} of {}, float16 SR {} of {}, bfloat16 RNE {} of {}, bfloat16 SR {} of "
      "{}.\n",
      std::max(rows[2].largest, long_rows[2].largest), std::max(rows[3].largest, long_rows[3].largest),
      tiny(2), increments(2), tiny(3), increments(3), tiny(4), increments(4), tiny(5), increments(5));

  for (std::size_t i : {2u, 4u}) {
    const auto& row = long_rows[i];
    if (row.period > 0) {
      fmt::print(
          "{}: the state at step {} repeats the state at step {}: from there on the run is a periodic\n"
          "  orbit of {} steps (t = {:.2f}), and its statistics are those of that one orbit\n",
          row.name, row.repeat_step, row.repeat_step - row.period, row.period, row.period / 100.0);
    } else {
      fmt::print("{}: no state repeated within {} steps\n", row.name, 100000);
    }
  }

  // Sanity: over 10^5 steps bfloat16 SR is closer to binary64 than bfloat16 RNE in both distances, on
  // average over its runs (a wide margin in the data: the RNE run is stuck on a short periodic orbit).
  double sr_w1_x = 0, sr_w1_z = 0;
  for (const auto& e : long_rows[5].runs) {
    sr_w1_x += e.w1_x / long_rows[5].runs.size();
    sr_w1_z += e.w1_z / long_rows[5].runs.size();
  }
  if (!(sr_w1_x < long_rows[4].runs[0].w1_x && sr_w1_z < long_rows[4].runs[0].w1_z)) {
    fmt::print("SANITY CHECK FAILED: bfloat16 SR is not closer to binary64 than bfloat16 RNE\n");
    ok = false;
  }

  // Sanity: every run stays finite and on a bounded attractor.
  for (const auto* table : {&rows, &long_rows})
    for (const auto& row : *table)
      for (const auto& e : row.runs)
        if (!e.finite) {
          fmt::print("SANITY CHECK FAILED: {} left the attractor\n", row.name);
          ok = false;
        }
  fmt::print("\n{}\n", ok ? "sanity checks passed" : "SANITY CHECKS FAILED");
  return ok ? 0 : 1;
}
