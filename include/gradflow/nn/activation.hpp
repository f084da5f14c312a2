#pragma once
/// @file
/// Elementwise nonlinearities as modules (for Sequential): ReLU, Sigmoid, Tanh. Each is the
/// tensor layer's gate of the same name; no parameters.

#include <gradflow/nn/module.hpp>

namespace gradflow::nn {

/// max(0, x).
class ReLU : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "ReLU()"; }
};

/// 1 / (1 + exp(-x)).
class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Sigmoid()"; }
};

/// tanh(x).
class Tanh : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Tanh()"; }
};

}  // namespace gradflow::nn
