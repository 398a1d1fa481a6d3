// expect: the policy must be accumulate<T>, accumulate_chunked<T, N> or accumulate_exact
// The third argument of the quantized gemm is an accumulation policy, not a number.
#include <lowp/block/gemm.hpp>
#include <lowp/block/quantize.hpp>

int main() {
  const Eigen::MatrixXf x = Eigen::MatrixXf::Ones(32, 32);
  const auto a = lowp::quantize<lowp::mxfp4>(x, lowp::block_axis::row);
  const auto b = lowp::quantize<lowp::mxfp4>(x, lowp::block_axis::column);
  const Eigen::MatrixXf c = lowp::gemm(a, b, 3);
  return static_cast<int>(c.rows());
}
