// expect: 32 bits
// Encodings are stored in at most a uint32_t: a format of 1 + 9 + 24 = 34 bits must be rejected.
#include <lowp/float/minifloat.hpp>

static_assert(lowp::float_format<9, 24>::bits > 0);
