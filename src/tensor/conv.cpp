// conv2d by im2col + GEMM, and max_pool2d. For image n, im2col lays the receptive fields out as
// the columns of a [C*KH*KW, OH*OW] matrix, so the convolution is W2 [F, C*KH*KW] times it; the
// backward is two more products (dW += dY colsᵀ, dcols = W2ᵀ dY) and col2im, the scatter-add
// inverse of im2col.

#include "autograd.hpp"
#include "blas.hpp"
#include "kernels.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

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
};

/// cols[(ci*kh + i)*kw + j][y*ow + x] = image[ci][y*s + i - p][x*s + j - p] (0 outside).
template <class T>
void im2col(const T* img, const ConvGeometry& g, T* cols) {
  for (std::int64_t ci = 0; ci < g.c; ++ci) {
    for (std::int64_t i = 0; i < g.kh; ++i) {
      for (std::int64_t j = 0; j < g.kw; ++j) {
        T* row = cols + ((ci * g.kh + i) * g.kw + j) * g.spatial();
        for (std::int64_t y = 0; y < g.oh; ++y) {
          const std::int64_t iy = y * g.stride + i - g.pad;
          T* out = row + y * g.ow;
          if (iy < 0 || iy >= g.h) {
            for (std::int64_t x = 0; x < g.ow; ++x) out[x] = T(0);
            continue;
          }
          const T* src = img + (ci * g.h + iy) * g.w;
          for (std::int64_t x = 0; x < g.ow; ++x) {
            const std::int64_t ix = x * g.stride + j - g.pad;
            out[x] = ix >= 0 && ix < g.w ? src[ix] : T(0);
          }
        }
      }
    }
  }
}

/// The adjoint of im2col: adds each column entry back into the pixel it was read from.
template <class T>
void col2im(const T* cols, const ConvGeometry& g, T* img) {
  for (std::int64_t ci = 0; ci < g.c; ++ci) {
    for (std::int64_t i = 0; i < g.kh; ++i) {
      for (std::int64_t j = 0; j < g.kw; ++j) {
        const T* row = cols + ((ci * g.kh + i) * g.kw + j) * g.spatial();
        for (std::int64_t y = 0; y < g.oh; ++y) {
          const std::int64_t iy = y * g.stride + i - g.pad;
          if (iy < 0 || iy >= g.h) continue;
          T* dst = img + (ci * g.h + iy) * g.w;
          for (std::int64_t x = 0; x < g.ow; ++x) {
            const std::int64_t ix = x * g.stride + j - g.pad;
            if (ix >= 0 && ix < g.w) dst[ix] += row[y * g.ow + x];
          }
        }
      }
    }
  }
}

struct Conv2dStep final : detail::TensorStep {
  Conv2dStep(const Tensor& x, const Tensor& w, ConvGeometry g)
      : TensorStep("conv2d"), x_(x), w_(w), g_(g) {}
  void run(Tensor grad) override {
    const Tensor& x = x_.get("conv2d");
    const Tensor& w = w_.get("conv2d");
    const ConvGeometry& g = g_;
    Tensor dx = wants(0) ? Tensor::zeros({g.n, g.c, g.h, g.w}, x.dtype()) : Tensor();
    Tensor dw = wants(1) ? Tensor::zeros({g.f, g.c, g.kh, g.kw}, x.dtype()) : Tensor();
    Tensor db = wants(2) ? Tensor::zeros({g.f}, x.dtype()) : Tensor();
    dispatch(x.dtype(), [&]<class T>() {
      std::vector<T> cols(static_cast<std::size_t>(g.ckk() * g.spatial()));
      const detail::Mat<T> w2{elements<T>(w), g.f, g.ckk(), g.ckk(), 1};
      for (std::int64_t n = 0; n < g.n; ++n) {
        const T* dy = elements<T>(grad) + n * g.f * g.spatial();
        const detail::Mat<T> dym{dy, g.f, g.spatial(), g.spatial(), 1};
        if (wants(1)) {
          im2col(elements<T>(x) + n * g.c * g.h * g.w, g, cols.data());
          const detail::Mat<T> cm{cols.data(), g.ckk(), g.spatial(), g.spatial(), 1};
          detail::gemm<T>(dym, cm.t(), elements<T>(dw), T(1));  // dW += dY colsᵀ
        }
        if (wants(0)) {
          detail::gemm<T>(w2.t(), dym, cols.data(), T(0));  // dcols = W2ᵀ dY
          col2im(cols.data(), g, elements<T>(dx) + n * g.c * g.h * g.w);
        }
        if (wants(2)) {
          T* pb = elements<T>(db);
          for (std::int64_t fi = 0; fi < g.f; ++fi) {
            T s = T(0);
            for (std::int64_t k = 0; k < g.spatial(); ++k) s += dy[fi * g.spatial() + k];
            pb[fi] += s;
          }
        }
      }
    });
    if (wants(0)) give(0, std::move(dx));
    if (wants(1)) give(1, std::move(dw));
    if (wants(2)) give(2, std::move(db));
  }
  detail::Saved x_, w_;
  ConvGeometry g_;
};

struct MaxPoolStep final : detail::TensorStep {
  MaxPoolStep(Shape input, std::vector<std::int64_t> argmax)
      : TensorStep("max_pool2d"), input_(input), argmax_(std::move(argmax)) {}
  void run(Tensor g) override {
    Tensor gx = Tensor::zeros(input_, g.dtype());
    dispatch(g.dtype(), [&]<class T>() {
      T* d = elements<T>(gx);
      const T* pg = elements<T>(g);
      for (std::size_t k = 0; k < argmax_.size(); ++k) {
        if (argmax_[k] >= 0) d[argmax_[k]] += pg[k];
      }
    });
    give(0, std::move(gx));
  }
  Shape input_;
  std::vector<std::int64_t> argmax_;  // per output element, the flat input index of its max
};

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
  dispatch(input.dtype(), [&]<class T>() {
    std::vector<T> cols(static_cast<std::size_t>(g.ckk() * g.spatial()));
    const detail::Mat<T> w2{elements<T>(w), g.f, g.ckk(), g.ckk(), 1};
    for (std::int64_t n = 0; n < g.n; ++n) {
      im2col(elements<T>(x) + n * g.c * g.h * g.w, g, cols.data());
      T* y = elements<T>(out) + n * g.f * g.spatial();
      const detail::Mat<T> cm{cols.data(), g.ckk(), g.spatial(), g.spatial(), 1};
      detail::gemm<T>(w2, cm, y, T(0));
      if (b.defined()) {
        const T* pb = elements<T>(b);
        for (std::int64_t fi = 0; fi < g.f; ++fi) {
          for (std::int64_t k = 0; k < g.spatial(); ++k) y[fi * g.spatial() + k] += pb[fi];
        }
      }
    }
  });
  if (detail::needs_grad({&input, &weight, &bias}, "conv2d")) {
    detail::record(out, std::make_unique<Conv2dStep>(x, w, g), {&input, &weight, &bias});
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
  const Tensor x = input.contiguous().detach();
  Tensor out = detail::empty_like_shape({s[0], s[1], oh, ow}, input.dtype());
  std::vector<std::int64_t> argmax(static_cast<std::size_t>(planes * oh * ow), -1);
  dispatch(input.dtype(), [&]<class T>() {
    const T* px = elements<T>(x);
    T* po = elements<T>(out);
    for (std::int64_t p = 0; p < planes; ++p) {
      for (std::int64_t y = 0; y < oh; ++y) {
        for (std::int64_t xo = 0; xo < ow; ++xo) {
          T best = -std::numeric_limits<T>::infinity();
          std::int64_t at = -1;
          for (std::int64_t i = 0; i < kernel; ++i) {
            const std::int64_t iy = y * stride + i - padding;
            if (iy < 0 || iy >= h) continue;
            for (std::int64_t j = 0; j < kernel; ++j) {
              const std::int64_t ix = xo * stride + j - padding;
              if (ix < 0 || ix >= w) continue;
              const std::int64_t idx = (p * h + iy) * w + ix;
              if (at < 0 || px[idx] > best || px[idx] != px[idx]) {
                best = px[idx];
                at = idx;
              }
            }
          }
          const std::int64_t k = (p * oh + y) * ow + xo;
          po[k] = best;
          argmax[static_cast<std::size_t>(k)] = at;
        }
      }
    }
  });
  if (detail::needs_grad({&input}, "max_pool2d")) {
    detail::record(out, std::make_unique<MaxPoolStep>(s, std::move(argmax)), {&input});
  }
  return out;
}

}  // namespace gradflow
