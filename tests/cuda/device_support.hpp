// What every device test needs: whether a GPU is usable (else the test is skipped, saying why), error
// checks on CUDA calls, and a device buffer that frees itself.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <cuda_runtime.h>
#include <gtest/gtest.h>

namespace lowp_cuda_test {

// Empty when a CUDA GPU is usable; otherwise why not.
inline std::string no_gpu_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    return std::string("no usable CUDA GPU (cudaGetDeviceCount: ") + cudaGetErrorString(status) + ")";
  }
  if (count == 0) return "no CUDA GPU present (cudaGetDeviceCount found 0 devices)";
  return {};
}

// LOWP_TEST_QUICK=1 (the sanitizer CI build): sweeps take every `stride`-th chunk only.
inline bool quick() {
  const char* value = std::getenv("LOWP_TEST_QUICK");
  return value != nullptr && std::string(value) != "0";
}

// Throws with the failing call and CUDA's message; a test body turns it into a failure.
inline void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}

// Device memory of `count` T, freed on scope exit.
template <class T>
class device_buffer {
 public:
  explicit device_buffer(std::size_t count) : count_(count) {
    check(cudaMalloc(&data_, count * sizeof(T) + 1), "cudaMalloc");
  }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;
  ~device_buffer() { cudaFree(data_); }

  T* get() const { return data_; }
  std::size_t size() const { return count_; }
  void upload(const std::vector<T>& host) {
    check(cudaMemcpy(data_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice),
          "cudaMemcpy to device");
  }
  std::vector<T> download() const {
    std::vector<T> host(count_);
    check(cudaMemcpy(host.data(), data_, count_ * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy to host");
    return host;
  }

 private:
  T* data_ = nullptr;
  std::size_t count_;
};

// After a kernel launch: the launch error, then the execution error.
inline void check_launch(const char* kernel) {
  check(cudaGetLastError(), kernel);
  check(cudaDeviceSynchronize(), kernel);
}

}  // namespace lowp_cuda_test

// First statement of every device test.
#define LOWP_REQUIRE_GPU()                                                             \
  do {                                                                                 \
    if (const std::string reason = ::lowp_cuda_test::no_gpu_reason(); !reason.empty()) \
      GTEST_SKIP() << reason;                                                          \
  } while (false)
