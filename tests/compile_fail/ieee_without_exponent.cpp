// expect: ExpBits
// An IEEE-encoded format keeps Inf and NaN in the all-ones exponent, so it needs exponent bits at all:
// float_format must reject ExpBits = 0 with a static_assert that names the parameter.
#include <lowp/float/minifloat.hpp>

static_assert(sizeof(lowp::minifloat<lowp::float_format<0, 3>>) > 0);
