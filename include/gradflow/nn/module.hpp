#pragma once
/// @file
/// Module: the base of every layer and model. A module owns named parameters (leaf tensors that
/// require grad and persist across graphs) and child modules, and maps an input tensor to an
/// output tensor with forward().
///
/// Note [Parameters live in the base]
/// Layers read their parameters through Module::param(i) at forward time rather than keeping
/// their own Tensor members. That single place is what lets functional_call() substitute other
/// tensors for a module's parameters (gradient checks differentiate with respect to fresh
/// leaves), and what keeps named_parameters(), state_dict() and the optimizers' views in sync.

#include <gradflow/tensor/tensor_type.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gradflow::nn {

/// A parameter with its dotted path, as PyTorch's state_dict spells it ("0.weight").
struct NamedTensor {
  std::string name;
  Tensor tensor;
};

/// The base class of layers and models, like torch.nn.Module.
///
/// ```cpp
/// nn::Sequential model = nn::mlp({784, 256, 128, 10}, gen);
/// new_graph();              // once per step: the graph lives until the next new_graph()
/// Tensor loss = cross_entropy(model(x), labels);
/// model.zero_grad();
/// loss.backward();          // every parameter's grad()
/// ```
///
/// Modules are movable, not copyable (a copy would share parameters without saying so).
class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;

  /// The output for `input` (recorded on this thread's tape when parameters require grad).
  virtual Tensor forward(const Tensor& input) = 0;
  Tensor operator()(const Tensor& input) { return forward(input); }

  /// A one-line description, e.g. "Linear(784, 256)".
  virtual std::string describe() const = 0;

  /// Parameters of this module, then of its children in registration order (depth first): the
  /// order of named_parameters() and of PyTorch's state_dict().
  std::vector<Tensor> parameters() const;
  /// The same, each with its dotted path ("3.bias").
  std::vector<NamedTensor> named_parameters() const;
  /// The direct children with their names.
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const noexcept {
    return children_;
  }

  /// Training mode (the default) or evaluation mode, for this module and all its children
  /// (Dropout is the identity in evaluation mode).
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const noexcept { return training_; }

  /// Drops the accumulated gradient of every parameter (PyTorch's zero_grad(set_to_none=True)).
  void zero_grad();

  /// Number of parameter elements.
  std::int64_t num_parameters() const;

 protected:
  /// Adds a parameter (made a leaf that requires grad) and returns its index for param().
  std::size_t register_parameter(std::string name, Tensor tensor);
  /// Adds a child module; its parameters are named "<name>.<its name>".
  void register_module(std::string name, std::shared_ptr<Module> module);
  /// Parameter i of this module (see Note [Parameters live in the base]).
  const Tensor& param(std::size_t i) const { return params_[i].tensor; }

 private:
  friend class ParameterSwap;
  /// Pointers to every parameter handle, in parameters() order (for functional_call).
  void collect_handles(std::vector<Tensor*>& out);

  std::vector<NamedTensor> params_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

/// module.forward(input) with `params` (in parameters() order, same shapes) standing in for the
/// module's own parameters, which are restored afterwards, even when forward throws. This is how
/// a gradient check differentiates a layer with respect to its parameters.
Tensor functional_call(Module& module, const std::vector<Tensor>& params, const Tensor& input);

}  // namespace gradflow::nn
