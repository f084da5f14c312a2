#pragma once
/// @file
/// Mixing Var and Tensor in one graph: a scalar Var hyper-parameter times a tensor, a tensor
/// loss turned into a Var. Both record on this thread's tape, so one backward() (on a Var or on
/// a Tensor) covers the whole graph.

#include <gradflow/scalar/var.hpp>
#include <gradflow/tensor/tensor_type.hpp>

namespace gradflow {

/// A 0-d tensor holding v's value; its gradient flows back into v.
Tensor to_tensor(const Var& v, DType dtype = DType::Float64);
/// The value of a one-element tensor as a Var; the Var's gradient flows back into the tensor.
Var to_var(const Tensor& t);

/// Arithmetic of a Var with a tensor: the Var broadcasts like a 0-d tensor of t's dtype.
Tensor operator+(const Var& v, const Tensor& t);
Tensor operator+(const Tensor& t, const Var& v);
Tensor operator-(const Var& v, const Tensor& t);
Tensor operator-(const Tensor& t, const Var& v);
Tensor operator*(const Var& v, const Tensor& t);
Tensor operator*(const Tensor& t, const Var& v);
Tensor operator/(const Var& v, const Tensor& t);
Tensor operator/(const Tensor& t, const Var& v);

}  // namespace gradflow
