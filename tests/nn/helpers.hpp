#pragma once
// Shared by the nn tests: gradient checks of a module with respect to its input and parameters,
// and small random tensors.

#include <gradflow/nn/module.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace gradflow::nn::test {

/// A float64 tensor of uniform values on [lo, hi) from a fixed seed.
inline Tensor uniform64(const Shape& shape, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
  Generator gen(seed);
  std::vector<double> v(static_cast<std::size_t>(shape.numel()));
  for (double& x : v) x = lo + (hi - lo) * gen.uniform();
  return tensor(v, shape.vec(), DType::Float64);
}

/// The whole Jacobian of module(x) with respect to x and every parameter, from backprop, against
/// central differences (functional_call puts the checker's leaves in place of the parameters).
inline void expect_gradcheck(Module& module, const Tensor& x, bool check_input = true) {
  std::vector<Tensor> inputs{x};
  for (const Tensor& p : module.parameters()) inputs.push_back(p.detach());
  const TensorFunction f = [&](const std::vector<Tensor>& in) {
    const std::vector<Tensor> params(in.begin() + 1, in.end());
    return functional_call(module, params, check_input ? in[0] : in[0].detach());
  };
  const TensorGradcheckResult r = tensor_gradcheck(f, inputs);
  EXPECT_TRUE(r.passed) << module.describe() << ": " << r.report;
}

}  // namespace gradflow::nn::test
