#pragma once
/// @file
/// to_dot for a Tensor output: the circuit of tensor operations (and any scalar gates bridged
/// into them) that computed it. Each operation is a rounded yellow box labelled with its op and
/// output shape (its BackwardStep's label()). Its inputs that live outside the tape are boxes
/// too: a leaf that requires grad in blue with its shape, a tensor that needs no gradient in grey
/// (the operation keeps nothing of such an input, so not its shape either). The wires carry no
/// values or gradients (a tensor keeps its own: `t.grad()`), except those of scalar gates, and
/// the legend names only what the diagram draws.

#include <gradflow/tensor/tensor.hpp>
#include <gradflow/viz/dot.hpp>

#include <string>

namespace gradflow {

/// The circuit that computed `output` (see to_dot(const Var&) for what is drawn). A leaf
/// tensor (no producing operation) gives a one-node diagram. Throws Error if `output` was
/// computed on a graph that is no longer current.
std::string to_dot(const Tensor& output, const DotOptions& options = {});

}  // namespace gradflow
