// Eigen adapter: every lowp scalar is an Eigen scalar (NumTraits, mixing with float/double, the math
// functions Eigen's algorithms call, found by ADL), products and sums in one documented order with a SIMD
// fast path, and rounding as a lazy functor on float/double expressions. One adapter serves every type that
// satisfies lowp::scalar (eigen/num_traits.hpp, eigen/product.hpp); eigen/scalar_adapter.hpp says what a
// type may change.
#pragma once

#include <Eigen/Core>

#include "eigen/num_traits.hpp"
#include "eigen/product.hpp"
#include "eigen/rounder.hpp"
#include "float/minifloat.hpp"
#include "int/intn.hpp"
#include "posit/posit.hpp"
