// Compiler configuration shared by every header: the one place that knows about CUDA.
#pragma once

// LOWP_HOST_DEVICE marks a function usable from both host and CUDA device code. It expands to
// `__host__ __device__` when the translation unit is compiled by a CUDA compiler (nvcc or clang-cuda, both of
// which define __CUDACC__) and to nothing otherwise, so an ordinary C++ build sees exactly the code it saw
// before. Put it in front of every scalar-layer function that a kernel may call (minifloat, intn, posit,
// quire, the rounding kernel, lowp::mma::dot); leave host-only code (SIMD spans, Eigen glue, threads,
// exceptions, printing) unmarked.
#if defined(__CUDACC__)
#define LOWP_HOST_DEVICE __host__ __device__
#else
#define LOWP_HOST_DEVICE
#endif

// LOWP_DEVICE_PASS is 1 while a CUDA compiler compiles the device side of a translation unit (nvcc and
// clang-cuda compile each .cu file twice: once for the host, once per GPU architecture with __CUDA_ARCH__
// defined) and 0 otherwise. The few LOWP_HOST_DEVICE functions that must do something else on a GPU (draw
// from the per-thread device stream instead of the host's thread_local one, trap instead of throw,
// use a builtin instead of a host-only std:: function) test it with `#if LOWP_DEVICE_PASS` inside their
// body; `if constexpr` is not enough, since nvcc still rejects a host-only call in the discarded branch.
// Those functions live in core/ (random.hpp, bit.hpp, domain_error.hpp); other headers call them.
#if defined(__CUDA_ARCH__)
#define LOWP_DEVICE_PASS 1
#else
#define LOWP_DEVICE_PASS 0
#endif
