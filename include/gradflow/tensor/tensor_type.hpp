#pragma once
/// @file
/// Tensor: an n-dimensional array of float32 or float64 whose operations are recorded on this
/// thread's tape, so that backward() sends gradients to every tensor that requires them.

#include <gradflow/tensor/dtype.hpp>
#include <gradflow/tensor/impl.hpp>
#include <gradflow/tensor/random.hpp>
#include <gradflow/tensor/shape.hpp>

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace gradflow {

/// An n-dimensional array of float32 (the default) or float64, row-major, with PyTorch's
/// semantics for handles, views, broadcasting and gradients.
///
/// ```cpp
/// Tensor W = Tensor::randn({5, 10}).requires_grad_();
/// Tensor X = Tensor::randn({10, 3});
/// Tensor D = matmul(W, X);
/// D.backward(Tensor::ones({5, 3}));   // W.grad() == dD Xᵀ
/// ```
///
/// - Copying a Tensor copies the handle: both name the same values (as in PyTorch). Views
///   (reshape of a contiguous tensor, transpose, slicing, ...) share values with their base.
/// - A factory-made tensor with requires_grad_() is a leaf: it is not on the tape, so it stays
///   valid across new_graph(), and its grad() accumulates over backward passes until
///   zero_grad(). A tensor computed from one is recorded on this thread's tape until the next
///   new_graph(); after that, using it for a gradient throws Error (its values stay readable).
/// - Inside a NoGradGuard nothing is recorded and results require no gradient.
class Tensor {
 public:
  /// An undefined tensor (no values); grad() returns one where no gradient was computed.
  Tensor() = default;
  explicit Tensor(std::shared_ptr<detail::TensorImpl> impl) noexcept : impl_(std::move(impl)) {}

  // ---- factories ---------------------------------------------------------------------------

  /// Uninitialised values (for outputs that are written at once).
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32);
  static Tensor zeros(const Shape& shape, DType dtype = DType::Float32);
  static Tensor ones(const Shape& shape, DType dtype = DType::Float32);
  static Tensor full(const Shape& shape, double value, DType dtype = DType::Float32);
  /// Standard normal values from this thread's default generator (see manual_seed()).
  static Tensor randn(const Shape& shape, DType dtype = DType::Float32);
  /// Standard normal values from `gen`.
  static Tensor randn(const Shape& shape, Generator& gen, DType dtype = DType::Float32);
  /// Standard normal values from a generator seeded with `seed`: the same seed, the same values.
  static Tensor randn(const Shape& shape, std::uint64_t seed, DType dtype = DType::Float32);
  /// Uniform values on [0, 1).
  static Tensor rand(const Shape& shape, Generator& gen, DType dtype = DType::Float32);
  static Tensor rand(const Shape& shape, DType dtype = DType::Float32);
  /// 0, 1, ..., end - 1 (1-d).
  static Tensor arange(double end, DType dtype = DType::Float32);
  /// start, start + step, ... below `end` (above, for a negative step).
  static Tensor arange(double start, double end, double step = 1.0, DType dtype = DType::Float32);

  // ---- what it is --------------------------------------------------------------------------

  bool defined() const noexcept { return impl_ != nullptr; }
  const Shape& shape() const { return checked().shape; }
  /// Extent of one axis (negative counts from the end).
  std::int64_t size(std::int64_t axis) const;
  std::int64_t dim() const { return static_cast<std::int64_t>(shape().size()); }
  std::int64_t numel() const { return shape().numel(); }
  DType dtype() const { return checked().dtype; }
  /// Strides in elements; a view's differ from contiguous_strides(shape()).
  const Shape& strides() const { return checked().strides; }
  bool is_contiguous() const;

  /// The values as doubles, row-major (whatever the strides).
  std::vector<double> to_vector() const;
  /// The value of a 0-d or one-element tensor.
  double item() const;
  /// Pointer to the first element; the tensor must be contiguous and of element type T.
  template <class T>
  T* data();
  template <class T>
  const T* data() const;

  // ---- gradients ---------------------------------------------------------------------------

  /// Makes this tensor a leaf whose gradient backward() computes (only a tensor no operation
  /// produced can be made one; detach() first otherwise).
  Tensor& requires_grad_(bool on = true) &;
  Tensor requires_grad_(bool on = true) &&;
  /// Whether gradient flows into this tensor.
  bool requires_grad() const { return checked().cell != nullptr; }
  /// True unless an operation that recorded a backward step produced this tensor.
  bool is_leaf() const;
  /// The accumulated gradient (an undefined Tensor when none has reached it). For a computed
  /// (non-leaf) tensor only after retain_grad(), as in PyTorch.
  Tensor grad() const;
  /// Drops the accumulated gradient (like PyTorch's `p.grad = None`).
  void zero_grad();
  /// Keeps the gradient of a computed tensor, so that grad() can show it.
  Tensor& retain_grad();
  /// Backward from a one-element tensor: seeds 1 and propagates to every leaf and Var it came
  /// from. Throws Error for a tensor of more elements (pass the upstream gradient then).
  void backward() const;
  /// Backward with `upstream` (same shape) as this tensor's gradient (dL/dthis).
  void backward(const Tensor& upstream) const;
  /// The same values, cut from the graph: a leaf that requires no gradient.
  Tensor detach() const;

  // ---- copies and views --------------------------------------------------------------------

  /// This tensor if contiguous, else a contiguous copy (differentiable).
  Tensor contiguous() const;
  /// A contiguous copy (differentiable).
  Tensor clone() const;
  /// The values converted to `dtype` (differentiable; this tensor itself when already so).
  Tensor to(DType dtype) const;
  /// The same values in a new shape (one extent may be -1); a view when contiguous.
  Tensor reshape(const Shape& shape) const;
  /// As reshape, but throws Error instead of copying a non-contiguous tensor.
  Tensor view(const Shape& shape) const;
  /// Merges axes start..end into one.
  Tensor flatten(std::int64_t start = 0, std::int64_t end = -1) const;
  /// Swaps two axes (a view).
  Tensor transpose(std::int64_t a, std::int64_t b) const;
  /// The transpose of a 2-d tensor.
  Tensor t() const;
  /// Reorders the axes: axis i of the result is axis dims[i] of this one (a view).
  Tensor permute(const std::vector<std::int64_t>& dims) const;
  Tensor unsqueeze(std::int64_t axis) const;
  /// Removes an axis of extent 1.
  Tensor squeeze(std::int64_t axis) const;
  /// Elements start, start + step, ... below end along `axis` (a view; negative start and end
  /// count from the end and are clamped like Python slices).
  Tensor slice(std::int64_t axis, std::int64_t start, std::int64_t end,
               std::int64_t step = 1) const;
  /// The sub-tensor at `index` along `axis`, without that axis (a view).
  Tensor select(std::int64_t axis, std::int64_t index) const;
  /// select(0, index).
  Tensor operator[](std::int64_t index) const { return select(0, index); }
  /// A view with this tensor's values repeated along axes of extent 1 (broadcast_to). Its
  /// repeated elements are one memory location each, so copy_, add_, sub_ and mul_ refuse it,
  /// as PyTorch does: clone() it first.
  Tensor expand(const Shape& shape) const;

  // ---- operations as methods ---------------------------------------------------------------

  // PyTorch's method forms: x.relu().mean() is mean(relu(x)). Each forwards to the free function
  // of the same name (ops.hpp), the one implementation, so values, gradients and errors are its.

  /// The unary gates, elementwise: neg() is -x, reciprocal() is 1/x.
  Tensor neg() const;
  Tensor reciprocal() const;
  Tensor exp() const;
  Tensor log() const;
  Tensor sigmoid() const;
  Tensor tanh() const;
  Tensor relu() const;
  Tensor sqrt() const;
  Tensor abs() const;
  Tensor sin() const;
  Tensor cos() const;
  /// Elementwise x^exponent (a tensor exponent broadcasts).
  Tensor pow(double exponent) const;
  Tensor pow(const Tensor& exponent) const;
  /// Values limited to [lo, hi], or only from below (clamp_min) or above (clamp_max).
  Tensor clamp(double lo, double hi) const;
  Tensor clamp_min(double lo) const;
  Tensor clamp_max(double hi) const;

  /// Reductions over all elements (a 0-d tensor) or over axes (negative count from the end);
  /// keepdim keeps them with extent 1. max and min return the values only, as torch.amax and
  /// torch.amin do (PyTorch's t.max(dim) also returns the indices: argmax gives them here).
  Tensor sum() const;
  Tensor sum(std::int64_t axis, bool keepdim = false) const;
  Tensor sum(const std::vector<std::int64_t>& axes, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(std::int64_t axis, bool keepdim = false) const;
  Tensor mean(const std::vector<std::int64_t>& axes, bool keepdim = false) const;
  Tensor max() const;
  Tensor max(std::int64_t axis, bool keepdim = false) const;
  Tensor max(const std::vector<std::int64_t>& axes, bool keepdim = false) const;
  Tensor min() const;
  Tensor min(std::int64_t axis, bool keepdim = false) const;
  Tensor min(const std::vector<std::int64_t>& axes, bool keepdim = false) const;
  /// A braced list of axes, as the free functions take it: `t.sum({})` reduces no axis (without
  /// these, `{}` would convert to axis 0).
  Tensor sum(std::initializer_list<std::int64_t> axes, bool keepdim = false) const {
    return sum(std::vector<std::int64_t>(axes), keepdim);
  }
  Tensor mean(std::initializer_list<std::int64_t> axes, bool keepdim = false) const {
    return mean(std::vector<std::int64_t>(axes), keepdim);
  }
  Tensor max(std::initializer_list<std::int64_t> axes, bool keepdim = false) const {
    return max(std::vector<std::int64_t>(axes), keepdim);
  }
  Tensor min(std::initializer_list<std::int64_t> axes, bool keepdim = false) const {
    return min(std::vector<std::int64_t>(axes), keepdim);
  }
  /// Deleted, as the free functions' are: a floating-point axis would convert silently, and
  /// t.max(0.0) reduce over axis 0. The elementwise form is t.maximum(0.0) or t.clamp_min(0.0)
  /// (t.minimum, clamp_max for min).
  template <std::floating_point T>
  Tensor sum(T axis, bool keepdim = false) const = delete;
  template <std::floating_point T>
  Tensor mean(T axis, bool keepdim = false) const = delete;
  template <std::floating_point T>
  Tensor max(T axis, bool keepdim = false) const = delete;
  template <std::floating_point T>
  Tensor min(T axis, bool keepdim = false) const = delete;
  /// Index of the largest element along `axis`, for each position of the other axes
  /// (row-major; a vector, not a tensor, as the free argmax).
  std::vector<std::int64_t> argmax(std::int64_t axis) const;

  /// The matrix product matmul(*this, other).
  Tensor matmul(const Tensor& other) const;
  /// softmax and log_softmax along `axis`.
  Tensor softmax(std::int64_t axis) const;
  Tensor log_softmax(std::int64_t axis) const;

  /// 1 where this > other (lt <, ge >=, le <=, eq ==, ne !=), else 0 (broadcasting; no
  /// gradient).
  Tensor gt(const Tensor& other) const;
  Tensor lt(const Tensor& other) const;
  Tensor ge(const Tensor& other) const;
  Tensor le(const Tensor& other) const;
  Tensor eq(const Tensor& other) const;
  Tensor ne(const Tensor& other) const;
  /// The same against a number (t.gt(0.5)), compared in this tensor's dtype.
  Tensor gt(double other) const;
  Tensor lt(double other) const;
  Tensor ge(double other) const;
  Tensor le(double other) const;
  Tensor eq(double other) const;
  Tensor ne(double other) const;
  /// Elementwise maximum and minimum with a tensor (broadcasting) or a number; the gradient
  /// follows the gate's rule (a tie passes it whole to both).
  Tensor maximum(const Tensor& other) const;
  Tensor maximum(double other) const;
  Tensor minimum(const Tensor& other) const;
  Tensor minimum(double other) const;
  /// This tensor where `condition` is nonzero, else `other` (a tensor or a number), as PyTorch's
  /// x.where(condition, y) is where(condition, x, y).
  Tensor where(const Tensor& condition, const Tensor& other) const;
  Tensor where(const Tensor& condition, double other) const;

  // ---- in place (optimizer updates; not recorded) ------------------------------------------

  /// These change values without recording anything. Changing a tensor that requires grad is
  /// only allowed inside NoGradGuard (an optimizer step), a tensor some backward step saved
  /// must not be changed before that backward ran, and copy_, add_, sub_ and mul_ cannot write
  /// through an expanded view (several elements, one location): all are Errors.
  Tensor& zero_();
  Tensor& fill_(double value);
  /// This tensor's elements set to src's (broadcast to this shape), converted to this dtype.
  Tensor& copy_(const Tensor& src);
  /// this += alpha * other (broadcasting `other` to this shape; a 0-d `other` of the other dtype
  /// is converted, any other mix of dtypes is an Error).
  Tensor& add_(const Tensor& other, double alpha = 1.0);
  Tensor& sub_(const Tensor& other);
  Tensor& mul_(double factor);

  /// The implementation (library use).
  detail::TensorImpl& impl() const { return checked(); }
  const std::shared_ptr<detail::TensorImpl>& impl_ptr() const noexcept { return impl_; }

 private:
  detail::TensorImpl& checked() const;
  std::shared_ptr<detail::TensorImpl> impl_;
};

/// A tensor with these values (row-major) and shape; the product of the extents must equal
/// values.size().
Tensor tensor(std::vector<double> values, std::vector<std::int64_t> shape,
              DType dtype = DType::Float32);
/// A 1-d tensor of these values.
Tensor tensor(std::vector<double> values, DType dtype = DType::Float32);

namespace detail {
/// A number or a braced list of Nested: an element of tensor({{1, 2}, {3, 4}}) at any depth.
/// Its constructors are implicit so that a braced list converts to it; only tensor() takes one.
class Nested {
 public:
  Nested(double value) : value_(value) {}  // NOLINT(google-explicit-constructor): `{1, 2}`
  Nested(std::initializer_list<Nested> items) : items_(items), list_(true) {}
  bool is_list() const noexcept { return list_; }
  double value() const noexcept { return value_; }
  const std::vector<Nested>& items() const noexcept { return items_; }

 private:
  double value_ = 0.0;
  std::vector<Nested> items_;
  bool list_ = false;
};
}  // namespace detail

/// A tensor of two or more axes from nested braced lists, as torch.tensor takes nested Python
/// lists: each pair of braces is an axis, so tensor({{1, 2, 3}, {4, 5, 6}}) is [2,3],
/// tensor({{1.0, 2.0}}) [1,2], tensor({{1.0}, {2.0}}) [2,1] and tensor({{{1}, {2}}}) [1,2,1]
/// (one pair, tensor({1.0, 2.0}), is the 1-d overload above; tensor({}) is 1-d of 0 elements).
/// Rows of different lengths, or a number where the first row at that depth is a list (or the
/// reverse), are an Error naming the row. Note [Nested braced lists] in nested.cpp says why this
/// is one overload for every depth.
Tensor tensor(std::initializer_list<std::initializer_list<detail::Nested>> rows,
              DType dtype = DType::Float32);
/// A 0-d tensor.
Tensor scalar_tensor(double value, DType dtype = DType::Float32);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);

/// Prints shape, dtype and (for small tensors) the values.
std::ostream& operator<<(std::ostream& os, const Tensor& t);

// ---- threads -------------------------------------------------------------------------------

/// Threads used by tensor kernels and by BLAS (like torch.set_num_threads). The default is
/// OMP_NUM_THREADS (its first entry, a positive integer such as "4" or "4,2"), or all cores when
/// it is unset or not such a number ("1e3", "four", "0" are ignored).
void set_num_threads(int threads);
int get_num_threads();

// ---- template definitions -----------------------------------------------------------------

namespace detail {
[[noreturn]] void fail_data_access(const Tensor& t, DType wanted);
}

template <class T>
T* Tensor::data() {
  detail::TensorImpl& i = checked();
  if (i.dtype != dtype_of<T>() || !is_contiguous()) detail::fail_data_access(*this, dtype_of<T>());
  return static_cast<T*>(i.storage->data) + i.offset;
}

template <class T>
const T* Tensor::data() const {
  detail::TensorImpl& i = checked();
  if (i.dtype != dtype_of<T>() || !is_contiguous()) detail::fail_data_access(*this, dtype_of<T>());
  return static_cast<const T*>(i.storage->data) + i.offset;
}

}  // namespace gradflow
