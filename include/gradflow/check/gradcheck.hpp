#pragma once
/// @file
/// Numerical gradient checking: backprop's gradients against centered finite differences.

#include <gradflow/scalar/var.hpp>

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace gradflow {

/// How gradcheck differentiates numerically and what it accepts.
struct GradcheckOptions {
  /// Finite-difference step h in (f(x+h) - f(x-h)) / 2h. Must be positive and finite.
  double step = 1e-6;
  /// An input passes when both values are finite and
  /// |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|).
  double rtol = 1e-5;
  double atol = 1e-7;
};

/// The comparison for one input.
struct InputCheck {
  double analytic = 0.0;        // from backward()
  double numeric = 0.0;         // centered finite difference
  double relative_error = 0.0;  // |a - n| / max(|a|, |n|), 0 when both are 0
  bool passed = false;
};

/// The outcome of gradcheck: one InputCheck per input, and the verdict.
struct GradcheckResult {
  double value = 0.0;  // f at the point
  std::vector<InputCheck> inputs;
  bool passed = false;
  double max_relative_error = 0.0;
  GradcheckOptions options;

  explicit operator bool() const noexcept { return passed; }
  /// A table: input, analytic, numeric, relative error, pass/FAIL; then the verdict.
  std::string report() const;
};

/// A function of n scalar inputs, written with Var.
using ScalarFunction = std::function<Var(std::span<const Var>)>;

/// Checks the gradient of f at `at`: backprop once, then two evaluations per input with that
/// input moved by ±step. It runs on a nested graph (Tape::Scope), so the caller's graph is left
/// as it was; f must therefore build its result from its arguments (capturing doubles or Params
/// is fine, capturing a Var of the caller's graph is an Error). The nested tape is isolated
/// (Note [Isolated tapes] in core/tape.hpp): the gradients of captured Params and tensors stay
/// as they were, as torch.autograd.gradcheck leaves .grad alone. Throws Error for a step that is
/// not positive and finite, negative tolerances or no inputs.
GradcheckResult gradcheck(const ScalarFunction& f, std::span<const double> at,
                          const GradcheckOptions& options = {});
GradcheckResult gradcheck(const ScalarFunction& f, std::initializer_list<double> at,
                          const GradcheckOptions& options = {});

}  // namespace gradflow
