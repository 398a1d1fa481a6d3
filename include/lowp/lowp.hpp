// Everything lowp has. Each part is also usable alone (see the per-concept headers).
#pragma once

#include "core/random.hpp"
#include "core/rounding.hpp"
#include "float/minifloat.hpp"
#include "fmt.hpp"
