// Reductions: sum, mean, max and min over all elements or over axes (keepdim or not), and
// argmax. A reduction writes into a tensor of the "kept" shape (reduced axes of extent 1) walked
// with stride 0 along the reduced axes, so one strided loop serves every choice of axes.

#include "autograd.hpp"
#include "map.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gradflow {

using detail::dispatch;
using detail::elements;

namespace {

/// Which axes are reduced (normalised, deduplicated) and the kept and final shapes.
struct Reduction {
  std::array<bool, kMaxRank> reduced{};
  Shape kept;   // reduced axes with extent 1
  Shape final;  // kept, or without the reduced axes
  std::int64_t count = 1;  // elements per output
};

[[noreturn]] void fail_repeated(const char* op, std::int64_t axis,
                                const std::vector<std::int64_t>& axes, const Shape& shape) {
  std::string list;
  for (std::int64_t a : axes) list += (list.empty() ? "" : ",") + std::to_string(a);
  detail::fail(std::string(op) + ": axis " + std::to_string(axis) + " appears twice in axes [" +
               list + "] for shape " + shape.str() + "; name each axis once");
}

Reduction plan(const Shape& shape, const std::vector<std::int64_t>* axes, bool keepdim,
               const char* op) {
  Reduction r;
  if (axes == nullptr) {
    for (std::size_t d = 0; d < shape.size(); ++d) r.reduced[d] = true;
  } else {
    for (std::int64_t a : *axes) {
      const auto d = static_cast<std::size_t>(normalize_axis(a, shape.size(), op));
      // As torch: a repeated axis is a mistake (and mean would count its extent twice).
      if (r.reduced[d]) fail_repeated(op, a, *axes, shape);
      r.reduced[d] = true;
    }
  }
  for (std::size_t d = 0; d < shape.size(); ++d) {
    r.kept.push_back(r.reduced[d] ? 1 : shape[d]);
    if (r.reduced[d]) r.count *= shape[d];
    if (!r.reduced[d] || keepdim) r.final.push_back(r.reduced[d] ? 1 : shape[d]);
  }
  return r;
}

/// g (kept shape, contiguous) repeated to `shape` as a new contiguous tensor.
Tensor broadcast_copy(const Tensor& g, const Shape& shape) {
  Tensor out = detail::empty_like_shape(shape, g.dtype());
  const Shape gs = detail::broadcast_strides(g, shape);
  dispatch(g.dtype(), [&]<class T>() {
    detail::map1<T>(elements<T>(out), shape, elements<T>(g), gs, [](T v) { return v; });
  });
  return out;
}

struct SumStep final : detail::TensorStep {
  SumStep(Shape input, Shape kept) : TensorStep("sum"), input_(input), kept_(kept) {}
  void run(Tensor g) override {
    const Tensor gk = detail::make_view(g, kept_, contiguous_strides(kept_), 0);
    give(0, broadcast_copy(gk, input_));
  }
  Shape input_, kept_;
};

Tensor sum_impl(const Tensor& a, const std::vector<std::int64_t>* axes, bool keepdim) {
  detail::check_defined(a, "sum");
  const Reduction r = plan(a.shape(), axes, keepdim, "sum");
  Tensor kept = Tensor::zeros(r.kept, a.dtype());
  if (axes == nullptr && a.is_contiguous() && a.numel() >= 2 * detail::kParallelGrain) {
    // All elements of a large tensor: partial sums over fixed blocks, added in order. The
    // blocks do not depend on the thread count, so neither does the result.
    const std::int64_t n = a.numel();
    const std::int64_t per = detail::kParallelGrain;
    std::vector<double> partial(static_cast<std::size_t>((n + per - 1) / per), 0.0);
    dispatch(a.dtype(), [&]<class T>() {
      const T* x = elements<T>(a);
      detail::parallel_range(n, per, detail::kParallelGrain, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t c = b; c < e; c += per) {
          double s = 0.0;
          const T* px = x + c;
          for (std::int64_t i = 0; i < std::min(per, e - c); ++i) s += static_cast<double>(px[i]);
          partial[static_cast<std::size_t>(c / per)] = s;
        }
      });
      double total = 0.0;
      for (double s : partial) total += s;
      *elements<T>(kept) = static_cast<T>(total);
    });
  } else {
    detail::add_into(kept, a);
  }
  Tensor out = keepdim ? kept : detail::make_view(kept, r.final, contiguous_strides(r.final), 0);
  if (detail::needs_grad({&a}, "sum")) {
    detail::record(out, std::make_unique<SumStep>(a.shape(), r.kept), {&a});
  }
  return out;
}

// ---- max and min -------------------------------------------------------------------------

template <bool IsMax>
struct ExtremumStep final : detail::TensorStep {
  ExtremumStep(const Tensor& x, const Tensor& kept)
      : TensorStep(IsMax ? "max" : "min"), x_(x), kept_(kept) {}
  // The gradient goes to the elements equal to the extremum, shared evenly between ties.
  void run(Tensor g) override {
    const Tensor& x = x_.get(name());
    const Tensor& kept = kept_.get(name());
    const Shape& shape = x.shape();
    const Tensor gk = detail::make_view(g, kept.shape(), contiguous_strides(kept.shape()), 0);
    Tensor count = Tensor::zeros(kept.shape(), x.dtype());
    const Shape ks = detail::broadcast_strides(kept, shape);
    const Shape os = contiguous_strides(shape);
    Tensor gx = detail::empty_like_shape(shape, x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
      const T* px = elements<T>(x);
      const T* pk = elements<T>(kept);
      T* pc = elements<T>(count);
      const detail::StridedLoop<2> loop(shape, {&x.strides(), &ks});
      loop.run(0, loop.numel, [&](const auto& off, const auto& st, std::int64_t n) {
        for (std::int64_t i = 0; i < n; ++i) {
          if (px[off[0] + i * st[0]] == pk[off[1] + i * st[1]]) pc[off[1] + i * st[1]] += T(1);
        }
      });
      const T* pg = elements<T>(gk);
      T* r = elements<T>(gx);
      const detail::StridedLoop<3> loop3(shape, {&os, &x.strides(), &ks});
      loop3.run(0, loop3.numel, [&](const auto& off, const auto& st, std::int64_t n) {
        for (std::int64_t i = 0; i < n; ++i) {
          const std::int64_t k = off[2] + i * st[2];
          r[off[0] + i * st[0]] = px[off[1] + i * st[1]] == pk[k] ? pg[k] / pc[k] : T(0);
        }
      });
    });
    give(0, std::move(gx));
  }
  detail::Saved x_, kept_;
};

template <bool IsMax>
Tensor extremum(const Tensor& a, const std::vector<std::int64_t>* axes, bool keepdim) {
  const char* op = IsMax ? "max" : "min";
  detail::check_defined(a, op);
  const Reduction r = plan(a.shape(), axes, keepdim, op);
  if (r.count == 0 && a.numel() == 0 && r.kept.numel() != 0) {
    detail::fail(std::string(op) + ": cannot reduce over an empty axis (input shape " +
                 a.shape().str() + "): the extremum of no elements is undefined");
  }
  if (a.numel() == 0 && axes == nullptr) {
    detail::fail(std::string(op) + ": the tensor of shape " + a.shape().str() +
                 " has no elements");
  }
  const double init = IsMax ? -std::numeric_limits<double>::infinity()
                            : std::numeric_limits<double>::infinity();
  Tensor kept = Tensor::full(r.kept, init, a.dtype());
  const Shape ks = detail::broadcast_strides(kept, a.shape());
  dispatch(a.dtype(), [&]<class T>() {
    const T* px = elements<T>(a);
    T* pk = elements<T>(kept);
    const detail::StridedLoop<2> loop(a.shape(), {&ks, &a.strides()});
    loop.run(0, loop.numel, [&](const auto& off, const auto& st, std::int64_t n) {
      for (std::int64_t i = 0; i < n; ++i) {
        T& k = pk[off[0] + i * st[0]];
        const T v = px[off[1] + i * st[1]];
        // NaN propagates: a comparison with NaN is false, so test for it explicitly.
        if (v != v || (IsMax ? v > k : v < k)) k = v;
      }
    });
  });
  Tensor out = keepdim ? kept : detail::make_view(kept, r.final, contiguous_strides(r.final), 0);
  if (detail::needs_grad({&a}, op)) {
    detail::record(out, std::make_unique<ExtremumStep<IsMax>>(a, kept), {&a});
  }
  return out;
}

}  // namespace

Tensor sum(const Tensor& a) { return sum_impl(a, nullptr, false); }
Tensor sum(const Tensor& a, const std::vector<std::int64_t>& axes, bool keepdim) {
  return sum_impl(a, &axes, keepdim);
}
Tensor sum(const Tensor& a, std::int64_t axis, bool keepdim) {
  return sum(a, std::vector<std::int64_t>{axis}, keepdim);
}

Tensor mean(const Tensor& a) {
  detail::check_defined(a, "mean");
  return sum(a) * (1.0 / static_cast<double>(a.numel()));
}
Tensor mean(const Tensor& a, const std::vector<std::int64_t>& axes, bool keepdim) {
  detail::check_defined(a, "mean");
  const Reduction r = plan(a.shape(), &axes, keepdim, "mean");
  return sum(a, axes, keepdim) * (1.0 / static_cast<double>(r.count));
}
Tensor mean(const Tensor& a, std::int64_t axis, bool keepdim) {
  return mean(a, std::vector<std::int64_t>{axis}, keepdim);
}

Tensor max(const Tensor& a) { return extremum<true>(a, nullptr, false); }
Tensor max(const Tensor& a, const std::vector<std::int64_t>& axes, bool keepdim) {
  return extremum<true>(a, &axes, keepdim);
}
Tensor max(const Tensor& a, std::int64_t axis, bool keepdim) {
  return max(a, std::vector<std::int64_t>{axis}, keepdim);
}
Tensor min(const Tensor& a) { return extremum<false>(a, nullptr, false); }
Tensor min(const Tensor& a, const std::vector<std::int64_t>& axes, bool keepdim) {
  return extremum<false>(a, &axes, keepdim);
}
Tensor min(const Tensor& a, std::int64_t axis, bool keepdim) {
  return min(a, std::vector<std::int64_t>{axis}, keepdim);
}

std::vector<std::int64_t> argmax(const Tensor& a, std::int64_t axis) {
  detail::check_defined(a, "argmax");
  const int ax = normalize_axis(axis, a.shape().size(), "argmax");
  const Shape& s = a.shape();
  const std::int64_t n = s[static_cast<std::size_t>(ax)];
  if (n == 0) detail::fail("argmax: axis " + std::to_string(axis) + " of " + s.str() + " is empty");
  std::int64_t outer = 1, inner = 1;
  for (int d = 0; d < ax; ++d) outer *= s[static_cast<std::size_t>(d)];
  for (std::size_t d = static_cast<std::size_t>(ax) + 1; d < s.size(); ++d) inner *= s[d];
  const Tensor c = a.is_contiguous() ? a : detail::copy_values(a);
  std::vector<std::int64_t> out(static_cast<std::size_t>(outer * inner));
  dispatch(a.dtype(), [&]<class T>() {
    const T* x = elements<T>(c);
    for (std::int64_t o = 0; o < outer; ++o) {
      for (std::int64_t i = 0; i < inner; ++i) {
        // A NaN counts as the largest value, as in PyTorch and NumPy (and as max() propagates
        // it): the first NaN is the answer, so the scan stops there.
        const T* line = x + o * n * inner + i;
        std::int64_t best = 0;
        for (std::int64_t k = 1; k < n && !std::isnan(line[best * inner]); ++k) {
          const T v = line[k * inner];
          if (std::isnan(v) || v > line[best * inner]) best = k;
        }
        out[static_cast<std::size_t>(o * inner + i)] = best;
      }
    }
  });
  return out;
}

}  // namespace gradflow
