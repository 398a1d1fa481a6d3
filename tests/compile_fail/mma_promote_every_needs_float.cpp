// expect: promote_every needs a unit with D = float
// DeepSeek-V3's promotion adds chunk results in fp32: a unit whose output is float16 cannot take it.
#include <span>

#include <lowp/mma.hpp>

float f(std::span<const lowp::float16> a, std::span<const lowp::float16> b) {
  using U = lowp::mma::unit<lowp::mma::hopper, lowp::float16, lowp::float16, lowp::float16>;
  return lowp::mma::dot<U>(a, b, 0.0f, lowp::mma::promote_every{128});
}
