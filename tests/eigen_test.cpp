// lowp scalars inside Eigen: products in the documented order (bit-identical to a plain loop of lowp
// operations, fast path or not), the standard error bounds for products and LU, the decompositions and
// solvers users call, the rounding functor, and stochastic reproducibility.
#include <cmath>
#include <random>

#include <Eigen/Dense>
#include <Eigen/IterativeLinearSolvers>
#include <Eigen/Sparse>
#include <gtest/gtest.h>

#include <lowp/eigen.hpp>

namespace {

namespace rounding = lowp::rounding;

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

// Random values of T spread over [-scale, scale].
template <class T>
Matrix<T> random_matrix(Eigen::Index rows, Eigen::Index cols, double scale, unsigned seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<double> uniform(-scale, scale);
  Matrix<T> m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = T(uniform(engine));
  return m;
}

// The documented order: s = 0; s = s + a(i,k) * b(k,j) for k = 0, 1, ...; every operation rounded.
template <class T>
Matrix<T> loop_product(const Matrix<T>& a, const Matrix<T>& b) {
  Matrix<T> c(a.rows(), b.cols());
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    for (Eigen::Index j = 0; j < b.cols(); ++j) {
      T sum(0);
      for (Eigen::Index k = 0; k < a.cols(); ++k) sum = sum + a(i, k) * b(k, j);
      c(i, j) = sum;
    }
  }
  return c;
}

template <class T>
::testing::AssertionResult same_bits(const Matrix<T>& x, const Matrix<T>& y) {
  if (x.rows() != y.rows() || x.cols() != y.cols()) return ::testing::AssertionFailure() << "shapes differ";
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      if (x(i, j).bits() != y(i, j).bits())
        return ::testing::AssertionFailure()
               << "first difference at (" << i << ", " << j << "): " << x(i, j) << " vs " << y(i, j);
  return ::testing::AssertionSuccess();
}

template <class T>
class Product : public ::testing::Test {};
using ProductTypes =
    ::testing::Types<lowp::bfloat16, lowp::float16, lowp::tfloat32, lowp::float8_e4m3fn, lowp::float8_e5m2,
                     lowp::float8_e4m3fnuz, lowp::float8_e3m4, lowp::float6_e2m3fn, lowp::float4_e2m1fn,
                     lowp::with_rounding<lowp::bfloat16, rounding::toward_zero>,
                     lowp::with_overflow<lowp::float8_e4m3fn, lowp::overflow::saturate>>;
TYPED_TEST_SUITE(Product, ProductTypes);

TYPED_TEST(Product, EqualsThePlainLoopBitForBitOnEveryPath) {
  using T = TypeParam;
  const double scale = std::sqrt(static_cast<double>(std::numeric_limits<T>::max())) / 4;
  // Shapes: GEMM with ragged panels, GEMV both ways, an outer product, and a small coefficient-based one.
  const std::vector<std::array<Eigen::Index, 3>> shapes = {
      {37, 53, 29}, {64, 64, 64}, {100, 7, 33}, {45, 60, 1}, {1, 60, 45}, {20, 1, 30}, {3, 4, 5}};
  unsigned seed = 1;
  for (const auto& [m, k, n] : shapes) {
    for (double s : {1.0, scale, 1e-3}) {  // ordinary values; near overflow; deep in the subnormals
      const Matrix<T> a = random_matrix<T>(m, k, s, seed++), b = random_matrix<T>(k, n, s, seed++);
      const Matrix<T> expected = loop_product(a, b);
      Matrix<T> c = a * b;
      EXPECT_TRUE(same_bits(c, expected)) << m << "x" << k << " * " << k << "x" << n << " scale " << s;
      Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = a * b;
      EXPECT_TRUE(same_bits(Matrix<T>(row_major), expected)) << "row-major result";
      const Matrix<T> at = a.transpose();
      EXPECT_TRUE(same_bits(Matrix<T>(at.transpose() * b), expected)) << "transposed operand";
      EXPECT_TRUE(same_bits(Matrix<T>(a.lazyProduct(b)), expected)) << "coefficient-based product";
    }
  }
}

TYPED_TEST(Product, AccumulatesIntoTheDestinationAfterTheSum) {
  using T = TypeParam;
  const Matrix<T> a = random_matrix<T>(40, 50, 1.0, 7), b = random_matrix<T>(50, 30, 1.0, 8);
  const Matrix<T> c0 = random_matrix<T>(40, 30, 1.0, 9);
  Matrix<T> c = c0;
  c.noalias() += a * b;
  const Matrix<T> s = loop_product(a, b);
  Matrix<T> expected(40, 30);
  for (Eigen::Index j = 0; j < 30; ++j)
    for (Eigen::Index i = 0; i < 40; ++i) expected(i, j) = c0(i, j) + s(i, j);
  EXPECT_TRUE(same_bits(c, expected));
}

// |C - AB| <= gamma_n |A||B| elementwise (Higham, Accuracy and Stability, eq. 3.13), u = 2^-p.
TYPED_TEST(Product, ErrorWithinGammaNBound) {
  using T = TypeParam;
  if constexpr (!std::is_same_v<typename T::rounding_policy, rounding::nearest_even>) {
    GTEST_SKIP() << "the bound with u = 2^-p is for round to nearest";
  } else {
    const double u = std::ldexp(1.0, -std::numeric_limits<T>::digits);
    const Eigen::Index n = std::min<Eigen::Index>(64, static_cast<Eigen::Index>(0.5 / u));
    const double gamma = n * u / (1 - n * u);
    // Values in [1, 2) in magnitude keep every partial result normal.
    Matrix<T> a = random_matrix<T>(n, n, 1.0, 21), b = random_matrix<T>(n, n, 1.0, 22);
    a = a.unaryExpr([](T x) {
      return T(std::copysign(1.0 + std::fabs(static_cast<double>(x)), static_cast<double>(x)));
    });
    const Matrix<T> c = a * b;
    const Eigen::MatrixXd ad = a.template cast<double>(), bd = b.template cast<double>();
    const Eigen::MatrixXd exact = ad * bd;
    const Eigen::MatrixXd bound = gamma * (ad.cwiseAbs() * bd.cwiseAbs());
    const Eigen::MatrixXd error = (c.template cast<double>() - exact).cwiseAbs();
    EXPECT_TRUE((error.array() <= bound.array()).all())
        << "max error/bound " << (error.array() / bound.array()).maxCoeff();
    EXPECT_TRUE((lowp::round_to<T>(c.template cast<double>()).eval() - c.template cast<double>()).isZero(0))
        << "every entry is a value of T";
  }
}

template <class T>
class Decompositions : public ::testing::Test {};
using DecompositionTypes = ::testing::Types<lowp::float16, lowp::bfloat16, lowp::float8_e4m3fn>;
TYPED_TEST_SUITE(Decompositions, DecompositionTypes);

// P A = L U with |P A - L U| <= gamma_n |L||U| (Higham, Theorem 9.3).
TYPED_TEST(Decompositions, PartialPivotLuBackwardErrorWithinGammaN) {
  using T = TypeParam;
  const double u = std::ldexp(1.0, -std::numeric_limits<T>::digits);
  const Eigen::Index n = std::min<Eigen::Index>(48, static_cast<Eigen::Index>(0.5 / u));
  const double gamma = n * u / (1 - n * u);
  const Matrix<T> a = random_matrix<T>(n, n, 1.0, 31);
  const Eigen::PartialPivLU<Matrix<T>> lu(a);
  const Matrix<T> packed = lu.matrixLU();
  Eigen::MatrixXd l = Eigen::MatrixXd::Identity(n, n), upper = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) (j < i ? l(i, j) : upper(i, j)) = static_cast<double>(packed(i, j));
  const Eigen::MatrixXd pa = lu.permutationP() * a.template cast<double>();
  const Eigen::MatrixXd error = (pa - l * upper).cwiseAbs();
  const Eigen::MatrixXd bound = gamma * (l.cwiseAbs() * upper.cwiseAbs());
  EXPECT_TRUE((error.array() <= bound.array() + 1e-300).all())
      << "max error/bound " << (error.array() / (bound.array() + 1e-300)).maxCoeff();
}

TYPED_TEST(Decompositions, SolversRunAndReduceTheResidual) {
  using T = TypeParam;
  const double u = std::ldexp(1.0, -std::numeric_limits<T>::digits);
  const Eigen::Index n = u > 0.01 ? 8 : 24;
  // I + small off-diagonal terms: well conditioned, and every norm stays far from fp8's overflow at 448.
  Matrix<T> a = random_matrix<T>(n, n, 0.5 / n, 41);
  for (Eigen::Index i = 0; i < n; ++i) a(i, i) = T(1);
  const Matrix<T> spd_source = random_matrix<T>(n, n, 0.5 / n, 42);
  Matrix<T> spd = Matrix<T>(spd_source.transpose() * spd_source);
  for (Eigen::Index i = 0; i < n; ++i) spd(i, i) = spd(i, i) + T(1);
  const Eigen::Matrix<T, Eigen::Dynamic, 1> b = random_matrix<T>(n, 1, 1.0, 43);
  auto residual = [&](const Matrix<T>& m, const Eigen::Matrix<T, Eigen::Dynamic, 1>& x) {
    const Eigen::VectorXd r =
        m.template cast<double>() * x.template cast<double>() - b.template cast<double>();
    return r.norm() / (m.template cast<double>().norm() * x.template cast<double>().norm());
  };
  const double tolerance = std::min(0.5, 10 * n * u);  // normwise backward error, a few n u
  EXPECT_LT(residual(a, a.partialPivLu().solve(b)), tolerance);
  EXPECT_LT(residual(a, a.householderQr().solve(b)), tolerance);
  EXPECT_LT(residual(spd, spd.llt().solve(b)), tolerance);
  EXPECT_TRUE(std::isfinite(static_cast<double>(spd.norm())));

  Eigen::SparseMatrix<T> sparse = spd.sparseView();
  Eigen::ConjugateGradient<Eigen::SparseMatrix<T>, Eigen::Lower | Eigen::Upper> cg;
  cg.setTolerance(T(4 * u));
  cg.setMaxIterations(4 * n);
  cg.compute(sparse);
  const Eigen::Matrix<T, Eigen::Dynamic, 1> x = cg.solve(b);
  EXPECT_LT(residual(spd, x), tolerance) << "after " << cg.iterations() << " iterations";
}

TEST(Reductions, SumDotAndNormAreSequentialFromZero) {
  using T = lowp::bfloat16;
  const Matrix<T> v = random_matrix<T>(200, 1, 10.0, 51), w = random_matrix<T>(200, 1, 10.0, 52);
  T sum(0), dot(0), squares(0);
  for (Eigen::Index i = 0; i < v.rows(); ++i) {
    sum = sum + v(i);
    dot = dot + v(i) * w(i);
    squares = squares + v(i) * v(i);
  }
  EXPECT_EQ(v.sum().bits(), sum.bits());
  EXPECT_EQ(v.col(0).dot(w.col(0)).bits(), dot.bits());
  EXPECT_EQ(v.squaredNorm().bits(), squares.bits());
  EXPECT_EQ(v.norm().bits(), sqrt(squares).bits());
  Eigen::Matrix<T, 4, 1> fixed = v.topRows<4>();  // fixed size: Eigen would unroll as a tree
  EXPECT_EQ(fixed.sum().bits(), (((T(0) + v(0)) + v(1)) + v(2) + v(3)).bits());
}

TEST(Stochastic, SameSeedSameMatrixProduct) {
  using T = lowp::with_rounding<lowp::bfloat16, rounding::stochastic<>>;
  const Matrix<T> a = random_matrix<lowp::bfloat16>(30, 40, 1.0, 61).cast<float>().cast<T>();
  const Matrix<T> b = random_matrix<lowp::bfloat16>(40, 20, 1.0, 62).cast<float>().cast<T>();
  lowp::seed_stochastic_rounding(7);
  const Matrix<T> c1 = a * b;
  lowp::seed_stochastic_rounding(7);
  const Matrix<T> c2 = a * b;
  lowp::seed_stochastic_rounding(8);
  const Matrix<T> c3 = a * b;
  EXPECT_TRUE(same_bits(c1, c2));
  EXPECT_FALSE(same_bits(c1, c3));
}

TEST(Rounder, FunctorAndRoundToAreLazyAndExact) {
  const Eigen::MatrixXf x = Eigen::MatrixXf::Random(17, 9) * 100.0f;
  const Eigen::MatrixXd y = Eigen::MatrixXd::Random(5, 5);
  const Eigen::MatrixXf r = lowp::round_to<lowp::float8_e4m3fn>(x * 2.0f);  // composes with the expression
  const Eigen::MatrixXf functor = (x * 2.0f).unaryExpr(lowp::rounder<lowp::float8_e4m3fn>{});
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      EXPECT_EQ(r(i, j), lowp::round_to<lowp::float8_e4m3fn>(x(i, j) * 2.0f));
      EXPECT_EQ(functor(i, j), r(i, j));
    }
  }
  const Eigen::ArrayXXd rounded = lowp::round_to<lowp::bfloat16>(y.array());
  static_assert(std::is_same_v<decltype(lowp::round_to<lowp::bfloat16>(y))::Scalar, double>);
  EXPECT_EQ(rounded(2, 3), lowp::round_to<lowp::bfloat16>(y(2, 3)));
}

TEST(NumTraits, DescribeTheFormat) {
  using traits = Eigen::NumTraits<lowp::float16>;
  EXPECT_EQ(static_cast<double>(traits::epsilon()), std::ldexp(1.0, -10));
  EXPECT_EQ(static_cast<double>(traits::highest()), 65504.0);
  EXPECT_EQ(static_cast<double>(traits::lowest()), -65504.0);
  EXPECT_TRUE(isinf(traits::infinity()));
  EXPECT_EQ(traits::digits(), 11);
  static_assert(std::is_same_v<Eigen::ScalarBinaryOpTraits<lowp::bfloat16, float>::ReturnType, float>);
  const Matrix<lowp::bfloat16> m = random_matrix<lowp::bfloat16>(3, 3, 1.0, 71);
  const Eigen::MatrixXf promoted = m * 2.0f;  // mixing promotes to float, unrounded
  EXPECT_EQ(promoted(1, 2), static_cast<float>(m(1, 2)) * 2.0f);
}

}  // namespace
