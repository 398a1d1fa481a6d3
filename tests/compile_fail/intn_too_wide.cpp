// expect: Bits must be in 1..32
// intn stores at most 32 bits; wider widths are rejected by a static_assert naming the range.
#include <lowp/int/intn.hpp>

lowp::intn<40> x;
