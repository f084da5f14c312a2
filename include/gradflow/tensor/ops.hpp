#pragma once
/// @file
/// Operations on tensors, each with its gradient. Elementwise operations are the gates of the
/// gate table (gates/table.hpp) applied element by element, with NumPy broadcasting.

#include <gradflow/gates/gate.hpp>
#include <gradflow/gates/table.hpp>
#include <gradflow/tensor/tensor_type.hpp>

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace gradflow {

// ---- any gate of the gate table, by type -------------------------------------------------

/// Applies a gate of the table (gates::UnaryGates, ParametricGates, BinaryGates) elementwise,
/// with broadcasting for binary gates: apply<gates::Tanh>(t) is tanh(t). Defined for the gates
/// in the table's lists (a gate added there works here with no new code); any other gate is a
/// compile-time error (its kernels are compiled into the library, not in your program).
template <gates::TableUnaryGate G>
Tensor apply(const Tensor& x);
template <gates::TableParametricGate G>
Tensor apply(const Tensor& x, double c);
template <gates::TableBinaryGate G>
Tensor apply(const Tensor& a, const Tensor& b);

// ---- elementwise: binary gates, broadcasting ----------------------------------------------

/// The operands broadcast together (NumPy's rule) and have one dtype, with PyTorch's exception
/// for 0-d tensors: a 0-d operand meeting a tensor with axes takes that tensor's dtype, and two
/// 0-d operands meet in float64, through a recorded to() (each gradient comes back in its
/// operand's dtype). Two tensors with axes of different dtypes are an Error. The same holds for
/// the comparisons and where().
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
/// Elementwise maximum (a tie sends the full gradient to both, as the gate does).
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor max(const Tensor& a, const Tensor& b);
Tensor min(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
/// maximum and minimum with a number (taken in the tensor's dtype, as PyTorch takes a Python
/// number): the gradient goes to the tensor, by the gate's rule (a tie passes it whole).
Tensor maximum(const Tensor& a, double b);
Tensor maximum(double a, const Tensor& b);
Tensor minimum(const Tensor& a, double b);
Tensor minimum(double a, const Tensor& b);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);

// ---- elementwise: with a number (the parametric gates) --------------------------------------

Tensor operator+(const Tensor& a, double c);
Tensor operator+(double c, const Tensor& a);
Tensor operator-(const Tensor& a, double c);
Tensor operator-(double c, const Tensor& a);
Tensor operator*(const Tensor& a, double c);
Tensor operator*(double c, const Tensor& a);
Tensor operator/(const Tensor& a, double c);
Tensor operator/(double c, const Tensor& a);
Tensor pow(const Tensor& a, double c);
Tensor pow(double c, const Tensor& a);

// ---- elementwise: unary gates ------------------------------------------------------------

Tensor operator-(const Tensor& a);
Tensor neg(const Tensor& a);
Tensor reciprocal(const Tensor& a);
Tensor exp(const Tensor& a);
Tensor log(const Tensor& a);
Tensor sigmoid(const Tensor& a);
Tensor tanh(const Tensor& a);
Tensor relu(const Tensor& a);
Tensor sqrt(const Tensor& a);
Tensor abs(const Tensor& a);
Tensor sin(const Tensor& a);
Tensor cos(const Tensor& a);
/// Values limited to [lo, hi]; the gradient passes where lo <= x <= hi. Throws Error for a NaN
/// bound or lo > hi (an infinite bound is no bound).
Tensor clamp(const Tensor& a, double lo, double hi);
Tensor clamp_min(const Tensor& a, double lo);
Tensor clamp_max(const Tensor& a, double hi);

// ---- comparisons and selection -------------------------------------------------------------

/// 1 where the comparison holds, else 0 (broadcasting; no gradient). ne holds where either side
/// is NaN, as `!=` does.
Tensor gt(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
/// The same against a number, as PyTorch takes a Python number (gt(t, 0.5) is t > 0.5); the
/// number is compared in the tensor's dtype (a float32 0.1 equals 0.1, as in PyTorch).
Tensor gt(const Tensor& a, double b);
Tensor lt(const Tensor& a, double b);
Tensor ge(const Tensor& a, double b);
Tensor le(const Tensor& a, double b);
Tensor eq(const Tensor& a, double b);
Tensor ne(const Tensor& a, double b);
/// a where `condition` is nonzero, else b (all three broadcast together). The gradient goes to
/// the chosen side.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
/// where with a number for one side (in the other side's dtype); the gradient goes to the tensor
/// where it is chosen.
Tensor where(const Tensor& condition, const Tensor& a, double b);
Tensor where(const Tensor& condition, double a, const Tensor& b);

// ---- reductions ------------------------------------------------------------------------

/// Sum of all elements (a 0-d tensor).
Tensor sum(const Tensor& a);
/// Sum over `axes` (negative count from the end; each at most once, else Error, as for mean,
/// max and min); keepdim keeps them with extent 1.
Tensor sum(const Tensor& a, const std::vector<std::int64_t>& axes, bool keepdim = false);
Tensor sum(const Tensor& a, std::int64_t axis, bool keepdim = false);
Tensor mean(const Tensor& a);
Tensor mean(const Tensor& a, const std::vector<std::int64_t>& axes, bool keepdim = false);
Tensor mean(const Tensor& a, std::int64_t axis, bool keepdim = false);
/// Largest element over all / over axes. The gradient goes to the largest element (shared
/// evenly between ties, like torch.amax).
Tensor max(const Tensor& a);
Tensor max(const Tensor& a, const std::vector<std::int64_t>& axes, bool keepdim = false);
Tensor max(const Tensor& a, std::int64_t axis, bool keepdim = false);
Tensor min(const Tensor& a);
Tensor min(const Tensor& a, const std::vector<std::int64_t>& axes, bool keepdim = false);
Tensor min(const Tensor& a, std::int64_t axis, bool keepdim = false);
/// A braced list of axes, `sum(t, {0, 1})`. Without these overloads `sum(t, {})` would pick the
/// single-axis form and reduce over axis 0 (`{}` converts to the integer 0 more directly than to
/// a vector); with them it reduces no axis, as the vector form does.
inline Tensor sum(const Tensor& a, std::initializer_list<std::int64_t> axes, bool keepdim = false) {
  return sum(a, std::vector<std::int64_t>(axes), keepdim);
}
inline Tensor mean(const Tensor& a, std::initializer_list<std::int64_t> axes,
                   bool keepdim = false) {
  return mean(a, std::vector<std::int64_t>(axes), keepdim);
}
inline Tensor max(const Tensor& a, std::initializer_list<std::int64_t> axes, bool keepdim = false) {
  return max(a, std::vector<std::int64_t>(axes), keepdim);
}
inline Tensor min(const Tensor& a, std::initializer_list<std::int64_t> axes, bool keepdim = false) {
  return min(a, std::vector<std::int64_t>(axes), keepdim);
}
/// Deleted: a reduction's axis is an integer, and a floating-point one would convert to it
/// silently (`sum(t, 1.5)` reducing over axis 1). Worst, `max(t, 0.0)` would reduce over axis 0
/// where `max(x, 0.0)` on a Var is an elementwise maximum: for that, write `maximum(t, 0.0)` or
/// `clamp_min(t, 0.0)` (`minimum` or `clamp_max` for min).
template <std::floating_point T>
Tensor sum(const Tensor& a, T axis, bool keepdim = false) = delete;
template <std::floating_point T>
Tensor mean(const Tensor& a, T axis, bool keepdim = false) = delete;
template <std::floating_point T>
Tensor max(const Tensor& a, T axis, bool keepdim = false) = delete;
template <std::floating_point T>
Tensor min(const Tensor& a, T axis, bool keepdim = false) = delete;
/// Index of the largest element along `axis`, for each position of the other axes
/// (row-major; no gradient).
std::vector<std::int64_t> argmax(const Tensor& a, std::int64_t axis);

// ---- linear algebra ---------------------------------------------------------------------

/// Matrix product through BLAS: [M,K] x [K,N] -> [M,N]; batched [B,M,K] x [B,K,N] -> [B,M,N]
/// with a batch extent of 1 (or a 2-d operand) broadcast; a 1-d operand is a row (left) or a
/// column (right) vector and its axis is dropped from the result, so [K] x [K] is the dot
/// product, 0-d (as torch.matmul). dA = dC Bᵀ, dB = Aᵀ dC.
Tensor matmul(const Tensor& a, const Tensor& b);

// ---- shape -------------------------------------------------------------------------------

Tensor reshape(const Tensor& a, const Shape& shape);
Tensor transpose(const Tensor& a, std::int64_t axis0, std::int64_t axis1);
Tensor permute(const Tensor& a, const std::vector<std::int64_t>& dims);
Tensor flatten(const Tensor& a, std::int64_t start = 0, std::int64_t end = -1);
/// Joins tensors of equal shape but for `axis` along it.
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t axis = 0);
/// Stacks tensors of equal shape along a new axis.
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t axis = 0);

// ---- indexing ------------------------------------------------------------------------------

/// The sub-tensors at `index` along `axis` (indices may repeat; gradients then add up).
Tensor index_select(const Tensor& a, std::int64_t axis, const std::vector<std::int64_t>& index);
/// PyTorch's gather: out[i][j] = a[i][index[i][j]] for axis 1 (and likewise for any axis and
/// rank); `index` holds integral values, its shape equals a's except along `axis`.
Tensor gather(const Tensor& a, std::int64_t axis, const Tensor& index);
/// One element per position of the other axes: out has a's shape with extent 1 along `axis`,
/// and index[k] picks the element of the k-th such position (row-major). With a [N,C] and
/// axis 1 this is the per-row "correct class" pick, [N,1].
Tensor gather(const Tensor& a, std::int64_t axis, const std::vector<std::int64_t>& index);

// ---- losses and normalisation ------------------------------------------------------------

/// exp(a) / sum(exp(a)) along `axis`, computed stably.
Tensor softmax(const Tensor& a, std::int64_t axis);
/// a - logsumexp(a) along `axis`, stable at scores of ±1000.
Tensor log_softmax(const Tensor& a, std::int64_t axis);
/// Mean over the batch of -log softmax(logits)[i, labels[i]]; logits [N,C], labels in [0,C).
Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& labels);
/// Mean of (input - target)^2.
Tensor mse_loss(const Tensor& input, const Tensor& target);
/// The multiclass SVM loss of the linear classifier notes: mean over the batch of
/// sum over j != y of max(0, s_j - s_y + margin); scores [N,C]. A margin that is NaN or
/// infinite is an Error (PyTorch's multi_margin_loss takes it and returns 0 or inf).
Tensor hinge_loss(const Tensor& scores, const std::vector<std::int64_t>& labels,
                  double margin = 1.0);
/// PyTorch's multi_margin_loss (p = 1): hinge_loss divided by the number of classes; the
/// margin must be finite, as for hinge_loss.
Tensor multi_margin_loss(const Tensor& scores, const std::vector<std::int64_t>& labels,
                         double margin = 1.0);

// ---- convolution ------------------------------------------------------------------------

/// 2-d convolution (cross-correlation, as in PyTorch), NCHW: input [N,C,H,W], weight
/// [F,C,KH,KW], optional bias [F] (pass an undefined Tensor for none); result [N,F,OH,OW] with
/// OH = (H + 2 padding - KH) / stride + 1. Computed by im2col and one GEMM per image.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
              std::int64_t stride = 1, std::int64_t padding = 0);
/// Max over kernel x kernel windows of each channel (stride defaults to the kernel size);
/// the gradient goes to the maximum of each window.
Tensor max_pool2d(const Tensor& input, std::int64_t kernel, std::int64_t stride = 0,
                  std::int64_t padding = 0);
/// max_pool2d(conv2d(input, weight, bias, stride, padding), pool_kernel, pool_stride,
/// pool_padding) in one operation, with the same values and gradients: each image's conv output
/// is pooled while it is in cache, and the full-size conv output is never stored. (nn::Sequential
/// uses it for a Conv2d followed by a MaxPool2d.)
Tensor conv2d_max_pool2d(const Tensor& input, const Tensor& weight, const Tensor& bias,
                         std::int64_t stride, std::int64_t padding, std::int64_t pool_kernel,
                         std::int64_t pool_stride = 0, std::int64_t pool_padding = 0);

}  // namespace gradflow
