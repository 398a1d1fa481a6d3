// Posits (Posit Standard 2022): posit<N, ES> for 2 <= N <= 32 and 0 <= ES <= 4, the standard's sizes
// posit8/16/32 (ES = 2), the exact accumulator quire<N, ES>, the fused dot product fdot, elementwise
// arithmetic over spans (add, subtract, multiply, divide, fma, sqrt), and elementary functions found by
// argument-dependent lookup.
#pragma once

#include "elementwise.hpp"
#include "fdot.hpp"
#include "math.hpp"
#include "posit_format.hpp"
#include "posit_scalar.hpp"
#include "quire.hpp"

namespace lowp {

// The Posit Standard (2022) fixes ES = 2 for every size.
using posit8 = posit<8, 2>;
using posit16 = posit<16, 2>;
using posit32 = posit<32, 2>;

using quire8 = quire<8, 2>;
using quire16 = quire<16, 2>;
using quire32 = quire<32, 2>;

}  // namespace lowp
