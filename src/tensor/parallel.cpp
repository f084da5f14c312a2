// Threads for tensor kernels (gradflow's pool, thread_pool.hpp) and for BLAS, set together so
// that "T threads" means T threads everywhere, as in PyTorch's set_num_threads.

#include "blas.hpp"
#include "kernels.hpp"
#include "thread_pool.hpp"

#include <gradflow/core/error.hpp>

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace gradflow {

namespace {

// OMP_NUM_THREADS as OpenMP, OpenBLAS and PyTorch read it (the first entry of a list such as
// "4,2"), so that scripts which set it before the program starts keep working; else every core.
// A value that is not such a list is ignored (every core) rather than read by its prefix: "1e3"
// is not 1.
int default_threads() {
  if (const char* s = std::getenv("OMP_NUM_THREADS")) {
    if (const int n = detail::parse_thread_count(s); n >= 1) return n;
  }
  return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

std::atomic<int>& threads_setting() {
  static std::atomic<int> threads{default_threads()};
  return threads;
}

}  // namespace

int detail::parse_thread_count(const char* value) noexcept {
  const char* p = value;
  while (*p == ' ' || *p == '\t') ++p;
  if (*p < '0' || *p > '9') return 0;  // strtol would also take a sign
  errno = 0;
  char* end = nullptr;
  const long n = std::strtol(p, &end, 10);
  while (*end == ' ' || *end == '\t') ++end;
  if (*end != '\0' && *end != ',') return 0;
  if (n < 1) return 0;
  // A count past kMaxShares (or past long's range, ERANGE) means "many": the most there can be.
  if (errno == ERANGE || n > detail::kMaxShares) return detail::kMaxShares;
  return static_cast<int>(n);
}

void set_num_threads(int threads) {
  if (threads < 1 || threads > detail::kMaxShares) {
    detail::fail("set_num_threads: " + std::to_string(threads) + " threads; between 1 and " +
                 std::to_string(detail::kMaxShares));
  }
  threads_setting().store(threads, std::memory_order_relaxed);
  detail::resize_thread_pool(threads);
  openblas_set_num_threads(threads);
}

int get_num_threads() { return threads_setting().load(std::memory_order_relaxed); }

namespace detail {

namespace {
// The SerialBlas objects alive, and OpenBLAS's thread count before the first of them.
struct SerialBlasState {
  std::mutex mutex;
  int alive = 0;
  int saved_threads = 1;
};
SerialBlasState& serial_blas_state() {
  static SerialBlasState state;
  return state;
}
}  // namespace

SerialBlas::SerialBlas() {
  SerialBlasState& s = serial_blas_state();
  const std::lock_guard<std::mutex> lock(s.mutex);
  if (s.alive++ == 0) {
    s.saved_threads = openblas_get_num_threads();
    if (s.saved_threads > 1) openblas_set_num_threads(1);
  }
}

SerialBlas::~SerialBlas() {
  SerialBlasState& s = serial_blas_state();
  const std::lock_guard<std::mutex> lock(s.mutex);
  if (--s.alive == 0 && s.saved_threads > 1) openblas_set_num_threads(s.saved_threads);
}

int kernel_threads() noexcept { return threads_setting().load(std::memory_order_relaxed); }

void parallel_for(std::int64_t n, std::int64_t align, const RangeFn& f) {
  if (n <= 0) return;
  const int threads = kernel_threads();
  const std::int64_t units = (n + align - 1) / align;
  const int shares = static_cast<int>(std::min<std::int64_t>(threads, units));
  // Share t is [t * per, (t + 1) * per) units: the split depends only on n, align and the
  // thread count, never on which thread runs a share, so results do not vary between runs.
  struct Split {
    const RangeFn& f;
    std::int64_t n, align, per;
  } split{f, n, align, (units + shares - 1) / shares};
  run_shares(shares, threads, ShareFn{&split, [](void* ctx, int t, int) {
               const Split& s = *static_cast<const Split*>(ctx);
               const std::int64_t b = std::min(s.n, t * s.per * s.align);
               const std::int64_t e = std::min(s.n, (t + 1) * s.per * s.align);
               if (b < e) s.f(b, e);
             }});
}

}  // namespace detail
}  // namespace gradflow
