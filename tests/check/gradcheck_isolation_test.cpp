// A gradient check leaves the caller's gradients as they were (Note [Isolated tapes] in
// core/tape.hpp): a function that captures Params or tensors made with requires_grad_() is
// checked without its backward passes adding into them, as torch.autograd.gradcheck leaves .grad
// alone. Before, a check run between backward() and an optimizer's step() changed the step.

#include <gradflow/gradflow.hpp>
#include <gradflow/nn/nn.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <span>
#include <vector>

namespace gradflow {
namespace {

TEST(GradcheckIsolation, ACapturedParamKeepsItsGradient) {
  new_graph();
  Param p = 2.0;
  Var(p * 3.0).backward();
  ASSERT_EQ(p.grad(), 3.0);
  const GradcheckResult r =
      gradcheck([&](std::span<const Var> v) { return v[0] * v[0] * p; }, {1.5});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_NEAR(r.inputs[0].analytic, 2 * 1.5 * 2.0, 1e-12);
  EXPECT_EQ(p.grad(), 3.0);
  // The caller's own graph goes on accumulating as before.
  Var(p * 3.0).backward();
  EXPECT_EQ(p.grad(), 6.0);
}

TEST(GradcheckIsolation, ACapturedTensorLeafKeepsItsGradient) {
  new_graph();
  Tensor w = Tensor::full({2}, 0.5, DType::Float64).requires_grad_();
  sum(w * 3.0).backward();
  ASSERT_EQ(w.grad().to_vector(), (std::vector<double>{3.0, 3.0}));
  const TensorGradcheckResult r = tensor_gradcheck(
      [&](const std::vector<Tensor>& x) { return sum(tanh(x[0] * w)); },
      {Tensor::full({2}, 0.25, DType::Float64)});
  EXPECT_TRUE(r.passed) << r.report;
  EXPECT_EQ(w.grad().to_vector(), (std::vector<double>{3.0, 3.0}));
  // A scalar check of a function that reaches the tensor leaf through a Var leaves it alone too.
  const GradcheckResult s = gradcheck(
      [&](std::span<const Var> v) { return v[0] * to_var(sum(w)); }, {2.0});
  EXPECT_TRUE(s.passed) << s.report();
  EXPECT_EQ(w.grad().to_vector(), (std::vector<double>{3.0, 3.0}));
}

TEST(GradcheckIsolation, AModulesParametersKeepTheirGradients) {
  new_graph();
  Generator gen(3);
  nn::Linear layer(2, 1, gen, {.dtype = DType::Float64});
  const Tensor input = Tensor::full({1, 2}, 0.5, DType::Float64);
  sum(layer.forward(input)).backward();
  const std::vector<double> before = layer.weight().grad().to_vector();
  const TensorGradcheckResult r = tensor_gradcheck(
      [&](const std::vector<Tensor>& x) { return sum(tanh(layer.forward(x[0]))); }, {input});
  EXPECT_TRUE(r.passed) << r.report;
  EXPECT_EQ(layer.weight().grad().to_vector(), before);
}

}  // namespace
}  // namespace gradflow
