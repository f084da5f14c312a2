// What a PyTorch user writes and gradflow takes the same way: a number where a tensor operand
// goes, nested braced lists for a tensor, a 0-d tensor meeting one of the other dtype. Values,
// result dtypes, gradients and errors; the table-driven tests (methods_test.cpp,
// every_op_gradcheck_test.cpp) check the method forms and the whole Jacobians.

#include "helpers.hpp"

#include <gradflow/gates/table.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <string>
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
  expect_values(ne(a, 2.0), {3}, {1, 0, 1});
  expect_values(a.gt(1.5), {3}, {0, 1, 1});
  // ne holds at a NaN, on either side, as != does (and as torch.ne does).
  const double nan = std::nan("");
  expect_values(ne(tensor({nan, 1, 2}), tensor({nan, 1, nan})), {3}, {1, 0, 1});
  expect_values(tensor({nan, 1}).ne(1.0), {2}, {1, 0});
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

// ---- a 0-d tensor of the other dtype ---------------------------------------------------------

// Note [A 0-d operand takes the other's dtype]: each binary gate, with the 0-d operand on either
// side and of either dtype, gives what converting it by hand gives, to the bit: the values in
// the dtype of the operand with axes, and the gradients, the 0-d operand's in its own dtype.
TEST(ZeroDimOperand, EveryBinaryGateTakesTheDtypeOfTheOperandWithAxes) {
  gates::BinaryGates::for_each([]<class G>() {
    for (const DType zero_d : {DType::Float32, DType::Float64}) {
      const DType other = zero_d == DType::Float32 ? DType::Float64 : DType::Float32;
      for (const bool zero_d_first : {true, false}) {
        SCOPED_TRACE(std::string(G::name) + ", 0-d " + std::string(dtype_name(zero_d)) +
                     (zero_d_first ? " first" : " second"));
        const auto run = [&](bool by_hand) {
          new_graph();
          Tensor s = scalar_tensor(1.25, zero_d).requires_grad_();
          Tensor x = tensor({0.5, 1.5, 2.0}, other).requires_grad_();
          const Tensor s_in = by_hand ? s.to(other) : s;
          const Tensor y = zero_d_first ? apply<G>(s_in, x) : apply<G>(x, s_in);
          y.backward(tensor({1.0, -2.0, 0.5}, other));
          return std::vector<Tensor>{y, s.grad(), x.grad()};
        };
        const std::vector<Tensor> mixed = run(false);
        const std::vector<Tensor> by_hand = run(true);
        EXPECT_EQ(mixed[0].dtype(), other);
        EXPECT_EQ(mixed[1].dtype(), zero_d);
        EXPECT_EQ(mixed[2].dtype(), other);
        for (std::size_t i = 0; i < mixed.size(); ++i) {
          expect_values(mixed[i], by_hand[i].shape(), by_hand[i].to_vector());
        }
      }
    }
  });
}

TEST(ZeroDimOperand, ValuesAndGradients) {
  Tensor s = scalar_tensor(2.0).requires_grad_();  // float32, the default
  Tensor x = tensor({1, 2, 3}, DType::Float64).requires_grad_();
  const Tensor y = s * x;
  EXPECT_EQ(y.dtype(), DType::Float64);
  expect_values(y, {3}, {2, 4, 6});
  y.sum().backward();
  EXPECT_EQ(s.grad().dtype(), DType::Float32);
  expect_values(s.grad(), {}, {6});
  EXPECT_EQ(x.grad().dtype(), DType::Float64);
  expect_values(x.grad(), {3}, {2, 2, 2});
  // A float64 0-d meeting float32 is taken in float32, as PyTorch takes it.
  const Tensor z = tensor({1, 2, 3}) + scalar_tensor(0.1, DType::Float64);
  EXPECT_EQ(z.dtype(), DType::Float32);
  expect_values(z, {3}, (tensor({1, 2, 3}) + scalar_tensor(0.1)).to_vector());
  // One axis of extent 1 is an axis.
  EXPECT_EQ((scalar_tensor(3.0) * tensor({1}, DType::Float64)).dtype(), DType::Float64);
}

TEST(ZeroDimOperand, InComparisonsAndWhere) {
  const Tensor two = scalar_tensor(2.0);
  const Tensor x = tensor({1, 2, 3}, DType::Float64);
  const Tensor above = gt(x, two);
  EXPECT_EQ(above.dtype(), DType::Float64);
  expect_values(above, {3}, {0, 0, 1});
  expect_values(le(two, x), {3}, {0, 1, 1});
  Tensor s = scalar_tensor(5.0).requires_grad_();
  Tensor xg = tensor({1, 2, 3}, DType::Float64).requires_grad_();
  const Tensor y = where(tensor({1, 0, 1}), s, xg);
  EXPECT_EQ(y.dtype(), DType::Float64);
  expect_values(y, {3}, {5, 2, 5});
  y.backward(tensor({1, 10, 100}, DType::Float64));
  EXPECT_EQ(s.grad().dtype(), DType::Float32);
  expect_values(s.grad(), {}, {101});
  expect_values(xg.grad(), {3}, {0, 10, 0});
}

// The conversion is the operation's own: an operand from an old graph is that operation's Error,
// not one of a to() the caller never wrote, and a comparison, which has no gradient, reads its
// values as it reads those of an operand of its own dtype, recording nothing.
TEST(ZeroDimOperand, AnOperandFromAnOldGraph) {
  Tensor w = scalar_tensor(2.0).requires_grad_();
  const Tensor old = w * 3.0;  // float32, recorded
  new_graph();
  const Tensor x = tensor({1, 7, 3}, DType::Float64);
  const std::string stale = "a tensor of shape [] was computed in a graph that is no longer current";
  expect_error([&] { (void)(old * x); }, "mul: " + stale);
  expect_error([&] { (void)where(tensor({1, 0, 1}), old, x); }, "where: " + stale);
  expect_values(gt(tensor({1, 7, 3}), old), {3}, {0, 1, 0});
  expect_values(gt(x, old), {3}, {0, 1, 0});
  const Tensor current = w * 3.0;
  const std::size_t entries = Tape::current().size();
  expect_values(lt(x, current), {3}, {1, 0, 1});
  EXPECT_EQ(Tape::current().size(), entries);
}

// Two 0-d tensors meet in float64, as in PyTorch, each gradient in its own dtype.
TEST(ZeroDimOperand, TwoZeroDimTensorsMeetInFloat64) {
  Tensor a = scalar_tensor(0.1);  // float32
  a.requires_grad_();
  Tensor b = scalar_tensor(2.0, DType::Float64);
  b.requires_grad_();
  const Tensor y = a * b;
  EXPECT_EQ(y.dtype(), DType::Float64);
  EXPECT_DOUBLE_EQ(y.item(), double(0.1f) * 2.0);
  y.backward();
  EXPECT_EQ(a.grad().dtype(), DType::Float32);
  EXPECT_EQ(b.grad().dtype(), DType::Float64);
  EXPECT_FLOAT_EQ(static_cast<float>(a.grad().item()), 2.0f);
  EXPECT_DOUBLE_EQ(b.grad().item(), double(0.1f));
  EXPECT_EQ(gt(scalar_tensor(1.0, DType::Float64), scalar_tensor(0.5)).dtype(), DType::Float64);
  // nn::l2_regularization of no weights (a float32 0) added to a float64 loss.
  EXPECT_DOUBLE_EQ((scalar_tensor(0.0) + scalar_tensor(1.5, DType::Float64)).item(), 1.5);
}

// Two tensors with axes: the Error stays (PyTorch would give float64).
TEST(ZeroDimOperand, OtherMixesOfDtypesAreStillAnError) {
  expect_error([] { (void)(tensor({1, 2}) + tensor({1, 2}, DType::Float64)); },
               "add: dtype mismatch: Float32 [2] and Float64 [2]");
  expect_error([] { (void)where(tensor({1}), tensor({1}), tensor({2}, DType::Float64)); },
               "where: dtype mismatch: Float32 [1] and Float64 [1]");
}

}  // namespace
}  // namespace gradflow
