// <lowp/posit/posit.hpp> alone: compiled with lowp's include directory as the only include path given, and
// it must not bring Eigen or fmt. Values are the Posit Standard (2022)'s.
#include <lowp/posit/posit.hpp>

#if defined(EIGEN_WORLD_VERSION) || defined(FMT_VERSION)
#error "<lowp/posit/posit.hpp> must include neither Eigen nor fmt"
#endif

#include <functional>
#include <sstream>
#include <vector>

#include "check.hpp"

int main() {
  using lowp::posit16;
  using lowp::posit8;
  CHECK(static_cast<double>(posit16(1.5) * posit16(0.75)) == 1.125);
  CHECK(posit8(1.0).bits() == 0x40 && posit16(1.0).bits() == 0x4000);
  CHECK(posit8(1e30) == posit8::maxpos() && static_cast<double>(posit8::maxpos()) == 16777216.0);  // 2^24
  CHECK(posit8(1e-30) == posit8::minpos());  // no underflow to zero
  CHECK(isnar(posit16(0.0) / posit16(0.0)) &&
        posit16(std::numeric_limits<double>::infinity()).bits() == 0x8000);
  CHECK(static_cast<double>(sqrt(posit16(4.0))) == 2.0);
  // Quire: ten products 0.5 * 0.25 summed exactly, rounded once.
  lowp::quire16 q;
  for (int i = 0; i < 10; ++i) q.fma(posit16(0.5), posit16(0.25));
  CHECK(static_cast<double>(q.to_posit()) == 1.25);
  const std::vector<posit16> a(4, posit16(0.5)), b(4, posit16(2.0));
  CHECK(static_cast<double>(lowp::fdot(std::span<const posit16>(a), std::span<const posit16>(b))) == 4.0);
  CHECK(to_string(posit16(0.1)) == "0.1");
  std::ostringstream out;
  out << posit8::nar();
  CHECK(out.str() == "NaR");
  CHECK(std::hash<posit16>{}(posit16(2)) == std::hash<posit16>{}(posit16(2.0)));
  return standalone::failures;
}
