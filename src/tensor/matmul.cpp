// Matrix products through BLAS (CBLAS sgemm/dgemm): D = W X with dW = dD Xᵀ and dX = Wᵀ dD.
// Transposed views go to BLAS as they are (a transpose flag), so the backward's Xᵀ and Wᵀ
// cost no copies.

#include "autograd.hpp"
#include "blas.hpp"
#include "kernels.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <algorithm>
#include <climits>
#include <string>

namespace gradflow {

using detail::dispatch;
using detail::elements;

namespace {

using detail::Mat;
using detail::gemm;

/// True when BLAS can read the last two axes of t as they are (one of them unit-stride).
bool blas_compatible(const Tensor& t) {
  const std::size_t r = t.shape().size();
  const std::int64_t rows = t.shape()[r - 2], cols = t.shape()[r - 1];
  const std::int64_t rs = t.strides()[r - 2], cs = t.strides()[r - 1];
  if (rows <= 1 || cols <= 1) return true;  // strides of an extent-1 axis are never read
  return (cs == 1 && rs >= cols) || (rs == 1 && cs >= rows);
}

/// Matrix i of a 2-d or 3-d tensor (a 2-d one, or a batch extent of 1, repeats).
template <class T>
Mat<T> matrix(const Tensor& t, std::int64_t i) {
  const std::size_t r = t.shape().size();
  const std::int64_t batch = r == 3 && t.shape()[0] != 1 ? i * t.strides()[0] : 0;
  return {elements<T>(t) + batch, t.shape()[r - 2], t.shape()[r - 1], t.strides()[r - 2],
          t.strides()[r - 1]};
}

/// The product of 2-d/3-d operands (already checked) into a new contiguous tensor.
Tensor product(const Tensor& a, const Tensor& b, std::int64_t batches, const Shape& out_shape) {
  Tensor out = detail::empty_like_shape(out_shape, a.dtype());
  const std::int64_t m = a.shape()[a.dim() - 2], n = b.shape()[b.dim() - 1];
  dispatch(a.dtype(), [&]<class T>() {
    T* c = elements<T>(out);
    for (std::int64_t i = 0; i < batches; ++i) {
      gemm<T>(matrix<T>(a, i), matrix<T>(b, i), c + i * m * n, T(0));
    }
  });
  return out;
}

/// The same product with the first operand transposed or the second, for the backward.
Tensor product_t(const Tensor& a, bool ta, const Tensor& b, bool tb, std::int64_t batches,
                 const Shape& out_shape) {
  Tensor out = detail::empty_like_shape(out_shape, a.dtype());
  const std::int64_t m = out_shape[out_shape.size() - 2], n = out_shape[out_shape.size() - 1];
  dispatch(a.dtype(), [&]<class T>() {
    T* c = elements<T>(out);
    for (std::int64_t i = 0; i < batches; ++i) {
      const Mat<T> x = ta ? matrix<T>(a, i).t() : matrix<T>(a, i);
      const Mat<T> y = tb ? matrix<T>(b, i).t() : matrix<T>(b, i);
      gemm<T>(x, y, c + i * m * n, T(0));
    }
  });
  return out;
}

/// True when t is a 2-d matrix stored transposed (column-major: the transpose of a contiguous
/// matrix), as a Linear layer's weight.t() is.
bool stored_transposed(const Tensor& t) {
  if (t.dim() != 2 || t.shape()[0] <= 1 || t.shape()[1] <= 1) return false;
  return t.strides()[0] == 1 && t.strides()[1] == t.shape()[0];
}

/// The gradient of a matrix operand stored transposed, computed transposed: (Xᵀ)ᵀ as a view.
/// Note [Gradients in the operand's layout]: the gradient then reaches the tensor behind the
/// transpose (a Linear layer's weight) contiguous; computed in the view's own layout it would
/// need a strided transposing copy there, which took 9% of a Fashion-MNIST MLP epoch.
Tensor as_transposed(const Tensor& xt) {
  const std::int64_t rows = xt.shape()[1], cols = xt.shape()[0];
  return detail::make_view(xt, {rows, cols}, {1, rows}, 0);
}

struct MatmulStep final : detail::TensorStep {
  MatmulStep(const Tensor& a, const Tensor& b, std::int64_t batches)
      : TensorStep("matmul"), a_(a), b_(b), batches_(batches) {}
  void run(Tensor g) override {
    const Tensor& a = a_.get("matmul");
    const Tensor& b = b_.get("matmul");
    const std::int64_t m = a.shape()[a.dim() - 2], k = a.shape()[a.dim() - 1];
    const std::int64_t n = b.shape()[b.dim() - 1];
    const bool batched = g.dim() == 3;
    // dA = dD Bᵀ, dB = Aᵀ dD, per batch; a broadcast batch is summed by reduce_to.
    if (wants(0)) {
      if (!batched && stored_transposed(a)) {  // dAᵀ = B dDᵀ
        give(0, as_transposed(product_t(b, false, g, true, 1, {k, m})));
      } else {
        const Shape full = batched ? Shape{batches_, m, k} : Shape{m, k};
        give(0, detail::reduce_to(product_t(g, false, b, true, batches_, full), a.shape()));
      }
    }
    if (wants(1)) {
      if (!batched && stored_transposed(b)) {  // dBᵀ = dDᵀ A
        give(1, as_transposed(product_t(g, true, a, false, 1, {n, k})));
      } else {
        const Shape full = batched ? Shape{batches_, k, n} : Shape{k, n};
        give(1, detail::reduce_to(product_t(a, true, g, false, batches_, full), b.shape()));
      }
    }
  }
  detail::Saved a_, b_;
  std::int64_t batches_;
};

struct FoldedStep final : detail::TensorStep {
  // [B,M,K] x [K,N] computed as one [B*M,K] x [K,N] product.
  FoldedStep(const Tensor& a2, const Tensor& b) : TensorStep("matmul"), a_(a2), b_(b) {}
  void run(Tensor g) override {
    const Tensor& a = a_.get("matmul");
    const Tensor& b = b_.get("matmul");
    const Tensor g2 = detail::make_view(g, {a.shape()[0], b.shape()[1]},
                                        contiguous_strides({a.shape()[0], b.shape()[1]}), 0);
    if (wants(0)) {
      Tensor da = product_t(g2, false, b, true, 1, a.shape());
      give(0, detail::make_view(da, a3_, contiguous_strides(a3_), 0));
    }
    if (wants(1)) give(1, product_t(a, true, g2, false, 1, b.shape()));
  }
  detail::Saved a_, b_;
  Shape a3_;
};

[[noreturn]] void fail_shapes(const Tensor& a, const Tensor& b, const std::string& why) {
  detail::fail("matmul: " + a.shape().str() + " x " + b.shape().str() + ": " + why);
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  detail::check_defined(a, "matmul");
  detail::check_defined(b, "matmul");
  if (a.dim() == 0 || b.dim() == 0 || a.dim() > 3 || b.dim() > 3) {
    fail_shapes(a, b, "operands must be 1-d, 2-d or 3-d (batched)");
  }
  // Checked before a vector becomes a matrix, so that the message shows the caller's shapes.
  const std::int64_t k = a.shape()[a.dim() - 1];
  const std::int64_t kb = b.shape()[b.dim() == 1 ? 0 : b.dim() - 2];
  if (k != kb) {
    fail_shapes(a, b, "inner dimensions " + std::to_string(k) + " and " + std::to_string(kb) +
                          " differ");
  }
  // A vector becomes a matrix (row on the left, column on the right) and loses that axis after;
  // two vectors make a [1,1] product whose both axes go: their dot product, 0-d.
  if (a.dim() == 1 && b.dim() == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape({});
  if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
  if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
  detail::check_same_dtype(a, b, "matmul");
  const std::int64_t ba = a.dim() == 3 ? a.shape()[0] : 1;
  const std::int64_t bb = b.dim() == 3 ? b.shape()[0] : 1;
  if (ba != bb && ba != 1 && bb != 1) {
    fail_shapes(a, b, "batch extents " + std::to_string(ba) + " and " + std::to_string(bb) +
                          " do not broadcast");
  }
  const Tensor ac = blas_compatible(a) ? a : detail::copy_values(a);
  const Tensor bc = blas_compatible(b) ? b : detail::copy_values(b);
  const std::int64_t m = a.shape()[a.dim() - 2], n = b.shape()[b.dim() - 1];

  if (a.dim() == 3 && b.dim() == 2 && a.is_contiguous()) {
    const Shape a2{a.shape()[0] * m, k};
    const Tensor flat = detail::make_view(a, a2, contiguous_strides(a2), a.impl().offset);
    Tensor out2 = product(flat, bc, 1, {a2[0], n});
    Tensor out = detail::make_view(out2, {a.shape()[0], m, n}, contiguous_strides({a.shape()[0], m, n}), 0);
    if (detail::needs_grad({&a, &b}, "matmul")) {
      auto step = std::make_unique<FoldedStep>(flat, bc);
      step->a3_ = a.shape();
      detail::record(out, std::move(step), {&a, &b});
    }
    return out;
  }

  const std::int64_t batches = std::max(ba, bb);
  const bool batched = a.dim() == 3 || b.dim() == 3;
  const Shape out_shape = batched ? Shape{batches, m, n} : Shape{m, n};
  Tensor out = product(ac, bc, batches, out_shape);
  if (detail::needs_grad({&a, &b}, "matmul")) {
    detail::record(out, std::make_unique<MatmulStep>(ac, bc, batches), {&a, &b});
  }
  return out;
}

}  // namespace gradflow
