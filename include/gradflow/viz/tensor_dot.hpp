#pragma once
/// @file
/// to_dot for a Tensor output: the circuit of tensor operations (and any scalar gates bridged
/// into them) that computed it. Each operation is a rounded box labelled with its op and shape
/// (its BackwardStep's label()); leaf tensors, which live outside the tape, are blue boxes.

#include <gradflow/tensor/tensor.hpp>
#include <gradflow/viz/dot.hpp>

#include <string>

namespace gradflow {

/// The circuit that computed `output` (see to_dot(const Var&) for what is drawn). A leaf
/// tensor (no producing operation) gives a one-node diagram. Throws Error if `output` was
/// computed on a graph that is no longer current.
std::string to_dot(const Tensor& output, const DotOptions& options = {});

}  // namespace gradflow
