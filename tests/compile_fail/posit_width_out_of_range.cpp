// expect: must be between 2 and 32
// Posit codes are stored in at most a uint32_t and decoded with 64-bit significands: posit<33, 2> must be
// rejected with a static_assert naming the parameter's range.
#include <lowp/posit/posit.hpp>

static_assert(sizeof(lowp::posit<33, 2>) > 0);
