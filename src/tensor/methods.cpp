// Tensor's method forms (t.sum(), a.matmul(b), ...): one-line forwards to the free functions,
// which keep the checks, the error messages and the gradients. The calls are qualified because
// inside a member an unqualified sum(*this) finds the member sum, not gradflow::sum.

#include <gradflow/tensor/ops.hpp>

#include <cstdint>
#include <vector>

namespace gradflow {

Tensor Tensor::neg() const { return gradflow::neg(*this); }
Tensor Tensor::reciprocal() const { return gradflow::reciprocal(*this); }
Tensor Tensor::exp() const { return gradflow::exp(*this); }
Tensor Tensor::log() const { return gradflow::log(*this); }
Tensor Tensor::sigmoid() const { return gradflow::sigmoid(*this); }
Tensor Tensor::tanh() const { return gradflow::tanh(*this); }
Tensor Tensor::relu() const { return gradflow::relu(*this); }
Tensor Tensor::sqrt() const { return gradflow::sqrt(*this); }
Tensor Tensor::abs() const { return gradflow::abs(*this); }
Tensor Tensor::sin() const { return gradflow::sin(*this); }
Tensor Tensor::cos() const { return gradflow::cos(*this); }
Tensor Tensor::pow(double exponent) const { return gradflow::pow(*this, exponent); }
Tensor Tensor::pow(const Tensor& exponent) const { return gradflow::pow(*this, exponent); }
Tensor Tensor::clamp(double lo, double hi) const { return gradflow::clamp(*this, lo, hi); }
Tensor Tensor::clamp_min(double lo) const { return gradflow::clamp_min(*this, lo); }
Tensor Tensor::clamp_max(double hi) const { return gradflow::clamp_max(*this, hi); }

Tensor Tensor::sum() const { return gradflow::sum(*this); }
Tensor Tensor::sum(std::int64_t axis, bool keepdim) const {
  return gradflow::sum(*this, axis, keepdim);
}
Tensor Tensor::sum(const std::vector<std::int64_t>& axes, bool keepdim) const {
  return gradflow::sum(*this, axes, keepdim);
}
Tensor Tensor::mean() const { return gradflow::mean(*this); }
Tensor Tensor::mean(std::int64_t axis, bool keepdim) const {
  return gradflow::mean(*this, axis, keepdim);
}
Tensor Tensor::mean(const std::vector<std::int64_t>& axes, bool keepdim) const {
  return gradflow::mean(*this, axes, keepdim);
}
Tensor Tensor::max() const { return gradflow::max(*this); }
Tensor Tensor::max(std::int64_t axis, bool keepdim) const {
  return gradflow::max(*this, axis, keepdim);
}
Tensor Tensor::max(const std::vector<std::int64_t>& axes, bool keepdim) const {
  return gradflow::max(*this, axes, keepdim);
}
Tensor Tensor::min() const { return gradflow::min(*this); }
Tensor Tensor::min(std::int64_t axis, bool keepdim) const {
  return gradflow::min(*this, axis, keepdim);
}
Tensor Tensor::min(const std::vector<std::int64_t>& axes, bool keepdim) const {
  return gradflow::min(*this, axes, keepdim);
}
std::vector<std::int64_t> Tensor::argmax(std::int64_t axis) const {
  return gradflow::argmax(*this, axis);
}

Tensor Tensor::matmul(const Tensor& other) const { return gradflow::matmul(*this, other); }
Tensor Tensor::softmax(std::int64_t axis) const { return gradflow::softmax(*this, axis); }
Tensor Tensor::log_softmax(std::int64_t axis) const { return gradflow::log_softmax(*this, axis); }

Tensor Tensor::gt(const Tensor& other) const { return gradflow::gt(*this, other); }
Tensor Tensor::lt(const Tensor& other) const { return gradflow::lt(*this, other); }
Tensor Tensor::ge(const Tensor& other) const { return gradflow::ge(*this, other); }
Tensor Tensor::le(const Tensor& other) const { return gradflow::le(*this, other); }
Tensor Tensor::eq(const Tensor& other) const { return gradflow::eq(*this, other); }
Tensor Tensor::ne(const Tensor& other) const { return gradflow::ne(*this, other); }
Tensor Tensor::gt(double other) const { return gradflow::gt(*this, other); }
Tensor Tensor::lt(double other) const { return gradflow::lt(*this, other); }
Tensor Tensor::ge(double other) const { return gradflow::ge(*this, other); }
Tensor Tensor::le(double other) const { return gradflow::le(*this, other); }
Tensor Tensor::eq(double other) const { return gradflow::eq(*this, other); }
Tensor Tensor::ne(double other) const { return gradflow::ne(*this, other); }

Tensor Tensor::maximum(const Tensor& other) const { return gradflow::maximum(*this, other); }
Tensor Tensor::maximum(double other) const { return gradflow::maximum(*this, other); }
Tensor Tensor::minimum(const Tensor& other) const { return gradflow::minimum(*this, other); }
Tensor Tensor::minimum(double other) const { return gradflow::minimum(*this, other); }
Tensor Tensor::where(const Tensor& condition, const Tensor& other) const {
  return gradflow::where(condition, *this, other);
}
Tensor Tensor::where(const Tensor& condition, double other) const {
  return gradflow::where(condition, *this, other);
}

}  // namespace gradflow
