// Linear: y = x Wᵀ + b. The transpose is a view that matmul hands to BLAS as a flag, so the
// PyTorch layout [out, in] costs no copy.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/init.hpp>
#include <gradflow/nn/linear.hpp>
#include <gradflow/tensor/ops.hpp>

#include <cmath>
#include <string>

namespace gradflow::nn {

Linear::Linear(std::int64_t in_features, std::int64_t out_features, Generator& gen,
               LinearOptions options)
    : in_(in_features), out_(out_features), has_bias_(options.bias) {
  if (in_features < 1 || out_features < 1) {
    detail::fail("Linear(" + std::to_string(in_features) + ", " + std::to_string(out_features) +
                 "): sizes must be positive");
  }
  Tensor w = Tensor::empty({out_features, in_features}, options.dtype);
  init::kaiming_uniform_(w, gen, std::sqrt(5.0));
  register_parameter("weight", std::move(w));
  if (has_bias_) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
    Tensor b = Tensor::empty({out_features}, options.dtype);
    init::uniform_(b, -bound, bound, gen);
    register_parameter("bias", std::move(b));
  }
}

Linear::Linear(std::int64_t in_features, std::int64_t out_features, LinearOptions options)
    : Linear(in_features, out_features, default_generator(), options) {}

Tensor Linear::forward(const Tensor& input) {
  if (input.dim() < 1 || input.size(-1) != in_) {
    detail::fail(describe() + ": the input of shape " + input.shape().str() + " should end in " +
                 std::to_string(in_) +
                 " features; flatten images first "
                 "(nn::Flatten)");
  }
  const Tensor y = matmul(input, weight().t());
  return has_bias_ ? y + bias() : y;
}

std::string Linear::describe() const {
  return "Linear(" + std::to_string(in_) + ", " + std::to_string(out_) +
         (has_bias_ ? ")" : ", bias=false)");
}

}  // namespace gradflow::nn
