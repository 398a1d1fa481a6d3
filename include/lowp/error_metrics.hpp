// Error metrics between a reference and an approximation of it: QSNR, MSE, max absolute and relative
// error, per-block statistics. Kept for existing users; the parts are error_stats.hpp (the statistics and
// their span forms, no Eigen) and eigen/error_metrics.hpp (over Eigen expressions, per block).
#pragma once

#include "eigen/error_metrics.hpp"
#include "error_stats.hpp"
