// expect: mantissa width M must be between 1 and
// L-Mul needs at least one mantissa bit (l(0) would make the offset 1, doubling every product).
#include <lowp/arith/lmul.hpp>

float f() {
  return lowp::lmul<0>(1.0f, 2.0f);
}
