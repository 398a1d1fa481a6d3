// Counter-based random bits for stochastic rounding: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel
// random numbers: as easy as 1, 2, 3", SC'11). A counter-based generator makes the bits of element i a pure
// function of (seed, i), so span and matrix results do not depend on how the work is split over threads.
#pragma once

#include <array>
#include <cstdint>

namespace lowp {

namespace core {

using philox_block = std::array<std::uint32_t, 4>;

// One Philox4x32-10 block: 10 rounds of multiply-xor-permute on a 128-bit counter under a 64-bit key.
constexpr philox_block philox4x32_10(philox_block counter, std::uint64_t key) {
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
  constexpr explicit sr_stream(std::uint64_t seed = 0, std::uint64_t stream_id = 0) noexcept
      : seed_(seed), stream_id_(stream_id) {}

  constexpr void reseed(std::uint64_t seed, std::uint64_t stream_id = 0) noexcept {
    *this = sr_stream(seed, stream_id);
  }

  constexpr std::uint32_t next_u32() noexcept {
    if (used_ == 4) refill();
    return buffer_[used_++];
  }
  constexpr std::uint64_t next_u64() noexcept {
    const std::uint64_t high = next_u32();
    return (high << 32) | next_u32();
  }

  // Block-indexed access for span paths: `take_blocks(n)` reserves n whole blocks and returns the first
  // block index; `block(i)` is a pure function of (seed, stream id, i).
  constexpr std::uint64_t take_blocks(std::uint64_t count) noexcept {
    used_ = 4;  // a partly used block is skipped, so span draws always start on a block boundary
    const std::uint64_t first = next_block_;
    next_block_ += count;
    return first;
  }
  // Positions the stream at a block boundary: the next draw comes from block `index`.
  constexpr void seek_block(std::uint64_t index) noexcept {
    used_ = 4;
    next_block_ = index;
  }
  constexpr core::philox_block block(std::uint64_t index) const noexcept {
    return core::philox4x32_10(
        {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
         static_cast<std::uint32_t>(stream_id_), static_cast<std::uint32_t>(stream_id_ >> 32)},
        seed_);
  }

  constexpr std::uint64_t seed() const noexcept { return seed_; }
  constexpr std::uint64_t stream_id() const noexcept { return stream_id_; }

 private:
  constexpr void refill() noexcept {
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
}  // namespace core

// Resets the calling thread's stream completely: same seed + same sequence of operations => same bits.
inline void seed_stochastic_rounding(std::uint64_t seed) noexcept {
  core::thread_stream().reseed(seed);
}

}  // namespace lowp
