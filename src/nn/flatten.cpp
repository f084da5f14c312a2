// Flatten: the tensor layer's flatten over a range of axes.

#include <gradflow/nn/flatten.hpp>

#include <string>

namespace gradflow::nn {

Tensor Flatten::forward(const Tensor& input) {
  // A 2-d input with the default range is already flat ([N, features]): nothing to merge.
  if (input.dim() <= 2 && start_ == 1 && end_ == -1) return input;
  return input.flatten(start_, end_);
}

std::string Flatten::describe() const {
  if (start_ == 1 && end_ == -1) return "Flatten()";
  return "Flatten(" + std::to_string(start_) + ", " + std::to_string(end_) + ")";
}

}  // namespace gradflow::nn
