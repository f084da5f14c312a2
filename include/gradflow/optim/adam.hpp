#pragma once
/// @file
/// Adam (Kingma and Ba 2015) with bias correction and L2 weight decay, with torch.optim.Adam's
/// exact update rule.

#include <gradflow/optim/optimizer.hpp>

#include <cstdint>

namespace gradflow::optim {

/// Adam's hyperparameters; the defaults are PyTorch's.
struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

/// For each parameter p with gradient g, at its step t = 1, 2, ...:
///     g = g + weight_decay * p
///     m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g²
///     p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
class Adam : public Optimizer {
 public:
  /// Throws Error for a negative lr, eps or weight decay, or betas outside [0, 1).
  Adam(std::vector<Tensor> params, AdamOptions options = {});

  void step() override;
  const AdamOptions& options() const noexcept { return options_; }

 private:
  AdamOptions options_;
  std::vector<Tensor> exp_avg_;      // m, undefined until a parameter's first step
  std::vector<Tensor> exp_avg_sq_;   // v
  std::vector<std::int64_t> steps_;  // t per parameter (one without a gradient does not count)
};

}  // namespace gradflow::optim
