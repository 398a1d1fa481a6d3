// Span rounding on several threads, with the same bits as on one: the random word of element i depends
// only on the stream and i (chunks start on Philox block boundaries), never on the split.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>

#include "../core/random.hpp"
#include "../core/worker_pool.hpp"
#include "round_to.hpp"

namespace lowp {

// How many threads a call may use: span rounding, gemm, lmul_gemm, quantize, mma::gemm (1: the calling thread
// only). The others come from one pool of workers kept for the life of the process (core/worker_pool.hpp).
struct threads {
  int count = 1;
};

namespace detail {

// Runs chunk(offset, count, stream_at_offset) over [0, n) on up to `workers` threads (the pooled workers of
// core/worker_pool.hpp and the calling thread).
template <class Source, class Chunk>
void split_span(std::size_t n, sr_stream& stream, threads workers, Chunk chunk) {
  using Bits = typename core::ieee_binary<Source>::bits_type;
  if (workers.count < 1) throw std::invalid_argument("lowp: threads{count} needs count >= 1");
  constexpr std::size_t per_block = 16 / sizeof(Bits);  // elements drawing from one 128-bit Philox block
  const std::uint64_t first_block = stream.take_blocks(blocks_for<Bits>(n));
  const std::size_t count = static_cast<std::size_t>(workers.count);
  // Chunks are whole multiples of 64 elements, hence of the block size and of every SIMD width.
  const std::size_t size = std::max<std::size_t>(64, (n / count + 63) / 64 * 64);
  auto part = [&](std::ptrdiff_t p) {
    const std::size_t offset = std::size_t(p) * size;
    sr_stream at_offset = stream;
    at_offset.seek_block(first_block + offset / per_block);
    chunk(offset, std::min(size, n - offset), at_offset);
  };
  worker_pool::run(std::ptrdiff_t((n + size - 1) / size), part);
}

template <class T, class Source>
void round_span_parallel(std::span<const Source> in, std::span<Source> out, sr_stream& stream,
                         threads workers) {
  check_sizes("round_to", in.size(), out.size());
  if constexpr (!core::fits_lanes_of<typename T::format, Source>) {
    round_span<T, Source>(in, out, &stream);  // e8m0 from float draws word by word: one thread
  } else {
    split_span<Source>(
        in.size(), stream, workers, [&](std::size_t offset, std::size_t length, sr_stream& chunk_stream) {
          round_span<T, Source>(in.subspan(offset, length), out.subspan(offset, length), &chunk_stream);
        });
  }
}

template <class T, class Source>
void convert_span_parallel(std::span<const Source> in, std::span<T> out, sr_stream& stream, threads workers) {
  check_sizes("convert", in.size(), out.size());
  if constexpr (!core::fits_lanes_of<typename T::format, Source>) {
    convert_span<T, Source>(in, out, &stream);
  } else {
    split_span<Source>(
        in.size(), stream, workers, [&](std::size_t offset, std::size_t length, sr_stream& chunk_stream) {
          convert_span<T, Source>(in.subspan(offset, length), out.subspan(offset, length), &chunk_stream);
        });
  }
}

}  // namespace detail

// As round_to / convert with a stream, split over `workers.count` threads; bit-identical to one thread.
template <class T>
void round_to(std::span<const float> in, std::span<float> out, sr_stream& stream, threads workers) {
  detail::round_span_parallel<T, float>(in, out, stream, workers);
}
template <class T>
void round_to(std::span<const double> in, std::span<double> out, sr_stream& stream, threads workers) {
  detail::round_span_parallel<T, double>(in, out, stream, workers);
}
template <class T>
void convert(std::span<const float> in, std::span<T> out, sr_stream& stream, threads workers) {
  detail::convert_span_parallel<T, float>(in, out, stream, workers);
}
template <class T>
void convert(std::span<const double> in, std::span<T> out, sr_stream& stream, threads workers) {
  detail::convert_span_parallel<T, double>(in, out, stream, workers);
}

}  // namespace lowp
