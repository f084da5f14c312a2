// Optimizer: parameter checks shared by every update rule, and zero_grad.

#include <gradflow/core/error.hpp>
#include <gradflow/optim/optimizer.hpp>

#include <string>

namespace gradflow::optim {

Optimizer::Optimizer(std::vector<Tensor> params, double lr) : params_(std::move(params)), lr_(lr) {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    const std::string which = "optimizer: parameter " + std::to_string(i);
    if (!p.defined()) gradflow::detail::fail(which + " is an undefined tensor");
    if (!p.requires_grad() || !p.is_leaf() || !p.is_contiguous()) {
      gradflow::detail::fail(which + " of shape " + p.shape().str() +
                             " must be a contiguous leaf that requires grad (call "
                             "requires_grad_() on it, or pass module.parameters())");
    }
  }
  check_lr(lr);
}

void Optimizer::check_lr(double lr) {
  if (!(lr >= 0.0)) {
    gradflow::detail::fail("optimizer: the learning rate must be >= 0, got " +
                           gradflow::detail::number_str(lr));
  }
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

namespace detail {
void mark_updated(Tensor& param) { ++param.impl().storage->version; }
}  // namespace detail

}  // namespace gradflow::optim
