// Elementwise operations from the gate table: one forward and one backward per gate shape
// (unary, parametric, binary), templated over the gate and the element type. The gate computes
// in double; a float32 element is widened and narrowed around it, which keeps each gate
// declared once and still vectorises (conversions are vector instructions too).

#include "autograd.hpp"
#include "map.hpp"

#include <gradflow/gates/table.hpp>
#include <gradflow/tensor/ops.hpp>

#include <string>
#include <tuple>
#include <type_traits>

namespace gradflow {

using detail::dispatch;
using detail::elements;

namespace {

Tensor contiguous_values(const Tensor& t) {
  return t.is_contiguous() ? t : detail::copy_values(t);
}

/// r[i] = g[i] * d(x[i], out[i]) for i in [b, e): the backward of every unary gate. Restrict
/// pointers and `omp simd` let the compiler vectorise it and if-convert the gates' branches.
template <class T, class D>
void local_grads(const T* __restrict x, const T* __restrict out, const T* __restrict g,
                 T* __restrict r, std::int64_t b, std::int64_t e, D d) {
#pragma omp simd
  for (std::int64_t i = b; i < e; ++i) {
    r[i] = static_cast<T>(static_cast<double>(g[i]) *
                          d(static_cast<double>(x[i]), static_cast<double>(out[i])));
  }
}

/// The input gradient of a one-input gate: g * d(x, out) elementwise, over threads.
template <class D>
Tensor one_input_grad(const Tensor& x, const Tensor& out, const Tensor& g, D d) {
  Tensor gx = detail::empty_like_shape(x.shape(), x.dtype());
  dispatch(x.dtype(), [&]<class T>() {
    const T* px = elements<T>(x);
    const T* po = elements<T>(out);
    const T* pg = elements<T>(g);
    T* r = elements<T>(gx);
    detail::parallel_range(x.numel(), 1, detail::kParallelGrain, [=](std::int64_t b, std::int64_t e) {
      local_grads<T>(px, po, pg, r, b, e, d);
    });
  });
  return gx;
}

// ---- unary gates ---------------------------------------------------------------------------

template <gates::UnaryGate G>
struct UnaryStep final : detail::TensorStep {
  UnaryStep(const Tensor& x, const Tensor& out) : TensorStep(G::name), x_(x), out_(out) {}
  void run(Tensor g) override {
    const Tensor x = contiguous_values(x_.get(G::name));
    give(0, one_input_grad(x, out_.get(G::name), g,
                           [](double xv, double ov) { return G::local_grad(xv, ov); }));
  }
  detail::Saved x_, out_;
};

template <gates::UnaryGate G>
Tensor apply_unary(const Tensor& x) {
  detail::check_defined(x, G::name);
  Tensor out = detail::map_unary(x, [](auto v) {
    return G::forward(static_cast<double>(v));
  });
  if (detail::needs_grad({&x}, G::name)) {
    detail::record(out, std::make_unique<UnaryStep<G>>(x, out), {&x});
  }
  return out;
}

// ---- gates with a constant -----------------------------------------------------------------

template <gates::ParametricGate G>
struct ParamStep final : detail::TensorStep {
  ParamStep(const Tensor& x, const Tensor& out, double c)
      : TensorStep(G::name), x_(x), out_(out), c_(c) {}
  void run(Tensor g) override {
    const double c = c_;
    if constexpr (std::is_same_v<G, gates::AddConst>) {
      give(0, std::move(g));  // d(x+c)/dx = 1: hand the gradient on as it is
    } else {
      const Tensor x = contiguous_values(x_.get(G::name));
      give(0, one_input_grad(x, out_.get(G::name), g,
                             [c](double xv, double ov) { return G::local_grad(xv, c, ov); }));
    }
  }
  detail::Saved x_, out_;
  double c_;
};

template <gates::ParametricGate G>
Tensor apply_param(const Tensor& x, double c) {
  detail::check_defined(x, G::name);
  Tensor out = detail::map_unary(x, [c](auto v) { return G::forward(static_cast<double>(v), c); });
  if (detail::needs_grad({&x}, G::name)) {
    detail::record(out, std::make_unique<ParamStep<G>>(x, out, c), {&x});
  }
  return out;
}

// ---- binary gates --------------------------------------------------------------------------

template <gates::BinaryGate G>
struct BinaryStep final : detail::TensorStep {
  BinaryStep(const Tensor& a, const Tensor& b, const Tensor& out)
      : TensorStep(G::name), a_(a), b_(b), out_(out) {}

  void run(Tensor g) override {
    const Tensor& a = a_.get(G::name);
    const Tensor& b = b_.get(G::name);
    if constexpr (std::is_same_v<G, gates::Add>) {
      if (wants(0)) give(0, detail::reduce_to(g, a.shape()));
      if (wants(1)) give(1, detail::reduce_to(std::move(g), b.shape()));
    } else if constexpr (std::is_same_v<G, gates::Sub>) {
      if (wants(1)) give(1, detail::reduce_to(neg(g), b.shape()));
      if (wants(0)) give(0, detail::reduce_to(std::move(g), a.shape()));
    } else {
      partials(g, a, b, out_.get(G::name));
    }
  }

  // dA = g * dout/da and dB = g * dout/db on the output's shape, then summed to each input's
  // shape (Note [Broadcast gradients]).
  void partials(const Tensor& g, const Tensor& a, const Tensor& b, const Tensor& out) {
    const Shape& shape = out.shape();
    if (a.shape() == shape && b.shape() == shape && a.is_contiguous() && b.is_contiguous()) {
      same_shape_partials(g, a, b, out);  // Note [Same-shape elementwise operations]
      return;
    }
    const Shape as = detail::broadcast_strides(a, shape);
    const Shape bs = detail::broadcast_strides(b, shape);
    const Shape os = contiguous_strides(shape);
    for (std::size_t which = 0; which < 2; ++which) {
      if (!wants(which)) continue;
      Tensor full = detail::empty_like_shape(shape, out.dtype());
      dispatch(out.dtype(), [&]<class T>() {
        const T* pg = elements<T>(g);
        const T* po = elements<T>(out);
        const T* pa = elements<T>(a);
        const T* pb = elements<T>(b);
        T* r = elements<T>(full);
        const detail::StridedLoop<5> loop(shape, {&os, &os, &os, &as, &bs});
        detail::parallel_range(loop.numel, 1, detail::kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
          loop.run(lo, hi, [&](const auto& off, const auto& st, std::int64_t n) {
            for (std::int64_t i = 0; i < n; ++i) {
              const double x = static_cast<double>(pa[off[3] + i * st[3]]);
              const double y = static_cast<double>(pb[off[4] + i * st[4]]);
              const gates::Partials p = G::local_grad(x, y, static_cast<double>(po[off[2] + i * st[2]]));
              r[off[0] + i * st[0]] = static_cast<T>(static_cast<double>(pg[off[1] + i * st[1]]) *
                                                     (which == 0 ? p.dx : p.dy));
            }
          });
        });
      });
      give(which, detail::reduce_to(std::move(full), which == 0 ? a.shape() : b.shape()));
    }
  }

  // partials() when a, b, the output and g are contiguous of one shape: flat loops, nothing to
  // reduce.
  void same_shape_partials(const Tensor& g, const Tensor& a, const Tensor& b, const Tensor& out) {
    for (std::size_t which = 0; which < 2; ++which) {
      if (!wants(which)) continue;
      Tensor r = detail::empty_like_shape(out.shape(), out.dtype());
      dispatch(out.dtype(), [&]<class T>() {
        const T* pg = elements<T>(g);
        const T* po = elements<T>(out);
        const T* pa = elements<T>(a);
        const T* pb = elements<T>(b);
        T* pr = elements<T>(r);
        const auto body = [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t i = lo; i < hi; ++i) {
            const gates::Partials p =
                G::local_grad(static_cast<double>(pa[i]), static_cast<double>(pb[i]),
                              static_cast<double>(po[i]));
            pr[i] = static_cast<T>(static_cast<double>(pg[i]) * (which == 0 ? p.dx : p.dy));
          }
        };
        detail::parallel_range(out.numel(), 1, detail::kParallelGrain, body);
      });
      give(which, std::move(r));
    }
  }

  detail::Saved a_, b_, out_;
};

// Note [Same-shape elementwise operations]
// Most elementwise operations combine operands of one shape, and on small tensors the general
// path (broadcast_shapes, broadcast strides, the StridedLoop's axis merging) costs far more
// than the arithmetic: on a chain of 0-d operations it was about 400 of the 3,400 instructions
// an operation took. Operands of equal shape that are both contiguous take a flat loop instead,
// forward (here and in map_unary) and backward (here and in accumulate); every other case
// (broadcasting, views) takes the general path, which computes the same values.

/// The values of a op b (no recording).
template <gates::BinaryGate G>
Tensor binary_values(const Tensor& a, const Tensor& b) {
  const auto f = [](auto x, auto y) {
    return static_cast<decltype(x)>(G::forward(static_cast<double>(x), static_cast<double>(y)));
  };
  if (a.shape() == b.shape() && a.is_contiguous() && b.is_contiguous()) {
    // Note [Same-shape elementwise operations]
    Tensor out = detail::empty_like_shape(a.shape(), a.dtype());
    dispatch(a.dtype(), [&]<class T>() {
      T* o = elements<T>(out);
      const T* x = elements<T>(a);
      const T* y = elements<T>(b);
      const auto body = [&](std::int64_t lo, std::int64_t hi) {
        _Pragma("omp simd")
        for (std::int64_t i = lo; i < hi; ++i) o[i] = f(x[i], y[i]);
      };
      detail::parallel_range(out.numel(), 1, detail::kParallelGrain, body);
    });
    return out;
  }
  const std::string op(G::name);
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), op.c_str());
  Tensor out = detail::empty_like_shape(shape, a.dtype());
  const Shape as = detail::broadcast_strides(a, shape);
  const Shape bs = detail::broadcast_strides(b, shape);
  dispatch(a.dtype(), [&]<class T>() {
    detail::map2<T>(elements<T>(out), shape, elements<T>(a), as, elements<T>(b), bs, f);
  });
  return out;
}

template <gates::BinaryGate G>
Tensor apply_binary(const Tensor& a, const Tensor& b) {
  detail::check_defined(a, G::name);
  detail::check_defined(b, G::name);
  if (a.dtype() != b.dtype()) {
    const auto [x, y] = detail::match_dtypes(a, b, G::name);
    return apply_binary<G>(x, y);
  }
  Tensor out = binary_values<G>(a, b);
  if (detail::needs_grad({&a, &b}, G::name)) {
    detail::record(out, std::make_unique<BinaryStep<G>>(a, b, out), {&a, &b});
  }
  return out;
}

}  // namespace

template <gates::TableUnaryGate G>
Tensor apply(const Tensor& x) {
  return apply_unary<G>(x);
}
template <gates::TableParametricGate G>
Tensor apply(const Tensor& x, double c) {
  return apply_param<G>(x, c);
}
template <gates::TableBinaryGate G>
Tensor apply(const Tensor& a, const Tensor& b) {
  return apply_binary<G>(a, b);
}

// The definitions above are instantiated here for every gate of the table's lists.
namespace {
template <class List>
struct Instantiate;
template <class... Gs>
struct Instantiate<gates::GateList<Gs...>> {
  static constexpr auto unary() { return std::make_tuple(static_cast<Tensor (*)(const Tensor&)>(&apply<Gs>)...); }
  static constexpr auto param() {
    return std::make_tuple(static_cast<Tensor (*)(const Tensor&, double)>(&apply<Gs>)...);
  }
  static constexpr auto binary() {
    return std::make_tuple(static_cast<Tensor (*)(const Tensor&, const Tensor&)>(&apply<Gs>)...);
  }
};
}  // namespace

namespace detail {
// An external function that takes the address of every apply<G>, so that each is emitted here
// (an unused internal constant could be dropped, instantiations and all).
const void* instantiate_gate_ops() {
  static const auto all = std::make_tuple(Instantiate<gates::UnaryGates>::unary(),
                                          Instantiate<gates::ParametricGates>::param(),
                                          Instantiate<gates::BinaryGates>::binary());
  return &all;
}
}  // namespace detail

Tensor add(const Tensor& a, const Tensor& b) { return apply_binary<gates::Add>(a, b); }
Tensor sub(const Tensor& a, const Tensor& b) { return apply_binary<gates::Sub>(a, b); }
Tensor mul(const Tensor& a, const Tensor& b) { return apply_binary<gates::Mul>(a, b); }
Tensor div(const Tensor& a, const Tensor& b) { return apply_binary<gates::Div>(a, b); }
Tensor maximum(const Tensor& a, const Tensor& b) { return apply_binary<gates::Max>(a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return apply_binary<gates::Min>(a, b); }
Tensor max(const Tensor& a, const Tensor& b) { return maximum(a, b); }
Tensor min(const Tensor& a, const Tensor& b) { return minimum(a, b); }
Tensor pow(const Tensor& a, const Tensor& b) { return apply_binary<gates::Pow>(a, b); }

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }

Tensor operator+(const Tensor& a, double c) { return apply_param<gates::AddConst>(a, c); }
Tensor operator+(double c, const Tensor& a) { return apply_param<gates::AddConst>(a, c); }
Tensor operator-(const Tensor& a, double c) { return apply_param<gates::AddConst>(a, -c); }
Tensor operator-(double c, const Tensor& a) { return apply_param<gates::SubFrom>(a, c); }
Tensor operator*(const Tensor& a, double c) { return apply_param<gates::Scale>(a, c); }
Tensor operator*(double c, const Tensor& a) { return apply_param<gates::Scale>(a, c); }
Tensor operator/(const Tensor& a, double c) { return apply_param<gates::DivBy>(a, c); }
Tensor operator/(double c, const Tensor& a) { return apply_param<gates::DivInto>(a, c); }
Tensor pow(const Tensor& a, double c) { return apply_param<gates::PowConst>(a, c); }
Tensor pow(double c, const Tensor& a) { return apply_param<gates::ConstPow>(a, c); }

Tensor operator-(const Tensor& a) { return apply_unary<gates::Neg>(a); }
Tensor neg(const Tensor& a) { return apply_unary<gates::Neg>(a); }
Tensor reciprocal(const Tensor& a) { return apply_unary<gates::Reciprocal>(a); }
Tensor exp(const Tensor& a) { return apply_unary<gates::Exp>(a); }
Tensor log(const Tensor& a) { return apply_unary<gates::Log>(a); }
Tensor sigmoid(const Tensor& a) { return apply_unary<gates::Sigmoid>(a); }
Tensor tanh(const Tensor& a) { return apply_unary<gates::Tanh>(a); }
Tensor relu(const Tensor& a) { return apply_unary<gates::Relu>(a); }
Tensor sqrt(const Tensor& a) { return apply_unary<gates::Sqrt>(a); }
Tensor abs(const Tensor& a) { return apply_unary<gates::Abs>(a); }
Tensor sin(const Tensor& a) { return apply_unary<gates::Sin>(a); }
Tensor cos(const Tensor& a) { return apply_unary<gates::Cos>(a); }

}  // namespace gradflow
