// Threads for tensor kernels (OpenMP) and for BLAS, set together so that "T threads" means T
// threads everywhere, as in PyTorch's set_num_threads.

#include "kernels.hpp"

#include <gradflow/core/error.hpp>

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <string>

namespace gradflow {

namespace {
std::atomic<int>& threads_setting() {
  static std::atomic<int> threads{std::max(1, omp_get_max_threads())};
  return threads;
}
}  // namespace

void set_num_threads(int threads) {
  if (threads < 1) {
    detail::fail("set_num_threads: " + std::to_string(threads) + " threads; at least 1");
  }
  threads_setting().store(threads, std::memory_order_relaxed);
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
}

int get_num_threads() { return threads_setting().load(std::memory_order_relaxed); }

namespace detail {

int kernel_threads() noexcept { return threads_setting().load(std::memory_order_relaxed); }

void parallel_for(std::int64_t n, std::int64_t align, const RangeFn& f) {
  const int threads = kernel_threads();
  const std::int64_t units = (n + align - 1) / align;
#pragma omp parallel num_threads(threads)
  {
    const std::int64_t t = omp_get_thread_num();
    const std::int64_t nt = omp_get_num_threads();
    const std::int64_t per = (units + nt - 1) / nt;
    const std::int64_t b = std::min(n, t * per * align);
    const std::int64_t e = std::min(n, (t + 1) * per * align);
    if (b < e) f(b, e);
  }
}

}  // namespace detail
}  // namespace gradflow
