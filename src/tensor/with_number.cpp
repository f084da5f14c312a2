// Operations of a tensor and a number (gt(t, 0.5), where(c, t, 0.0), maximum(t, 1.0)), as
// PyTorch takes a Python number. The number becomes a 0-d tensor of the tensor's dtype and
// broadcasting does the rest, so each form is the tensor-tensor operation itself: its values,
// its gradient rule, its error messages. The 0-d tensor requires no gradient, so the gradient
// goes to the tensor alone; and the number is compared in the tensor's dtype, as PyTorch does
// (a float32 0.1 equals the number 0.1).

#include "autograd.hpp"

#include <gradflow/gates/table.hpp>
#include <gradflow/tensor/ops.hpp>

#include <string_view>

namespace gradflow {

namespace {
/// c as a 0-d tensor of t's dtype; an undefined t is an Error naming op.
Tensor number_like(const Tensor& t, double c, std::string_view op) {
  detail::check_defined(t, op);
  return scalar_tensor(c, t.dtype());
}
}  // namespace

Tensor gt(const Tensor& a, double b) { return gt(a, number_like(a, b, "gt")); }
Tensor lt(const Tensor& a, double b) { return lt(a, number_like(a, b, "lt")); }
Tensor ge(const Tensor& a, double b) { return ge(a, number_like(a, b, "ge")); }
Tensor le(const Tensor& a, double b) { return le(a, number_like(a, b, "le")); }
Tensor eq(const Tensor& a, double b) { return eq(a, number_like(a, b, "eq")); }
Tensor ne(const Tensor& a, double b) { return ne(a, number_like(a, b, "ne")); }

Tensor where(const Tensor& condition, const Tensor& a, double b) {
  return where(condition, a, number_like(a, b, "where"));
}
Tensor where(const Tensor& condition, double a, const Tensor& b) {
  return where(condition, number_like(b, a, "where"), b);
}

Tensor maximum(const Tensor& a, double b) {
  return maximum(a, number_like(a, b, gates::Max::name));
}
Tensor maximum(double a, const Tensor& b) {
  return maximum(number_like(b, a, gates::Max::name), b);
}
Tensor minimum(const Tensor& a, double b) {
  return minimum(a, number_like(a, b, gates::Min::name));
}
Tensor minimum(double a, const Tensor& b) {
  return minimum(number_like(b, a, gates::Min::name), b);
}

}  // namespace gradflow
