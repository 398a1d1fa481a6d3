// expect: integer elements support nearest_even, nearest_away, toward_zero and stochastic
// Directed rounding of MXINT8 elements is not offered (only the policies listed in the message).
#include <lowp/block/quantize.hpp>

int main() {
  const Eigen::MatrixXf x = Eigen::MatrixXf::Ones(2, 32);
  auto q = lowp::quantize<lowp::mxint8, lowp::rounding::upward>(x, lowp::block_axis::row);
  return static_cast<int>(q.rows());
}
