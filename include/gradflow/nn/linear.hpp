#pragma once
/// @file
/// Linear: the fully connected layer y = x Wᵀ + b, PyTorch's layout and default initialisation.

#include <gradflow/nn/module.hpp>
#include <gradflow/tensor/dtype.hpp>
#include <gradflow/tensor/random.hpp>

#include <cstdint>

namespace gradflow::nn {

/// Options of Linear beyond its sizes.
struct LinearOptions {
  bool bias = true;
  DType dtype = DType::Float32;
};

/// y = x Wᵀ + b with W of shape [out, in] and b of shape [out]; x is [..., in] (usually
/// [N, in]). Parameters "weight" and "bias", initialised like torch.nn.Linear:
/// kaiming_uniform_(W, a = sqrt(5)) and b ~ U(-1/sqrt(in), 1/sqrt(in)), i.e. both uniform on
/// ±1/sqrt(in).
class Linear : public Module {
 public:
  /// Draws the initial values from `gen`.
  Linear(std::int64_t in_features, std::int64_t out_features, Generator& gen,
         LinearOptions options = {});
  /// Draws from this thread's default generator (see manual_seed()).
  Linear(std::int64_t in_features, std::int64_t out_features, LinearOptions options = {});

  Tensor forward(const Tensor& input) override;
  std::string describe() const override;

  const Tensor& weight() const { return param(0); }
  /// An undefined Tensor when built without bias.
  Tensor bias() const { return has_bias_ ? param(1) : Tensor(); }
  std::int64_t in_features() const noexcept { return in_; }
  std::int64_t out_features() const noexcept { return out_; }

 private:
  std::int64_t in_;
  std::int64_t out_;
  bool has_bias_;
};

}  // namespace gradflow::nn
