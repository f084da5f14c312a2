// Indexing and joining: index_select, gather, cat, stack; and the selections where, clamp and
// the comparisons. Gathers scatter-add their gradient back, so repeated indices add up.

#include "autograd.hpp"
#include "map.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <cmath>
#include <string>

namespace gradflow {

using detail::dispatch;
using detail::elements;

namespace {

Tensor contiguous_values(const Tensor& t) {
  return t.is_contiguous() ? t : detail::copy_values(t);
}

/// Extents before, along and after `axis`.
struct Split {
  std::int64_t outer = 1, n = 1, inner = 1;
};
Split split(const Shape& s, int axis) {
  Split r;
  for (int d = 0; d < axis; ++d) r.outer *= s[static_cast<std::size_t>(d)];
  r.n = s[static_cast<std::size_t>(axis)];
  for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < s.size(); ++d) r.inner *= s[d];
  return r;
}

// ---- index_select ------------------------------------------------------------------------

/// dst[o, index[k], i] += src[o, k, i] (scatter) or dst[o, k, i] = src[o, index[k], i].
template <bool Scatter, class T>
void index_rows(T* dst, const T* src, const Split& big, const std::vector<std::int64_t>& index) {
  const auto m = static_cast<std::int64_t>(index.size());
  for (std::int64_t o = 0; o < big.outer; ++o) {
    for (std::int64_t k = 0; k < m; ++k) {
      const std::int64_t j = index[static_cast<std::size_t>(k)];
      if constexpr (Scatter) {
        T* d = dst + (o * big.n + j) * big.inner;
        const T* s = src + (o * m + k) * big.inner;
        for (std::int64_t i = 0; i < big.inner; ++i) d[i] += s[i];
      } else {
        T* d = dst + (o * m + k) * big.inner;
        const T* s = src + (o * big.n + j) * big.inner;
        for (std::int64_t i = 0; i < big.inner; ++i) d[i] = s[i];
      }
    }
  }
}

struct IndexSelectStep final : detail::TensorStep {
  IndexSelectStep(Shape input, int axis, std::vector<std::int64_t> index)
      : TensorStep("index_select"), input_(input), axis_(axis), index_(std::move(index)) {}
  void run(Tensor g) override {
    Tensor gx = Tensor::zeros(input_, g.dtype());
    dispatch(g.dtype(), [&]<class T>() {
      index_rows<true, T>(elements<T>(gx), elements<T>(g), split(input_, axis_), index_);
    });
    give(0, std::move(gx));
  }
  Shape input_;
  int axis_;
  std::vector<std::int64_t> index_;
};

// ---- gather ------------------------------------------------------------------------------

/// For gather along `axis`: the element of `a` (contiguous) that output position p reads.
struct GatherMap {
  Split s;                  // of the index/output shape
  std::int64_t n_in = 1;    // a's extent along axis
  std::vector<std::int64_t> index;
  std::int64_t source(std::int64_t p) const {
    const std::int64_t i = p % s.inner;
    const std::int64_t o = p / (s.inner * s.n);
    return (o * n_in + index[static_cast<std::size_t>(p)]) * s.inner + i;
  }
};

struct GatherStep final : detail::TensorStep {
  GatherStep(Shape input, GatherMap map) : TensorStep("gather"), input_(input), map_(std::move(map)) {}
  void run(Tensor g) override {
    Tensor gx = Tensor::zeros(input_, g.dtype());
    dispatch(g.dtype(), [&]<class T>() {
      T* d = elements<T>(gx);
      const T* pg = elements<T>(g);
      for (std::int64_t p = 0, n = g.numel(); p < n; ++p) d[map_.source(p)] += pg[p];
    });
    give(0, std::move(gx));
  }
  Shape input_;
  GatherMap map_;
};

Tensor gather_impl(const Tensor& a, int axis, const Shape& index_shape,
                   std::vector<std::int64_t> index) {
  const Shape& s = a.shape();
  const std::int64_t n = s[static_cast<std::size_t>(axis)];
  for (std::size_t k = 0; k < index.size(); ++k) {
    if (index[k] < -n || index[k] >= n) {
      detail::fail("gather: index " + std::to_string(index[k]) + " at position " +
                   std::to_string(k) + " is out of range for axis " + std::to_string(axis) +
                   " of extent " + std::to_string(n) + " (input shape " + s.str() + ")");
    }
    if (index[k] < 0) index[k] += n;
  }
  const Tensor x = contiguous_values(a);
  GatherMap map{split(index_shape, axis), n, std::move(index)};
  Tensor out = detail::empty_like_shape(index_shape, a.dtype());
  dispatch(a.dtype(), [&]<class T>() {
    const T* px = elements<T>(x);
    T* o = elements<T>(out);
    for (std::int64_t p = 0, m = out.numel(); p < m; ++p) o[p] = px[map.source(p)];
  });
  if (detail::needs_grad({&a}, "gather")) {
    detail::record(out, std::make_unique<GatherStep>(s, std::move(map)), {&a});
  }
  return out;
}

// ---- cat ---------------------------------------------------------------------------------

struct CatStep final : detail::TensorStep {
  CatStep(int axis, std::vector<std::int64_t> starts, std::vector<Shape> shapes)
      : TensorStep("cat"), axis_(axis), starts_(std::move(starts)), shapes_(std::move(shapes)) {}
  void run(Tensor g) override {
    for (std::size_t i = 0; i < shapes_.size(); ++i) {
      if (!wants(i)) continue;
      const std::int64_t len = shapes_[i][static_cast<std::size_t>(axis_)];
      give(i, detail::copy_values(g.slice(axis_, starts_[i], starts_[i] + len)));
    }
  }
  int axis_;
  std::vector<std::int64_t> starts_;
  std::vector<Shape> shapes_;
};

// ---- where and clamp ---------------------------------------------------------------------

struct WhereStep final : detail::TensorStep {
  WhereStep(const Tensor& cond, Shape sa, Shape sb)
      : TensorStep("where"), cond_(cond), sa_(sa), sb_(sb) {}
  void run(Tensor g) override {
    const Tensor& c = cond_.get("where");
    const Shape& shape = g.shape();
    const Shape cs = detail::broadcast_strides(c, shape);
    for (std::size_t which = 0; which < 2; ++which) {
      if (!wants(which)) continue;
      Tensor full = detail::empty_like_shape(shape, g.dtype());
      dispatch(g.dtype(), [&]<class T>() {
        detail::map2<T>(elements<T>(full), shape, elements<T>(g), g.strides(), elements<T>(c), cs,
                        [which](T gv, T cv) { return (cv != T(0)) == (which == 0) ? gv : T(0); });
      });
      give(which, detail::reduce_to(std::move(full), which == 0 ? sa_ : sb_));
    }
  }
  detail::Saved cond_;
  Shape sa_, sb_;
};

struct ClampStep final : detail::TensorStep {
  ClampStep(const Tensor& x, double lo, double hi) : TensorStep("clamp"), x_(x), lo_(lo), hi_(hi) {}
  // The gradient passes where lo <= x <= hi (PyTorch's convention at the bounds).
  void run(Tensor g) override {
    const Tensor& x = x_.get("clamp");
    Tensor gx = detail::empty_like_shape(x.shape(), x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
      const double lo = lo_, hi = hi_;
      detail::map2<T>(elements<T>(gx), x.shape(), elements<T>(g), g.strides(), elements<T>(x),
                      x.strides(), [lo, hi](T gv, T xv) {
                        const auto v = static_cast<double>(xv);
                        return v >= lo && v <= hi ? gv : T(0);
                      });
    });
    give(0, std::move(gx));
  }
  detail::Saved x_;
  double lo_, hi_;
};

template <class Cmp>
Tensor compare(const Tensor& a, const Tensor& b, const char* op, Cmp cmp) {
  detail::check_defined(a, op);
  detail::check_defined(b, op);
  if (a.dtype() != b.dtype()) {
    // A comparison has no gradient: the 0-d operand's conversion is not recorded either, so
    // that it reads the values of a tensor from an old graph as the same-dtype form does.
    const auto [x, y] = detail::match_dtypes(a.detach(), b.detach(), op);
    return compare(x, y, op, cmp);
  }
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  Tensor out = detail::empty_like_shape(shape, a.dtype());
  dispatch(a.dtype(), [&]<class T>() {
    detail::map2<T>(elements<T>(out), shape, elements<T>(a), detail::broadcast_strides(a, shape),
                    elements<T>(b), detail::broadcast_strides(b, shape),
                    [cmp](T x, T y) { return cmp(x, y) ? T(1) : T(0); });
  });
  return out;
}

}  // namespace

Tensor index_select(const Tensor& a, std::int64_t axis, const std::vector<std::int64_t>& index) {
  detail::check_defined(a, "index_select");
  const int ax = normalize_axis(axis, a.shape().size(), "index_select");
  const Split big = split(a.shape(), ax);
  std::vector<std::int64_t> idx = index;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    if (idx[k] < -big.n || idx[k] >= big.n) {
      detail::fail("index_select: index " + std::to_string(idx[k]) + " at position " +
                   std::to_string(k) + " is out of range for axis " + std::to_string(axis) +
                   " of extent " + std::to_string(big.n) + " (shape " + a.shape().str() + ")");
    }
    if (idx[k] < 0) idx[k] += big.n;
  }
  Shape out_shape = a.shape();
  out_shape[static_cast<std::size_t>(ax)] = static_cast<std::int64_t>(idx.size());
  const Tensor x = contiguous_values(a);
  Tensor out = detail::empty_like_shape(out_shape, a.dtype());
  dispatch(a.dtype(), [&]<class T>() { index_rows<false, T>(elements<T>(out), elements<T>(x), big, idx); });
  if (detail::needs_grad({&a}, "index_select")) {
    detail::record(out, std::make_unique<IndexSelectStep>(a.shape(), ax, std::move(idx)), {&a});
  }
  return out;
}

Tensor gather(const Tensor& a, std::int64_t axis, const Tensor& index) {
  detail::check_defined(a, "gather");
  detail::check_defined(index, "gather");
  const int ax = normalize_axis(axis, a.shape().size(), "gather");
  bool ok = index.dim() == a.dim();
  for (std::size_t d = 0; ok && d < a.shape().size(); ++d) {
    ok = static_cast<int>(d) == ax || index.shape()[d] == a.shape()[d];
  }
  if (!ok) {
    detail::fail("gather: index of shape " + index.shape().str() + " does not fit input " +
                 a.shape().str() + " along axis " + std::to_string(axis) +
                 ": all other extents must be equal");
  }
  const std::vector<double> values = index.to_vector();
  std::vector<std::int64_t> idx(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (values[k] != std::floor(values[k]) || !std::isfinite(values[k])) {
      detail::fail("gather: index value " + detail::number_str(values[k]) + " at position " +
                   std::to_string(k) + " is not an integer");
    }
    // Converting a double outside int64's range is undefined; no such index is in range.
    if (!(std::fabs(values[k]) < 0x1p63)) {
      detail::fail("gather: index " + detail::number_str(values[k]) + " at position " +
                   std::to_string(k) + " is out of range for axis " + std::to_string(axis) +
                   " (input shape " + a.shape().str() + ")");
    }
    idx[k] = static_cast<std::int64_t>(values[k]);
  }
  return gather_impl(a, ax, index.shape(), std::move(idx));
}

Tensor gather(const Tensor& a, std::int64_t axis, const std::vector<std::int64_t>& index) {
  detail::check_defined(a, "gather");
  const int ax = normalize_axis(axis, a.shape().size(), "gather");
  Shape index_shape = a.shape();
  index_shape[static_cast<std::size_t>(ax)] = 1;
  if (index_shape.numel() != static_cast<std::int64_t>(index.size())) {
    detail::fail("gather: " + std::to_string(index.size()) + " indices for input " +
                 a.shape().str() + " along axis " + std::to_string(axis) + "; expected one per " +
                 "position of the other axes (" + std::to_string(index_shape.numel()) + ")");
  }
  return gather_impl(a, ax, index_shape, index);
}

Tensor cat(const std::vector<Tensor>& tensors, std::int64_t axis) {
  if (tensors.empty()) detail::fail("cat: no tensors to join");
  for (const Tensor& t : tensors) detail::check_defined(t, "cat");
  const Tensor& first = tensors.front();
  const int ax = normalize_axis(axis, first.shape().size(), "cat");
  Shape out_shape = first.shape();
  std::int64_t total = 0;
  std::vector<std::int64_t> starts;
  std::vector<Shape> shapes;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    detail::check_same_dtype(first, t, "cat");
    bool ok = t.dim() == first.dim();
    for (std::size_t d = 0; ok && d < first.shape().size(); ++d) {
      ok = static_cast<int>(d) == ax || t.shape()[d] == first.shape()[d];
    }
    if (!ok) {
      detail::fail("cat: tensor " + std::to_string(i) + " has shape " + t.shape().str() +
                   " but tensor 0 has " + first.shape().str() + "; all extents but axis " +
                   std::to_string(axis) + " must be equal");
    }
    starts.push_back(total);
    shapes.push_back(t.shape());
    if (__builtin_add_overflow(total, t.shape()[static_cast<std::size_t>(ax)], &total)) {
      // Only views (expand) and empty tensors can have such extents.
      detail::fail("cat: the extents along axis " + std::to_string(axis) + " of the " +
                   std::to_string(tensors.size()) + " tensors (the first " + first.shape().str() +
                   ") add up to more than fit in int64");
    }
  }
  out_shape[static_cast<std::size_t>(ax)] = total;
  Tensor out = Tensor::empty(out_shape, first.dtype());
  {
    NoGradGuard no_grad;  // the copies into the slices are part of this op, not recorded ops
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      const Tensor dst = out.slice(ax, starts[i], starts[i] + shapes[i][static_cast<std::size_t>(ax)]);
      const Tensor src = tensors[i];
      dispatch(first.dtype(), [&]<class T>() {
        const detail::StridedLoop<2> loop(src.shape(), {&dst.strides(), &src.strides()});
        T* pd = elements<T>(dst);
        const T* ps = elements<T>(src);
        loop.run(0, loop.numel, [&](const auto& off, const auto& st, std::int64_t n) {
          for (std::int64_t k = 0; k < n; ++k) pd[off[0] + k * st[0]] = ps[off[1] + k * st[1]];
        });
      });
    }
  }
  if (detail::needs_grad(tensors, "cat")) {
    detail::record(out, std::make_unique<CatStep>(ax, std::move(starts), std::move(shapes)), tensors);
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, std::int64_t axis) {
  if (tensors.empty()) detail::fail("stack: no tensors to stack");
  std::vector<Tensor> expanded;
  expanded.reserve(tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    detail::check_defined(tensors[i], "stack");
    if (tensors[i].shape() != tensors[0].shape()) {
      detail::fail("stack: tensor " + std::to_string(i) + " has shape " +
                   tensors[i].shape().str() + " but tensor 0 has " + tensors[0].shape().str() +
                   "; stacked tensors must have equal shapes");
    }
    expanded.push_back(tensors[i].unsqueeze(normalize_axis(axis, tensors[0].shape().size() + 1, "stack")));
  }
  return cat(expanded, axis);
}

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  detail::check_defined(condition, "where");
  detail::check_defined(a, "where");
  detail::check_defined(b, "where");
  if (a.dtype() != b.dtype()) {
    const auto [x, y] = detail::match_dtypes(a, b, "where");
    return where(condition, x, y);
  }
  const Shape shape = broadcast_shapes(broadcast_shapes(condition.shape(), a.shape(), "where"),
                                       b.shape(), "where");
  const Tensor c = condition.detach().to(a.dtype());
  Tensor out = detail::empty_like_shape(shape, a.dtype());
  dispatch(a.dtype(), [&]<class T>() {
    detail::map3<T>(elements<T>(out), shape, elements<T>(c), detail::broadcast_strides(c, shape),
                    elements<T>(a), detail::broadcast_strides(a, shape), elements<T>(b),
                    detail::broadcast_strides(b, shape),
                    [](T cv, T x, T y) { return cv != T(0) ? x : y; });
  });
  if (detail::needs_grad({&a, &b}, "where")) {
    detail::record(out, std::make_unique<WhereStep>(c, a.shape(), b.shape()), {&a, &b});
  }
  return out;
}

namespace {
// A NaN bound would compare false with everything and so clamp nothing, silently: an Error.

void check_bounds(double lo, double hi) {
  if (std::isnan(lo) || std::isnan(hi)) {
    detail::fail("clamp: bounds " + detail::number_str(lo) + " and " + detail::number_str(hi) +
                 ": a bound is NaN; for no bound pass -INFINITY or INFINITY, or use clamp_min "
                 "or clamp_max");
  }
  if (lo > hi) {
    detail::fail("clamp: lower bound " + detail::number_str(lo) + " is above upper bound " +
                 detail::number_str(hi));
  }
}

/// clamp_min's or clamp_max's one bound; `none` is the bound that clamps nothing.
void check_bound(double bound, const char* op, const char* none) {
  if (std::isnan(bound)) {
    detail::fail(std::string(op) + ": the bound is NaN; for no bound pass " + none);
  }
}

/// a clamped to [lo, hi], bounds already checked; Error names `op`.
Tensor clamp_values(const Tensor& a, double lo, double hi, const char* op) {
  detail::check_defined(a, op);
  Tensor out = detail::map_unary(a, [lo, hi](auto v) {
    const auto x = static_cast<double>(v);
    return x < lo ? lo : (x > hi ? hi : x);
  });
  if (detail::needs_grad({&a}, op)) {
    detail::record(out, std::make_unique<ClampStep>(a, lo, hi), {&a});
  }
  return out;
}
}  // namespace

Tensor clamp(const Tensor& a, double lo, double hi) {
  check_bounds(lo, hi);
  return clamp_values(a, lo, hi, "clamp");
}
Tensor clamp_min(const Tensor& a, double lo) {
  check_bound(lo, "clamp_min", "-INFINITY");
  return clamp_values(a, lo, HUGE_VAL, "clamp_min");
}
Tensor clamp_max(const Tensor& a, double hi) {
  check_bound(hi, "clamp_max", "INFINITY");
  return clamp_values(a, -HUGE_VAL, hi, "clamp_max");
}

Tensor gt(const Tensor& a, const Tensor& b) { return compare(a, b, "gt", [](auto x, auto y) { return x > y; }); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare(a, b, "lt", [](auto x, auto y) { return x < y; }); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare(a, b, "ge", [](auto x, auto y) { return x >= y; }); }
Tensor le(const Tensor& a, const Tensor& b) { return compare(a, b, "le", [](auto x, auto y) { return x <= y; }); }
Tensor eq(const Tensor& a, const Tensor& b) { return compare(a, b, "eq", [](auto x, auto y) { return x == y; }); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare(a, b, "ne", [](auto x, auto y) { return x != y; }); }

}  // namespace gradflow
