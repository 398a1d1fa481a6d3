// Matrix units, bit for bit: what a GPU's tensor core (NVIDIA) or matrix core (AMD) computes, as integer
// fixed-point models of MMA.md's algorithms. lowp::mma::unit<Arch, A, B, D> names a unit; dot<U> and gemm<U>
// run it (docs/matrix_units.md has the table of units and what is certain about each).
#pragma once

#include "mma/architectures.hpp"
#include "mma/dot.hpp"
#include "mma/unit.hpp"
#include "mma/gemm.hpp"
