// Eigen adapter: every lowp scalar is an Eigen scalar (NumTraits, mixing with float/double, the math
// functions Eigen's algorithms call, found by ADL), products and sums in one documented order with a SIMD
// fast path, and rounding as a lazy functor on float/double expressions.
#pragma once

#include <Eigen/Core>

#include "eigen/num_traits.hpp"
#include "eigen/posit_num_traits.hpp"
#include "eigen/product.hpp"
#include "eigen/rounder.hpp"
#include "float/minifloat.hpp"
