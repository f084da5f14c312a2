// Sequential: children in order, each named by its index.
//
// Note [ReLU before max pooling]
// ReLU followed by MaxPool2d is evaluated as MaxPool2d followed by ReLU. The two orders give
// the same values, bit for bit (NaN included), and for finite incoming gradients the same
// gradients:
// - max(relu(a), relu(b)) = relu(max(a, b)): ReLU does not decrease, and it rounds nothing.
// - When a window's maximum is positive, both orders route its gradient to the same element
//   (the first maximum; ReLU is strictly increasing above 0, so it keeps ties as they were).
// - When it is not positive, both give that window a gradient of 0: ReLU's local gradient
//   there is 0, whichever element the pool picked.
// Two differences remain, neither in a number: such a 0 can come out as -0.0 in the written
// order (a negative gradient times 0) where the swapped order gives +0.0; and an infinite or
// NaN incoming gradient, times that 0, leaves its NaN on the window's first element in the
// written order and on its argmax in the swapped one.
// Pooling first applies the ReLU to a quarter of the elements (a 2x2 pool), forward and
// backward. In the Fashion-MNIST CNN, the ReLUs on the conv outputs, memory-bound passes over
// 4.8 MB, were 7% of a training step, and the step got 9% faster (training gave the same
// accuracies to the last digit: a conv's backward turns -0.0 into +0.0 anyway).
//
// Note [Conv2d into MaxPool2d]
// A Conv2d whose output goes straight into a MaxPool2d (also across a ReLU, moved after the
// pool as above) runs as the one operation conv2d_max_pool2d: the same values and gradients,
// bit for bit, without the full-size conv output going to memory and back (Note [Pooling the conv output
// in cache] in src/tensor/conv.cpp).
//
// Only the exact types are rearranged: a subclass may compute something else.

#include <gradflow/nn/activation.hpp>
#include <gradflow/nn/conv.hpp>
#include <gradflow/nn/sequential.hpp>

#include <string>
#include <typeinfo>

namespace gradflow::nn {

namespace {

using Children = std::vector<std::pair<std::string, std::shared_ptr<Module>>>;

/// Child i as an M when it is exactly an M (not a subclass); null otherwise or past the end.
template <class M>
M* exactly(const Children& children, std::size_t i) {
  if (i >= children.size() || typeid(*children[i].second) != typeid(M)) return nullptr;
  return static_cast<M*>(children[i].second.get());
}

}  // namespace

Sequential& Sequential::add(std::shared_ptr<Module> module) {
  register_module(std::to_string(children().size()), std::move(module));
  return *this;
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  const Children& m = children();
  std::size_t i = 0;
  while (i < m.size()) {
    if (Conv2d* conv = exactly<Conv2d>(m, i)) {  // Note [Conv2d into MaxPool2d]
      if (const MaxPool2d* pool = exactly<MaxPool2d>(m, i + 1)) {
        x = conv->forward_pooled(x, *pool);
        i += 2;
        continue;
      }
      ReLU* relu = exactly<ReLU>(m, i + 1);
      if (const MaxPool2d* pool = exactly<MaxPool2d>(m, i + 2); relu != nullptr && pool != nullptr) {
        x = relu->forward(conv->forward_pooled(x, *pool, relu));
        i += 3;
        continue;
      }
    }
    if (exactly<ReLU>(m, i) != nullptr && exactly<MaxPool2d>(m, i + 1) != nullptr) {
      x = m[i].second->forward(m[i + 1].second->forward(x));  // Note [ReLU before max pooling]
      i += 2;
      continue;
    }
    x = m[i].second->forward(x);
    ++i;
  }
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
