// conv2d by im2col + GEMM, and conv2d_max_pool2d (max_pool2d itself is in max_pool.cpp).
//
// im2col lays the receptive fields of one image out as the columns of a [C*KH*KW, S] matrix,
// S = OH*OW, and the convolution is GEMMs per image (Note [Convolution per image]). im2col
// and col2im read and write a zero-bordered copy of the image (Note [Padded im2col]).
//
// Note [Convolution per image]
// The columns of the whole batch are large (20 MiB for the second conv of the Fashion-MNIST
// CNN, 16->32 channels on 14x14, batch 64): made by im2col and read back by one GEMM for the
// batch, they went to memory and back, and im2col's stores alone were 11% of the CNN step.
// So each image's columns are made, used at once from cache and dropped; the backward makes
// them again rather than keeping them. Per image, the GEMMs need no layout copies:
// - Forward: Y = W2 cols, W2 [F, C*KH*KW], is [F, S], the image's NCHW output as it stands;
//   the bias is put there first and the GEMM adds to it (what a beta=0 GEMM costs in zeroing
//   C anyway). One GEMM for the batch took as long, plus the copy into NCHW.
// - dWᵀ += cols dYᵀ with the image's dY [F, S] read in NCHW, and dW its transpose at the end.
//   Measured with OpenBLAS on the shapes above: 3.8 ms for the 64 images, 4.6 ms for one
//   GEMM over the batch (dW = dY' colsᵀ, which also needed dY copied into [F, N*S]).
// - dcols = W2ᵀ dY, consumed by col2im at once: 3.6 ms against 4.8 ms over the batch, whose
//   20 MiB of column gradients a beta=0 GEMM also had to zero first (3% of the step).
//
// Note [Threads over images]
// With T threads, each takes a share of the images and runs their im2col, GEMMs and col2im
// itself, with BLAS kept to the calling thread (SerialBlas). Before, the threads shared each
// image's im2col and OpenBLAS split each small GEMM: one OpenBLAS parallel region per image
// and GEMM, each waiting for OpenBLAS's own workers, so two threads were slower than one.
// The weight gradient is summed per group of images (at most kWeightGradientGroups groups,
// fixed by the batch size), and the groups' sums are added in group order; the bias gradient
// is summed per image, and the images' sums are added in image order. The split between
// threads never changes the order of any sum, so the results are the same bits at any thread
// count. A worker's exception (an allocation) is carried back to the calling thread.
//
// Note [Pooling the conv output in cache]
// conv2d_max_pool2d makes each image's conv output [F, S] in a thread's scratch and pools it
// at once, while it is in cache. conv2d followed by max_pool2d wrote the batch's conv output
// (3.2 MB for the first conv of the Fashion-MNIST CNN) and read it back from memory, and the
// pool's backward wrote a gradient of that size for the conv's backward to read. The fused
// backward unpools each image's gradient into scratch just before that image's GEMMs. The
// values are those of the two operations, bit for bit: the same GEMMs, the same pooling.
//
// Note [Padded im2col]
// Each image is first copied into a plane with a zero border of `pad`, so that column row
// (ci, i, j) at output (y, x) reads padded[ci][y*stride + i][x*stride + j] with no bounds test
// at all: every row of the columns is OH runs of OW loads. The version before (ranges of valid
// outputs, std::fill/std::copy of a few elements each) spent much of its time in calls to
// memset/memmove. col2im is the same walk adding into a zeroed padded plane, whose interior
// is then the image's gradient: dx is written once, never zero-filled.

#include "autograd.hpp"
#include "blas.hpp"
#include "kernels.hpp"
#include "max_pool.hpp"
#include "runs.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace gradflow {

using detail::dispatch;
using detail::elements;

namespace {

struct ConvGeometry {
  std::int64_t n, c, h, w, f, kh, kw, stride, pad, oh, ow;
  std::int64_t ckk() const { return c * kh * kw; }
  std::int64_t spatial() const { return oh * ow; }
  std::int64_t padded_h() const { return h + 2 * pad; }
  std::int64_t padded_w() const { return w + 2 * pad; }
  std::int64_t padded_image() const { return c * padded_h() * padded_w(); }
};

/// The interior of padded [C, H+2p, W+2p] = image (Note [Padded im2col]). The border is
/// never written: zeroed once, it serves every image.
template <class T>
void pad_image(const T* img, const ConvGeometry& g, T* padded) {
  const std::int64_t hp = g.padded_h(), wp = g.padded_w();
  for (std::int64_t ci = 0; ci < g.c; ++ci) {
    for (std::int64_t y = 0; y < g.h; ++y) {
      const T* src = img + (ci * g.h + y) * g.w;
      T* dst = padded + (ci * hp + y + g.pad) * wp + g.pad;
#pragma omp simd
      for (std::int64_t x = 0; x < g.w; ++x) dst[x] = src[x];
    }
  }
}

/// image = the interior of padded (the inverse of pad_image's copy).
template <class T>
void unpad_image(const T* padded, const ConvGeometry& g, T* img) {
  const std::int64_t hp = g.padded_h(), wp = g.padded_w();
  for (std::int64_t ci = 0; ci < g.c; ++ci) {
    for (std::int64_t y = 0; y < g.h; ++y) {
      const T* src = padded + (ci * hp + y + g.pad) * wp + g.pad;
      T* dst = img + (ci * g.h + y) * g.w;
#pragma omp simd
      for (std::int64_t x = 0; x < g.w; ++x) dst[x] = src[x];
    }
  }
}

/// cols[(ci*kh + i)*kw + j][y*ow + x] = padded[ci][y*s + i][x*s + j], one image; row stride ld.
template <class T>
void im2col(const T* padded, const ConvGeometry& g, T* cols, std::int64_t ld) {
  const std::int64_t hp = g.padded_h(), wp = g.padded_w(), s = g.stride, ow = g.ow;
  for (std::int64_t ci = 0; ci < g.c; ++ci) {
    for (std::int64_t i = 0; i < g.kh; ++i) {
      for (std::int64_t j = 0; j < g.kw; ++j) {
        T* row = cols + ((ci * g.kh + i) * g.kw + j) * ld;
        const T* src = padded + (ci * hp + i) * wp + j;
        if (s == 1) {
          detail::copy_runs(src, wp, g.oh, ow, row);
          continue;
        }
        for (std::int64_t y = 0; y < g.oh; ++y) {
          T* out = row + y * ow;
          const T* in = src + y * s * wp;
          for (std::int64_t x = 0; x < ow; ++x) out[x] = in[x * s];
        }
      }
    }
  }
}

/// The adjoint of im2col for one image: adds each column entry back into the padded pixel it
/// was read from.
template <class T>
void col2im(const T* cols, std::int64_t ld, const ConvGeometry& g, T* padded) {
  const std::int64_t hp = g.padded_h(), wp = g.padded_w(), s = g.stride, ow = g.ow;
  for (std::int64_t ci = 0; ci < g.c; ++ci) {
    for (std::int64_t i = 0; i < g.kh; ++i) {
      for (std::int64_t j = 0; j < g.kw; ++j) {
        const T* row = cols + ((ci * g.kh + i) * g.kw + j) * ld;
        T* dst = padded + (ci * hp + i) * wp + j;
        if (s == 1) {
          detail::add_runs(row, g.oh, ow, dst, wp);
          continue;
        }
        for (std::int64_t y = 0; y < g.oh; ++y) {
          const T* in = row + y * ow;
          T* out = dst + y * s * wp;
          for (std::int64_t x = 0; x < ow; ++x) out[x * s] += in[x];
        }
      }
    }
  }
}

/// One thread's scratch for one image at a time: the zero-bordered plane (Note [Padded
/// im2col]) and the image's columns [C*KH*KW, S].
template <class T>
struct ImageScratch {
  explicit ImageScratch(const ConvGeometry& g)
      : padded(static_cast<std::size_t>(g.padded_image())),  // zeroed: the border stays zero
        cols(std::make_unique_for_overwrite<T[]>(
            static_cast<std::size_t>(g.ckk() * g.spatial()))) {}
  /// cols = the columns of `image` ([C, H, W]).
  void columns_of(const T* image, const ConvGeometry& g) {
    pad_image(image, g, padded.data());
    im2col(padded.data(), g, cols.get(), g.spatial());
  }
  std::vector<T> padded;
  std::unique_ptr<T[]> cols;
};

/// Runs f(begin, end) over [0, items) items of `work` elements each (Note [Threads over
/// images]): split between the threads when there is enough work, BLAS then on the calling
/// thread only. f may throw (it allocates): the first exception is rethrown here, after every
/// share has ended.
template <class F>
void over_images(std::int64_t items, std::int64_t work, F&& f) {
  const std::int64_t grain = detail::items_per_share(work);
  if (items < 2 * grain || detail::kernel_threads() <= 1) {
    if (items > 0) f(std::int64_t{0}, items);
    return;
  }
  const detail::SerialBlas serial_blas;
  std::mutex failure_mutex;
  std::exception_ptr failure;
  detail::parallel_range(items, 1, grain, [&](std::int64_t begin, std::int64_t end) {
    try {
      f(begin, end);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  });
  if (failure) std::rethrow_exception(failure);
}

/// At most this many partial sums of the weight gradient (Note [Threads over images]): enough
/// groups of images for the threads to share, few enough that the sums stay small.
constexpr std::int64_t kWeightGradientGroups = 8;

/// The pooling of conv2d_max_pool2d (Note [Pooling the conv output in cache]): its geometry
/// over one image's F planes, and the argmax of every pooled output of the batch.
struct FusedPool {
  detail::PoolGeometry image;  // planes = F
  detail::Argmax argmax;       // [N, F, PH, PW]
};

/// The operation's name in errors and diagrams: conv2d, or conv2d_max_pool2d with a pool.
const char* conv_op(const FusedPool* pool) { return pool ? "conv2d_max_pool2d" : "conv2d"; }

/// The backward of conv2d, and of conv2d_max_pool2d when it has a pool: then its gradient is
/// the pooled output's, and each image's conv output gradient is unpooled into scratch first.
struct Conv2dStep final : detail::TensorStep {
  Conv2dStep(const Tensor& x, const Tensor& w, ConvGeometry g, std::unique_ptr<FusedPool> pool)
      : TensorStep(conv_op(pool.get())),
        x_(x),
        w_(w),
        g_(g),
        pool_(std::move(pool)) {}
  void run(Tensor grad) override {
    const Tensor& x = x_.get(name());
    const Tensor& w = w_.get(name());
    const ConvGeometry& g = g_;
    Tensor dx = wants(0) ? detail::empty_like_shape({g.n, g.c, g.h, g.w}, x.dtype()) : Tensor();
    Tensor dw = wants(1) ? detail::empty_like_shape({g.f, g.c, g.kh, g.kw}, x.dtype()) : Tensor();
    Tensor db = wants(2) ? Tensor::empty({g.f}, x.dtype()) : Tensor();
    dispatch(x.dtype(), [&]<class T>() {
      const std::int64_t sp = g.spatial(), ckk = g.ckk(), in_image = g.c * g.h * g.w;
      const T* pg = elements<T>(grad);
      // Image k's dY [F, S]: in `grad` as it stands, a matrix (Note [Convolution per image]);
      // or, under a pool, its pooled gradient unpooled into `unpooled`.
      auto dy = [&](std::int64_t k, T* unpooled) -> const T* {
        if (!pool_) return pg + k * g.f * sp;
        const detail::PoolGeometry& p = pool_->image;
        const std::int64_t at = k * g.f * p.out_plane();
        const auto* am = static_cast<const std::int32_t*>(pool_->argmax->data);
        detail::unpool_planes(pg + at, am + at, p, 0, g.f, unpooled);
        return unpooled;
      };
      const detail::Mat<T> w2t = detail::Mat<T>{elements<T>(w), g.f, ckk, ckk, 1}.t();
      const T* px = elements<T>(x);
      T* pdx = wants(0) ? elements<T>(dx) : nullptr;
      // Per image, the sums of its dY's rows: added up in image order afterwards.
      Tensor bias_parts = wants(2) ? Tensor::empty({g.n, g.f}, x.dtype()) : Tensor();
      T* pbp = wants(2) ? elements<T>(bias_parts) : nullptr;
      // Per group of images, the sum of cols dYᵀ over its images: a part of dWᵀ [C*KH*KW, F].
      // The groups depend on the batch only, never on the threads.
      const std::int64_t per_group = (g.n + kWeightGradientGroups - 1) / kWeightGradientGroups;
      const std::int64_t groups = per_group > 0 ? (g.n + per_group - 1) / per_group : 0;
      Tensor partial = wants(1) ? Tensor::zeros({groups, ckk, g.f}, x.dtype()) : Tensor();
      T* pp = wants(1) ? elements<T>(partial) : nullptr;
      over_images(groups, per_group * ckk * sp, [&](std::int64_t gb, std::int64_t ge) {
        // Columns only for the weight's and the input's gradients (not for the bias's alone).
        std::optional<ImageScratch<T>> scratch;
        if (wants(0) || wants(1)) scratch.emplace(g);
        std::vector<T> dpadded(wants(0) ? static_cast<std::size_t>(g.padded_image()) : 0);
        auto unpooled = std::make_unique_for_overwrite<T[]>(
            pool_ ? static_cast<std::size_t>(g.f * sp) : 0);
        for (std::int64_t k = gb * per_group; k < std::min(g.n, ge * per_group); ++k) {
          const T* dyk = dy(k, unpooled.get());
          const detail::Mat<T> dy_mat{dyk, g.f, sp, sp, 1};
          if (wants(2)) {
            for (std::int64_t fi = 0; fi < g.f; ++fi) {
              T sum = T(0);
              const T* r = dyk + fi * sp;
#pragma omp simd reduction(+ : sum)
              for (std::int64_t e = 0; e < sp; ++e) sum += r[e];
              pbp[k * g.f + fi] = sum;
            }
          }
          if (wants(1)) {
            scratch->columns_of(px + k * in_image, g);
            const detail::Mat<T> cols{scratch->cols.get(), ckk, sp, sp, 1};
            T* part = pp + (k / per_group) * ckk * g.f;
            detail::gemm<T>(cols, dy_mat.t(), part, T(1));  // dWᵀ part += cols dYᵀ
          }
          if (wants(0)) {
            detail::gemm<T>(w2t, dy_mat, scratch->cols.get(), T(0));  // dcols = W2ᵀ dY
            std::fill(dpadded.begin(), dpadded.end(), T(0));
            col2im(scratch->cols.get(), sp, g, dpadded.data());
            unpad_image(dpadded.data(), g, pdx + k * in_image);
          }
        }
      });
      if (wants(2)) {  // db = the images' sums, added in image order
        T* pb = elements<T>(db);
        std::fill_n(pb, g.f, T(0));
        for (std::int64_t k = 0; k < g.n; ++k) {
          for (std::int64_t fi = 0; fi < g.f; ++fi) pb[fi] += pbp[k * g.f + fi];
        }
      }
      if (wants(1) && groups == 0) std::fill_n(elements<T>(dw), ckk * g.f, T(0));  // no images
      if (wants(1) && groups > 0) {  // dWᵀ = the parts' sum in group order, in part 0; dW = its ᵀ
        const std::int64_t part_size = ckk * g.f;
        for (std::int64_t q = 1; q < groups; ++q) {
          const T* pq = pp + q * part_size;
#pragma omp simd
          for (std::int64_t e = 0; e < part_size; ++e) pp[e] += pq[e];
        }
        T* pw = elements<T>(dw);
        for (std::int64_t fi = 0; fi < g.f; ++fi) {
          for (std::int64_t r = 0; r < ckk; ++r) pw[fi * ckk + r] = pp[r * g.f + fi];
        }
      }
    });
    if (wants(0)) give(0, std::move(dx));
    if (wants(1)) give(1, std::move(dw));
    if (wants(2)) give(2, std::move(db));
  }
  detail::Saved x_, w_;
  ConvGeometry g_;
  std::unique_ptr<FusedPool> pool_;
};

[[noreturn]] void fail_conv(const char* op, const Tensor& x, const Tensor& w,
                            const std::string& why) {
  detail::fail(std::string(op) + ": input " + x.shape().str() + ", weight " + w.shape().str() +
               ": " + why);
}

/// The geometry of conv2d(input, weight, bias, stride, padding), checked; Error names `op`.
ConvGeometry conv_geometry(const Tensor& input, const Tensor& weight, const Tensor& bias,
                           std::int64_t stride, std::int64_t padding, const char* op) {
  detail::check_defined(input, op);
  detail::check_defined(weight, op);
  if (input.dim() != 4 || weight.dim() != 4) {
    fail_conv(op, input, weight, "input must be [N,C,H,W] and weight [F,C,KH,KW]");
  }
  if (input.shape()[1] != weight.shape()[1]) {
    fail_conv(op, input, weight,
              "input has " + std::to_string(input.shape()[1]) +
                  " channels but the weight expects " + std::to_string(weight.shape()[1]));
  }
  if (stride < 1 || padding < 0) {
    fail_conv(op, input, weight, "stride must be >= 1 and padding >= 0");
  }
  detail::check_same_dtype(input, weight, op);
  ConvGeometry g{input.shape()[0], input.shape()[1], input.shape()[2], input.shape()[3],
                 weight.shape()[0], weight.shape()[2], weight.shape()[3], stride, padding, 0, 0};
  // The kernels compute these sizes unchecked, so each is checked here: extents, stride and
  // padding come from the caller, and an int64 product or sum that overflows is undefined.
  std::int64_t pad2 = 0, ph = 0, pw = 0;
  const bool padded_fits = !__builtin_mul_overflow(padding, 2, &pad2) &&
                           !__builtin_add_overflow(g.h, pad2, &ph) &&
                           !__builtin_add_overflow(g.w, pad2, &pw);
  if (!padded_fits) {
    fail_conv(op, input, weight,
              "padding " + std::to_string(padding) +
                  " makes the padded input larger than int64 can count; padding beyond the "
                  "kernel size only adds zeros");
  }
  const std::int64_t hp = ph - g.kh, wp = pw - g.kw;
  if (hp < 0 || wp < 0) fail_conv(op, input, weight, "the kernel is larger than the padded input");
  g.oh = hp / stride + 1;
  g.ow = wp / stride + 1;
  const auto fits = [](std::initializer_list<std::int64_t> factors) {
    std::int64_t p = 1;
    for (std::int64_t f : factors) {
      if (__builtin_mul_overflow(p, f, &p)) return false;
    }
    return true;
  };
  // (c h w needs no test of its own: ph >= h and pw >= w.)
  if (!fits({g.c, ph, pw}) || !fits({g.c, g.kh, g.kw, g.oh, g.ow}) || !fits({g.f, g.oh, g.ow})) {
    fail_conv(op, input, weight,
              "with stride " + std::to_string(stride) + " and padding " +
                  std::to_string(padding) + ", an image's padded input, columns or output has " +
                  "more elements than int64 can count");
  }
  // The batch's output must be a shape a tensor can have; conv2d_max_pool2d pools it before
  // making it.
  if (const Shape out{g.n, g.f, g.oh, g.ow}; !extents_fit_int64(out)) {
    fail_conv(op, input, weight,
              "the output " + out.str() + " has more elements than int64 can count");
  }
  if (bias.defined()) {
    detail::check_same_dtype(input, bias, op);
    if (bias.shape() != Shape{g.f}) {
      fail_conv(op, input, weight,
                "bias has shape " + bias.shape().str() + ", expected [" + std::to_string(g.f) +
                    "]");
    }
  }
  // The GEMMs' extents, checked here: the images' threads must not throw.
  for (std::int64_t extent : {g.ckk(), g.spatial(), g.f}) (void)detail::as_int(extent);
  return g;
}

/// conv2d's forward, and conv2d_max_pool2d's when `pool` is given: then each image's conv
/// output is made in scratch and pooled into `out` at once, its argmaxes into pool->argmax.
Tensor conv_forward(const Tensor& input, const Tensor& weight, const Tensor& bias,
                    const ConvGeometry& g, std::unique_ptr<FusedPool> pool) {
  const Tensor x = input.contiguous().detach();
  const Tensor w = weight.contiguous().detach();
  const Tensor b = bias.defined() ? bias.contiguous().detach() : Tensor();
  const Shape out_shape = pool ? Shape{g.n, g.f, pool->image.oh, pool->image.ow}
                               : Shape{g.n, g.f, g.oh, g.ow};
  Tensor out = detail::empty_like_shape(out_shape, input.dtype());
  const char* op = conv_op(pool.get());
  const bool record = detail::needs_grad({&input, &weight, &bias}, op);
  dispatch(input.dtype(), [&]<class T>() {
    const std::int64_t sp = g.spatial(), in_image = g.c * g.h * g.w;
    const detail::Mat<T> w2{elements<T>(w), g.f, g.ckk(), g.ckk(), 1};
    const T* px = elements<T>(x);
    const T* pb = b.defined() ? elements<T>(b) : nullptr;
    T* po = elements<T>(out);
    over_images(g.n, g.ckk() * sp, [&](std::int64_t begin, std::int64_t end) {
      ImageScratch<T> scratch(g);
      auto conv_out = std::make_unique_for_overwrite<T[]>(
          pool ? static_cast<std::size_t>(g.f * sp) : 0);
      for (std::int64_t k = begin; k < end; ++k) {
        scratch.columns_of(px + k * in_image, g);
        // Y = W2 cols is [F, S]: image k's NCHW output as it stands.
        T* y = pool ? conv_out.get() : po + k * g.f * sp;
        if (pb != nullptr) {
          for (std::int64_t fi = 0; fi < g.f; ++fi) std::fill_n(y + fi * sp, sp, pb[fi]);
        }
        detail::gemm<T>(w2, detail::Mat<T>{scratch.cols.get(), g.ckk(), sp, sp, 1}, y,
                        pb != nullptr ? T(1) : T(0));
        if (pool) {
          const std::int64_t at = k * g.f * pool->image.out_plane();
          auto* am = static_cast<std::int32_t*>(pool->argmax->data);
          detail::max_pool_planes(y, pool->image, 0, g.f, po + at, am + at);
        }
      }
    });
  });
  if (record) {
    detail::record(out, std::make_unique<Conv2dStep>(x, w, g, std::move(pool)),
                   {&input, &weight, &bias});
  }
  return out;
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, std::int64_t stride,
              std::int64_t padding) {
  const ConvGeometry g = conv_geometry(input, weight, bias, stride, padding, "conv2d");
  return conv_forward(input, weight, bias, g, nullptr);
}

Tensor conv2d_max_pool2d(const Tensor& input, const Tensor& weight, const Tensor& bias,
                         std::int64_t stride, std::int64_t padding, std::int64_t pool_kernel,
                         std::int64_t pool_stride, std::int64_t pool_padding) {
  const char* op = "conv2d_max_pool2d";
  const ConvGeometry g = conv_geometry(input, weight, bias, stride, padding, op);
  const detail::PoolGeometry batch = detail::pool_geometry(
      Shape{g.n, g.f, g.oh, g.ow}, pool_kernel, pool_stride, pool_padding, op);
  auto pool = std::make_unique<FusedPool>(FusedPool{batch, detail::make_argmax(batch)});
  pool->image.planes = g.f;
  return conv_forward(input, weight, bias, g, std::move(pool));
}

}  // namespace gradflow
