// Counter-based random bits for stochastic rounding: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel
// random numbers: as easy as 1, 2, 3", SC'11). A counter-based generator makes the bits of element i a pure
// function of (seed, i), so span and matrix results do not depend on how the work is split over threads.
#pragma once

#include <cstddef>
#include <cstdint>

#include "config.hpp"

namespace lowp {

namespace core {

// Four 32-bit words (a counter, or the block it gives). A plain aggregate rather than std::array, whose
// members are host-only functions under nvcc.
struct philox_block {
  std::uint32_t words[4];

  LOWP_HOST_DEVICE constexpr std::uint32_t& operator[](std::size_t i) noexcept { return words[i]; }
  LOWP_HOST_DEVICE constexpr const std::uint32_t& operator[](std::size_t i) const noexcept {
    return words[i];
  }
  LOWP_HOST_DEVICE friend constexpr bool operator==(const philox_block& a, const philox_block& b) noexcept {
    return a.words[0] == b.words[0] && a.words[1] == b.words[1] && a.words[2] == b.words[2] &&
           a.words[3] == b.words[3];
  }
};

// One Philox4x32-10 block: 10 rounds of multiply-xor-permute on a 128-bit counter under a 64-bit key.
LOWP_HOST_DEVICE constexpr philox_block philox4x32_10(philox_block counter, std::uint64_t key) {
  constexpr std::uint32_t multiplier0 = 0xD2511F53u, multiplier1 = 0xCD9E8D57u;  // SC'11, table 2
  constexpr std::uint32_t weyl0 = 0x9E3779B9u, weyl1 = 0xBB67AE85u;              // golden ratio, sqrt(3)-1
  std::uint32_t key0 = static_cast<std::uint32_t>(key), key1 = static_cast<std::uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t product0 = std::uint64_t(multiplier0) * counter[0];
    const std::uint64_t product1 = std::uint64_t(multiplier1) * counter[2];
    counter = {
        static_cast<std::uint32_t>(product1 >> 32) ^ counter[1] ^ key0, static_cast<std::uint32_t>(product1),
        static_cast<std::uint32_t>(product0 >> 32) ^ counter[3] ^ key1, static_cast<std::uint32_t>(product0)};
    key0 += weyl0;
    key1 += weyl1;
  }
  return counter;
}

}  // namespace core

// A stream of random words: block b of the stream is philox(counter = {b, stream id}, key = seed).
// Same seed and same sequence of draws give the same bits. Not thread-safe: one stream per thread.
class sr_stream {
 public:
  LOWP_HOST_DEVICE constexpr explicit sr_stream(std::uint64_t seed = 0, std::uint64_t stream_id = 0) noexcept
      : seed_(seed), stream_id_(stream_id) {}

  LOWP_HOST_DEVICE constexpr void reseed(std::uint64_t seed, std::uint64_t stream_id = 0) noexcept {
    *this = sr_stream(seed, stream_id);
  }

  LOWP_HOST_DEVICE constexpr std::uint32_t next_u32() noexcept {
    if (used_ == 4) refill();
    return buffer_[used_++];
  }
  LOWP_HOST_DEVICE constexpr std::uint64_t next_u64() noexcept {
    const std::uint64_t high = next_u32();
    return (high << 32) | next_u32();
  }

  // Block-indexed access for span paths: `take_blocks(n)` reserves n whole blocks and returns the first
  // block index; `block(i)` is a pure function of (seed, stream id, i).
  LOWP_HOST_DEVICE constexpr std::uint64_t take_blocks(std::uint64_t count) noexcept {
    used_ = 4;  // a partly used block is skipped, so span draws always start on a block boundary
    const std::uint64_t first = next_block_;
    next_block_ += count;
    return first;
  }
  // Positions the stream at a block boundary: the next draw comes from block `index`.
  LOWP_HOST_DEVICE constexpr void seek_block(std::uint64_t index) noexcept {
    used_ = 4;
    next_block_ = index;
  }
  LOWP_HOST_DEVICE constexpr core::philox_block block(std::uint64_t index) const noexcept {
    return core::philox4x32_10(
        {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
         static_cast<std::uint32_t>(stream_id_), static_cast<std::uint32_t>(stream_id_ >> 32)},
        seed_);
  }

  LOWP_HOST_DEVICE constexpr std::uint64_t seed() const noexcept { return seed_; }
  LOWP_HOST_DEVICE constexpr std::uint64_t stream_id() const noexcept { return stream_id_; }

 private:
  LOWP_HOST_DEVICE constexpr void refill() noexcept {
    buffer_ = block(next_block_++);
    used_ = 0;
  }

  std::uint64_t seed_;
  std::uint64_t stream_id_;
  std::uint64_t next_block_ = 0;
  core::philox_block buffer_{};
  int used_ = 4;
};

namespace core {
// The calling thread's stream: what scalar operations with a stochastic policy draw from.
inline sr_stream& thread_stream() noexcept {
  thread_local sr_stream stream;
  return stream;
}

#if defined(__CUDACC__)
// A GPU thread has no thread_local storage. Its stream is sr_stream(seed, global thread index), kept as
// (seed, words drawn) in two shared-memory tables indexed by the thread's place in its block; each draw
// recomputes its Philox block instead of buffering it, so a thread costs 12 bytes (12 KiB for a block of
// 1024 threads, reserved only by kernels that round stochastically). Word k of the stream is block(k / 4)
// word k % 4, exactly as sr_stream::next_u32 hands them out, so the host reproduces any thread's draws.
namespace device_stream {
static __shared__ std::uint64_t seeds[1024];
static __shared__ std::uint32_t words_drawn[1024];

__device__ inline unsigned thread_in_block() noexcept {
  return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
}
__device__ inline std::uint64_t global_thread_index() noexcept {
  const std::uint64_t block =
      blockIdx.x + std::uint64_t(gridDim.x) * (blockIdx.y + std::uint64_t(gridDim.y) * blockIdx.z);
  return block * (blockDim.x * blockDim.y * blockDim.z) + thread_in_block();
}
__device__ inline void reseed(std::uint64_t seed) noexcept {
  seeds[thread_in_block()] = seed;
  words_drawn[thread_in_block()] = 0;
}
__device__ inline std::uint32_t next_u32() noexcept {
  const unsigned thread = thread_in_block();
  const std::uint32_t word = words_drawn[thread]++;
  return sr_stream(seeds[thread], global_thread_index()).block(word / 4)[word % 4];
}
}  // namespace device_stream
#endif

// The next word of the calling thread's stream (on a GPU, of its per-thread stream above).
LOWP_HOST_DEVICE inline std::uint32_t next_thread_u32() noexcept {
#if LOWP_DEVICE_PASS
  return device_stream::next_u32();
#else
  return thread_stream().next_u32();
#endif
}
LOWP_HOST_DEVICE inline std::uint64_t next_thread_u64() noexcept {
#if LOWP_DEVICE_PASS
  const std::uint64_t high = device_stream::next_u32();
  return (high << 32) | device_stream::next_u32();
#else
  return thread_stream().next_u64();
#endif
}
}  // namespace core

// Resets the calling thread's stream completely: same seed + same sequence of operations => same bits.
// In device code it keys the thread's stream by (seed, global thread index); a kernel that rounds
// stochastically calls it in every thread before the first stochastic operation.
LOWP_HOST_DEVICE inline void seed_stochastic_rounding(std::uint64_t seed) noexcept {
#if LOWP_DEVICE_PASS
  core::device_stream::reseed(seed);
#else
  core::thread_stream().reseed(seed);
#endif
}

}  // namespace lowp
