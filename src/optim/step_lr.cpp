// StepLR: the learning rate is recomputed from the base each epoch (not multiplied in place),
// so it stays exact after many decays.

#include <gradflow/core/error.hpp>
#include <gradflow/optim/step_lr.hpp>

#include <cmath>

namespace gradflow::optim {

StepLR::StepLR(Optimizer& optimizer, int step_size, double gamma)
    : optimizer_(optimizer), step_size_(step_size), gamma_(gamma), base_lr_(optimizer.lr()) {
  if (step_size < 1) gradflow::detail::fail("StepLR: step_size must be >= 1");
}

void StepLR::step() {
  ++epoch_;
  optimizer_.set_lr(lr());
}

double StepLR::lr() const noexcept {
  return base_lr_ * std::pow(gamma_, static_cast<double>(epoch_ / step_size_));
}

}  // namespace gradflow::optim
