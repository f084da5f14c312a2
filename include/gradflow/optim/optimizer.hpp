#pragma once
/// @file
/// Optimizer: the base of the parameter-update rules (SGD, Adam). A step reads each parameter's
/// accumulated grad() and changes the parameter in place, outside any graph.

#include <gradflow/tensor/tensor_type.hpp>

#include <vector>

namespace gradflow::optim {

/// Holds the parameters (handles: the module's own tensors) and the learning rate.
///
/// ```cpp
/// optim::Adam opt(model.parameters(), {.lr = 1e-3});
/// for (std::size_t b = 0; b < batches.num_batches(); ++b) {  // a data::BatchSampler
///   new_graph();  // release the last step's graph: unlike PyTorch, it lives until this call
///   Tensor x = nn::rows_to_tensor(train.inputs, batches.batch(b), DType::Float32);
///   Tensor loss = cross_entropy(model(x), labels);  // train.labels at batches.batch(b)
///   opt.zero_grad();
///   loss.backward();
///   opt.step();
/// }
/// ```
///
/// Without the new_graph() call every step's graph is kept, and each backward() sweeps all of
/// them: the results are right, but memory grows and steps slow down with every step
/// (examples/training_loop.cpp has the whole loop).
class Optimizer {
 public:
  /// Throws Error for a parameter that is undefined, does not require grad, or is not a leaf
  /// (an optimizer updates leaves; a computed tensor would be recomputed next pass anyway).
  Optimizer(std::vector<Tensor> params, double lr);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Updates every parameter that has a gradient (one without is skipped, as in PyTorch).
  virtual void step() = 0;
  /// Drops every parameter's gradient.
  void zero_grad();

  double lr() const noexcept { return lr_; }
  /// Changes the learning rate of the next steps (what a schedule does). Throws Error for a
  /// negative or NaN rate, as the constructor does.
  void set_lr(double lr) {
    check_lr(lr);
    lr_ = lr;
  }
  const std::vector<Tensor>& params() const noexcept { return params_; }

 protected:
  std::vector<Tensor> params_;
  double lr_;

 private:
  static void check_lr(double lr);
};

namespace detail {
/// Marks an in-place change of `param` (its storage version), so that a backward step that saved
/// the old values reports the change instead of computing wrong gradients.
void mark_updated(Tensor& param);
}  // namespace detail

}  // namespace gradflow::optim
