// The one helper of the standalone programs: a failed expectation prints where and what, and main() returns
// the count of failures (ctest fails a nonzero exit). Standard headers only: these programs must not see
// Eigen, fmt or GoogleTest.
#pragma once

#include <cstdio>

namespace standalone {

inline int failures = 0;

inline void check(bool ok, const char* what, int line) {
  if (!ok) {
    std::fprintf(stderr, "line %d: expected %s\n", line, what);
    ++failures;
  }
}

}  // namespace standalone

#define CHECK(...) ::standalone::check((__VA_ARGS__), #__VA_ARGS__, __LINE__)
