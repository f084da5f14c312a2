// conv2d by im2col + GEMM, and max_pool2d. im2col lays the receptive fields of the whole batch
// out as the columns of one [C*KH*KW, N*OH*OW] matrix (image n owns columns [n*OH*OW,
// (n+1)*OH*OW)), so the convolution is one GEMM, W2 [F, C*KH*KW] times it, whose [F, N*OH*OW]
// result is copied into NCHW with the bias added. The backward is two more GEMMs over the whole
// batch (dW = dY' colsᵀ with dY' the gradient as [F, N*OH*OW], dcols = W2ᵀ dY') and col2im,
// the scatter-add inverse of im2col. im2col, col2im and the layout copies run over images in
// parallel above a size threshold (images own disjoint columns and disjoint output planes).
//
// Note [Tight im2col]
// For one row (ci, i, j) of the columns and one output row y, the input row is
// iy = y*stride + i - pad and the output columns x read ix = x*stride + j - pad. The ranges of
// y and x for which iy and ix fall inside the image are computed once (valid_range), so the
// loops have no per-element bounds test: zeros before, a copy (stride 1: contiguous) in the
// middle, zeros after.

#include "autograd.hpp"
#include "blas.hpp"
#include "kernels.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <limits>
#include <string>

namespace gradflow {

using detail::dispatch;
using detail::elements;

namespace {

struct ConvGeometry {
  std::int64_t n, c, h, w, f, kh, kw, stride, pad, oh, ow;
  std::int64_t ckk() const { return c * kh * kw; }
  std::int64_t spatial() const { return oh * ow; }
  std::int64_t batch_cols() const { return n * oh * ow; }
};

/// [lo, hi) of the outputs o in [0, count) with 0 <= o*stride + off < extent.
struct Range {
  std::int64_t lo, hi;
};
inline Range valid_range(std::int64_t off, std::int64_t stride, std::int64_t extent,
                         std::int64_t count) {
  std::int64_t lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
  std::int64_t hi = extent - off <= 0 ? 0 : (extent - off - 1) / stride + 1;
  lo = std::min(lo, count);
  hi = std::clamp(hi, lo, count);
  return {lo, hi};
}

/// Runs f(begin, end) over [0, items), in parallel when the items hold enough work
/// (`work` elements each) to pay for the threads.
template <class F>
void over_items(std::int64_t items, std::int64_t work, F&& f) {
  const std::int64_t grain = std::max<std::int64_t>(1, detail::kParallelGrain / std::max<std::int64_t>(1, work));
  detail::parallel_range(items, 1, grain, f);
}

/// cols[(ci*kh + i)*kw + j][n*S + y*ow + x] = image n [ci][y*s + i - p][x*s + j - p] (0
/// outside), for the images [n0, n1); ld = N*S. Note [Tight im2col].
template <class T>
void im2col(const T* x, const ConvGeometry& g, std::int64_t n0, std::int64_t n1, T* cols) {
  const std::int64_t ld = g.batch_cols(), s = g.stride;
  for (std::int64_t n = n0; n < n1; ++n) {
    const T* img = x + n * g.c * g.h * g.w;
    for (std::int64_t ci = 0; ci < g.c; ++ci) {
      const T* plane = img + ci * g.h * g.w;
      for (std::int64_t i = 0; i < g.kh; ++i) {
        const Range ry = valid_range(i - g.pad, s, g.h, g.oh);
        for (std::int64_t j = 0; j < g.kw; ++j) {
          const Range rx = valid_range(j - g.pad, s, g.w, g.ow);
          T* row = cols + ((ci * g.kh + i) * g.kw + j) * ld + n * g.spatial();
          std::fill(row, row + ry.lo * g.ow, T(0));
          for (std::int64_t y = ry.lo; y < ry.hi; ++y) {
            T* out = row + y * g.ow;
            const T* src = plane + (y * s + i - g.pad) * g.w + (j - g.pad);
            std::fill(out, out + rx.lo, T(0));
            if (s == 1) {
              std::copy(src + rx.lo, src + rx.hi, out + rx.lo);
            } else {
              for (std::int64_t xo = rx.lo; xo < rx.hi; ++xo) out[xo] = src[xo * s];
            }
            std::fill(out + rx.hi, out + g.ow, T(0));
          }
          std::fill(row + ry.hi * g.ow, row + g.spatial(), T(0));
        }
      }
    }
  }
}

/// The adjoint of im2col for the images [n0, n1): adds each column entry back into the pixel
/// it was read from (dx must hold zeros or a gradient to add to).
template <class T>
void col2im(const T* cols, const ConvGeometry& g, std::int64_t n0, std::int64_t n1, T* dx) {
  const std::int64_t ld = g.batch_cols(), s = g.stride;
  for (std::int64_t n = n0; n < n1; ++n) {
    T* img = dx + n * g.c * g.h * g.w;
    for (std::int64_t ci = 0; ci < g.c; ++ci) {
      T* plane = img + ci * g.h * g.w;
      for (std::int64_t i = 0; i < g.kh; ++i) {
        const Range ry = valid_range(i - g.pad, s, g.h, g.oh);
        for (std::int64_t j = 0; j < g.kw; ++j) {
          const Range rx = valid_range(j - g.pad, s, g.w, g.ow);
          const T* row = cols + ((ci * g.kh + i) * g.kw + j) * ld + n * g.spatial();
          for (std::int64_t y = ry.lo; y < ry.hi; ++y) {
            const T* in = row + y * g.ow;
            T* dst = plane + (y * s + i - g.pad) * g.w + (j - g.pad);
            if (s == 1) {
#pragma omp simd
              for (std::int64_t xo = rx.lo; xo < rx.hi; ++xo) dst[xo] += in[xo];
            } else {
              for (std::int64_t xo = rx.lo; xo < rx.hi; ++xo) dst[xo * s] += in[xo];
            }
          }
        }
      }
    }
  }
}

/// [F, N*S] (column n*S + s) -> NCHW [N, F, S], adding bias[f] when given; images [n0, n1).
template <class T>
void batch_to_nchw(const T* ymat, const T* bias, const ConvGeometry& g, std::int64_t n0,
                   std::int64_t n1, T* out) {
  const std::int64_t sp = g.spatial(), ld = g.batch_cols();
  for (std::int64_t n = n0; n < n1; ++n) {
    for (std::int64_t fi = 0; fi < g.f; ++fi) {
      const T* src = ymat + fi * ld + n * sp;
      T* dst = out + (n * g.f + fi) * sp;
      const T b = bias != nullptr ? bias[fi] : T(0);
#pragma omp simd
      for (std::int64_t k = 0; k < sp; ++k) dst[k] = src[k] + b;
    }
  }
}

/// NCHW [N, F, S] -> [F, N*S]; images [n0, n1).
template <class T>
void nchw_to_batch(const T* dy, const ConvGeometry& g, std::int64_t n0, std::int64_t n1, T* dmat) {
  const std::int64_t sp = g.spatial(), ld = g.batch_cols();
  for (std::int64_t n = n0; n < n1; ++n) {
    for (std::int64_t fi = 0; fi < g.f; ++fi) {
      std::copy(dy + (n * g.f + fi) * sp, dy + (n * g.f + fi + 1) * sp, dmat + fi * ld + n * sp);
    }
  }
}

/// The whole batch's columns (Note [Tight im2col]), im2col run over images in parallel.
template <class T>
Tensor batch_columns(const Tensor& x, const ConvGeometry& g) {
  Tensor cols = detail::empty_like_shape({g.ckk(), g.batch_cols()}, x.dtype());
  const T* px = elements<T>(x);
  T* pc = elements<T>(cols);
  over_items(g.n, g.ckk() * g.spatial(),
             [&](std::int64_t b, std::int64_t e) { im2col(px, g, b, e, pc); });
  return cols;
}

struct Conv2dStep final : detail::TensorStep {
  Conv2dStep(const Tensor& x, const Tensor& w, Tensor cols, ConvGeometry g)
      : TensorStep("conv2d"), x_(x), w_(w), cols_(std::move(cols)), g_(g) {}
  void run(Tensor grad) override {
    const Tensor& x = x_.get("conv2d");
    const Tensor& w = w_.get("conv2d");
    const ConvGeometry& g = g_;
    Tensor dx = wants(0) ? Tensor::zeros({g.n, g.c, g.h, g.w}, x.dtype()) : Tensor();
    Tensor dw = wants(1) ? Tensor::empty({g.f, g.c, g.kh, g.kw}, x.dtype()) : Tensor();
    Tensor db = wants(2) ? Tensor::empty({g.f}, x.dtype()) : Tensor();
    dispatch(x.dtype(), [&]<class T>() {
      const std::int64_t ld = g.batch_cols();
      // dY as [F, N*S], the layout of the forward's GEMM result.
      Tensor dmat = detail::empty_like_shape({g.f, ld}, x.dtype());
      T* pd = elements<T>(dmat);
      const T* pg = elements<T>(grad);
      over_items(g.n, g.f * g.spatial(),
                 [&](std::int64_t b, std::int64_t e) { nchw_to_batch(pg, g, b, e, pd); });
      const detail::Mat<T> dym{pd, g.f, ld, ld, 1};
      if (wants(2)) {
        T* pb = elements<T>(db);
        for (std::int64_t fi = 0; fi < g.f; ++fi) {
          T s = T(0);
          const T* r = pd + fi * ld;
#pragma omp simd reduction(+ : s)
          for (std::int64_t k = 0; k < ld; ++k) s += r[k];
          pb[fi] = s;
        }
      }
      if (wants(1)) {
        const Tensor cols = cols_.defined() ? cols_ : batch_columns<T>(x, g);
        const detail::Mat<T> cm{elements<T>(cols), g.ckk(), ld, ld, 1};
        detail::gemm<T>(dym, cm.t(), elements<T>(dw), T(0));  // dW = dY' colsᵀ
      }
      if (wants(0)) {
        const detail::Mat<T> w2{elements<T>(w), g.f, g.ckk(), g.ckk(), 1};
        Tensor dcols = detail::empty_like_shape({g.ckk(), ld}, x.dtype());
        T* pc = elements<T>(dcols);
        detail::gemm<T>(w2.t(), dym, pc, T(0));  // dcols = W2ᵀ dY'
        T* px = elements<T>(dx);
        over_items(g.n, g.ckk() * g.spatial(),
                   [&](std::int64_t b, std::int64_t e) { col2im(pc, g, b, e, px); });
      }
    });
    if (wants(0)) give(0, std::move(dx));
    if (wants(1)) give(1, std::move(dw));
    if (wants(2)) give(2, std::move(db));
  }
  detail::Saved x_, w_;
  Tensor cols_;  // the forward's columns when the weight wants a gradient (else recomputed)
  ConvGeometry g_;
};

struct PoolGeometry {
  std::int64_t planes, h, w, oh, ow, kernel, stride, pad;
};

struct MaxPoolStep final : detail::TensorStep {
  MaxPoolStep(Shape input, PoolGeometry g, std::vector<std::int32_t> argmax)
      : TensorStep("max_pool2d"), input_(input), g_(g), argmax_(std::move(argmax)) {}
  void run(Tensor g) override {
    Tensor gx = Tensor::zeros(input_, g.dtype());
    const PoolGeometry& pg = g_;
    const std::int64_t in_plane = pg.h * pg.w, out_plane = pg.oh * pg.ow;
    dispatch(g.dtype(), [&]<class T>() {
      T* d = elements<T>(gx);
      const T* go = elements<T>(g);
      const std::int32_t* am = argmax_.data();
      over_items(pg.planes, in_plane + out_plane, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t p = b; p < e; ++p) {
          T* dp = d + p * in_plane;
          const T* gp = go + p * out_plane;
          const std::int32_t* ap = am + p * out_plane;
          for (std::int64_t k = 0; k < out_plane; ++k) {
            if (ap[k] >= 0) dp[ap[k]] += gp[k];
          }
        }
      });
    });
    give(0, std::move(gx));
  }
  Shape input_;
  PoolGeometry g_;
  std::vector<std::int32_t> argmax_;  // per output element, the index of its max in its plane
};

/// Max pooling of the planes [p0, p1). The first maximum of a window in row-major order wins,
/// and a NaN wins over numbers (the last NaN of the window), as before the fast paths.
template <class T>
void max_pool_planes(const T* px, const PoolGeometry& g, std::int64_t p0, std::int64_t p1, T* po,
                     std::int32_t* am) {
  const std::int64_t in_plane = g.h * g.w, out_plane = g.oh * g.ow;
  for (std::int64_t p = p0; p < p1; ++p) {
    const T* xp = px + p * in_plane;
    T* op = po + p * out_plane;
    std::int32_t* ap = am + p * out_plane;
    if (g.kernel == 2 && g.stride == 2 && g.pad == 0) {
      for (std::int64_t y = 0; y < g.oh; ++y) {
        const T* r0 = xp + 2 * y * g.w;
        const T* r1 = r0 + g.w;
        const auto base = static_cast<std::int32_t>(2 * y * g.w);
        const auto wi = static_cast<std::int32_t>(g.w);
        for (std::int64_t xo = 0; xo < g.ow; ++xo) {
          const auto c = static_cast<std::int32_t>(2 * xo);
          T best = r0[c];
          std::int32_t at = base + c;
          const T v1 = r0[c + 1], v2 = r1[c], v3 = r1[c + 1];
          if (v1 > best || v1 != v1) { best = v1; at = base + c + 1; }
          if (v2 > best || v2 != v2) { best = v2; at = base + wi + c; }
          if (v3 > best || v3 != v3) { best = v3; at = base + wi + c + 1; }
          op[y * g.ow + xo] = best;
          ap[y * g.ow + xo] = at;
        }
      }
      continue;
    }
    for (std::int64_t y = 0; y < g.oh; ++y) {
      const std::int64_t y0 = y * g.stride - g.pad;
      const std::int64_t ilo = std::max<std::int64_t>(0, -y0), ihi = std::min(g.kernel, g.h - y0);
      for (std::int64_t xo = 0; xo < g.ow; ++xo) {
        const std::int64_t x0 = xo * g.stride - g.pad;
        const std::int64_t jlo = std::max<std::int64_t>(0, -x0), jhi = std::min(g.kernel, g.w - x0);
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

[[noreturn]] void fail_conv(const Tensor& x, const Tensor& w, const std::string& why) {
  detail::fail("conv2d: input " + x.shape().str() + ", weight " + w.shape().str() + ": " + why);
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, std::int64_t stride,
              std::int64_t padding) {
  detail::check_defined(input, "conv2d");
  detail::check_defined(weight, "conv2d");
  if (input.dim() != 4 || weight.dim() != 4) {
    fail_conv(input, weight, "input must be [N,C,H,W] and weight [F,C,KH,KW]");
  }
  if (input.shape()[1] != weight.shape()[1]) {
    fail_conv(input, weight, "input has " + std::to_string(input.shape()[1]) +
                                 " channels but the weight expects " + std::to_string(weight.shape()[1]));
  }
  if (stride < 1 || padding < 0) fail_conv(input, weight, "stride must be >= 1 and padding >= 0");
  detail::check_same_dtype(input, weight, "conv2d");
  ConvGeometry g{input.shape()[0], input.shape()[1], input.shape()[2], input.shape()[3],
                 weight.shape()[0], weight.shape()[2], weight.shape()[3], stride, padding, 0, 0};
  const std::int64_t hp = g.h + 2 * padding - g.kh, wp = g.w + 2 * padding - g.kw;
  if (hp < 0 || wp < 0) fail_conv(input, weight, "the kernel is larger than the padded input");
  g.oh = hp / stride + 1;
  g.ow = wp / stride + 1;
  if (bias.defined()) {
    detail::check_same_dtype(input, bias, "conv2d");
    if (bias.shape() != Shape{g.f}) {
      fail_conv(input, weight, "bias has shape " + bias.shape().str() + ", expected [" +
                                   std::to_string(g.f) + "]");
    }
  }
  const Tensor x = input.contiguous().detach();
  const Tensor w = weight.contiguous().detach();
  const Tensor b = bias.defined() ? bias.contiguous().detach() : Tensor();
  Tensor out = detail::empty_like_shape({g.n, g.f, g.oh, g.ow}, input.dtype());
  const bool record = detail::needs_grad({&input, &weight, &bias}, "conv2d");
  Tensor cols;
  dispatch(input.dtype(), [&]<class T>() {
    cols = batch_columns<T>(x, g);
    const detail::Mat<T> w2{elements<T>(w), g.f, g.ckk(), g.ckk(), 1};
    const detail::Mat<T> cm{elements<T>(cols), g.ckk(), g.batch_cols(), g.batch_cols(), 1};
    Tensor ymat = detail::empty_like_shape({g.f, g.batch_cols()}, input.dtype());
    const T* py = elements<T>(ymat);
    detail::gemm<T>(w2, cm, elements<T>(ymat), T(0));  // one GEMM for the whole batch
    const T* pb = b.defined() ? elements<T>(b) : nullptr;
    T* po = elements<T>(out);
    over_items(g.n, g.f * g.spatial(),
               [&](std::int64_t lo, std::int64_t hi) { batch_to_nchw(py, pb, g, lo, hi, po); });
  });
  if (record) {
    if (!weight.requires_grad()) cols = Tensor();
    detail::record(out, std::make_unique<Conv2dStep>(x, w, std::move(cols), g),
                   {&input, &weight, &bias});
  }
  return out;
}

Tensor max_pool2d(const Tensor& input, std::int64_t kernel, std::int64_t stride,
                  std::int64_t padding) {
  detail::check_defined(input, "max_pool2d");
  if (stride == 0) stride = kernel;
  if (input.dim() != 4) {
    detail::fail("max_pool2d: input must be [N,C,H,W], got " + input.shape().str());
  }
  if (kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
    detail::fail("max_pool2d: kernel " + std::to_string(kernel) + ", stride " +
                 std::to_string(stride) + ", padding " + std::to_string(padding) +
                 ": need kernel >= 1, stride >= 1 and 0 <= padding <= kernel / 2");
  }
  const Shape& s = input.shape();
  const std::int64_t planes = s[0] * s[1], h = s[2], w = s[3];
  const std::int64_t hp = h + 2 * padding - kernel, wp = w + 2 * padding - kernel;
  if (hp < 0 || wp < 0) {
    detail::fail("max_pool2d: kernel " + std::to_string(kernel) + " is larger than the padded input " + s.str());
  }
  const std::int64_t oh = hp / stride + 1, ow = wp / stride + 1;
  if (h * w > INT32_MAX) {
    detail::fail("max_pool2d: planes of " + s.str() + " exceed 2^31 elements");
  }
  const Tensor x = input.contiguous().detach();
  Tensor out = detail::empty_like_shape({s[0], s[1], oh, ow}, input.dtype());
  const PoolGeometry pg{planes, h, w, oh, ow, kernel, stride, padding};
  std::vector<std::int32_t> argmax(static_cast<std::size_t>(planes * oh * ow));
  dispatch(input.dtype(), [&]<class T>() {
    const T* px = elements<T>(x);
    T* po = elements<T>(out);
    std::int32_t* am = argmax.data();
    over_items(planes, h * w, [&](std::int64_t lo, std::int64_t hi) {
      max_pool_planes(px, pg, lo, hi, po, am);
    });
  });
  if (detail::needs_grad({&input}, "max_pool2d")) {
    detail::record(out, std::make_unique<MaxPoolStep>(s, pg, std::move(argmax)), {&input});
  }
  return out;
}

}  // namespace gradflow
