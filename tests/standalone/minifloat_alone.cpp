// <lowp/float/minifloat.hpp> alone: compiled with lowp's include directory as the only include path given,
// and it must not bring Eigen or fmt. Values are the formats' definitions (OCP FP8, IEEE binary16, bfloat16).
#include <lowp/float/minifloat.hpp>

#if defined(EIGEN_WORLD_VERSION) || defined(FMT_VERSION)
#error "<lowp/float/minifloat.hpp> must include neither Eigen nor fmt"
#endif

#include <functional>
#include <limits>
#include <sstream>
#include <vector>

#include "check.hpp"

int main() {
  using lowp::bfloat16;
  using lowp::float16;
  using lowp::float8_e4m3fn;
  CHECK(static_cast<float>(float8_e4m3fn(1.5f) * float8_e4m3fn(0.75f)) == 1.125f);  // exact
  CHECK(static_cast<float>(float8_e4m3fn(1.0f) + float8_e4m3fn(0.0625f)) == 1.0f);  // tie to even: 1 + 2^-4
  CHECK(static_cast<float>(float8_e4m3fn(464.0f)) == 448.0f);                       // DESIGN.md
  CHECK(isnan(float8_e4m3fn(465.0f)));
  CHECK(static_cast<double>(std::numeric_limits<float16>::max()) == 65504.0);
  CHECK(static_cast<float>(sqrt(float16(2.0f))) == 1.4140625f);  // 0x3DA8: sqrt(2) to 11 bits
  CHECK(static_cast<float>(fma(bfloat16(3.0f), bfloat16(5.0f), bfloat16(1.0f))) == 16.0f);
  CHECK(static_cast<float>(exp(bfloat16(0.0f))) == 1.0f);
  // Printing: the shortest decimal that reads back, as to_string and operator<<.
  CHECK(to_string(bfloat16(0.1f)) == "0.1");
  std::ostringstream out;
  out << float8_e4m3fn(448.0f);
  CHECK(out.str() == "448");
  // Hashing: +0 and -0 are equal, so they hash alike.
  CHECK(std::hash<float16>{}(float16(0.0f)) == std::hash<float16>{}(float16(-0.0f)));
  // Spans: round_to and convert.
  const std::vector<float> in = {0.1f, 1.0f, 3.0f};
  std::vector<float> rounded(3);
  lowp::round_to<bfloat16>(std::span<const float>(in), std::span<float>(rounded));
  CHECK(rounded[0] == 0.10009765625f && rounded[1] == 1.0f && rounded[2] == 3.0f);
  std::vector<bfloat16> packed(3);
  lowp::convert(std::span<const float>(in), std::span<bfloat16>(packed));
  CHECK(packed[0].bits() == 0x3dcd && packed[1].bits() == 0x3f80);
  return standalone::failures;
}
