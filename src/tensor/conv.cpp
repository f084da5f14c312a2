// conv2d by im2col + GEMM, and max_pool2d.
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
// fixed by the batch size), and the groups' sums are added in group order: the split between
// threads never changes the order of any sum, so the results are the same bits at any thread
// count. A worker's exception (an allocation) is carried back to the calling thread.
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
#include "max_pool_2x2.hpp"
#include "runs.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
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

/// Items of `work` elements each that make a share worth a thread.
std::int64_t items_per_share(std::int64_t work) {
  return std::max<std::int64_t>(1, detail::kParallelGrain / std::max<std::int64_t>(1, work));
}

/// Runs f(begin, end) over [0, items), in parallel when the items hold enough work
/// (`work` elements each) to pay for the threads.
template <class F>
void over_items(std::int64_t items, std::int64_t work, F&& f) {
  detail::parallel_range(items, 1, items_per_share(work), f);
}

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
  const std::int64_t grain = items_per_share(work);
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

struct Conv2dStep final : detail::TensorStep {
  Conv2dStep(const Tensor& x, const Tensor& w, ConvGeometry g)
      : TensorStep("conv2d"), x_(x), w_(w), g_(g) {}
  void run(Tensor grad) override {
    const Tensor& x = x_.get("conv2d");
    const Tensor& w = w_.get("conv2d");
    const ConvGeometry& g = g_;
    Tensor dx = wants(0) ? detail::empty_like_shape({g.n, g.c, g.h, g.w}, x.dtype()) : Tensor();
    Tensor dw = wants(1) ? detail::empty_like_shape({g.f, g.c, g.kh, g.kw}, x.dtype()) : Tensor();
    Tensor db = wants(2) ? Tensor::empty({g.f}, x.dtype()) : Tensor();
    dispatch(x.dtype(), [&]<class T>() {
      const std::int64_t sp = g.spatial(), ckk = g.ckk(), in_image = g.c * g.h * g.w;
      const T* pg = elements<T>(grad);
      // Image n's dY is [F, S] at pg + n*F*S, a matrix as it stands (Note [Convolution per image]).
      auto dy = [&](std::int64_t n) { return detail::Mat<T>{pg + n * g.f * sp, g.f, sp, sp, 1}; };
      if (wants(2)) {
        T* pb = elements<T>(db);
        std::fill_n(pb, g.f, T(0));
        for (std::int64_t n = 0; n < g.n; ++n) {
          for (std::int64_t fi = 0; fi < g.f; ++fi) {
            T s = T(0);
            const T* r = pg + (n * g.f + fi) * sp;
#pragma omp simd reduction(+ : s)
            for (std::int64_t k = 0; k < sp; ++k) s += r[k];
            pb[fi] += s;
          }
        }
      }
      if (!wants(0) && !wants(1)) return;
      const detail::Mat<T> w2t = detail::Mat<T>{elements<T>(w), g.f, ckk, ckk, 1}.t();
      const T* px = elements<T>(x);
      T* pdx = wants(0) ? elements<T>(dx) : nullptr;
      // Per group of images, the sum of cols dYᵀ over its images: a part of dWᵀ [C*KH*KW, F].
      // The groups depend on the batch only, never on the threads.
      const std::int64_t per_group = (g.n + kWeightGradientGroups - 1) / kWeightGradientGroups;
      const std::int64_t groups = per_group > 0 ? (g.n + per_group - 1) / per_group : 0;
      Tensor partial = wants(1) ? Tensor::zeros({groups, ckk, g.f}, x.dtype()) : Tensor();
      T* pp = wants(1) ? elements<T>(partial) : nullptr;
      over_images(groups, per_group * ckk * sp, [&](std::int64_t gb, std::int64_t ge) {
        ImageScratch<T> scratch(g);
        std::vector<T> dpadded(wants(0) ? static_cast<std::size_t>(g.padded_image()) : 0);
        for (std::int64_t k = gb * per_group; k < std::min(g.n, ge * per_group); ++k) {
          if (wants(1)) {
            scratch.columns_of(px + k * in_image, g);
            const detail::Mat<T> cols{scratch.cols.get(), ckk, sp, sp, 1};
            T* part = pp + (k / per_group) * ckk * g.f;
            detail::gemm<T>(cols, dy(k).t(), part, T(1));  // dWᵀ part += cols dYᵀ
          }
          if (wants(0)) {
            detail::gemm<T>(w2t, dy(k), scratch.cols.get(), T(0));  // dcols = W2ᵀ dY
            std::fill(dpadded.begin(), dpadded.end(), T(0));
            col2im(scratch.cols.get(), sp, g, dpadded.data());
            unpad_image(dpadded.data(), g, pdx + k * in_image);
          }
        }
      });
      if (wants(1)) {  // dWᵀ = the sum of the parts in group order, into part 0; dW its transpose
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
};

struct PoolGeometry {
  std::int64_t planes, h, w, oh, ow, kernel, stride, pad;
};

/// Per output element of max_pool2d, the index of its max in its input plane. Pooled memory
/// (a std::vector zero-filled it and handed it back to malloc every step).
using Argmax = std::unique_ptr<detail::Storage>;

struct MaxPoolStep final : detail::TensorStep {
  MaxPoolStep(Shape input, PoolGeometry g, Argmax argmax)
      : TensorStep("max_pool2d"), input_(input), g_(g), argmax_(std::move(argmax)) {}
  void run(Tensor g) override {
    Tensor gx = detail::empty_like_shape(input_, g.dtype());
    const PoolGeometry& pg = g_;
    const std::int64_t in_plane = pg.h * pg.w, out_plane = pg.oh * pg.ow;
    dispatch(g.dtype(), [&]<class T>() {
      T* d = elements<T>(gx);
      const T* go = elements<T>(g);
      const auto* am = static_cast<const std::int32_t*>(argmax_->data);
      over_items(pg.planes, in_plane + out_plane, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t p = b; p < e; ++p) {
          // Zeroed here, a plane at a time, so the scatter finds it in cache.
          T* dp = d + p * in_plane;
          std::fill(dp, dp + in_plane, T(0));
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
  Argmax argmax_;
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
      const auto wi = static_cast<std::int32_t>(g.w);
      for (std::int64_t y = 0; y < g.oh; ++y) {
        const T* r0 = xp + 2 * y * g.w;
        const T* r1 = r0 + g.w;
        const auto base = static_cast<std::int32_t>(2 * y * g.w);
        T* orow = op + y * g.ow;
        std::int32_t* arow = ap + y * g.ow;
        detail::max_pool_2x2_row(r0, r1, g.ow, base, wi, orow, arow);
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
  // The GEMMs' extents, checked here: the images' threads must not throw.
  for (std::int64_t extent : {g.ckk(), g.spatial(), g.f}) (void)detail::as_int(extent);
  const Tensor x = input.contiguous().detach();
  const Tensor w = weight.contiguous().detach();
  const Tensor b = bias.defined() ? bias.contiguous().detach() : Tensor();
  Tensor out = detail::empty_like_shape({g.n, g.f, g.oh, g.ow}, input.dtype());
  const bool record = detail::needs_grad({&input, &weight, &bias}, "conv2d");
  dispatch(input.dtype(), [&]<class T>() {
    const std::int64_t sp = g.spatial(), in_image = g.c * g.h * g.w;
    const detail::Mat<T> w2{elements<T>(w), g.f, g.ckk(), g.ckk(), 1};
    const T* px = elements<T>(x);
    const T* pb = b.defined() ? elements<T>(b) : nullptr;
    T* po = elements<T>(out);
    over_images(g.n, g.ckk() * sp, [&](std::int64_t begin, std::int64_t end) {
      ImageScratch<T> scratch(g);
      for (std::int64_t k = begin; k < end; ++k) {
        scratch.columns_of(px + k * in_image, g);
        // Y = W2 cols is [F, S]: image k's NCHW output as it stands.
        T* y = po + k * g.f * sp;
        if (pb != nullptr) {
          for (std::int64_t fi = 0; fi < g.f; ++fi) std::fill_n(y + fi * sp, sp, pb[fi]);
        }
        detail::gemm<T>(w2, detail::Mat<T>{scratch.cols.get(), g.ckk(), sp, sp, 1}, y,
                        pb != nullptr ? T(1) : T(0));
      }
    });
  });
  if (record) {
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
  if (h * w > INT32_MAX) {
    detail::fail("max_pool2d: planes of " + s.str() + " exceed 2^31 elements");
  }
  const Tensor x = input.contiguous().detach();
  Tensor out = detail::empty_like_shape({s[0], s[1], oh, ow}, input.dtype());
  const PoolGeometry pg{planes, h, w, oh, ow, kernel, stride, padding};
  auto argmax = std::make_unique<detail::Storage>(
      static_cast<std::size_t>(planes * oh * ow) * sizeof(std::int32_t));
  dispatch(input.dtype(), [&]<class T>() {
    const T* px = elements<T>(x);
    T* po = elements<T>(out);
    auto* am = static_cast<std::int32_t*>(argmax->data);
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
