// <lowp/core/rounding.hpp> and <lowp/error_stats.hpp> alone: lowp's include directory is the only include
// path given, and neither brings Eigen or fmt. error_stats.hpp is the Eigen-free part of the error metrics.
#include <lowp/core/rounding.hpp>
#include <lowp/error_stats.hpp>

#if defined(EIGEN_WORLD_VERSION) || defined(FMT_VERSION)
#error "<lowp/core/rounding.hpp> and <lowp/error_stats.hpp> must include neither Eigen nor fmt"
#endif

#include <cmath>
#include <span>
#include <stdexcept>
#include <vector>

#include "check.hpp"

int main() {
  static_assert(lowp::rounding::is_policy_v<lowp::rounding::nearest_even>);
  static_assert(lowp::rounding::is_policy_v<lowp::rounding::stochastic<8>>);
  const std::vector<float> reference = {1.0f, 2.0f, 3.0f}, x = {1.0f, 2.0f, 2.0f};
  const std::span<const float> r(reference), v(x);
  // signal 1 + 4 + 9 = 14, noise 1: 10 log10(14).
  CHECK(std::fabs(lowp::qsnr_db(r, v) - 10.0 * std::log10(14.0)) < 1e-12);
  const lowp::error_stats s = lowp::compare(r, v);
  CHECK(s.count == 3 && s.max_abs == 1.0 && s.max_rel == 1.0 / 3.0 && s.mse == 1.0 / 3.0);
  CHECK(std::isinf(lowp::qsnr_db(r, r)));
  bool threw = false;
  try {
    (void)lowp::qsnr_db(r, v.first(2));
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  CHECK(threw);
  return standalone::failures;
}
