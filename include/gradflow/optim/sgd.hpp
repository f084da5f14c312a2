#pragma once
/// @file
/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
/// with torch.optim.SGD's exact update rule.

#include <gradflow/optim/optimizer.hpp>

namespace gradflow::optim {

/// SGD's hyperparameters; the defaults are PyTorch's (but for lr, which PyTorch requires).
struct SGDOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

/// For each parameter p with gradient g:
///     g = g + weight_decay * p
///     buf = g (first step) or momentum * buf + (1 - dampening) * g     (when momentum != 0)
///     g = g + momentum * buf (nesterov) or buf
///     p = p - lr * g
class SGD : public Optimizer {
 public:
  /// Throws Error for a negative lr, momentum or weight decay, or Nesterov without momentum or
  /// with dampening.
  SGD(std::vector<Tensor> params, SGDOptions options);

  void step() override;
  const SGDOptions& options() const noexcept { return options_; }

 private:
  SGDOptions options_;
  std::vector<Tensor> momentum_;  // undefined until a parameter's first step
};

}  // namespace gradflow::optim
