// Module's bookkeeping: parameter and child registration, the recursive walks, and the
// parameter swap behind functional_call.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/module.hpp>

#include <string>

namespace gradflow::nn {

std::vector<NamedTensor> Module::named_parameters() const {
  std::vector<NamedTensor> out = params_;
  for (const auto& [name, child] : children_) {
    for (NamedTensor& p : child->named_parameters()) out.push_back({name + "." + p.name, p.tensor});
  }
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (NamedTensor& p : named_parameters()) out.push_back(std::move(p.tensor));
  return out;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& child : children_) child.second->train(on);
}

void Module::zero_grad() {
  for (NamedTensor& p : params_) p.tensor.zero_grad();
  for (auto& child : children_) child.second->zero_grad();
}

std::int64_t Module::num_parameters() const {
  std::int64_t n = 0;
  for (const Tensor& p : parameters()) n += p.numel();
  return n;
}

std::size_t Module::register_parameter(std::string name, Tensor tensor) {
  if (!tensor.requires_grad()) tensor.requires_grad_();
  params_.push_back({std::move(name), std::move(tensor)});
  return params_.size() - 1;
}

void Module::register_module(std::string name, std::shared_ptr<Module> module) {
  if (!module) detail::fail("Module::register_module: the module \"" + name + "\" is null");
  children_.emplace_back(std::move(name), std::move(module));
}

void Module::collect_handles(std::vector<Tensor*>& out) {
  for (NamedTensor& p : params_) out.push_back(&p.tensor);
  for (auto& child : children_) child.second->collect_handles(out);
}

/// Puts other tensors in a module's parameter handles for its lifetime (Module's friend).
class ParameterSwap {
 public:
  ParameterSwap(Module& module, const std::vector<Tensor>& params) {
    module.collect_handles(handles_);
    if (params.size() != handles_.size()) {
      detail::fail("functional_call: " + module.describe() + " has " +
                   std::to_string(handles_.size()) + " parameters, got " +
                   std::to_string(params.size()));
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (params[i].shape() != handles_[i]->shape()) {
        detail::fail("functional_call: parameter " + std::to_string(i) + " of " +
                     module.describe() + " has shape " + handles_[i]->shape().str() + ", got " +
                     params[i].shape().str());
      }
    }
    saved_.reserve(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      saved_.push_back(*handles_[i]);
      *handles_[i] = params[i];
    }
  }
  ~ParameterSwap() {
    for (std::size_t i = 0; i < saved_.size(); ++i) *handles_[i] = std::move(saved_[i]);
  }
  ParameterSwap(const ParameterSwap&) = delete;
  ParameterSwap& operator=(const ParameterSwap&) = delete;

 private:
  std::vector<Tensor*> handles_;
  std::vector<Tensor> saved_;
};

Tensor functional_call(Module& module, const std::vector<Tensor>& params, const Tensor& input) {
  const ParameterSwap swap(module, params);
  return module.forward(input);
}

}  // namespace gradflow::nn
