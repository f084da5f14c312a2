#pragma once
/// @file
/// Sequential: modules applied one after the other, named "0", "1", ... as in
/// torch.nn.Sequential, so parameter names ("3.weight") match PyTorch's state_dict.

#include <gradflow/nn/module.hpp>

#include <concepts>
#include <cstddef>
#include <memory>
#include <utility>

namespace gradflow::nn {

/// A chain of modules: forward(x) = m_k(...m_1(m_0(x))).
///
/// Two patterns run faster with the same results (the recorded graph shows what ran):
/// - a ReLU directly followed by a MaxPool2d runs as the pool, then the ReLU, which then sees
///   the pooled (smaller) tensor: the same values bit for bit, and the same gradients as
///   numbers (a zero gradient may be +0.0 instead of -0.0; details in sequential.cpp);
/// - a Conv2d followed by a MaxPool2d (or by a ReLU and a MaxPool2d) runs as the one operation
///   conv2d_max_pool2d (then the ReLU), which never stores the full-size conv output: the same
///   values and gradients, bit for bit.
///
/// ```cpp
/// nn::Sequential net;
/// net.add(nn::Linear(2, 100, gen)).add(nn::ReLU()).add(nn::Linear(100, 3, gen));
/// ```
class Sequential : public Module {
 public:
  Sequential() = default;

  /// Appends a module (named by its position).
  Sequential& add(std::shared_ptr<Module> module);
  /// Appends a module given by value.
  template <std::derived_from<Module> M>
  Sequential& add(M module) {
    return add(std::shared_ptr<Module>(std::make_shared<M>(std::move(module))));
  }

  Tensor forward(const Tensor& input) override;
  /// "Sequential(Linear(2, 100), ReLU(), ...)".
  std::string describe() const override;

  std::size_t size() const noexcept { return children().size(); }
  Module& operator[](std::size_t i) const { return *children().at(i).second; }
};

}  // namespace gradflow::nn
