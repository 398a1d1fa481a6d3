// Minifloats: the float_format descriptor, the minifloat scalar and its elementary functions, the named
// formats, round_to and convert.
#pragma once

#include "float_format.hpp"
#include "math.hpp"
#include "minifloat_scalar.hpp"
#include "named_formats.hpp"
#include "round_to.hpp"
