#pragma once
// Elementwise maps over broadcast operands (private to src/tensor): the loops every elementwise
// operation's forward and backward run, written once. `omp simd` lets the compiler if-convert
// the gates' branches (relu, max, abs: a branch per element mispredicts on random signs). The innermost runs are plain indexed
// loops, specialised for the stride patterns that occur (contiguous, and one operand broadcast
// along the row), so that the compiler vectorises them.

#include "kernels.hpp"

namespace gradflow::detail {

/// out (contiguous, `shape`) = f(x) for x walked with strides `xs`.
template <class T, class F>
void map1(T* out, const Shape& shape, const T* x, const Shape& xs, F f) {
  const Shape os = contiguous_strides(shape);
  const StridedLoop<2> loop(shape, {&os, &xs});
  parallel_range(loop.numel, 1, kParallelGrain, [&](std::int64_t b, std::int64_t e) {
    loop.run(b, e, [&](const auto& off, const auto& st, std::int64_t n) {
      T* o = out + off[0];
      const T* px = x + off[1];
      if (st[1] == 1) {
        _Pragma("omp simd")
        for (std::int64_t i = 0; i < n; ++i) o[i] = f(px[i]);
      } else {
        _Pragma("omp simd")
        for (std::int64_t i = 0; i < n; ++i) o[i] = f(px[i * st[1]]);
      }
    });
  });
}

/// out (contiguous, `shape`) = f(x, y), x and y walked with (broadcast) strides.
template <class T, class U, class F>
void map2(U* out, const Shape& shape, const T* x, const Shape& xs, const T* y, const Shape& ys,
          F f) {
  const Shape os = contiguous_strides(shape);
  const StridedLoop<3> loop(shape, {&os, &xs, &ys});
  parallel_range(loop.numel, 1, kParallelGrain, [&](std::int64_t b, std::int64_t e) {
    loop.run(b, e, [&](const auto& off, const auto& st, std::int64_t n) {
      U* o = out + off[0];
      const T* px = x + off[1];
      const T* py = y + off[2];
      if (st[1] == 1 && st[2] == 1) {
        _Pragma("omp simd")
        for (std::int64_t i = 0; i < n; ++i) o[i] = f(px[i], py[i]);
      } else if (st[1] == 1 && st[2] == 0) {
        const T vy = *py;
        _Pragma("omp simd")
        for (std::int64_t i = 0; i < n; ++i) o[i] = f(px[i], vy);
      } else if (st[1] == 0 && st[2] == 1) {
        const T vx = *px;
        _Pragma("omp simd")
        for (std::int64_t i = 0; i < n; ++i) o[i] = f(vx, py[i]);
      } else {
        _Pragma("omp simd")
        for (std::int64_t i = 0; i < n; ++i) o[i] = f(px[i * st[1]], py[i * st[2]]);
      }
    });
  });
}

/// out = f(x, y, z) for three broadcast operands (no fast paths: where, and gradients of gates
/// whose partials need both inputs and the output).
template <class T, class F>
void map3(T* out, const Shape& shape, const T* x, const Shape& xs, const T* y, const Shape& ys,
          const T* z, const Shape& zs, F f) {
  const Shape os = contiguous_strides(shape);
  const StridedLoop<4> loop(shape, {&os, &xs, &ys, &zs});
  parallel_range(loop.numel, 1, kParallelGrain, [&](std::int64_t b, std::int64_t e) {
    loop.run(b, e, [&](const auto& off, const auto& st, std::int64_t n) {
      T* o = out + off[0];
      const T* px = x + off[1];
      const T* py = y + off[2];
      const T* pz = z + off[3];
      if (st[1] == 1 && st[2] == 1 && st[3] == 1) {
        _Pragma("omp simd")
        for (std::int64_t i = 0; i < n; ++i) o[i] = f(px[i], py[i], pz[i]);
      } else {
        _Pragma("omp simd")
        for (std::int64_t i = 0; i < n; ++i) o[i] = f(px[i * st[1]], py[i * st[2]], pz[i * st[3]]);
      }
    });
  });
}

/// f(x) elementwise into a new contiguous tensor of x's shape and dtype. A contiguous x takes
/// a flat loop, without the StridedLoop's set-up (Note [Same-shape elementwise operations] in
/// elementwise.cpp).
template <class F>
Tensor map_unary(const Tensor& x, F f) {
  Tensor out = empty_like_shape(x.shape(), x.dtype());
  dispatch(x.dtype(), [&]<class T>() {
    T* o = elements<T>(out);
    const T* px = elements<T>(x);
    if (x.is_contiguous()) {
      parallel_range(out.numel(), 1, kParallelGrain, [&](std::int64_t b, std::int64_t e) {
        _Pragma("omp simd")
        for (std::int64_t i = b; i < e; ++i) o[i] = static_cast<T>(f(px[i]));
      });
    } else {
      map1<T>(o, x.shape(), px, x.strides(), [&](T v) { return static_cast<T>(f(v)); });
    }
  });
  return out;
}

}  // namespace gradflow::detail
