// The matrix-unit architectures lowp models: one empty tag per generation (the instruction family is the
// one MMA.md names for it), and the compile-time facts that the unit table and its error messages use.
#pragma once

namespace lowp::mma {

// NVIDIA tensor cores.
struct volta {};               // sm_70, mma.m8n8k4 (HMMA.884)
struct turing {};              // sm_75, mma.m16n8k8
struct ampere {};              // sm_80 / sm_86, mma.sync (m16n8k16 = two steps of 8)
struct ada {};                 // sm_89, mma.sync, FP8 with 13-bit sums
struct hopper {};              // sm_90, mma.sync and wgmma (whole instruction fused)
struct blackwell {};           // sm_100, tcgen05.mma (kind::f16, tf32, f8f6f4, mxf8f6f4, mxf4, mxf4nvf4)
struct blackwell_mma_sync {};  // sm_100, mma.sync: FP8 is the provisional model fitted to B200 data
struct rtx_blackwell {};       // sm_120, mma.sync with the Blackwell kinds
// AMD matrix cores.
struct cdna1 {};  // MI100
struct cdna2 {};  // MI200
struct cdna3 {};  // MI300

// DeepSeek-V3's fix for 13-bit FP8 sums: every k products the unit restarts from +0 and its result is added
// into an fp32 accumulator with IEEE fp32 nearest even.
struct promote_every {
  int k;
};

}  // namespace lowp::mma
