// What a PyTorch user writes and gradflow takes the same way: a number where a tensor operand
// goes, nested braced lists for a tensor. Values, result dtypes, gradients and errors; the
// table-driven tests (methods_test.cpp, every_op_gradcheck_test.cpp) check the method forms and
// the whole Jacobians.

#include "helpers.hpp"

#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace gradflow {
namespace {

using test::expect_error;

void expect_values(const Tensor& t, const Shape& shape, const std::vector<double>& want) {
  EXPECT_EQ(t.shape(), shape);
  EXPECT_EQ(t.to_vector(), want);
}

// ---- a number as an operand ----------------------------------------------------------------

TEST(NumberOperand, ComparesInTheTensorsDtype) {
  const Tensor a = tensor({1, 2, 3});
  expect_values(gt(a, 2.0), {3}, {0, 0, 1});
  expect_values(lt(a, 2.0), {3}, {1, 0, 0});
  expect_values(ge(a, 2), {3}, {0, 1, 1});
  expect_values(le(a, 2.0), {3}, {1, 1, 0});
  expect_values(eq(a, 2.0), {3}, {0, 1, 0});
  expect_values(a.gt(1.5), {3}, {0, 1, 1});
  // float32 0.1 is not the double 0.1; PyTorch compares in the tensor's dtype, and so does this.
  expect_values(eq(tensor({0.1, 0.2}), 0.1), {2}, {1, 0});
  expect_values(eq(tensor({0.1, 0.2}, DType::Float64), 0.1), {2}, {1, 0});
  EXPECT_EQ(gt(Tensor::ones({2}, DType::Float64), 0.5).dtype(), DType::Float64);
  EXPECT_EQ(gt(Tensor::ones({2}), 0.5).dtype(), DType::Float32);
  EXPECT_FALSE(gt(tensor({1, 2}).requires_grad_(), 0.5).requires_grad());
}

TEST(NumberOperand, WhereSelectsTheNumberOnEitherSide) {
  const Tensor cond = tensor({1, 0, 1});
  const Tensor a = tensor({1, 2, 3}, DType::Float64);
  const Tensor right = where(cond, a, 9.0);
  expect_values(right, {3}, {1, 9, 3});
  EXPECT_EQ(right.dtype(), DType::Float64);
  expect_values(where(cond, 9.0, a), {3}, {9, 2, 9});
  // The condition, the tensor and the number broadcast together.
  expect_values(where(tensor({1, 0}, {2, 1}), a, -1.0), {2, 3}, {1, 2, 3, -1, -1, -1});
}

TEST(NumberOperand, WhereSendsTheGradientToTheTensorWhereItIsChosen) {
  Tensor x = tensor({1, 2, 3}, DType::Float64).requires_grad_();
  where(tensor({1, 0, 1}), x, 5.0).backward(tensor({10, 20, 30}, DType::Float64));
  expect_values(x.grad(), {3}, {10, 0, 30});
  x.zero_grad();
  where(tensor({1, 0, 1}), 5.0, x).backward(tensor({10, 20, 30}, DType::Float64));
  expect_values(x.grad(), {3}, {0, 20, 0});
}

TEST(NumberOperand, MaximumAndMinimum) {
  const Tensor a = tensor({1, 2, 3});
  expect_values(maximum(a, 2.0), {3}, {2, 2, 3});
  expect_values(maximum(2.0, a), {3}, {2, 2, 3});
  expect_values(minimum(a, 2.0), {3}, {1, 2, 2});
  expect_values(minimum(2.0, a), {3}, {1, 2, 2});
  expect_values(a.maximum(2.5), {3}, {2.5, 2.5, 3});
  expect_values(a.minimum(tensor({0, 5, 0})), {3}, {0, 2, 0});
  EXPECT_EQ(maximum(Tensor::ones({2}, DType::Float64), 0.5).dtype(), DType::Float64);
}

// The gate's rule: the larger side gets the gradient, and a tie with the number passes it whole.
TEST(NumberOperand, MaximumAndMinimumSendTheGradientToTheTensor) {
  Tensor x = tensor({1, 2, 3}, DType::Float64).requires_grad_();
  maximum(x, 2.0).sum().backward();
  expect_values(x.grad(), {3}, {0, 1, 1});
  x.zero_grad();
  minimum(2.0, x).sum().backward();
  expect_values(x.grad(), {3}, {1, 1, 0});
}

TEST(NumberOperand, AnUndefinedTensorIsTheOpsError) {
  expect_error([] { (void)gt(Tensor(), 1.0); }, "gt: the tensor is undefined");
  const Tensor cond = Tensor::ones({2});
  expect_error([&] { (void)where(cond, Tensor(), 1.0); }, "where: the tensor is undefined");
  expect_error([&] { (void)where(cond, 1.0, Tensor()); }, "where: the tensor is undefined");
  expect_error([] { (void)maximum(1.0, Tensor()); }, "max: the tensor is undefined");
}

// ---- nested braced lists -------------------------------------------------------------------

TEST(NestedBracedList, EachPairOfBracesIsAnAxis) {
  expect_values(tensor({{1, 2, 3}, {4, 5, 6}}), {2, 3}, {1, 2, 3, 4, 5, 6});
  expect_values(tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}), {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  expect_values(tensor({{{1}, {2}}}), {1, 2, 1}, {1, 2});
  expect_values(tensor({{{{1.5}}}}), {1, 1, 1, 1}, {1.5});
  expect_values(tensor({{0.5, -1}, {2, 1e-3}}, DType::Float64), {2, 2}, {0.5, -1, 2, 1e-3});
  expect_values(tensor({{}, {}}), {2, 0}, {});
  expect_values(tensor({{}}), {1, 0}, {});
  EXPECT_EQ(tensor({{1, 2}}).dtype(), DType::Float32);
  EXPECT_EQ(tensor({{{1, 2}}}, DType::Float64).dtype(), DType::Float64);
}

// Overload resolution with braced lists (Note [Nested braced lists] in src/tensor/nested.cpp):
// one pair of braces is still the 1-d overload, two pairs always two axes, and the forms with
// a shape mean what they meant.
TEST(NestedBracedList, OnePairOfBracesIsStillOneAxis) {
  expect_values(tensor({1.0, 2.0}), {2}, {1, 2});
  expect_values(tensor({1.0}), {1}, {1});
  expect_values(tensor({1, 2}, DType::Float64), {2}, {1, 2});
  expect_values(tensor({{1.0, 2.0}}), {1, 2}, {1, 2});
  expect_values(tensor({{1.0}, {2.0}}), {2, 1}, {1, 2});
  expect_values(tensor({{1.0}}), {1, 1}, {1});
  expect_values(tensor({}), {0}, {});
  const Tensor empty64 = tensor({}, DType::Float64);
  expect_values(empty64, {0}, {});
  EXPECT_EQ(empty64.dtype(), DType::Float64);
  expect_values(tensor({1, 2, 3, 4, 5, 6}, {2, 3}), {2, 3}, {1, 2, 3, 4, 5, 6});
  expect_values(tensor({1, 2}, {2, 1}, DType::Float64), {2, 1}, {1, 2});
  expect_values(tensor({}, {0, 3}), {0, 3}, {});
  const std::vector<double> values = {1, 2, 3};
  expect_values(tensor(values), {3}, {1, 2, 3});
  expect_values(tensor(values, {3, 1}), {3, 1}, {1, 2, 3});
}

TEST(NestedBracedList, IsALeafLikeAnyOther) {
  Tensor w = tensor({{1, 2}, {3, 4}}, DType::Float64).requires_grad_();
  (w * w).sum().backward();
  expect_values(w.grad(), {2, 2}, {2, 4, 6, 8});
}

TEST(NestedBracedList, RaggedOrUnevenlyDeepListsAreAnError) {
  expect_error([] { (void)tensor({{1, 2, 3}, {4, 5}}); },
               "tensor: row [1] has length 2 but row [0] has length 3; the rows of a nested "
               "list must be equally long");
  expect_error([] { (void)tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7}}}); },
               "tensor: row [1][1] has length 1 but row [0][0] has length 2");
  expect_error([] { (void)tensor({{{1, 2}}, {{3, 4}, {5, 6}}}); },
               "tensor: row [1] has length 2 but row [0] has length 1");
  expect_error([] { (void)tensor({{}, {1}}); },
               "tensor: row [1] has length 1 but row [0] has length 0");
  expect_error([] { (void)tensor({{{1, 2}}, {5}}); },
               "tensor: element [1][0] is a number but element [0][0] is a list; a nested list "
               "must be equally deep throughout");
  expect_error([] { (void)tensor({{1, 2}, {3, {4}}}); },
               "tensor: element [1][1] is a list but element [0][0] is a number");
}

}  // namespace
}  // namespace gradflow
