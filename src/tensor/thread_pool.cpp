// The kernels' worker threads: claimed shares, a short spin, then sleep. Note [Why gradflow has
// its own thread pool].

#include "thread_pool.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace gradflow::detail {

// Note [Why gradflow has its own thread pool]
// GEMM runs on OpenBLAS's threads and every other kernel on ours, so the two take turns on the
// same cores, hundreds of times per training step. OpenMP (libgomp) made its workers spin for
// up to ~300,000 iterations after each parallel region, holding the cores that OpenBLAS's next
// GEMM needed: at 2 threads on 2 cores a CNN step took 56 ms against 40 ms at 1 thread, and only
// the user's OMP_WAIT_POLICY=passive fixed it. Our workers spin a few microseconds (enough to
// catch a kernel that follows right after) and then sleep in the kernel (a futex, through
// std::atomic::wait), so an idle worker holds no core for long.
//
// Shares are claimed, not assigned: the caller, having run its share, takes every share no
// worker has claimed yet. A worker that is slow to wake (its core busy with a BLAS thread)
// therefore delays nothing; at worst the caller does all the work, as at 1 thread. It also
// means that no run ever depends on a worker existing, which keeps the cases below simple:
// a pool busy with another thread's run, a worker that could not be started, a child process
// after fork() (where the parent's workers do not exist).

namespace {

// True on a pool worker and on a caller while it runs shares: a parallel call there runs
// serially instead of waiting on the pool it is part of.
constinit thread_local bool in_region = false;

void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// How long a thread waiting for a run, or for the end of one, spins before it sleeps: a few
// microseconds, so that kernels which follow each other closely (a bias add, then a ReLU) find
// the workers awake, while a GEMM in between lets them sleep and leave the cores to OpenBLAS.
// (On the 2-core benchmark machine, 0, 5 and 50 us made no difference beyond its noise.)
constexpr std::chrono::microseconds kSpin{5};

// Waits until a != old: spins for kSpin, then sleeps until a notify.
template <class T>
void wait_for_change(const std::atomic<T>& a, T old) noexcept {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  do {
    for (int i = 0; i < 16; ++i) {
      if (a.load(std::memory_order_acquire) != old) return;
      cpu_relax();
    }
  } while (std::chrono::steady_clock::now() < deadline);
  a.wait(old, std::memory_order_acquire);
}

// The claim word: epoch (32 bits) | next unclaimed share (16) | shares (16). The epoch makes a
// compare-exchange that read an earlier run's word fail.
constexpr int kShareBits = 16;
constexpr std::uint64_t kShareMask = (std::uint64_t{1} << kShareBits) - 1;
static_assert(kMaxShares <= static_cast<int>(kShareMask));

struct Pool {
  explicit Pool(int count) { start(count); }
  ~Pool() { stop(); }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Holds the pool for one run, or for a resize.
  std::mutex dispatch;
  std::vector<std::thread> workers;
  ShareFn job{};
  std::uint32_t epoch = 0;  // written under `dispatch`
  std::atomic<std::uint64_t> claims{0};
  std::atomic<std::uint32_t> wake{0};  // bumped to wake the workers
  std::atomic<std::uint32_t> done{0};  // shares finished in this run
  std::atomic<bool> stopping{false};
  Pool* next_abandoned = nullptr;

  // Claims a share of the run in flight and runs it; false when none was left.
  bool run_one() noexcept {
    std::uint64_t c = claims.load(std::memory_order_acquire);
    for (;;) {
      const auto next = static_cast<int>((c >> kShareBits) & kShareMask);
      const auto shares = static_cast<int>(c & kShareMask);
      if (next >= shares) return false;
      // Success acquires the run's `job` (stored before `claims`), and the run cannot end,
      // nor `job` change, before this share is done.
      if (claims.compare_exchange_weak(c, c + (std::uint64_t{1} << kShareBits),
                                       std::memory_order_acq_rel, std::memory_order_acquire)) {
        job.call(job.ctx, next, shares);
        if (done.fetch_add(1, std::memory_order_acq_rel) + 1 == static_cast<std::uint32_t>(shares)) {
          done.notify_one();
        }
        return true;
      }
    }
  }

  void work(std::uint32_t seen) noexcept {
    in_region = true;
    for (;;) {
      wait_for_change(wake, seen);
      seen = wake.load(std::memory_order_acquire);
      if (stopping.load(std::memory_order_acquire)) return;
      while (run_one()) {
      }
    }
  }

  // Called with `dispatch` held (or before the pool is shared).
  void start(int count) {
    stopping.store(false, std::memory_order_relaxed);
    workers.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      try {
        workers.emplace_back([this, seen = wake.load()] { work(seen); });
      } catch (const std::system_error&) {
        break;  // out of threads: the callers run the shares that fewer workers leave
      }
    }
  }

  void stop() noexcept {
    stopping.store(true, std::memory_order_release);
    wake.fetch_add(1, std::memory_order_release);
    wake.notify_all();
    for (std::thread& t : workers) t.join();
    workers.clear();
  }
};

// The process's pool, created by the first run. It is deleted only at exit (by `reaper`) and
// left alone in a child process after fork() (its threads do not exist there; `abandoned`
// keeps it reachable so that leak checkers stay quiet), so a pointer loaded from `the_pool`
// stays valid while the process runs.
constinit std::atomic<Pool*> the_pool{nullptr};
constinit std::mutex lifecycle;  // creating, abandoning and deleting the pool
constinit Pool* abandoned = nullptr;
constinit std::atomic<bool> shut_down{false};

// Note [The pool at exit]
// Static destructors run in reverse order of construction. `reaper` is constant-initialised,
// so its destructor is registered while this file's statics are initialised, before main: it
// runs after everything created later (function-local statics, main's objects) is destroyed
// and joins the workers while the runtime is intact. A destructor that runs after it and calls
// a kernel finds `shut_down` set and runs serially.
struct Reaper {
  ~Reaper() {
    shut_down.store(true, std::memory_order_release);
    const std::lock_guard<std::mutex> lock(lifecycle);
    delete the_pool.exchange(nullptr, std::memory_order_acq_rel);
  }
};
constinit Reaper reaper;

// fork() copies only the calling thread; `lifecycle` is held across it so that the child
// finds it unlocked, and the child leaves the parent's pool behind and starts its own.
void before_fork() { lifecycle.lock(); }
void after_fork_in_parent() { lifecycle.unlock(); }
void after_fork_in_child() {
  if (Pool* p = the_pool.exchange(nullptr, std::memory_order_relaxed)) {
    p->next_abandoned = abandoned;
    abandoned = p;
  }
  lifecycle.unlock();
}

Pool* pool(int workers) {
  Pool* p = the_pool.load(std::memory_order_acquire);
  if (p != nullptr || shut_down.load(std::memory_order_acquire)) return p;
  const std::lock_guard<std::mutex> lock(lifecycle);
  p = the_pool.load(std::memory_order_acquire);
  if (p == nullptr && !shut_down.load(std::memory_order_acquire)) {
    static const bool registered =
        pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child) == 0;
    (void)registered;
    p = new Pool(workers);
    the_pool.store(p, std::memory_order_release);
  }
  return p;
}

void run_serially(int shares, ShareFn fn) noexcept {
  for (int t = 0; t < shares; ++t) fn.call(fn.ctx, t, shares);
}

void resize(Pool& p, int workers) {
  if (static_cast<int>(p.workers.size()) == workers) return;
  p.stop();
  p.start(workers);
}

}  // namespace

void run_shares(int shares, int threads, ShareFn fn) noexcept {
  const int workers = std::max(0, std::min(threads, kMaxShares) - 1);
  Pool* p = shares > 1 && workers > 0 && !in_region ? pool(workers) : nullptr;
  std::unique_lock<std::mutex> lock;
  if (p != nullptr) lock = std::unique_lock<std::mutex>(p->dispatch, std::try_to_lock);
  if (!lock.owns_lock()) {
    run_serially(shares, fn);
    return;
  }
  try {
    resize(*p, workers);
  } catch (...) {  // std::thread's vector could not grow: run without the pool
    run_serially(shares, fn);
    return;
  }
  p->job = fn;
  p->done.store(0, std::memory_order_relaxed);
  ++p->epoch;
  p->claims.store(std::uint64_t{p->epoch} << 32 | static_cast<std::uint64_t>(shares),
                  std::memory_order_release);
  p->wake.fetch_add(1, std::memory_order_release);
  p->wake.notify_all();

  in_region = true;
  while (p->run_one()) {
  }
  // Every share is claimed; wait for the ones still running on workers.
  const auto all = static_cast<std::uint32_t>(shares);
  for (std::uint32_t d; (d = p->done.load(std::memory_order_acquire)) != all;) {
    wait_for_change(p->done, d);
  }
  in_region = false;
}

void resize_thread_pool(int threads) {
  if (in_region) return;  // the next run resizes it
  Pool* p = the_pool.load(std::memory_order_acquire);
  if (p == nullptr) return;
  const std::lock_guard<std::mutex> lock(p->dispatch);
  resize(*p, std::max(0, std::min(threads, kMaxShares) - 1));
}

bool in_parallel_region() noexcept { return in_region; }

}  // namespace gradflow::detail
