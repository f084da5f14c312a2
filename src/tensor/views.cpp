// Views (reshape, transpose, permute, slice, select, expand, ...) and their gradients.
//
// A view shares values with its input through other strides. Its backward is the same view
// taken of a zero tensor of the input's shape, into which the output's gradient is added: one
// step (ViewStep) serves every view, and expand's gradient (a sum over the repeated axes) comes
// out of the same add, because a stride-0 axis accumulates.

#include "autograd.hpp"
#include "kernels.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <algorithm>
#include <numeric>
#include <string>

namespace gradflow {

namespace {

/// Where a view's elements are, as shape, strides and offset.
struct Layout {
  Shape shape;
  Shape strides;
  std::int64_t offset = 0;
};

Layout layout_of(const Tensor& t) { return {t.shape(), t.strides(), t.impl().offset}; }
Layout contiguous_layout(const Shape& s) { return {s, contiguous_strides(s), 0}; }

struct ViewStep final : detail::TensorStep {
  ViewStep(std::string_view name, Shape input, Layout rel)
      : TensorStep(name), input_(input), rel_(std::move(rel)) {}
  void run(Tensor g) override {
    // A permutation (transpose) whose gradient arrives already laid out as the view of a
    // contiguous input (Note [Gradients in the operand's layout] in matmul.cpp): its buffer is
    // that input's gradient as it stands, so no scatter is needed.
    if (rel_.offset == 0 && g.impl().offset == 0 && g.strides() == rel_.strides &&
        g.shape().numel() == input_.numel() &&
        g.impl().storage->bytes >= static_cast<std::size_t>(input_.numel()) * dtype_size(g.dtype())) {
      Tensor gx = detail::make_view(g, input_, contiguous_strides(input_), 0);
      g = Tensor();  // gx alone holds the buffer now, so a leaf adopts it without a copy
      give(0, std::move(gx));
      return;
    }
    Tensor gx = Tensor::zeros(input_, g.dtype());
    detail::add_into(detail::make_view(gx, rel_.shape, rel_.strides, rel_.offset), g);
    give(0, std::move(gx));
  }
  bool takes_any_layout() const override { return true; }
  Shape input_;
  Layout rel_;  // the view, taken of a contiguous tensor of the input's shape
};

struct ReshapeStep final : detail::TensorStep {
  explicit ReshapeStep(Shape input) : TensorStep("reshape"), input_(input) {}
  void run(Tensor g) override {
    give(0, detail::make_view(g, input_, contiguous_strides(input_), 0));
  }
  Shape input_;
};

/// Applies a layout transformation to the input itself and to a contiguous layout of its
/// shape (for the backward), and records the view.
template <class F>
Tensor view_op(const Tensor& x, std::string_view name, F transform) {
  detail::check_defined(x, name);
  const Layout actual = transform(layout_of(x));
  Tensor out = detail::make_view(x, actual.shape, actual.strides, actual.offset);
  if (detail::needs_grad({&x}, name)) {
    detail::record(out,
                   std::make_unique<ViewStep>(name, x.shape(), transform(contiguous_layout(x.shape()))),
                   {&x});
  }
  return out;
}

Shape infer_shape(const Shape& wanted, std::int64_t numel, const char* op, const Shape& from) {
  auto fail_size = [&] {
    detail::fail(std::string(op) + ": cannot reshape " + from.str() + " (" + std::to_string(numel) +
                 " elements) to " + wanted.str());
  };
  Shape s = wanted;
  int unknown = -1;
  Shape given;  // the extents other than the -1
  for (std::size_t d = 0; d < s.size(); ++d) {
    if (s[d] == -1) {
      if (unknown >= 0) detail::fail(std::string(op) + ": only one extent may be -1 in " + wanted.str());
      unknown = static_cast<int>(d);
    } else if (s[d] < 0) {
      detail::fail(std::string(op) + ": negative extent in " + wanted.str());
    } else {
      given.push_back(s[d]);
    }
  }
  const bool zero = std::find(given.begin(), given.end(), 0) != given.end();
  if (!extents_fit_int64(given)) {
    // No tensor has such a shape, whatever the input's size.
    detail::fail(std::string(op) + ": target shape " + wanted.str() +
                 (zero ? ": its nonzero extents multiply to more than fit in int64"
                       : " has more elements than fit in int64") +
                 " (the input " + from.str() + " has " + std::to_string(numel) + " elements)");
  }
  const std::int64_t known = given.numel();  // fits, as tested
  if (unknown >= 0) {
    if (known == 0 || numel % known != 0) fail_size();
    s[static_cast<std::size_t>(unknown)] = numel / known;
  } else if (known != numel) {
    fail_size();
  }
  return s;
}

}  // namespace

Tensor Tensor::reshape(const Shape& shape) const {
  const Shape s = infer_shape(shape, numel(), "reshape", this->shape());
  const Tensor base = is_contiguous() ? *this : detail::copy_values(*this);
  Tensor out = detail::make_view(base, s, contiguous_strides(s), base.impl().offset);
  if (detail::needs_grad({this}, "reshape")) {
    detail::record(out, std::make_unique<ReshapeStep>(this->shape()), {this});
  }
  return out;
}

Tensor Tensor::view(const Shape& shape) const {
  if (!is_contiguous()) {
    detail::fail("view: the tensor of shape " + this->shape().str() +
                 " is not contiguous, so it cannot be viewed as " + shape.str() +
                 " without a copy; use reshape() (which copies) or contiguous() first");
  }
  return reshape(shape);
}

Tensor Tensor::flatten(std::int64_t start, std::int64_t end) const {
  const std::size_t r = shape().size();
  if (r == 0) return reshape({1});
  const int s = normalize_axis(start, r, "flatten");
  const int e = normalize_axis(end, r, "flatten");
  if (s > e) detail::fail("flatten: start axis " + std::to_string(start) + " is after end axis " + std::to_string(end));
  Shape out;
  for (int d = 0; d < s; ++d) out.push_back(shape()[static_cast<std::size_t>(d)]);
  std::int64_t merged = 1;
  for (int d = s; d <= e; ++d) merged *= shape()[static_cast<std::size_t>(d)];
  out.push_back(merged);
  for (std::size_t d = static_cast<std::size_t>(e) + 1; d < r; ++d) out.push_back(shape()[d]);
  return reshape(out);
}

namespace {
// The view with axis i taken from axis axes[i], recorded under `name`: transpose is a permute
// too, but a diagram and an error should say which the user called.
Tensor permuted(const Tensor& x, const std::vector<int>& axes, std::string_view name) {
  return view_op(x, name, [&](const Layout& l) {
    Layout o{Shape(), Shape(), l.offset};
    for (int a : axes) {
      o.shape.push_back(l.shape[static_cast<std::size_t>(a)]);
      o.strides.push_back(l.strides[static_cast<std::size_t>(a)]);
    }
    return o;
  });
}
}  // namespace

Tensor Tensor::permute(const std::vector<std::int64_t>& dims) const {
  const std::size_t r = shape().size();
  if (dims.size() != r) {
    detail::fail("permute: " + std::to_string(dims.size()) + " axes given for a " +
                 std::to_string(r) + "-d tensor of shape " + shape().str());
  }
  std::vector<int> axes;
  std::vector<bool> seen(r, false);
  for (std::int64_t d : dims) {
    const int a = normalize_axis(d, r, "permute");
    if (seen[static_cast<std::size_t>(a)]) detail::fail("permute: axis " + std::to_string(d) + " repeated");
    seen[static_cast<std::size_t>(a)] = true;
    axes.push_back(a);
  }
  return permuted(*this, axes, "permute");
}

Tensor Tensor::transpose(std::int64_t a, std::int64_t b) const {
  const std::size_t r = shape().size();
  std::vector<int> axes(r);
  std::iota(axes.begin(), axes.end(), 0);
  const int ia = normalize_axis(a, r, "transpose");
  const int ib = normalize_axis(b, r, "transpose");
  std::swap(axes[static_cast<std::size_t>(ia)], axes[static_cast<std::size_t>(ib)]);
  return permuted(*this, axes, "transpose");
}

Tensor Tensor::t() const {
  if (dim() != 2) detail::fail("t(): needs a 2-d tensor, got shape " + shape().str());
  return transpose(0, 1);
}

Tensor Tensor::unsqueeze(std::int64_t axis) const {
  const int a = normalize_axis(axis, shape().size() + 1, "unsqueeze");
  Shape s;
  for (std::size_t d = 0; d < shape().size(); ++d) {
    if (static_cast<int>(d) == a) s.push_back(1);
    s.push_back(shape()[d]);
  }
  if (a == static_cast<int>(shape().size())) s.push_back(1);
  return reshape(s);
}

Tensor Tensor::squeeze(std::int64_t axis) const {
  const int a = normalize_axis(axis, shape().size(), "squeeze");
  if (shape()[static_cast<std::size_t>(a)] != 1) {
    detail::fail("squeeze: axis " + std::to_string(axis) + " of shape " + shape().str() +
                 " has extent " + std::to_string(shape()[static_cast<std::size_t>(a)]) + ", not 1");
  }
  Shape s;
  for (std::size_t d = 0; d < shape().size(); ++d) {
    if (static_cast<int>(d) != a) s.push_back(shape()[d]);
  }
  return reshape(s);
}

Tensor Tensor::slice(std::int64_t axis, std::int64_t start, std::int64_t end,
                     std::int64_t step) const {
  const int a = normalize_axis(axis, shape().size(), "slice");
  if (step <= 0) detail::fail("slice: step " + std::to_string(step) + "; it must be positive");
  const std::int64_t n = shape()[static_cast<std::size_t>(a)];
  auto clampi = [n](std::int64_t i) {
    if (i < 0) i += n;
    return i < 0 ? 0 : (i > n ? n : i);
  };
  const std::int64_t s = clampi(start);
  const std::int64_t e = clampi(end);
  // Written so that no step, however large, overflows: (e - s + step - 1) / step would.
  const std::int64_t len = e > s ? (e - s - 1) / step + 1 : 0;
  // With at most one element the step is never taken, and stride * step could overflow.
  const std::int64_t stride_step = len > 1 ? step : 1;
  return view_op(*this, "slice", [&](const Layout& l) {
    Layout o = l;
    const auto ua = static_cast<std::size_t>(a);
    o.offset += s * l.strides[ua];
    o.shape[ua] = len;
    o.strides[ua] = l.strides[ua] * stride_step;
    return o;
  });
}

Tensor Tensor::select(std::int64_t axis, std::int64_t index) const {
  const int a = normalize_axis(axis, shape().size(), "select");
  const std::int64_t n = shape()[static_cast<std::size_t>(a)];
  if (index < -n || index >= n) {
    detail::fail("select: index " + std::to_string(index) + " is out of range for axis " +
                 std::to_string(axis) + " of extent " + std::to_string(n) + " (shape " +
                 shape().str() + ")");
  }
  const std::int64_t i = index < 0 ? index + n : index;
  return view_op(*this, "select", [&](const Layout& l) {
    Layout o{Shape(), Shape(), l.offset + i * l.strides[static_cast<std::size_t>(a)]};
    for (std::size_t d = 0; d < l.shape.size(); ++d) {
      if (static_cast<int>(d) == a) continue;
      o.shape.push_back(l.shape[d]);
      o.strides.push_back(l.strides[d]);
    }
    return o;
  });
}

Tensor Tensor::expand(const Shape& target) const {
  check_shape(target, "expand");
  if (broadcast_shapes(shape(), target, "expand") != target) {
    detail::fail("expand: shape " + shape().str() + " cannot be expanded to " + target.str());
  }
  return view_op(*this, "expand", [&](const Layout& l) {
    Tensor probe = detail::make_view(*this, l.shape, l.strides, l.offset);
    return Layout{target, detail::broadcast_strides(probe, target), l.offset};
  });
}

Tensor reshape(const Tensor& a, const Shape& shape) { return a.reshape(shape); }
Tensor transpose(const Tensor& a, std::int64_t axis0, std::int64_t axis1) {
  return a.transpose(axis0, axis1);
}
Tensor permute(const Tensor& a, const std::vector<std::int64_t>& dims) { return a.permute(dims); }
Tensor flatten(const Tensor& a, std::int64_t start, std::int64_t end) {
  return a.flatten(start, end);
}

}  // namespace gradflow
