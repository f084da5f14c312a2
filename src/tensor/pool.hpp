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
//
// Note [The inline pool fast path]
// A 0-d operation allocates and frees about eight small blocks (forward and backward), so the
// pop and the push are inline here: a few instructions on this thread's free lists, reached
// through a `constinit thread_local` pointer (no initialisation wrapper). Everything else (the
// first use on a thread, an empty list, a full one, large blocks, a thread whose pools are gone)
// takes the out-of-line path in pool.cpp, so that the inline part stays small and does not
// spill registers.

#include <cstddef>
#include <new>

namespace gradflow::detail {

/// Blocks up to this size come from the pools; larger ones from operator new, 64-byte aligned
/// (whole cache lines for the kernels' loads).
inline constexpr std::size_t kPoolMaxBytes = 1024;
inline constexpr std::size_t kPoolGranule = 64;
inline constexpr std::size_t kPoolClasses = kPoolMaxBytes / kPoolGranule;

/// A thread's free lists of small blocks, one per 64-byte size class.
struct PoolFreeLists {
  struct Block {
    Block* next;
  };
  Block* heads[kPoolClasses] = {};
  std::size_t counts[kPoolClasses] = {};
};

/// This thread's free lists while its pools are alive; null before the first allocation and
/// after thread exit. Under AddressSanitizer it stays null, so that every block goes through
/// the heap and a use after free is caught.
extern constinit thread_local PoolFreeLists* pool_free_lists;

// The out-of-line paths (pool.cpp).
void* pool_allocate_slow(std::size_t bytes);
void pool_free_slow(void* p, std::size_t bytes) noexcept;

/// Size class of a small block of `bytes` (1 to kPoolMaxBytes): blocks of (class + 1) * 64.
constexpr std::size_t pool_size_class(std::size_t bytes) noexcept {
  return (bytes + kPoolGranule - 1) / kPoolGranule - 1;
}

/// A thread keeps at most 32 MiB of free blocks per size class (this many 64-byte granules);
/// beyond, blocks go back to the heap.
inline constexpr std::size_t kPoolMaxFreeGranules = (std::size_t{32} << 20) / kPoolGranule;

inline void* pool_allocate(std::size_t bytes) {
  PoolFreeLists* p = pool_free_lists;
  if (p != nullptr && bytes - 1 < kPoolMaxBytes) {  // bytes in [1, kPoolMaxBytes]
    const std::size_t c = pool_size_class(bytes);
    if (PoolFreeLists::Block* b = p->heads[c]) {
      p->heads[c] = b->next;
      --p->counts[c];
      return b;
    }
  }
  return pool_allocate_slow(bytes);
}

inline void pool_free(void* ptr, std::size_t bytes) noexcept {
  PoolFreeLists* p = pool_free_lists;
  if (ptr != nullptr && p != nullptr && bytes - 1 < kPoolMaxBytes) {
    const std::size_t c = pool_size_class(bytes);
    if (p->counts[c] * (c + 1) < kPoolMaxFreeGranules) {
      auto* b = static_cast<PoolFreeLists::Block*>(ptr);
      b->next = p->heads[c];
      p->heads[c] = b;
      ++p->counts[c];
      return;
    }
  }
  pool_free_slow(ptr, bytes);
}

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
