// The per-thread small-block pools (Note [Why tensors pool their small blocks] in pool.hpp):
// the out-of-line paths; the common pop and push are inline in pool.hpp.

#include "pool.hpp"

#include <unordered_map>
#include <vector>

namespace gradflow::detail {

constinit thread_local PoolFreeLists* pool_free_lists = nullptr;

namespace {

// Large blocks are kept by exact size (rounded to 4 KiB): a training loop makes the same
// shapes every step, and handing a block back to malloc only to ask for it again costs page
// faults each time (glibc trims or unmaps a large freed block).
constexpr std::size_t kLargeGranule = 4096;
constexpr std::size_t kMaxLargeBytes = std::size_t{256} << 20;  // per thread

struct Pools {
  PoolFreeLists small;
  std::unordered_map<std::size_t, std::vector<void*>> large;
  std::size_t large_bytes = 0;
  ~Pools();
};

// Set while this thread's Pools is alive; a block freed after the thread's pools were destroyed
// (a tensor in a thread_local or static destroyed later) goes to operator delete.
constinit thread_local Pools* live_pools = nullptr;

// Under AddressSanitizer every block goes to the heap, so that a use after free is caught.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooling = false;
#else
constexpr bool kPooling = true;
#endif

Pools& pools() {
  thread_local Pools p;
  live_pools = &p;
  if (kPooling) pool_free_lists = &p.small;
  return p;
}

Pools::~Pools() {
  live_pools = nullptr;
  pool_free_lists = nullptr;
  for (auto& [size, blocks] : large) {
    for (void* b : blocks) ::operator delete(b, std::align_val_t{kPoolGranule});
  }
  for (PoolFreeLists::Block* head : small.heads) {
    while (head != nullptr) {
      PoolFreeLists::Block* next = head->next;
      ::operator delete(static_cast<void*>(head));
      head = next;
    }
  }
}

std::size_t large_size(std::size_t bytes) {
  return (bytes + kLargeGranule - 1) / kLargeGranule * kLargeGranule;
}

}  // namespace

void* pool_allocate_slow(std::size_t bytes) {
  if (bytes == 0) bytes = 1;
  if (!kPooling) return ::operator new(bytes, std::align_val_t{kPoolGranule});
  Pools* p = live_pools != nullptr ? live_pools : &pools();
  if (bytes > kPoolMaxBytes) {
    const std::size_t size = large_size(bytes);
    auto it = p->large.find(size);
    if (it != p->large.end() && !it->second.empty()) {
      void* b = it->second.back();
      it->second.pop_back();
      p->large_bytes -= size;
      return b;
    }
    return ::operator new(size, std::align_val_t{kPoolGranule});
  }
  // The inline path missed: the list is empty (or this is the thread's first allocation).
  const std::size_t c = pool_size_class(bytes);
  if (PoolFreeLists::Block* b = p->small.heads[c]) {
    p->small.heads[c] = b->next;
    --p->small.counts[c];
    return b;
  }
  return ::operator new((c + 1) * kPoolGranule);  // malloc's 16-byte alignment suffices here
}

void pool_free_slow(void* ptr, std::size_t bytes) noexcept {
  if (ptr == nullptr) return;
  if (bytes == 0) bytes = 1;
  Pools* p = live_pools;
  if (bytes > kPoolMaxBytes || !kPooling) {
    const std::size_t size = large_size(bytes);
    if (kPooling && p != nullptr && p->large_bytes + size <= kMaxLargeBytes) {
      p->large[size].push_back(ptr);
      p->large_bytes += size;
      return;
    }
    ::operator delete(ptr, std::align_val_t{kPoolGranule});
    return;
  }
  // A small block the inline path did not take: this thread has no pools (any more), or the
  // class's list is full.
  ::operator delete(ptr);
}

}  // namespace gradflow::detail
