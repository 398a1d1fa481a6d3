// worker_pool: the threads behind lowp::threads{n}. A call hands out the numbered parts of a job; the calling
// thread and pooled workers claim them one at a time, so which thread runs a part is left to chance but what
// each part computes is not (the callers cut their work into parts that depend only on the sizes and n).
//
// Why a pool: a GEMM or quantize call runs several parallel phases of about a millisecond each, and a fresh
// std::thread per phase costs tens of microseconds to start and join. The workers here are started on first
// use, kept for the life of the process, and wait for the next job by spinning briefly (back-to-back phases
// follow within microseconds) and then blocking on a condition variable (an idle pool burns no core). Not
// std::atomic::wait: GCC 12's loses wake-ups (a worker slept through jobs posted 200 us apart, measured).
// The spin counts pause instructions rather than reading a clock, so that <chrono> stays out of lowp.hpp.
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
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
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
      std::unique_lock<std::mutex> turn(pool.turn_, std::try_to_lock);
      if (turn.owns_lock()) {
        pool.run_pooled(work);
      } else {
        run_on_fresh_threads(work);
      }
    }
    if (work.error) std::rethrow_exception(work.error);
  }

 private:
  // One call's parts. It lives on the calling thread's stack: a worker reaches it only through posting
  // (below), which the caller clears and waits out before it returns.
  struct job {
    job(std::ptrdiff_t count, void (*function)(void*, std::ptrdiff_t), void* context) noexcept
        : parts(count), call(function), part(context) {}
    const std::ptrdiff_t parts;
    void (*const call)(void*, std::ptrdiff_t);
    void* const part;
    std::atomic<std::ptrdiff_t> next{0};      // the next part nobody has claimed
    std::atomic<std::ptrdiff_t> finished{0};  // parts that have returned
    std::atomic<bool> failed{false};
    std::exception_ptr error;  // written by the first part to throw, read after `finished` reaches `parts`

    // Claims and runs parts until none is left; true if this thread finished the last one.
    bool run_parts() noexcept {
      const bool outer = !inside_a_part();
      inside_a_part() = true;
      bool last = false;
      for (std::ptrdiff_t p; (p = next.fetch_add(1, std::memory_order_relaxed)) < parts;) {
        try {
          call(part, p);
        } catch (...) {
          if (!failed.exchange(true, std::memory_order_relaxed)) error = std::current_exception();
        }
        last = finished.fetch_add(1, std::memory_order_acq_rel) + 1 == parts;
      }
      if (outer) inside_a_part() = false;
      return last;
    }
    bool done() const noexcept { return finished.load(std::memory_order_acquire) == parts; }
  };

  // What workers see of the current job: the pointer is cleared (under the pool's mutex) before the job's
  // owner returns, and a worker holds the mutex while it takes the pointer and registers as a user.
  struct posting {
    job* work = nullptr;
    std::ptrdiff_t users = 0;  // workers between taking `work` and leaving it
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

  // Spins (without a system call) waiting for `ready`, then blocks on `signal`. 1024 pause instructions
  // take about 20-60 microseconds (10 to 140 cycles each, by processor), what a futex wake-up costs on a
  // virtual machine.
  template <class Ready>
  void wait_for(std::condition_variable& signal, Ready ready) {
    for (int i = 0; i < 1024; ++i) {
      if (ready()) return;
      pause();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    signal.wait(lock, ready);
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
    {
      std::lock_guard<std::mutex> lock(mutex_);
      posted_.work = &work;
      generation_.fetch_add(1, std::memory_order_release);
    }
    const std::ptrdiff_t wanted = work.parts - 1;
    if (wanted >= std::ptrdiff_t(workers_)) {
      wake_.notify_all();
    } else {
      for (std::ptrdiff_t w = 0; w < wanted; ++w) wake_.notify_one();
    }
    work.run_parts();
    wait_for(done_, [&] { return work.done(); });
    // Take the job back: no worker may be inside it when it leaves this stack frame.
    std::unique_lock<std::mutex> lock(mutex_);
    posted_.work = nullptr;
    done_.wait(lock, [&] { return posted_.users == 0; });
  }

  void start_workers(std::ptrdiff_t count) {
    const std::uint64_t generation = generation_.load(std::memory_order_relaxed);
    while (std::ptrdiff_t(workers_) < count) {
      try {
        std::thread([this, generation] { serve(generation); }).detach();
      } catch (...) {
        return;  // no more threads: the parts run on those there are
      }
      ++workers_;
    }
  }

  [[noreturn]] void serve(std::uint64_t seen) {
    inside_a_part() = true;
    for (;;) {
      wait_for(wake_, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      job* work;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        seen = generation_.load(std::memory_order_relaxed);
        work = posted_.work;
        if (work == nullptr) continue;  // already taken back: its parts were all run
        ++posted_.users;
      }
      const bool last = work->run_parts();
      bool notify;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        notify = --posted_.users == 0 || last;
      }
      if (notify) done_.notify_all();
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

  std::mutex turn_;   // held by the one job that has the pool
  std::mutex mutex_;  // guards posted_, and pairs with the condition variables
  std::condition_variable wake_, done_;
  std::atomic<std::uint64_t> generation_{0};  // one more per posted job
  posting posted_;
  std::size_t workers_ = 0;  // changed only by the holder of turn_
};

}  // namespace lowp::detail
