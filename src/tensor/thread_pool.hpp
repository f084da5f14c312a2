#pragma once
// The kernels' worker threads (private to src/tensor): a run of n shares, share 0 on the calling
// thread and the others on persistent workers that sleep between runs. Note [Why gradflow has its
// own thread pool] in thread_pool.cpp.

namespace gradflow::detail {

/// A type-erased call(ctx, share, shares): runs share `share` of `shares`. Must not throw.
struct ShareFn {
  void* ctx;
  void (*call)(void* ctx, int share, int shares);
};

/// The most shares one run may have.
inline constexpr int kMaxShares = 1 << 15;

/// Runs fn for every share in [0, shares) and returns when all have finished. The calling
/// thread runs shares too; the pool's `threads - 1` workers (started, or resized to that
/// count, here when needed) take the others. Every share runs on the calling thread instead
/// when called from inside a share (nested parallelism), while another thread's run holds the
/// pool, or after the pool was shut down at exit. 1 <= shares <= kMaxShares.
void run_shares(int shares, int threads, ShareFn fn) noexcept;

/// Resizes the pool to `threads - 1` workers now if it was started (else the first run starts
/// it). Waits for a run in flight on another thread.
void resize_thread_pool(int threads);

/// Whether this thread is running a share (so that a parallel call here would nest).
bool in_parallel_region() noexcept;

}  // namespace gradflow::detail
