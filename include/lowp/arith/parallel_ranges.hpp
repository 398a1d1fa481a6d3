// parallel_ranges: [0, count) cut into contiguous ranges of whole granules, one range per thread of a
// lowp::threads{n}. The split decides only which thread computes an index, never what is computed for it, so
// every caller (the GEMMs, quantize) gives the same bits for every thread count.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "../core/worker_pool.hpp"
#include "../float/parallel.hpp"

namespace lowp::detail {

inline void check_thread_count(threads workers, const char* function) {
  if (workers.count < 1) {
    throw std::invalid_argument(std::string("lowp::") + function + ": threads{" +
                                std::to_string(workers.count) + "} needs a count of at least 1");
  }
}

// Calls fn(begin, end) for consecutive ranges covering [0, count), each a multiple of `granule` long (except
// the last), one range per thread of `workers` (at most); the ranges depend only on count, granule and
// workers.count. They run on the calling thread and the pooled workers of worker_pool.hpp (a call from
// inside a range runs its own ranges inline). If fn throws, the other ranges still run and the first
// exception is rethrown here.
template <class Fn>
void parallel_ranges(std::ptrdiff_t count, threads workers, std::ptrdiff_t granule, Fn&& fn) {
  if (count <= 0) return;
  granule = std::max<std::ptrdiff_t>(granule, 1);
  const std::ptrdiff_t granules = (count + granule - 1) / granule;
  const std::ptrdiff_t parts = std::min<std::ptrdiff_t>(std::max(workers.count, 1), granules);
  if (parts == 1) {
    fn(std::ptrdiff_t(0), count);
    return;
  }
  auto range = [&](std::ptrdiff_t p) {
    const std::ptrdiff_t begin = granule * (granules * p / parts);
    const std::ptrdiff_t end = std::min(count, granule * (granules * (p + 1) / parts));
    fn(begin, end);
  };
  worker_pool::run(parts, range);
}

}  // namespace lowp::detail
