// expect: signed integer needs at least 2 bits
// A signed one-bit integer has no value bit: intn must reject it with a static_assert that says why.
#include <lowp/int/intn.hpp>

lowp::intn<1, true> x;
