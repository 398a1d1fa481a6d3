// expect: A and B must be float Eigen expressions
// lowp::gemm works on float matrices; double ones must be cast explicitly (the rounding is then visible).
#include <lowp/arith/gemm.hpp>

Eigen::MatrixXf f(const Eigen::MatrixXd& a) {
  return lowp::gemm(a, a);
}
