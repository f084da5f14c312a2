#pragma once
// Small-block pools for the per-operation objects (private to src/tensor).
//
// Note [Why tensors pool their small blocks]
// A recorded tensor operation allocates a handful of small objects (the tensor's impl, its
// storage, its gradient cell, the backward step) and new_graph() frees thousands at once.
// Through glibc's malloc that measured 60% of the time of a chain of 0-d tensor ops (chunks of
// 100-300 bytes miss the fast bins and are coalesced on every free). A per-thread free list per
// 64-byte size class makes each allocation a pointer pop. A block freed on another thread joins
// that thread's list (blocks are plain memory of one size class); after a thread's pool is gone
// (thread exit), blocks go straight back to operator delete.

#include <cstddef>
#include <new>

namespace gradflow::detail {

/// Blocks up to this size come from the pools; larger ones from operator new, 64-byte aligned
/// (whole cache lines for the kernels' loads).
inline constexpr std::size_t kPoolMaxBytes = 1024;

void* pool_allocate(std::size_t bytes);
void pool_free(void* p, std::size_t bytes) noexcept;

/// An allocator for std::allocate_shared that takes its blocks from the pools.
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() noexcept = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}  // NOLINT: rebinding
  T* allocate(std::size_t n) { return static_cast<T*>(pool_allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { pool_free(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept { return true; }
};

/// Gives a class pooled operator new and delete (for the backward steps).
struct Pooled {
  static void* operator new(std::size_t bytes) { return pool_allocate(bytes); }
  static void operator delete(void* p, std::size_t bytes) noexcept { pool_free(p, bytes); }
};

}  // namespace gradflow::detail
