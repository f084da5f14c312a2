#pragma once
/// @file
/// Conv2d and MaxPool2d: the layers of a convolutional network, NCHW as in PyTorch.

#include <gradflow/nn/module.hpp>
#include <gradflow/tensor/dtype.hpp>
#include <gradflow/tensor/random.hpp>

#include <cstdint>

namespace gradflow::nn {

class MaxPool2d;

/// Options of Conv2d beyond its channels and kernel size.
struct Conv2dOptions {
  std::int64_t stride = 1;
  std::int64_t padding = 0;
  bool bias = true;
  DType dtype = DType::Float32;
};

/// 2-d convolution (cross-correlation) of [N, in, H, W] with weight [out, in, k, k] and bias
/// [out], giving [N, out, OH, OW], OH = (H + 2 padding - k) / stride + 1. Parameters "weight"
/// and "bias", initialised like torch.nn.Conv2d: both uniform on ±1/sqrt(in k²).
class Conv2d : public Module {
 public:
  Conv2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
         Generator& gen, Conv2dOptions options = {});
  /// Draws from this thread's default generator.
  Conv2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
         Conv2dOptions options = {});

  Tensor forward(const Tensor& input) override;
  /// pool(forward(input)) as one operation (conv2d_max_pool2d): the same values and gradients,
  /// without storing the full-size conv output. nn::Sequential uses it for a Conv2d followed by
  /// a MaxPool2d. `between`, when given, is a layer the caller moved from between the two to
  /// after the pool (Sequential's ReLU); errors then name it too, as the user wrote the layers.
  Tensor forward_pooled(const Tensor& input, const MaxPool2d& pool,
                        const Module* between = nullptr);
  std::string describe() const override;

  const Tensor& weight() const { return param(0); }
  Tensor bias() const { return options_.bias ? param(1) : Tensor(); }

 private:
  void check_input(const Tensor& input) const;

  std::int64_t in_;
  std::int64_t out_;
  std::int64_t kernel_;
  Conv2dOptions options_;
};

/// Max over kernel x kernel windows of each channel, [N, C, H, W] -> [N, C, OH, OW]; the stride
/// defaults to the kernel size (0 means that). No parameters.
class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(std::int64_t kernel_size, std::int64_t stride = 0, std::int64_t padding = 0);

  Tensor forward(const Tensor& input) override;
  std::string describe() const override;

  std::int64_t kernel_size() const noexcept { return kernel_; }
  std::int64_t stride() const noexcept { return stride_; }
  std::int64_t padding() const noexcept { return padding_; }

 private:
  std::int64_t kernel_;
  std::int64_t stride_;
  std::int64_t padding_;
};

}  // namespace gradflow::nn
