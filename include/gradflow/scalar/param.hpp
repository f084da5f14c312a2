#pragma once
/// @file
/// Param: a leaf that outlives graphs, for values a loop keeps updating (weights).

#include <gradflow/scalar/var.hpp>

#include <memory>

namespace gradflow {

/// A trainable scalar. Its value and gradient live outside the per-iteration tape, so it stays
/// valid across new_graph(); each graph it takes part in binds it as a leaf once, and every
/// backward pass adds into grad(), which accumulates until zero_grad() (as a PyTorch parameter's
/// .grad does).
///
/// ```cpp
/// Param w = 0.5;
/// for (int step = 0; step < 100; ++step) {
///   new_graph();
///   Var loss = pow(w * x - y, 2);
///   loss.backward();
///   w.set_value(w.value() - 0.1 * w.grad());
///   w.zero_grad();
/// }
/// ```
///
/// Copies share one parameter (like torch.Tensor handles). A Param is used by one thread at a
/// time.
class Param {
 public:
  Param(double value = 0.0);  // NOLINT(google-explicit-constructor): `Param w = 0.5;`

  double value() const noexcept { return state_->value; }
  /// Changes the value; graphs recorded later see the new value.
  void set_value(double value) noexcept { state_->value = value; }
  /// The gradient accumulated over every backward pass since the last zero_grad().
  double grad() const noexcept { return state_->grad; }
  void zero_grad() noexcept { state_->grad = 0.0; }

  /// This parameter as a leaf of the current graph (bound on first use in each graph).
  Var var() const;
  operator Var() const { return var(); }  // NOLINT(google-explicit-constructor)

 private:
  std::shared_ptr<PersistentLeaf> state_;
};

}  // namespace gradflow
