// expect: the policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact
// A type (here a minifloat) where an accumulation policy belongs is rejected with a sentence.
#include <lowp/arith/gemm.hpp>
#include <lowp/float/named_formats.hpp>

Eigen::MatrixXf f(const Eigen::MatrixXf& a) {
  return lowp::gemm(a, a, lowp::bfloat16{});
}
