// to_dot for a Tensor output: tensor operations are boxes with op and shape.

#include <gradflow/tensor/tensor.hpp>
#include <gradflow/viz/tensor_dot.hpp>

#include <gtest/gtest.h>

#include <string>

namespace gradflow {
namespace {

TEST(TensorToDot, OperationsShowOpAndShape) {
  Tape::Scope scope;
  Tensor w = tensor({1, 2, 3, 4, 5, 6}, {2, 3}).requires_grad_();
  Tensor x = tensor({1, 0, -1}, {3, 1});
  Tensor y = sum(exp(matmul(w, x)));
  y.backward();
  const std::string dot = to_dot(y);
  EXPECT_NE(dot.find("rankdir=LR"), std::string::npos) << dot;
  EXPECT_NE(dot.find("matmul [2,1]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("shape=box, style=\"rounded,filled\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"tensor\""), std::string::npos) << dot;  // the leaf w
  EXPECT_EQ(dot.find("AnnotateGuard"), std::string::npos) << dot;     // steps name themselves
  EXPECT_EQ(dot, to_dot(y));                                          // deterministic
}

TEST(TensorToDot, LeafAlone) {
  Tensor w = tensor({1, 2}).requires_grad_();
  EXPECT_NE(to_dot(w).find("tensor [2]"), std::string::npos);
}

}  // namespace
}  // namespace gradflow
