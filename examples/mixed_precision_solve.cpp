// Mixed-precision iterative refinement (Carson and Higham, SIAM J. Sci. Comput. 2018): factorize A once in
// a low precision, then refine in double: r = b - A x (double), solve A d = r with the low-precision LU,
// x = x + d. For a well-conditioned A the error contracts by about cond(A) * u per step, down to double
// accuracy, even when the factorization is in float8_e4m3fn (u = 2^-4).
#include <array>
#include <cmath>
#include <random>
#include <vector>

#include <Eigen/Dense>
#include <fmt/format.h>

#include <lowp/eigen.hpp>

namespace {

constexpr int n = 64;
constexpr int max_iterations = 40;

// The forward error ||x - x_true||_inf / ||x_true||_inf after each refinement step (step 0: the LU solve).
template <class T>
std::vector<double> refine(const Eigen::MatrixXd& a, const Eigen::VectorXd& b,
                           const Eigen::VectorXd& x_true) {
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  const Eigen::PartialPivLU<Matrix> lu(Matrix(a.cast<T>()));
  // Solves A d = r in T; r is scaled to unit size first, as fp8's range needs.
  auto low_precision_solve = [&](const Eigen::VectorXd& r) -> Eigen::VectorXd {
    const double scale = r.cwiseAbs().maxCoeff();
    if (scale == 0) return Eigen::VectorXd::Zero(r.size());
    const Vector d = lu.solve(Vector((r / scale).cast<T>()));
    return d.template cast<double>() * scale;
  };
  std::vector<double> errors;
  Eigen::VectorXd x = low_precision_solve(b);
  for (int step = 0; step <= max_iterations; ++step) {
    const double error = (x - x_true).cwiseAbs().maxCoeff() / x_true.cwiseAbs().maxCoeff();
    errors.push_back(error);
    if (error < 1e-15 || !std::isfinite(error)) break;
    x += low_precision_solve(b - a * x);
  }
  return errors;
}

}  // namespace

int main() {
  // A = I + 0.3 G / sqrt(n), G Gaussian: singular values near 1, so cond(A) is about 2.
  std::mt19937 engine(2026);
  std::normal_distribution<double> gaussian;
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) a(i, j) += 0.3 * gaussian(engine) / std::sqrt(double(n));
  Eigen::VectorXd x_true(n);
  for (int i = 0; i < n; ++i) x_true(i) = gaussian(engine);
  const Eigen::VectorXd b = a * x_true;
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(a);
  const double condition = svd.singularValues()(0) / svd.singularValues()(n - 1);

  const std::array<std::vector<double>, 3> errors = {refine<lowp::float16>(a, b, x_true),
                                                     refine<lowp::bfloat16>(a, b, x_true),
                                                     refine<lowp::float8_e4m3fn>(a, b, x_true)};
  fmt::print("LU in low precision, refinement in double: n = {}, cond_2(A) = {:.2f}\n", n, condition);
  fmt::print("forward error ||x - x*||_inf / ||x*||_inf after each step\n");
  fmt::print("{:>4}  {:>12}  {:>12}  {:>14}\n", "step", "float16", "bfloat16", "float8_e4m3fn");
  std::size_t steps = 0;
  for (const auto& e : errors) steps = std::max(steps, e.size());
  for (std::size_t step = 0; step < steps; ++step) {
    fmt::print("{:>4}", step);
    for (const auto& e : errors) {
      if (step < e.size()) {
        fmt::print("  {:>12.3e}", e[step]);
      } else {
        fmt::print("  {:>12}", "");
      }
    }
    fmt::print("\n");
  }
  // Converged to double accuracy? (Part of the test suite: the example fails if not.)
  bool converged = true;
  for (const auto& e : errors) converged = converged && e.back() < 1e-14;
  fmt::print("{}\n", converged ? "all three converged to double accuracy" : "NOT CONVERGED");
  return converged ? 0 : 1;
}
