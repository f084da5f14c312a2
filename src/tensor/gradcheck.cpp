// Whole-Jacobian gradient checks for tensor functions: row k of the Jacobian from one backward
// pass with a one-hot upstream gradient at output element k, column j from a central
// difference at input element j.

#include "autograd.hpp"
#include "kernels.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/core/gradcheck_options.hpp>
#include <gradflow/tensor/gradcheck.hpp>

#include <cmath>
#include <cstdint>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow {

namespace {

/// Fresh float64 leaves holding the inputs' values (the caller's tensors stay untouched), the
/// only leaves the check's isolated tape lets backward passes add into (Note [Isolated tapes]).
std::vector<Tensor> leaves_of(const std::vector<Tensor>& inputs) {
  std::vector<Tensor> out;
  for (const Tensor& t : inputs) {
    out.push_back(detail::copy_values(t).requires_grad_());
    Tape::current().allow_leaf(out.back().impl().cell.get());
  }
  return out;
}

/// The Jacobians tensor_gradcheck fills, zeroed: one per input, kept whole (result elements ×
/// input elements doubles, [k * n + j]). One too large to hold is an Error naming both shapes:
/// the product of the two counts may wrap around int64 (a wrapped count would size a buffer
/// smaller than the rows written into it), and the allocation may fail (std::bad_alloc, or
/// std::length_error past what a vector can hold, naming neither the op nor the sizes).
std::vector<std::vector<double>> zeroed_jacobians(const Tensor& y,
                                                  const std::vector<Tensor>& inputs) {
  const std::int64_t m = y.numel();
  std::vector<std::vector<double>> jacobians(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::int64_t n = inputs[i].numel();
    std::int64_t entries = 0;
    std::string size;  // what could not be held, when the count itself fits
    if (!__builtin_mul_overflow(m, n, &entries)) {
      try {
        jacobians[i].assign(static_cast<std::size_t>(entries), 0.0);
        continue;
      } catch (const std::bad_alloc&) {
      } catch (const std::length_error&) {
      }
      size = " (" + std::to_string(entries) + " entries, " +
             std::to_string(static_cast<std::uint64_t>(entries) * sizeof(double)) + " bytes)";
    }
    detail::fail("tensor_gradcheck: the Jacobian of f's result " + y.shape().str() + " (" +
                 std::to_string(m) + " elements) by input " + std::to_string(i) + " " +
                 inputs[i].shape().str() + " (" + std::to_string(n) + " elements)" + size +
                 " is too large to hold (the check keeps it whole); check a function of fewer "
                 "elements");
  }
  return jacobians;
}

std::vector<double> outputs_at(const TensorFunction& f, const std::vector<Tensor>& inputs) {
  NoGradGuard no_grad;
  return f(inputs).to_vector();
}

}  // namespace

TensorGradcheckResult tensor_gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                                       const TensorGradcheckOptions& options) {
  detail::check_gradcheck_options("tensor_gradcheck", options.step, options.rtol, options.atol,
                                  inputs.size());
  for (const Tensor& t : inputs) {
    detail::check_defined(t, "tensor_gradcheck");
    if (t.dtype() != DType::Float64) {
      detail::fail("tensor_gradcheck: inputs must be Float64 (finite differences in float32 "
                   "are too coarse); got " + std::string(dtype_name(t.dtype())) + " " + t.shape().str());
    }
  }
  Tape::Scope scope;  // a nested graph: the caller's stays as it was
  scope.tape().set_isolated(true);  // and so do its Params' and leaves' gradients

  // Analytic: one backward pass per output element.
  std::vector<Tensor> x = leaves_of(inputs);
  const Tensor y0 = f(x);
  detail::check_defined(y0, "tensor_gradcheck: f's result");
  if (y0.dtype() != DType::Float64) {
    // Float32 rounding (about 6e-8 relative) divided by 2 * step would swamp the difference.
    detail::fail("tensor_gradcheck: f returned " + std::string(dtype_name(y0.dtype())) + " " +
                 y0.shape().str() + "; finite differences need the whole computation in "
                 "Float64 (f must not convert to Float32)");
  }
  const std::int64_t m = y0.numel();
  std::vector<std::vector<double>> analytic = zeroed_jacobians(y0, inputs);  // [input][k*n + j]
  for (std::int64_t k = 0; k < m; ++k) {
    new_graph();
    x = leaves_of(inputs);
    const Tensor y = f(x);
    if (!y.requires_grad()) break;  // no input reaches the output: the Jacobian is zero
    std::vector<double> seed(static_cast<std::size_t>(m), 0.0);
    seed[static_cast<std::size_t>(k)] = 1.0;
    y.backward(tensor(seed, y.shape().vec(), y.dtype()));
    for (std::size_t i = 0; i < x.size(); ++i) {
      const Tensor g = x[i].grad();
      if (!g.defined()) continue;
      const std::vector<double> gv = g.to_vector();
      for (std::size_t j = 0; j < gv.size(); ++j) {
        analytic[i][static_cast<std::size_t>(k) * gv.size() + j] = gv[j];
      }
    }
  }

  // Numeric: central differences, one input element at a time.
  TensorGradcheckResult result;
  result.passed = true;
  std::ostringstream report;
  const double h = options.step;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::int64_t n = inputs[i].numel();
    for (std::int64_t j = 0; j < n; ++j) {
      std::vector<Tensor> moved;
      for (const Tensor& t : inputs) moved.push_back(detail::copy_values(t));
      double* p = moved[i].data<double>() + j;
      const double original = *p;
      *p = original + h;
      const std::vector<double> plus = outputs_at(f, moved);
      *p = original - h;
      const std::vector<double> minus = outputs_at(f, moved);
      for (std::int64_t k = 0; k < m; ++k) {
        const auto uk = static_cast<std::size_t>(k);
        const double numeric = (plus[uk] - minus[uk]) / (2.0 * h);
        const double a = analytic[i][uk * static_cast<std::size_t>(n) + static_cast<std::size_t>(j)];
        const double err = std::fabs(a - numeric);
        // Only finite values can agree (an infinite numeric value makes the tolerance
        // infinite); a NaN fails the comparison itself.
        const bool ok = std::isfinite(a) && std::isfinite(numeric) &&
                        err <= options.atol + options.rtol * std::fabs(numeric);
        if (err > result.max_abs_error || std::isnan(err)) result.max_abs_error = err;
        if (!ok && result.passed) {
          report << "input " << i << " element " << j << ", output element " << k
                 << ": analytic " << a << " vs numeric " << numeric;
        }
        result.passed = result.passed && ok;
      }
    }
  }
  result.report = result.passed ? "passed" : report.str();
  return result;
}

}  // namespace gradflow
