// The answer to an operation without a defined result (integer division by zero): std::domain_error on the
// host; in CUDA device code, which has no exceptions, the message is printed and the kernel traps, so the
// launch fails with cudaErrorLaunchFailure instead of computing on.
#pragma once

#include <stdexcept>

#include "config.hpp"

#if defined(__CUDACC__)
#include <cstdio>
#endif

namespace lowp::core {

[[noreturn]] LOWP_HOST_DEVICE inline void domain_error(const char* message) {
#if LOWP_DEVICE_PASS
  std::printf("%s\n", message);
  __trap();
#else
  throw std::domain_error(message);
#endif
}

}  // namespace lowp::core
