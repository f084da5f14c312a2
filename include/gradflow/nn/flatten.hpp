#pragma once
/// @file
/// Flatten: merges the axes after the batch axis, [N, C, H, W] -> [N, C*H*W], as torch.nn.Flatten.

#include <gradflow/nn/module.hpp>

#include <cstdint>

namespace gradflow::nn {

/// Merges axes start..end (by default all but the first). A view when the input is contiguous.
class Flatten : public Module {
 public:
  explicit Flatten(std::int64_t start_dim = 1, std::int64_t end_dim = -1)
      : start_(start_dim), end_(end_dim) {}
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;

 private:
  std::int64_t start_;
  std::int64_t end_;
};

}  // namespace gradflow::nn
