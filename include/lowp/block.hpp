// Block-scaled formats: MX (OCP v1.0), NVFP4, INT groups; quantize/dequantize, packed storage, the
// randomized Hadamard transform and the quantized GEMM.
#pragma once

#include "block/block_axis.hpp"
#include "block/block_format.hpp"
#include "block/element.hpp"
#include "block/gemm.hpp"
#include "block/hadamard.hpp"
#include "block/product.hpp"
#include "block/quantize.hpp"
#include "block/quantized_matrix.hpp"
#include "block/scale_rule.hpp"
#include "block/values.hpp"
#include "error_metrics.hpp"
