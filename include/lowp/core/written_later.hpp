// written_later<T>: a std::vector whose resize and sized constructor leave new elements unwritten. For
// buffers that threads fill in whole right after (decoded and packed GEMM operands): zeroing megabytes of
// them first on the calling thread is serial work thrown away, and it would also take every page fault
// there. Only for implicit-lifetime element types (integers, floats, trivial aggregates), never read
// before written.
#pragma once

#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace lowp::detail {

template <class T>
struct written_later_allocator : std::allocator<T> {
  using value_type = T;
  written_later_allocator() noexcept = default;
  template <class U>
  written_later_allocator(const written_later_allocator<U>&) noexcept {}
  template <class U>
  struct rebind {
    using other = written_later_allocator<U>;
  };
  template <class U>
  void construct(U*) noexcept {}  // value-less construction: left as it is
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <class T>
using written_later = std::vector<T, written_later_allocator<T>>;

}  // namespace lowp::detail
