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
// defined) and 0 otherwise. A LOWP_HOST_DEVICE function that must do something different on the device (draw
// random bits from a per-thread stream instead of the host's thread_local engine) tests it with a plain
// `if constexpr (LOWP_DEVICE_PASS)` rather than an #ifdef, so both branches stay visible and type-checked.
#if defined(__CUDA_ARCH__)
#define LOWP_DEVICE_PASS 1
#else
#define LOWP_DEVICE_PASS 0
#endif
