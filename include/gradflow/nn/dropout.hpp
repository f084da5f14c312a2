#pragma once
/// @file
/// Dropout: during training, zeroes each element with probability p and scales the survivors by
/// 1 / (1 - p) (inverted dropout), so evaluation needs no rescaling and is the identity.

#include <gradflow/nn/module.hpp>
#include <gradflow/tensor/random.hpp>

#include <cstdint>

namespace gradflow::nn {

/// Inverted dropout with its own generator: the same seed drops the same elements.
class Dropout : public Module {
 public:
  /// Throws Error unless 0 <= p < 1.
  explicit Dropout(double p = 0.5, std::uint64_t seed = 0);

  /// In training mode x * mask / (1 - p), the gradient flowing through the kept elements only;
  /// in evaluation mode (or with p = 0) x itself.
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;

  double p() const noexcept { return p_; }
  /// Restarts the mask stream.
  void seed(std::uint64_t seed) { gen_.seed(seed); }

 private:
  double p_;
  Generator gen_;
};

}  // namespace gradflow::nn
