// Conv2d and MaxPool2d: checks that name the layer, then the tensor layer's conv2d/max_pool2d.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/conv.hpp>
#include <gradflow/nn/init.hpp>
#include <gradflow/tensor/ops.hpp>

#include <cmath>
#include <string>

namespace gradflow::nn {

Conv2d::Conv2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
               Generator& gen, Conv2dOptions options)
    : in_(in_channels), out_(out_channels), kernel_(kernel_size), options_(options) {
  if (in_channels < 1 || out_channels < 1 || kernel_size < 1 || options.stride < 1 ||
      options.padding < 0) {
    detail::fail(describe() +
                 ": channels, kernel size and stride must be positive, padding "
                 "non-negative");
  }
  Tensor w = Tensor::empty({out_channels, in_channels, kernel_size, kernel_size}, options.dtype);
  init::kaiming_uniform_(w, gen, std::sqrt(5.0));
  register_parameter("weight", std::move(w));
  if (options.bias) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(init::fans(weight()).in));
    Tensor b = Tensor::empty({out_channels}, options.dtype);
    init::uniform_(b, -bound, bound, gen);
    register_parameter("bias", std::move(b));
  }
}

Conv2d::Conv2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
               Conv2dOptions options)
    : Conv2d(in_channels, out_channels, kernel_size, default_generator(), options) {}

void Conv2d::check_input(const Tensor& input) const {
  if (input.dim() != 4 || input.size(1) != in_) {
    detail::fail(describe() + ": expected an input [N, " + std::to_string(in_) +
                 ", H, W], got shape " + input.shape().str());
  }
}

Tensor Conv2d::forward(const Tensor& input) {
  check_input(input);
  return conv2d(input, weight(), bias(), options_.stride, options_.padding);
}

Tensor Conv2d::forward_pooled(const Tensor& input, const MaxPool2d& pool, const Module* between) {
  check_input(input);
  try {
    return conv2d_max_pool2d(input, weight(), bias(), options_.stride, options_.padding,
                             pool.kernel_size(), pool.stride(), pool.padding());
  } catch (const Error& e) {  // name the layers the user wrote, not only the fused operation
    const std::string middle = between != nullptr ? between->describe() + " and " : "";
    detail::fail(describe() + " followed by " + middle + pool.describe() + ": " + e.what());
  }
}

std::string Conv2d::describe() const {
  std::string s = "Conv2d(" + std::to_string(in_) + ", " + std::to_string(out_) +
                  ", kernel_size=" + std::to_string(kernel_);
  if (options_.stride != 1) s += ", stride=" + std::to_string(options_.stride);
  if (options_.padding != 0) s += ", padding=" + std::to_string(options_.padding);
  if (!options_.bias) s += ", bias=false";
  return s + ")";
}

MaxPool2d::MaxPool2d(std::int64_t kernel_size, std::int64_t stride, std::int64_t padding)
    : kernel_(kernel_size), stride_(stride == 0 ? kernel_size : stride), padding_(padding) {
  if (kernel_size < 1 || stride_ < 1 || padding < 0) {
    detail::fail(describe() + ": kernel size and stride must be positive, padding non-negative");
  }
}

Tensor MaxPool2d::forward(const Tensor& input) {
  if (input.dim() != 4) {
    detail::fail(describe() + ": expected an input [N, C, H, W], got shape " + input.shape().str());
  }
  return max_pool2d(input, kernel_, stride_, padding_);
}

std::string MaxPool2d::describe() const {
  std::string s = "MaxPool2d(kernel_size=" + std::to_string(kernel_);
  if (stride_ != kernel_) s += ", stride=" + std::to_string(stride_);
  if (padding_ != 0) s += ", padding=" + std::to_string(padding_);
  return s + ")";
}

}  // namespace gradflow::nn
