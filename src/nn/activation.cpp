// The activation modules: one tensor op each.

#include <gradflow/nn/activation.hpp>
#include <gradflow/tensor/ops.hpp>

namespace gradflow::nn {

Tensor ReLU::forward(const Tensor& input) { return relu(input); }
Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }
Tensor Tanh::forward(const Tensor& input) { return tanh(input); }

}  // namespace gradflow::nn
