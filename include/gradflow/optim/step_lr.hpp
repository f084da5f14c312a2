#pragma once
/// @file
/// StepLR: multiplies the learning rate by gamma every step_size epochs, as
/// torch.optim.lr_scheduler.StepLR.

#include <gradflow/optim/optimizer.hpp>

namespace gradflow::optim {

/// lr(epoch) = base_lr * gamma^floor(epoch / step_size); call step() once after each epoch.
class StepLR {
 public:
  /// base_lr is the optimizer's lr now. Throws Error for step_size < 1.
  StepLR(Optimizer& optimizer, int step_size, double gamma = 0.1);

  /// Ends an epoch: advances the epoch count and sets the optimizer's lr for the next one.
  void step();
  /// Epochs completed so far.
  int epoch() const noexcept { return epoch_; }
  /// The learning rate for the current epoch.
  double lr() const noexcept;

 private:
  Optimizer& optimizer_;
  int step_size_;
  double gamma_;
  double base_lr_;
  int epoch_ = 0;
};

}  // namespace gradflow::optim
