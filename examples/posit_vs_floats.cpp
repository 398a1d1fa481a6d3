// posit16 against float16 and bfloat16 on the same two problems, error measured against binary64:
//   1. a dot product of 1000 terms (x_i ~ N(0, 1), y_i ~ N(1, 1)), summed in the format (every * and +
//   rounded)
//      and, for posit16, also fused in the quire (lowp::fdot: rounded once);
//   2. the LU solve (Eigen partialPivLu) of a 40 x 40 system with entries ~ N(0, 1) plus 4 on the diagonal.
// Posits have more precision than float16 near 1 (12 fraction bits against 10) and far more range; bfloat16
// has the range but 7 fraction bits.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <fmt/format.h>

#include <lowp/eigen.hpp>
#include <lowp/float/minifloat.hpp>
#include <lowp/posit/posit.hpp>

namespace {

constexpr int dot_length = 1000;
constexpr int system_size = 40;

struct problem {
  std::vector<double> x, y;
  Eigen::MatrixXd a;
  Eigen::VectorXd b;
};

problem make_problem() {
  std::mt19937_64 engine(2022);
  std::normal_distribution<double> normal;
  problem p;
  for (int i = 0; i < dot_length; ++i) {
    p.x.push_back(normal(engine));
    p.y.push_back(1.0 + normal(engine));
  }
  p.a.resize(system_size, system_size);
  for (int j = 0; j < system_size; ++j)
    for (int i = 0; i < system_size; ++i) p.a(i, j) = normal(engine) + (i == j ? 4.0 : 0.0);
  p.b = Eigen::VectorXd::NullaryExpr(system_size, [&](Eigen::Index) { return normal(engine); });
  return p;
}

// The inputs rounded into T, so every format solves its own rounded problem and the error shown is what T's
// arithmetic adds on top of representing the data.
template <class T>
struct rounded {
  std::vector<T> x, y;
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> a;
  Eigen::Matrix<T, Eigen::Dynamic, 1> b;
  explicit rounded(const problem& p) {
    for (double v : p.x) x.push_back(static_cast<T>(v));
    for (double v : p.y) y.push_back(static_cast<T>(v));
    a = p.a.unaryExpr([](double v) { return static_cast<T>(v); });
    b = p.b.unaryExpr([](double v) { return static_cast<T>(v); });
  }
  // The same rounded data in double: the reference each format is compared with.
  double exact_dot() const {
    double sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i) sum += static_cast<double>(x[i]) * static_cast<double>(y[i]);
    return sum;
  }
  Eigen::VectorXd exact_solution() const {
    const Eigen::MatrixXd ad = a.unaryExpr([](T v) { return static_cast<double>(v); });
    const Eigen::VectorXd bd = b.unaryExpr([](T v) { return static_cast<double>(v); });
    return ad.partialPivLu().solve(bd);
  }
};

template <class T>
void report(const char* name, const problem& p) {
  const rounded<T> r(p);
  T sum(0);
  for (std::size_t i = 0; i < r.x.size(); ++i) sum = sum + r.x[i] * r.y[i];
  const double reference = r.exact_dot();
  const double dot_error = std::fabs(static_cast<double>(sum) - reference) / std::fabs(reference);

  const Eigen::Matrix<T, Eigen::Dynamic, 1> x = r.a.partialPivLu().solve(r.b);
  const Eigen::VectorXd xd = x.unaryExpr([](T v) { return static_cast<double>(v); });
  const Eigen::VectorXd exact = r.exact_solution();
  const double solve_error = (xd - exact).norm() / exact.norm();
  fmt::print("| {:<22} | {:>13.3e} | {:>19.3e} |\n", name, dot_error, solve_error);

  if constexpr (lowp::is_posit_v<T>) {
    const T fused = lowp::fdot(r.x, r.y);
    const double fused_error = std::fabs(static_cast<double>(fused) - reference) / std::fabs(reference);
    fmt::print("| {:<22} | {:>13.3e} | {:>19} |\n", std::string(name) + " fdot (quire)", fused_error, "-");
  }
}

}  // namespace

int main() {
  const problem p = make_problem();
  fmt::print(
      "Relative error against binary64 on the same rounded inputs ({}-term dot product, {}x{} LU solve)\n\n",
      dot_length, system_size, system_size);
  fmt::print("| {:<22} | {:>13} | {:>19} |\n", "format", "dot product", "LU solve (2-norm)");
  fmt::print("|{:-<24}|{:->15}|{:->21}|\n", "", "", "");
  report<lowp::posit16>("posit16", p);
  report<lowp::float16>("float16", p);
  report<lowp::bfloat16>("bfloat16", p);
  report<lowp::posit32>("posit32", p);
  return 0;
}
