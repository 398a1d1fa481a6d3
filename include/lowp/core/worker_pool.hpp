// worker_pool: the threads behind lowp::threads{n}. A call hands out the numbered parts of a job; the calling
// thread and pooled workers claim them one at a time, so which thread runs a part is left to chance but what
// each part computes is not (the callers cut their work into parts that depend only on the sizes and n).
//
// Why a pool: a GEMM or quantize call runs several parallel phases of about a millisecond each, and a fresh
// std::thread per phase costs tens of microseconds to start and join. The workers here are started on first
// use, kept for the life of the process, and wait for the next job by spinning briefly (back-to-back phases
// follow within microseconds) and then blocking in std::atomic::wait (a futex: an idle pool burns no core).
// Only <atomic>, <thread> and <exception>: <mutex>, <condition_variable> and <chrono> would add a third to
// the compile time of every unit that includes lowp.hpp.
//
// The rules that keep it safe:
// - One job at a time. A call made while another user thread's job holds the pool does not wait for it: it
//   runs its parts on freshly started threads, as lowp did before the pool existed.
// - A call from inside a part (a worker, or the calling thread while it runs parts) runs all of its own
//   parts inline, on that thread: a worker never waits for the pool it belongs to.
// - A part may throw: every other part still runs, and the first exception is rethrown on the calling thread
//   once all parts have finished. If a worker cannot be started, the parts run on the threads that exist.
// - The pool is never destroyed: its workers are detached and blocked when the process exits, so exit and
//   static destructors (which may still call lowp) neither hang on a join nor touch a destroyed pool.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

namespace lowp::detail {

class worker_pool {
 public:
  // Workers started at most; a job with more parts shares them out among the workers and the caller.
  static constexpr std::ptrdiff_t max_workers = 63;

  // Runs part(0), ..., part(parts - 1), each once, and returns when all have returned.
  template <class Part>
  static void run(std::ptrdiff_t parts, Part& part) {
    if (parts <= 0) return;
    job work(parts, &call<Part>, &part);
    if (parts == 1 || inside_a_part()) {
      work.run_parts();
    } else {
      worker_pool& pool = instance();
      if (!pool.busy_.exchange(true, std::memory_order_acquire)) {
        pool.run_pooled(work);
        pool.busy_.store(false, std::memory_order_release);
      } else {
        run_on_fresh_threads(work);
      }
    }
    if (work.error) std::rethrow_exception(work.error);
  }

 private:
  // One call's parts. It lives on the calling thread's stack; a worker reaches it only through posted_,
  // and the caller waits until no worker is inside it before it returns (run_pooled).
  struct job {
    job(std::ptrdiff_t count, void (*function)(void*, std::ptrdiff_t), void* context) noexcept
        : parts(count), call(function), part(context) {}
    const std::ptrdiff_t parts;
    void (*const call)(void*, std::ptrdiff_t);
    void* const part;
    std::atomic<std::ptrdiff_t> next{0};      // the next part nobody has claimed
    std::atomic<std::ptrdiff_t> finished{0};  // parts that have returned
    std::atomic<bool> failed{false};
    std::exception_ptr error;  // written by the first part to throw, read once `finished` reaches `parts`

    // Claims and runs parts until none is left.
    void run_parts() noexcept {
      const bool outer = !inside_a_part();
      inside_a_part() = true;
      for (std::ptrdiff_t p; (p = next.fetch_add(1, std::memory_order_relaxed)) < parts;) {
        try {
          call(part, p);
        } catch (...) {
          if (!failed.exchange(true, std::memory_order_relaxed)) error = std::current_exception();
        }
        if (finished.fetch_add(1, std::memory_order_acq_rel) + 1 == parts) finished.notify_all();
      }
      if (outer) inside_a_part() = false;
    }
  };

  template <class Part>
  static void call(void* part, std::ptrdiff_t p) {
    (*static_cast<Part*>(part))(p);
  }

  static bool& inside_a_part() noexcept {
    thread_local bool inside = false;
    return inside;
  }

  static worker_pool& instance() {
    static worker_pool* const pool = new worker_pool;  // never destroyed (see the top of this header)
    return *pool;
  }

  // Waits until `value` is no longer `old`: spins first (about 20-60 microseconds of pause instructions,
  // as long as a futex wake-up costs on a virtual machine), then blocks. Returns the new value.
  template <class T>
  static T wait_while(const std::atomic<T>& value, T old) noexcept {
    for (int i = 0; i < 1024; ++i) {
      const T now = value.load(std::memory_order_acquire);
      if (now != old) return now;
      pause();
    }
    for (;;) {
      const T now = value.load(std::memory_order_acquire);
      if (now != old) return now;
      value.wait(old, std::memory_order_acquire);
    }
  }

  static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
  }

  void run_pooled(job& work) {
    start_workers(std::min(work.parts - 1, max_workers));
    posted_.store(&work, std::memory_order_seq_cst);
    generation_.fetch_add(1, std::memory_order_seq_cst);
    const std::ptrdiff_t wanted = work.parts - 1;
    if (wanted >= workers_) {
      generation_.notify_all();
    } else {
      for (std::ptrdiff_t w = 0; w < wanted; ++w) generation_.notify_one();
    }
    work.run_parts();
    for (std::ptrdiff_t done = work.finished.load(std::memory_order_acquire); done != work.parts;) {
      done = wait_while(work.finished, done);
    }
    // Take the job back. A worker announces itself in users_ before it reads posted_ (both sequentially
    // consistent), so once posted_ is null and users_ is 0 no worker holds the job or can still reach it.
    posted_.store(nullptr, std::memory_order_seq_cst);
    for (std::ptrdiff_t inside = users_.load(std::memory_order_seq_cst); inside != 0;) {
      inside = wait_while(users_, inside);
    }
  }

  void start_workers(std::ptrdiff_t count) {
    const std::uint32_t generation = generation_.load(std::memory_order_relaxed);
    while (workers_ < count) {
      try {
        std::thread([this, generation] { serve(generation); }).detach();
      } catch (...) {
        return;  // no more threads: the parts run on those there are
      }
      ++workers_;
    }
  }

  [[noreturn]] void serve(std::uint32_t seen) {
    inside_a_part() = true;
    for (;;) {
      seen = wait_while(generation_, seen);
      users_.fetch_add(1, std::memory_order_seq_cst);
      if (job* work = posted_.load(std::memory_order_seq_cst)) work->run_parts();
      if (users_.fetch_sub(1, std::memory_order_seq_cst) == 1) users_.notify_all();
    }
  }

  static void run_on_fresh_threads(job& work) {
    std::vector<std::thread> helpers;
    try {
      for (std::ptrdiff_t p = 1; p < std::min(work.parts, max_workers + 1); ++p) {
        helpers.emplace_back([&work] { work.run_parts(); });
      }
    } catch (...) {
      // no more threads: the parts run on those there are
    }
    work.run_parts();
    for (auto& helper : helpers) helper.join();
  }

  std::atomic<bool> busy_{false};             // held by the one call that has the pool
  std::atomic<std::uint32_t> generation_{0};  // one more per posted job; workers wait on it
  std::atomic<job*> posted_{nullptr};         // the job being run, or null
  std::atomic<std::ptrdiff_t> users_{0};      // workers that may be inside posted_
  std::ptrdiff_t workers_ = 0;                // changed only by the holder of busy_
};

}  // namespace lowp::detail
