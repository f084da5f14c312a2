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
    // Flattening is the fix only when the features are there, spread over the trailing axes.
    std::int64_t trailing = 1;
    for (std::int64_t d = 1; d < input.dim(); ++d) trailing *= input.size(d);
    const bool images = input.dim() > 2 && trailing == in_;
    detail::fail(describe() + ": the input of shape " + input.shape().str() + " should end in " +
                 std::to_string(in_) + " features" +
                 (images ? "; flatten it first (nn::Flatten)" : ""));
  }
  if (input.dtype() != weight().dtype()) {
    detail::fail(describe() + ": the input is " + std::string(dtype_name(input.dtype())) + " " +
                 input.shape().str() + " and the layer's parameters are " +
                 std::string(dtype_name(weight().dtype())) + "; convert the input with .to(" +
                 "DType::" + std::string(dtype_name(weight().dtype())) +
                 ") or build the layer with that dtype");
  }
  const Tensor y = matmul(input, weight().t());
  return has_bias_ ? y + bias() : y;
}

std::string Linear::describe() const {
  return "Linear(" + std::to_string(in_) + ", " + std::to_string(out_) +
         (has_bias_ ? ")" : ", bias=false)");
}

}  // namespace gradflow::nn
