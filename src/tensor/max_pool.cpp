// max_pool2d, and the pooling kernels that conv2d_max_pool2d shares (max_pool.hpp).

#include "max_pool.hpp"

#include "autograd.hpp"
#include "kernels.hpp"
#include "max_pool_2x2.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

namespace gradflow::detail {

PoolGeometry pool_geometry(const Shape& s, std::int64_t kernel, std::int64_t stride,
                           std::int64_t padding, const char* op) {
  if (stride == 0) stride = kernel;
  const std::string name(op);
  if (s.size() != 4) fail(name + ": input must be [N,C,H,W], got " + s.str());
  if (kernel < 1 || stride < 1 || padding < 0 || padding > kernel / 2) {
    fail(name + ": kernel " + std::to_string(kernel) + ", stride " + std::to_string(stride) +
         ", padding " + std::to_string(padding) +
         ": need kernel >= 1, stride >= 1 and 0 <= padding <= kernel / 2");
  }
  const std::int64_t h = s[2], w = s[3];
  // Ordered so that nothing overflows: 2 * padding <= kernel, so each sum is at most h (or w).
  const std::int64_t hp = h - kernel + 2 * padding, wp = w - kernel + 2 * padding;
  if (hp < 0 || wp < 0) {
    fail(name + ": kernel " + std::to_string(kernel) + " is larger than the padded input " +
         s.str());
  }
  // The argmaxes are int32 indices into a plane, so a plane holds at most INT32_MAX elements,
  // in an empty batch too. `s` obeys check_shape()'s rule, so h * w and N * C fit int64.
  if (h * w > INT32_MAX) fail(name + ": planes of " + s.str() + " exceed 2^31 elements");
  return {s[0] * s[1], h, w, hp / stride + 1, wp / stride + 1, kernel, stride, padding};
}

template <class T>
void max_pool_planes(const T* px, const PoolGeometry& g, std::int64_t p0, std::int64_t p1, T* po,
                     std::int32_t* am) {
  const std::int64_t in_plane = g.in_plane(), out_plane = g.out_plane();
  for (std::int64_t p = p0; p < p1; ++p) {
    const T* xp = px + p * in_plane;
    T* op = po + p * out_plane;
    std::int32_t* ap = am + p * out_plane;
    if (g.kernel == 2 && g.stride == 2 && g.pad == 0) {
      const auto wi = static_cast<std::int32_t>(g.w);
      for (std::int64_t y = 0; y < g.oh; ++y) {
        const T* r0 = xp + 2 * y * g.w;
        const T* r1 = r0 + g.w;
        const auto base = static_cast<std::int32_t>(2 * y * g.w);
        max_pool_2x2_row(r0, r1, g.ow, base, wi, op + y * g.ow, ap + y * g.ow);
      }
      continue;
    }
    for (std::int64_t y = 0; y < g.oh; ++y) {
      const std::int64_t y0 = y * g.stride - g.pad;
      const std::int64_t ilo = std::max<std::int64_t>(0, -y0), ihi = std::min(g.kernel, g.h - y0);
      for (std::int64_t xo = 0; xo < g.ow; ++xo) {
        const std::int64_t x0 = xo * g.stride - g.pad;
        const std::int64_t jlo = std::max<std::int64_t>(0, -x0);
        const std::int64_t jhi = std::min(g.kernel, g.w - x0);
        T best = -std::numeric_limits<T>::infinity();
        std::int64_t at = -1;
        for (std::int64_t i = ilo; i < ihi; ++i) {
          const std::int64_t rowi = (y0 + i) * g.w + x0;
          for (std::int64_t j = jlo; j < jhi; ++j) {
            const T v = xp[rowi + j];
            if (at < 0 || v > best || v != v) {
              best = v;
              at = rowi + j;
            }
          }
        }
        op[y * g.ow + xo] = best;
        ap[y * g.ow + xo] = static_cast<std::int32_t>(at);
      }
    }
  }
}

template <class T>
void unpool_planes(const T* go, const std::int32_t* am, const PoolGeometry& g, std::int64_t p0,
                   std::int64_t p1, T* d) {
  const std::int64_t in_plane = g.in_plane(), out_plane = g.out_plane();
  for (std::int64_t p = p0; p < p1; ++p) {
    // Zeroed a plane at a time, so that the scatter finds it in cache.
    T* dp = d + p * in_plane;
    std::fill(dp, dp + in_plane, T(0));
    const T* gp = go + p * out_plane;
    const std::int32_t* ap = am + p * out_plane;
    for (std::int64_t k = 0; k < out_plane; ++k) {
      if (ap[k] >= 0) dp[ap[k]] += gp[k];
    }
  }
}

template void max_pool_planes<float>(const float*, const PoolGeometry&, std::int64_t,
                                     std::int64_t, float*, std::int32_t*);
template void max_pool_planes<double>(const double*, const PoolGeometry&, std::int64_t,
                                      std::int64_t, double*, std::int32_t*);
template void unpool_planes<float>(const float*, const std::int32_t*, const PoolGeometry&,
                                   std::int64_t, std::int64_t, float*);
template void unpool_planes<double>(const double*, const std::int32_t*, const PoolGeometry&,
                                    std::int64_t, std::int64_t, double*);

Argmax make_argmax(const PoolGeometry& g) {
  return std::make_unique<Storage>(static_cast<std::size_t>(g.planes * g.out_plane()) *
                                   sizeof(std::int32_t));
}

}  // namespace gradflow::detail

namespace gradflow {

using detail::dispatch;
using detail::elements;

namespace {

struct MaxPoolStep final : detail::TensorStep {
  MaxPoolStep(Shape input, detail::PoolGeometry g, detail::Argmax argmax)
      : TensorStep("max_pool2d"), input_(input), g_(g), argmax_(std::move(argmax)) {}
  void run(Tensor g) override {
    Tensor gx = detail::empty_like_shape(input_, g.dtype());
    const detail::PoolGeometry& pg = g_;
    dispatch(g.dtype(), [&]<class T>() {
      const auto* am = static_cast<const std::int32_t*>(argmax_->data);
      detail::over_items(pg.planes, pg.in_plane() + pg.out_plane(),
                         [&](std::int64_t b, std::int64_t e) {
                           detail::unpool_planes(elements<T>(g), am, pg, b, e, elements<T>(gx));
                         });
    });
    give(0, std::move(gx));
  }
  Shape input_;
  detail::PoolGeometry g_;
  detail::Argmax argmax_;
};

}  // namespace

Tensor max_pool2d(const Tensor& input, std::int64_t kernel, std::int64_t stride,
                  std::int64_t padding) {
  detail::check_defined(input, "max_pool2d");
  const Shape& s = input.shape();
  const detail::PoolGeometry pg = detail::pool_geometry(s, kernel, stride, padding, "max_pool2d");
  const Tensor x = input.contiguous().detach();
  Tensor out = detail::empty_like_shape({s[0], s[1], pg.oh, pg.ow}, input.dtype());
  detail::Argmax argmax = detail::make_argmax(pg);
  dispatch(input.dtype(), [&]<class T>() {
    auto* am = static_cast<std::int32_t*>(argmax->data);
    detail::over_items(pg.planes, pg.in_plane(), [&](std::int64_t lo, std::int64_t hi) {
      detail::max_pool_planes(elements<T>(x), pg, lo, hi, elements<T>(out), am);
    });
  });
  if (detail::needs_grad({&input}, "max_pool2d")) {
    detail::record(out, std::make_unique<MaxPoolStep>(s, pg, std::move(argmax)), {&input});
  }
  return out;
}

}  // namespace gradflow
