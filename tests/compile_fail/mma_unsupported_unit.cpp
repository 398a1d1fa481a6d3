// expect: Volta .sm_70 mma.m8n8k4. has A = B = float16 with D = float or float16
// Volta's tensor core has no bfloat16 path: unit<volta, bfloat16, bfloat16, float> must fail with a message
// that lists the combinations Volta has.
#include <lowp/mma.hpp>

int width() {
  return lowp::mma::unit<lowp::mma::volta, lowp::bfloat16, lowp::bfloat16, float>::fused_width;
}
