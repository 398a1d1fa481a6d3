// expect: T must be float or a lowp minifloat type
// Accumulating in double is not one of the emulated accumulators.
#include <lowp/arith/gemm.hpp>

float f(std::span<const float> x) {
  return lowp::dot(x, x, lowp::accumulate<double>{});
}
