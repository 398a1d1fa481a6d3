// Built by the package tests (tests/package/run_consumer.cmake): a downstream program using lowp.
#include <iostream>

#include <lowp/float/minifloat.hpp>

int main() {
  std::cout << static_cast<float>(lowp::float8_e4m3fn(1.0f)) << '\n';
}
