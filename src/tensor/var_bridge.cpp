// Bridges between Var and Tensor on the one tape. A Var's adjoint lives in the tape's adjoint
// buffer; a tensor's gradient in its GradCell. Each bridge is a step that moves gradient from
// one to the other, so one sweep covers a graph that mixes both.

#include "autograd.hpp"

#include <gradflow/scalar/ops.hpp>
#include <gradflow/tensor/ops.hpp>
#include <gradflow/tensor/var_bridge.hpp>

namespace gradflow {

namespace {

/// Var -> 0-d tensor: the tensor's gradient is added to the Var's adjoint.
struct FromVarStep final : detail::TensorStep {
  explicit FromVarStep(Slot var) : TensorStep("to_tensor") { var_slots.push_back(var); }
  void run(Tensor g) override { adjoints()[var_slots[0]] += g.item(); }
};

/// One-element tensor -> Var: the Var's adjoint (this step's own slot) becomes the tensor's
/// gradient. Here the slot's adjoint is a real gradient, not a reached-mark: only Var
/// operations consume the Var, and they add gradient, never marks.
struct ToVarStep final : BackwardStep {
  ToVarStep(std::shared_ptr<detail::GradCell> in, Shape shape, DType dtype)
      : in_(std::move(in)), shape_(shape), dtype_(dtype) {}
  void backward(double* adjoints) override {
    NoGradGuard no_grad;
    detail::accumulate(*in_, Tensor::full(shape_, adjoints[slot], dtype_));
    if (!in_->leaf) adjoints[in_->slot] += 1.0;
  }
  std::string_view name() const override { return "to_var"; }
  std::vector<Slot> inputs() const override { return {in_->leaf ? Slot{0} : in_->slot}; }
  std::shared_ptr<detail::GradCell> in_;
  Shape shape_;
  DType dtype_;
  Slot slot = 0;
};

}  // namespace

Tensor to_tensor(const Var& v, DType dtype) {
  Tensor out = scalar_tensor(v.value(), dtype);
  Tape& tape = Tape::current();
  const Slot s = v.slot("to_tensor");  // throws for a Var of a cleared graph
  if (s == 0 || !tape.recording()) return out;
  auto step = std::make_unique<FromVarStep>(s);
  detail::record(out, std::move(step), std::initializer_list<const Tensor*>{});
  return out;
}

Var to_var(const Tensor& t) {
  detail::check_defined(t, "to_var");
  if (t.numel() != 1) {
    detail::fail("to_var: the tensor has shape " + t.shape().str() + " (" +
                 std::to_string(t.numel()) + " elements); a Var is one number (reduce first, "
                 "e.g. sum(t))");
  }
  const double value = t.item();
  Tape& tape = Tape::current();
  if (!detail::needs_grad({&t}, "to_var")) return Var::constant(value);
  auto step = std::make_unique<ToVarStep>(t.impl().cell, t.shape(), t.dtype());
  ToVarStep* raw = step.get();
  raw->slot = tape.push_step(std::move(step));
  return detail::VarAccess::make(value, raw->slot, tape.generation());
}

Tensor operator+(const Var& v, const Tensor& t) { return to_tensor(v, t.dtype()) + t; }
Tensor operator+(const Tensor& t, const Var& v) { return t + to_tensor(v, t.dtype()); }
Tensor operator-(const Var& v, const Tensor& t) { return to_tensor(v, t.dtype()) - t; }
Tensor operator-(const Tensor& t, const Var& v) { return t - to_tensor(v, t.dtype()); }
Tensor operator*(const Var& v, const Tensor& t) { return to_tensor(v, t.dtype()) * t; }
Tensor operator*(const Tensor& t, const Var& v) { return t * to_tensor(v, t.dtype()); }
Tensor operator/(const Var& v, const Tensor& t) { return to_tensor(v, t.dtype()) / t; }
Tensor operator/(const Tensor& t, const Var& v) { return t / to_tensor(v, t.dtype()); }

}  // namespace gradflow
