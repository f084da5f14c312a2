// Dropout: the mask is drawn on the host from the layer's own generator and multiplied in, so
// the tensor layer's mul gives the gradient (mask / (1 - p)) with no new backward code.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/dropout.hpp>
#include <gradflow/tensor/ops.hpp>

#include <string>
#include <vector>

namespace gradflow::nn {

Dropout::Dropout(double p, std::uint64_t seed) : p_(p), gen_(seed) {
  if (!(p >= 0.0 && p < 1.0)) {
    detail::fail("Dropout: p must be in [0, 1), got " + detail::number_str(p));
  }
}

Tensor Dropout::forward(const Tensor& input) {
  if (!is_training() || p_ == 0.0) return input;
  const double keep = 1.0 / (1.0 - p_);
  std::vector<double> mask(static_cast<std::size_t>(input.numel()));
  for (double& m : mask) m = gen_.uniform() < p_ ? 0.0 : keep;
  return input * tensor(std::move(mask), input.shape().vec(), input.dtype());
}

std::string Dropout::describe() const { return "Dropout(p=" + std::to_string(p_) + ")"; }

}  // namespace gradflow::nn
