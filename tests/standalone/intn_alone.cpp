// <lowp/int/intn.hpp> alone: compiled with lowp's include directory as the only include path given, and it
// must not bring Eigen or fmt.
#include <lowp/int/intn.hpp>

#if defined(EIGEN_WORLD_VERSION) || defined(FMT_VERSION)
#error "<lowp/int/intn.hpp> must include neither Eigen nor fmt"
#endif

#include <functional>
#include <sstream>

#include "check.hpp"

int main() {
  using lowp::int4;
  using lowp::int8;
  using lowp::uint4;
  CHECK((int8(100) + int8(100)).value() == 127);  // saturates
  CHECK((int8(-100) - int8(100)).value() == -128);
  CHECK(int4(2.5).value() == 2 && int4(3.5).value() == 4);  // nearest, ties to even
  CHECK(uint4(-3).value() == 0 && uint4(99.0).value() == 15);
  CHECK((int8(7) / int8(2)).value() == 4);  // 3.5 to even
  CHECK(int4(-1).bits() == 0xf);
  CHECK(to_string(int8(-5)) == "-5");
  std::ostringstream out;
  out << int8(42);
  CHECK(out.str() == "42");
  CHECK(std::hash<int8>{}(int8(3)) == std::hash<int8>{}(int8(3.0)));
  return standalone::failures;
}
