// Sequential: children in order, each named by its index.

#include <gradflow/nn/sequential.hpp>

#include <string>

namespace gradflow::nn {

Sequential& Sequential::add(std::shared_ptr<Module> module) {
  register_module(std::to_string(children().size()), std::move(module));
  return *this;
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& child : children()) x = child.second->forward(x);
  return x;
}

std::string Sequential::describe() const {
  std::string s = "Sequential(";
  for (std::size_t i = 0; i < size(); ++i) {
    if (i > 0) s += ", ";
    s += (*this)[i].describe();
  }
  return s + ")";
}

}  // namespace gradflow::nn
