// Everything lowp has. Each part is also usable alone (see the per-concept headers).
#pragma once

#include "arith/accumulate.hpp"
#include "arith/gemm.hpp"
#include "arith/lmul.hpp"
#include "arith/lmul_float.hpp"
#include "arith/lmul_gemm.hpp"
#include "block.hpp"
#include "core/random.hpp"
#include "core/rounding.hpp"
#include "eigen.hpp"
#include "error_metrics.hpp"
#include "float/minifloat.hpp"
#include "float/parallel.hpp"
#include "fmt.hpp"
#include "int/intn.hpp"
#include "mma.hpp"
#include "posit/posit.hpp"
