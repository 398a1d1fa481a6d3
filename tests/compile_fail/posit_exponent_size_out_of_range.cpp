// expect: ES .the exponent field width. must be between 0 and 4
// ES = 5 would give a quire of 4 * 30 * 32 + 32 bits and scales beyond binary64's range: rejected.
#include <lowp/posit/posit.hpp>

static_assert(sizeof(lowp::posit<16, 5>) > 0);
