// Tensor basics: storage, factories, element access, gradients, copies and in-place updates.

#include "autograd.hpp"
#include "kernels.hpp"
#include "pool.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <ostream>
#include <string>

namespace gradflow {

namespace detail {

// Inline (tiny, Note [Small values inside the Storage] in impl.hpp), pooled (small) or 64-byte
// aligned (large) blocks: see Note [Why tensors pool their small blocks] in pool.hpp.
Storage::Storage(std::size_t n)
    : data(n <= kInlineBytes ? static_cast<void*>(inline_) : pool_allocate(n)), bytes(n) {}

Storage::~Storage() {
  if (!is_inline()) pool_free(data, bytes);
}

Tensor empty_like_shape(const Shape& shape, DType dtype, const char* op) {
  const auto numel = static_cast<std::size_t>(check_shape(shape, op));
  // The byte count must not wrap size_t (a wrapped one allocates a small block that the kernels
  // then overrun); past PTRDIFF_MAX no allocation can succeed anyway.
  if (numel > static_cast<std::size_t>(PTRDIFF_MAX) / dtype_size(dtype)) {
    fail(std::string(op) + ": shape " + shape.str() + " of " + std::string(dtype_name(dtype)) +
         " needs " +
         std::to_string(numel) + " x " + std::to_string(dtype_size(dtype)) +
         " bytes, more than any allocation can hold; check the extents");
  }
  // An allocation the system refuses is bad input too: the error names the op and the shape,
  // as PyTorch's does, instead of a bare std::bad_alloc from deep inside the allocator.
  std::shared_ptr<Storage> storage;
  try {
    storage = std::allocate_shared<Storage>(PoolAllocator<Storage>(), numel * dtype_size(dtype));
  } catch (const std::bad_alloc&) {
    fail(std::string(op) + ": out of memory: shape " + shape.str() + " of " +
         std::string(dtype_name(dtype)) + " needs " + std::to_string(numel * dtype_size(dtype)) +
         " bytes, and the system refused them");
  }
  return Tensor(std::allocate_shared<TensorImpl>(PoolAllocator<TensorImpl>(), std::move(storage),
                                                 shape, contiguous_strides(shape), 0, dtype));
}

Tensor make_view(const Tensor& t, const Shape& shape, const Shape& strides, std::int64_t offset) {
  const TensorImpl& base = t.impl();
  return Tensor(std::allocate_shared<TensorImpl>(PoolAllocator<TensorImpl>(), base.storage, shape,
                                                 strides, offset, base.dtype));
}

Tensor copy_values(const Tensor& t) {
  Tensor out = empty_like_shape(t.shape(), t.dtype());
  const Shape out_strides = out.strides();
  dispatch(t.dtype(), [&]<class T>() {
    T* o = elements<T>(out);
    const T* x = elements<T>(t);
    const StridedLoop<2> loop(t.shape(), {&out_strides, &t.strides()});
    parallel_range(loop.numel, 1, kParallelGrain, [&](std::int64_t b, std::int64_t e) {
      loop.run(b, e, [&](const auto& off, const auto& st, std::int64_t n) {
        T* po = o + off[0];
        const T* px = x + off[1];
        if (st[1] == 1) {
          std::memcpy(po, px, static_cast<std::size_t>(n) * sizeof(T));
        } else {
          for (std::int64_t i = 0; i < n; ++i) po[i] = px[i * st[1]];
        }
      });
    });
  });
  return out;
}

void check_same_dtype(const Tensor& a, const Tensor& b, std::string_view op) {
  if (a.dtype() != b.dtype()) {
    fail(std::string(op) + ": dtype mismatch: " + std::string(dtype_name(a.dtype())) + " " +
         a.shape().str() + " and " + std::string(dtype_name(b.dtype())) + " " + b.shape().str() +
         "; convert one with .to(DType::" + std::string(dtype_name(a.dtype())) + ")");
  }
}

// Note [A 0-d operand takes the other's dtype]
// PyTorch's type promotion ranks a tensor with axes above a 0-d one of the same kind: float32
// 0-d * float64 [3] is float64, and float64 0-d * float32 [3] is float32, so that a 0-d tensor
// (scalar_tensor(2.0), float32 by default; a loss) works like a number. The elementwise
// operations (the binary gates, the comparisons, where) follow that rule and only that one:
// the 0-d operand goes through to(), a recorded conversion, so its gradient comes back in its
// own dtype. Two 0-d tensors meet in float64, as in PyTorch: two numbers (an L2 penalty of no
// weights, float32 like scalar_tensor(0.0), and a float64 loss) lose nothing that way. Two
// tensors with axes of different dtypes stay an Error: a float64 batch meeting float32 weights
// is more often a mistake than a wish for float64 (where PyTorch would promote).
std::pair<Tensor, Tensor> match_dtypes(const Tensor& a, const Tensor& b, std::string_view op) {
  // An operand from an old graph is op's Error, not that of the to() the user did not write.
  (void)needs_grad({&a, &b}, op);
  if (a.dim() == 0 && b.dim() != 0) return {a.to(b.dtype()), b};
  if (b.dim() == 0 && a.dim() != 0) return {a, b.to(a.dtype())};
  if (a.dim() == 0 && b.dim() == 0 && a.dtype() != b.dtype()) {
    return {a.to(DType::Float64), b.to(DType::Float64)};  // to() of a float64 one is itself
  }
  check_same_dtype(a, b, op);
  return {a, b};
}

void check_defined(const Tensor& t, std::string_view op) {
  if (!t.defined()) {
    fail(std::string(op) + ": the tensor is undefined (default-constructed, or the grad() of a "
         "tensor no gradient reached; a computed tensor keeps its gradient only after "
         "retain_grad())");
  }
}

void fail_data_access(const Tensor& t, DType wanted) {
  if (t.dtype() != wanted) {
    fail("data<T>(): the tensor holds " + std::string(dtype_name(t.dtype())) + ", not " +
         std::string(dtype_name(wanted)));
  }
  fail("data<T>(): the tensor of shape " + t.shape().str() +
       " is a non-contiguous view; call .contiguous() first");
}

namespace {
// An expanded view (stride 0 on an axis of extent > 1) names one memory location by several
// elements: an in-place add_ or mul_ would apply itself there once per element, and copy_ keep
// whichever element it wrote last, silently. Refused as PyTorch refuses it. fill_ and zero_ write
// one value everywhere, so they are allowed, as in PyTorch.
void check_no_internal_overlap(const Tensor& t, std::string_view op) {
  const Shape& shape = t.shape();
  const Shape& strides = t.strides();
  for (std::size_t axis = 0; axis < shape.size(); ++axis) {
    if (strides[axis] != 0 || shape[axis] < 2) continue;
    fail(std::string(op) + ": this tensor of shape " + shape.str() +
         " is an expanded view (axis " + std::to_string(axis) + "'s " +
         std::to_string(shape[axis]) + " elements are one memory location), so an in-place " +
         std::string(op) + " would write each location several times; clone() it first, or " +
         "change the tensor it was expanded from");
  }
}

void check_mutable(const Tensor& t, std::string_view op) {
  if (t.impl().cell && Tape::current().recording()) {
    fail(std::string(op) + ": this tensor requires grad, and changing it in place would "
         "invalidate the gradients computed from it; make the change inside a NoGradGuard (as "
         "an optimizer step does), or on a detach()ed tensor");
  }
  ++t.impl().storage->version;
}

// The checks of every in-place write but fill_'s: one that goes through an expanded view is
// refused, and so is one into a tensor that requires grad. Last before the write, after any
// check of the operand: it counts the write in the storage's version, and a refused write must
// not make the gradients that saved this tensor fail as changed.
void check_in_place(const Tensor& t, std::string_view op) {
  check_no_internal_overlap(t, op);
  check_mutable(t, op);
}

// An in-place operand (copy_'s source, add_'s addend) must broadcast to t's shape, which the
// write cannot change.
void check_in_place_operand(const Tensor& t, const Tensor& operand, const char* op,
                            std::string_view role) {
  check_defined(operand, op);
  if (broadcast_shapes(operand.shape(), t.shape(), op) != t.shape()) {
    fail(std::string(op) + ": the " + std::string(role) + " of shape " + operand.shape().str() +
         " does not broadcast to this tensor's shape " + t.shape().str());
  }
}

// add_ and sub_: t += alpha * other, its errors named `op`.
// A 0-d addend of the other dtype is converted, as the out-of-place operations convert it (Note
// [A 0-d operand takes the other's dtype]); any other mix of dtypes is an Error.
void add_scaled_in_place(Tensor& t, const Tensor& other, double alpha, const char* op) {
  check_in_place_operand(t, other, op, "operand");
  if (other.dim() != 0) check_same_dtype(t, other, op);
  check_in_place(t, op);
  const Tensor addend = other.dtype() == t.dtype() ? other : other.detach().to(t.dtype());
  add_into(t, alpha == 1.0 ? addend : addend.detach() * alpha);
}
}  // namespace

}  // namespace detail

using detail::dispatch;
using detail::elements;

// ---- factories ---------------------------------------------------------------------------

Tensor Tensor::empty(const Shape& shape, DType dtype) {
  return detail::empty_like_shape(shape, dtype, "empty");
}

namespace {
// full() under the name of the factory that was called, for its errors.
Tensor filled(const Shape& shape, double value, DType dtype, const char* op) {
  Tensor t = detail::empty_like_shape(shape, dtype, op);
  dispatch(dtype, [&]<class T>() {
    T* p = elements<T>(t);
    const auto v = static_cast<T>(value);
    for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = v;
  });
  return t;
}
}  // namespace

Tensor Tensor::zeros(const Shape& shape, DType dtype) { return filled(shape, 0.0, dtype, "zeros"); }

Tensor Tensor::ones(const Shape& shape, DType dtype) { return filled(shape, 1.0, dtype, "ones"); }

Tensor Tensor::full(const Shape& shape, double value, DType dtype) {
  return filled(shape, value, dtype, "full");
}

Tensor Tensor::randn(const Shape& shape, DType dtype) {
  return randn(shape, default_generator(), dtype);
}

Tensor Tensor::randn(const Shape& shape, std::uint64_t seed, DType dtype) {
  Generator gen(seed);
  return randn(shape, gen, dtype);
}

Tensor Tensor::randn(const Shape& shape, Generator& gen, DType dtype) {
  Tensor t = detail::empty_like_shape(shape, dtype, "randn");
  dispatch(dtype, [&]<class T>() {
    T* p = elements<T>(t);
    for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = static_cast<T>(gen.normal());
  });
  return t;
}

Tensor Tensor::rand(const Shape& shape, Generator& gen, DType dtype) {
  Tensor t = detail::empty_like_shape(shape, dtype, "rand");
  dispatch(dtype, [&]<class T>() {
    T* p = elements<T>(t);
    for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = static_cast<T>(gen.uniform());
  });
  return t;
}

Tensor Tensor::rand(const Shape& shape, DType dtype) {
  return rand(shape, default_generator(), dtype);
}

Tensor Tensor::arange(double end, DType dtype) { return arange(0.0, end, 1.0, dtype); }

Tensor Tensor::arange(double start, double end, double step, DType dtype) {
  if (step == 0.0 || !std::isfinite(step) || !std::isfinite(start) || !std::isfinite(end)) {
    detail::fail("arange: start, end and step must be finite and step nonzero (got " +
                 detail::number_str(start) + ", " + detail::number_str(end) + ", " +
                 detail::number_str(step) + ")");
  }
  // The count is checked as a double: converting one past INT64_MAX to int64 is undefined.
  const double count = std::ceil((end - start) / step);
  if (!(count < 0x1p63)) {
    detail::fail("arange: start " + detail::number_str(start) + ", end " +
                 detail::number_str(end) + " and step " + detail::number_str(step) + " make " +
                 detail::number_str(count) +
                 " elements, more than fit in int64; use a larger step or a smaller range");
  }
  const auto n = count > 0 ? static_cast<std::int64_t>(count) : 0;
  Tensor t = empty({n}, dtype);
  dispatch(dtype, [&]<class T>() {
    T* p = elements<T>(t);
    for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
  return t;
}

Tensor tensor(std::vector<double> values, std::vector<std::int64_t> shape, DType dtype) {
  const Shape s(shape);
  const std::int64_t numel = check_shape(s, "tensor");
  if (numel != static_cast<std::int64_t>(values.size())) {
    detail::fail("tensor: " + std::to_string(values.size()) + " values do not fill shape " +
                 s.str() + " (" + std::to_string(numel) + " elements)");
  }
  Tensor t = Tensor::empty(s, dtype);
  dispatch(dtype, [&]<class T>() {
    T* p = elements<T>(t);
    for (std::size_t i = 0; i < values.size(); ++i) p[i] = static_cast<T>(values[i]);
  });
  return t;
}

Tensor tensor(std::vector<double> values, DType dtype) {
  const auto n = static_cast<std::int64_t>(values.size());
  return tensor(std::move(values), std::vector<std::int64_t>{n}, dtype);
}

Tensor scalar_tensor(double value, DType dtype) { return Tensor::full({}, value, dtype); }

Tensor zeros_like(const Tensor& t) { return Tensor::zeros(t.shape(), t.dtype()); }

Tensor ones_like(const Tensor& t) { return Tensor::ones(t.shape(), t.dtype()); }

// ---- what it is --------------------------------------------------------------------------

detail::TensorImpl& Tensor::checked() const {
  if (impl_ == nullptr) {
    detail::fail("Tensor: this tensor is undefined (default-constructed, or the grad() of a "
                 "tensor no gradient has reached yet)");
  }
  return *impl_;
}

std::int64_t Tensor::size(std::int64_t axis) const {
  return shape()[static_cast<std::size_t>(normalize_axis(axis, shape().size(), "size"))];
}

bool Tensor::is_contiguous() const {
  const detail::TensorImpl& i = checked();
  std::int64_t expected = 1;
  for (std::size_t d = i.shape.size(); d-- > 0;) {
    if (i.shape[d] == 1) continue;
    if (i.shape[d] == 0) return true;
    if (i.strides[d] != expected) return false;
    expected *= i.shape[d];
  }
  return true;
}

std::vector<double> Tensor::to_vector() const {
  const Tensor c = detail::copy_values(*this);
  std::vector<double> out(static_cast<std::size_t>(c.numel()));
  dispatch(dtype(), [&]<class T>() {
    const T* p = elements<T>(c);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(p[i]);
  });
  return out;
}

double Tensor::item() const {
  if (numel() != 1) {
    detail::fail("item(): the tensor has shape " + shape().str() + " (" +
                 std::to_string(numel()) + " elements); item() needs exactly one");
  }
  return dispatch(dtype(), [&]<class T>() { return static_cast<double>(*elements<T>(*this)); });
}

// ---- gradients ---------------------------------------------------------------------------

Tensor& Tensor::requires_grad_(bool on) & {
  detail::TensorImpl& i = checked();
  if (i.cell && !i.cell->leaf) {
    detail::fail("requires_grad_(): this tensor of shape " + i.shape.str() +
                 " was computed by an operation, so it already takes part in the graph; only "
                 "leaves can be marked. Use t.detach().requires_grad_() for a new leaf");
  }
  if (!on) {
    i.cell.reset();
  } else if (!i.cell) {
    auto cell = std::allocate_shared<detail::GradCell>(detail::PoolAllocator<detail::GradCell>());
    cell->shape = i.shape;
    cell->dtype = i.dtype;
    i.cell = std::move(cell);
  }
  return *this;
}

Tensor Tensor::requires_grad_(bool on) && { return std::move(requires_grad_(on)); }

bool Tensor::is_leaf() const {
  const detail::TensorImpl& i = checked();
  return !i.cell || i.cell->leaf;
}

Tensor Tensor::grad() const {
  const detail::TensorImpl& i = checked();
  if (!i.cell) return Tensor();
  if (i.cell->leaf) {
    const std::lock_guard lock(i.cell->grad_mutex);  // Note [Leaves shared by threads]
    return Tensor(i.cell->grad);
  }
  return Tensor(i.cell->retained);
}

void Tensor::zero_grad() {
  detail::TensorImpl& i = checked();
  if (!i.cell) return;
  if (i.cell->leaf) {
    const std::lock_guard lock(i.cell->grad_mutex);
    i.cell->grad.reset();
    return;
  }
  i.cell->grad.reset();
  i.cell->retained.reset();
}

Tensor& Tensor::retain_grad() {
  detail::TensorImpl& i = checked();
  if (i.cell && !i.cell->leaf) i.cell->retain = true;
  return *this;
}

void Tensor::backward() const {
  if (numel() != 1) {
    detail::fail("backward(): this tensor has shape " + shape().str() + " (" +
                 std::to_string(numel()) +
                 " elements); backward() without an upstream gradient needs a one-element "
                 "tensor such as a loss. Pass dL/dt of the same shape: t.backward(upstream)");
  }
  backward(Tensor::ones(shape(), dtype()));
}

void Tensor::backward(const Tensor& upstream) const {
  detail::TensorImpl& i = checked();
  detail::check_defined(upstream, "backward(upstream)");
  if (!i.cell) {
    detail::fail("backward(): this tensor does not require grad: no input it was computed from "
                 "was marked with requires_grad_(), or it was computed inside a NoGradGuard");
  }
  if (upstream.shape() != i.shape) {
    detail::fail("backward(upstream): the upstream gradient has shape " +
                 upstream.shape().str() + " but the tensor has shape " + i.shape.str() +
                 "; they must be equal");
  }
  detail::GradCell& cell = *i.cell;
  if (cell.leaf) {
    detail::accumulate(cell, upstream.detach());
    return;
  }
  detail::check_live(cell, "backward()");
  detail::accumulate(cell, upstream.detach());
  // The seed is the reached-mark of the output's step (Note [Slots of steps]).
  Tape::current().backward(cell.slot, 1.0);
}

Tensor Tensor::detach() const {
  detail::TensorImpl& i = checked();
  return detail::make_view(*this, i.shape, i.strides, i.offset);
}

// ---- copies ------------------------------------------------------------------------------

namespace {
struct CopyStep final : detail::TensorStep {
  CopyStep() : TensorStep("copy") {}
  void run(Tensor g) override { give(0, std::move(g)); }
};

struct CastStep final : detail::TensorStep {
  explicit CastStep(DType from) : TensorStep("to"), from_(from) {}
  void run(Tensor g) override { give(0, g.to(from_)); }
  DType from_;
};
}  // namespace

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  return clone();
}

Tensor Tensor::clone() const {
  Tensor out = detail::copy_values(*this);
  if (detail::needs_grad({this}, "clone")) {
    detail::record(out, std::make_unique<CopyStep>(), {this});
  }
  return out;
}

Tensor Tensor::to(DType target) const {
  if (dtype() == target) return *this;
  Tensor src = detail::copy_values(*this);
  Tensor out = empty(shape(), target);
  const std::int64_t n = numel();
  dispatch(dtype(), [&]<class S>() {
    dispatch(target, [&]<class D>() {
      const S* s = elements<S>(src);
      D* d = elements<D>(out);
      for (std::int64_t k = 0; k < n; ++k) d[k] = static_cast<D>(s[k]);
    });
  });
  if (detail::needs_grad({this}, "to")) {
    detail::record(out, std::make_unique<CastStep>(dtype()), {this});
  }
  return out;
}

// ---- in place ----------------------------------------------------------------------------

Tensor& Tensor::zero_() { return fill_(0.0); }

Tensor& Tensor::fill_(double value) {
  detail::check_mutable(*this, "fill_");
  dispatch(dtype(), [&]<class T>() {
    T* p = elements<T>(*this);
    const T v = static_cast<T>(value);
    const detail::StridedLoop<1> loop(shape(), {&strides()});
    loop.run(0, loop.numel, [&](const auto& off, const auto& st, std::int64_t n) {
      for (std::int64_t k = 0; k < n; ++k) p[off[0] + k * st[0]] = v;
    });
  });
  return *this;
}

Tensor& Tensor::copy_(const Tensor& src) {
  detail::check_in_place_operand(*this, src, "copy_", "source");
  detail::check_in_place(*this, "copy_");
  // A copy of src's values, since src may overlap this tensor; in this tensor's dtype, since
  // copy_ converts, as PyTorch's does.
  const Tensor values =
      src.dtype() == dtype() ? detail::copy_values(src) : src.detach().to(dtype());
  const Shape sstr = detail::broadcast_strides(values, shape());
  dispatch(dtype(), [&]<class T>() {
    T* p = elements<T>(*this);
    const T* s = elements<T>(values);
    const detail::StridedLoop<2> loop(shape(), {&strides(), &sstr});
    loop.run(0, loop.numel, [&](const auto& off, const auto& st, std::int64_t n) {
      for (std::int64_t k = 0; k < n; ++k) p[off[0] + k * st[0]] = s[off[1] + k * st[1]];
    });
  });
  return *this;
}

Tensor& Tensor::add_(const Tensor& other, double alpha) {
  detail::add_scaled_in_place(*this, other, alpha, "add_");
  return *this;
}

Tensor& Tensor::sub_(const Tensor& other) {
  detail::add_scaled_in_place(*this, other, -1.0, "sub_");
  return *this;
}

Tensor& Tensor::mul_(double factor) {
  detail::check_in_place(*this, "mul_");
  dispatch(dtype(), [&]<class T>() {
    T* p = elements<T>(*this);
    const T f = static_cast<T>(factor);
    const detail::StridedLoop<1> loop(shape(), {&strides()});
    loop.run(0, loop.numel, [&](const auto& off, const auto& st, std::int64_t n) {
      T* q = p + off[0];
      if (st[0] == 1) {
        for (std::int64_t k = 0; k < n; ++k) q[k] *= f;
      } else {
        for (std::int64_t k = 0; k < n; ++k) q[k * st[0]] *= f;
      }
    });
  });
  return *this;
}

std::ostream& operator<<(std::ostream& os, DType d) { return os << dtype_name(d); }

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "Tensor(undefined)";
  os << "Tensor(" << t.shape() << ", " << dtype_name(t.dtype());
  if (t.numel() <= 64) {
    os << ", [";
    const std::vector<double> v = t.to_vector();
    for (std::size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
    os << "]";
  }
  return os << ")";
}

}  // namespace gradflow
