#pragma once
// Kernel building blocks shared by the tensor operations (private to src/tensor): dtype
// dispatch, typed element pointers, the parallel split, and the strided loop that every
// elementwise operation, broadcast and reduction runs on.

#include <gradflow/tensor/tensor_type.hpp>

#include <algorithm>
#include <array>
#include <type_traits>
#include <cstdint>

namespace gradflow::detail {

/// Calls f.template operator()<T>() with T the element type of `dtype`.
template <class F>
decltype(auto) dispatch(DType dtype, F&& f) {
  if (dtype == DType::Float32) return f.template operator()<float>();
  return f.template operator()<double>();
}

/// The first element of t (its offset applied), whatever its strides.
template <class T>
T* elements(const Tensor& t) {
  const TensorImpl& i = t.impl();
  return static_cast<T*>(i.storage->data) + i.offset;
}

/// A contiguous tensor with uninitialised values (for kernels that write every element). A
/// shape no tensor can have is an Error that names `op` (a factory passes its own name).
Tensor empty_like_shape(const Shape& shape, DType dtype, const char* op = "Tensor");

// ---- threads -------------------------------------------------------------------------------

/// Below this many elements per thread, splitting work costs more than it saves.
inline constexpr std::int64_t kParallelGrain = 32 * 1024;

/// Threads the kernels may use (set_num_threads()).
int kernel_threads() noexcept;

/// The thread count an OMP_NUM_THREADS value asks for: its first entry (of a list such as
/// "4,2"), a positive decimal integer, capped at kMaxShares; 0 when the value is anything else
/// ("", "1e3", "four", "0", "-2"), which the caller then ignores.
int parse_thread_count(const char* value) noexcept;

/// A type-erased f(begin, end), so that the thread pool's code lives in .cpp files.
struct RangeFn {
  void* ctx;
  void (*call)(void* ctx, std::int64_t begin, std::int64_t end);
  void operator()(std::int64_t b, std::int64_t e) const { call(ctx, b, e); }
};

/// Runs f(begin, end) over [0, n) in chunks whose bounds are multiples of `align`, on
/// kernel_threads() threads (the caller and the pool's workers; serially when called from
/// inside another parallel_for). f must not throw.
void parallel_for(std::int64_t n, std::int64_t align, const RangeFn& f);

/// Runs f(begin, end) over [0, n): on one thread below 2 * grain elements, else split in
/// chunks aligned to `align` (so that no two threads write one output).
template <class F>
void parallel_range(std::int64_t n, std::int64_t align, std::int64_t grain, F&& f) {
  if (n < 2 * grain || kernel_threads() <= 1) {
    if (n > 0) f(std::int64_t{0}, n);
    return;
  }
  using Fn = std::remove_reference_t<F>;
  RangeFn fn{const_cast<void*>(static_cast<const void*>(&f)),
             [](void* ctx, std::int64_t b, std::int64_t e) { (*static_cast<Fn*>(ctx))(b, e); }};
  parallel_for(n, align, fn);
}

/// Items of `work` elements each that make a share worth a thread.
inline std::int64_t items_per_share(std::int64_t work) {
  return std::max<std::int64_t>(1, kParallelGrain / std::max<std::int64_t>(1, work));
}

/// Runs f(begin, end) over [0, items), in parallel when the items hold enough work (`work`
/// elements each) to pay for the threads.
template <class F>
void over_items(std::int64_t items, std::int64_t work, F&& f) {
  parallel_range(items, 1, items_per_share(work), f);
}

// ---- the strided loop ----------------------------------------------------------------------

/// N operands walked together over one shape (operand 0 is usually the output). Axes of
/// extent 1 are dropped and neighbouring axes that are contiguous in every operand are merged,
/// so that the common cases become one flat loop or rows of a matrix.
template <int N>
struct StridedLoop {
  int rank = 0;
  std::int64_t numel = 1;
  std::array<std::int64_t, kMaxRank> shape{};
  std::array<std::array<std::int64_t, kMaxRank>, N> strides{};

  StridedLoop(const Shape& s, const std::array<const Shape*, N>& st) {
    numel = s.numel();
    for (std::size_t d = 0; d < s.size(); ++d) {
      if (s[d] == 1) continue;
      if (rank > 0) {
        bool merge = true;
        for (int k = 0; k < N; ++k) {
          merge = merge && strides[k][rank - 1] == (*st[k])[d] * s[d];
        }
        if (merge) {
          shape[rank - 1] *= s[d];
          for (int k = 0; k < N; ++k) strides[k][rank - 1] = (*st[k])[d];
          continue;
        }
      }
      shape[rank] = s[d];
      for (int k = 0; k < N; ++k) strides[k][rank] = (*st[k])[d];
      ++rank;
    }
  }

  /// Elements per step of the outermost axis (the unit parallel splits keep whole).
  std::int64_t outer_block() const {
    std::int64_t b = 1;
    for (int d = 1; d < rank; ++d) b *= shape[d];
    return b;
  }

  /// Calls inner(offsets, inner_strides, count) for runs of the innermost axis covering the
  /// row-major positions [begin, end).
  template <class F>
  void run(std::int64_t begin, std::int64_t end, F&& inner) const {
    std::array<std::int64_t, N> off{};
    std::array<std::int64_t, N> istr{};
    if (begin >= end) return;
    if (rank == 0) {
      inner(off, istr, std::int64_t{1});
      return;
    }
    const int last = rank - 1;
    for (int k = 0; k < N; ++k) istr[k] = strides[k][last];
    std::array<std::int64_t, kMaxRank> c{};
    std::int64_t rem = begin;
    for (int d = last; d >= 0; --d) {
      c[d] = rem % shape[d];
      rem /= shape[d];
      for (int k = 0; k < N; ++k) off[k] += c[d] * strides[k][d];
    }
    std::int64_t idx = begin;
    while (idx < end) {
      const std::int64_t n = std::min(shape[last] - c[last], end - idx);
      inner(off, istr, n);
      idx += n;
      c[last] += n;
      for (int k = 0; k < N; ++k) off[k] += n * strides[k][last];
      if (c[last] < shape[last]) continue;
      for (int k = 0; k < N; ++k) off[k] -= shape[last] * strides[k][last];
      c[last] = 0;
      for (int d = last - 1; d >= 0; --d) {
        ++c[d];
        for (int k = 0; k < N; ++k) off[k] += strides[k][d];
        if (c[d] < shape[d]) break;
        for (int k = 0; k < N; ++k) off[k] -= shape[d] * strides[k][d];
        c[d] = 0;
      }
    }
  }
};

/// Strides that walk t's values as if broadcast to `shape` (0 along broadcast axes).
Shape broadcast_strides(const Tensor& t, const Shape& shape);

}  // namespace gradflow::detail
