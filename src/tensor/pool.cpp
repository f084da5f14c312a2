// The per-thread small-block pools (Note [Why tensors pool their small blocks] in pool.hpp).

#include "pool.hpp"

#include <array>
#include <unordered_map>
#include <vector>

namespace gradflow::detail {

namespace {

constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = kPoolMaxBytes / kGranule;
// A thread keeps at most this many bytes per size class; beyond, blocks go back to the heap.
constexpr std::size_t kMaxFreeBytesPerClass = std::size_t{32} << 20;

struct FreeBlock {
  FreeBlock* next;
};

// Large blocks are kept by exact size (rounded to 4 KiB): a training loop makes the same
// shapes every step, and handing a block back to malloc only to ask for it again costs page
// faults each time (glibc trims or unmaps a large freed block).
constexpr std::size_t kLargeGranule = 4096;
constexpr std::size_t kMaxLargeBytes = std::size_t{256} << 20;  // per thread

struct Pools {
  std::array<FreeBlock*, kClasses> heads{};
  std::array<std::size_t, kClasses> counts{};
  std::unordered_map<std::size_t, std::vector<void*>> large;
  std::size_t large_bytes = 0;
  ~Pools();
};

// Set while this thread's Pools is alive; a block freed after the thread's pools were destroyed
// (a tensor in a thread_local or static destroyed later) goes to operator delete.
constinit thread_local Pools* live_pools = nullptr;

Pools& pools() {
  thread_local Pools p;
  live_pools = &p;
  return p;
}

Pools::~Pools() {
  live_pools = nullptr;
  for (auto& [size, blocks] : large) {
    for (void* b : blocks) ::operator delete(b, std::align_val_t{kGranule});
  }
  for (FreeBlock* head : heads) {
    while (head != nullptr) {
      FreeBlock* next = head->next;
      ::operator delete(static_cast<void*>(head));
      head = next;
    }
  }
}

std::size_t size_class(std::size_t bytes) { return (bytes + kGranule - 1) / kGranule - 1; }

std::size_t large_size(std::size_t bytes) {
  return (bytes + kLargeGranule - 1) / kLargeGranule * kLargeGranule;
}

}  // namespace

// Under AddressSanitizer every block goes to the heap, so that a use after free is caught.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooling = false;
#else
constexpr bool kPooling = true;
#endif

void* pool_allocate(std::size_t bytes) {
  if (bytes == 0) bytes = 1;
  if (!kPooling) return ::operator new(bytes, std::align_val_t{kGranule});
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
    return ::operator new(size, std::align_val_t{kGranule});
  }
  const std::size_t c = size_class(bytes);
  if (FreeBlock* b = p->heads[c]) {
    p->heads[c] = b->next;
    --p->counts[c];
    return b;
  }
  return ::operator new((c + 1) * kGranule);  // malloc's 16-byte alignment suffices here
}

void pool_free(void* ptr, std::size_t bytes) noexcept {
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
    ::operator delete(ptr, std::align_val_t{kGranule});
    return;
  }
  const std::size_t c = size_class(bytes);
  if (p == nullptr || p->counts[c] * (c + 1) * kGranule >= kMaxFreeBytesPerClass) {
    ::operator delete(ptr);
    return;
  }
  auto* b = static_cast<FreeBlock*>(ptr);
  b->next = p->heads[c];
  p->heads[c] = b;
  ++p->counts[c];
}

}  // namespace gradflow::detail
