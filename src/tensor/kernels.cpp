// The shared kernels: broadcast strides and add_into, the one accumulation loop that both
// in-place adds and the reduction of broadcast gradients (reduce_to) run on.

#include "autograd.hpp"
#include "kernels.hpp"

namespace gradflow::detail {

Shape broadcast_strides(const Tensor& t, const Shape& shape) {
  const Shape& ts = t.shape();
  const Shape& tst = t.strides();
  Shape out;
  const std::size_t lead = shape.size() - ts.size();
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (d < lead || ts[d - lead] == 1) {
      out.push_back(0);
    } else {
      out.push_back(tst[d - lead]);
    }
  }
  return out;
}

namespace {

/// Sum of n elements at stride s, in double with eight partial sums (independent lanes the
/// compiler vectorises; a single running sum would be a dependency chain it may not reorder).
template <class T>
double sum_run(const T* x, std::int64_t n, std::int64_t s) {
  double acc[8] = {};
  std::int64_t i = 0;
  if (s == 1) {
    for (; i + 8 <= n; i += 8) {
      for (int j = 0; j < 8; ++j) acc[j] += static_cast<double>(x[i + j]);
    }
  }
  double total = 0.0;
  for (; i < n; ++i) total += static_cast<double>(x[i * s]);
  for (double a : acc) total += a;
  return total;
}

}  // namespace

void add_into(const Tensor& dst, const Tensor& src) {
  if (dst.shape() == src.shape() && dst.is_contiguous() && src.is_contiguous()) {
    // The common case (a gradient added into another of its shape): one flat loop, without the
    // broadcasting machinery (Note [Same-shape elementwise operations] in elementwise.cpp).
    dispatch(dst.dtype(), [&]<class T>() {
      T* d = elements<T>(dst);
      const T* s = elements<T>(src);
      parallel_range(dst.numel(), 1, kParallelGrain, [&](std::int64_t b, std::int64_t e) {
#pragma omp simd
        for (std::int64_t i = b; i < e; ++i) d[i] += s[i];
      });
    });
    return;
  }
  // One of the two broadcasts to the other's shape (see autograd.hpp), so the loop runs over a
  // tensor's shape, whose count fits int64 without a test.
  const Shape shape = broadcast_to_either(dst.shape(), src.shape(), "add_into");
  const Shape dstr = broadcast_strides(dst, shape);
  const Shape sstr = broadcast_strides(src, shape);
  dispatch(dst.dtype(), [&]<class T>() {
    T* d = elements<T>(dst);
    const T* s = elements<T>(src);
    const StridedLoop<2> loop(shape, {&dstr, &sstr});
    auto body = [&](std::int64_t b, std::int64_t e) {
      loop.run(b, e, [&](const auto& off, const auto& st, std::int64_t n) {
        T* pd = d + off[0];
        const T* ps = s + off[1];
        if (st[0] == 1 && st[1] == 1) {
#pragma omp simd
          for (std::int64_t i = 0; i < n; ++i) pd[i] += ps[i];
        } else if (st[0] == 0) {
          *pd = static_cast<T>(static_cast<double>(*pd) + sum_run(ps, n, st[1]));
        } else if (st[1] == 0) {
          const T v = *ps;
          for (std::int64_t i = 0; i < n; ++i) pd[i * st[0]] += v;
        } else {
          for (std::int64_t i = 0; i < n; ++i) pd[i * st[0]] += ps[i * st[1]];
        }
      });
    };
    // Threads may split only where they write disjoint outputs: along an outermost axis that
    // is not summed over.
    if (loop.rank > 0 && loop.strides[0][0] != 0) {
      parallel_range(loop.numel, loop.outer_block(), kParallelGrain, body);
    } else {
      body(0, loop.numel);
    }
  });
}

}  // namespace gradflow::detail
