#pragma once
/// @file
/// Gradient checking for tensor functions: the whole Jacobian from backprop against central
/// differences.

#include <gradflow/tensor/tensor_type.hpp>

#include <functional>
#include <string>
#include <vector>

namespace gradflow {

/// A function of tensors, written with tensor operations.
using TensorFunction = std::function<Tensor(const std::vector<Tensor>&)>;

/// How tensor_gradcheck differentiates and what it accepts: an entry passes when both values
/// are finite and |analytic - numeric| <= atol + rtol * |numeric|.
struct TensorGradcheckOptions {
  double step = 1e-6;
  double rtol = 1e-5;
  double atol = 1e-7;
};

/// The outcome: the largest mismatch, and a description of the worst entry when failed.
struct TensorGradcheckResult {
  bool passed = false;
  double max_abs_error = 0.0;
  std::string report;
  explicit operator bool() const noexcept { return passed; }
};

/// Checks the Jacobian of f at `inputs` (float64 tensors; each is checked as a leaf requiring
/// grad, whatever its flags): one backward pass per output element against two evaluations per
/// input element. Runs on a nested, isolated graph (Note [Isolated tapes] in core/tape.hpp):
/// the caller's graph, the inputs' values and the gradients of captured parameters are left as
/// they were. Throws Error for non-float64 inputs, a result that is not float64 (f must compute
/// in float64 throughout), a bad step, negative tolerances, no inputs, or a Jacobian (result
/// elements × input elements, held whole) too large to hold.
TensorGradcheckResult tensor_gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                                       const TensorGradcheckOptions& options = {});

}  // namespace gradflow
