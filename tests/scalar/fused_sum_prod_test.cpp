// sum and prod over spans of Var: values against plain double loops, gradients against the
// same loop written over Var and against gradcheck, and prod's zero factors.

#include "scalar/fused_test_support.hpp"

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace gradflow {
namespace {

using fused_test::evaluate;
using fused_test::Evaluation;
using fused_test::expect_same_gradients;
using fused_test::FusedPrimitives;
using fused_test::random_values;

TEST_F(FusedPrimitives, SumMatchesPlainLoops) {
  const std::vector<double> at = random_values(257, -3.0, 3.0, 1);
  double plain = 0.0;
  for (double v : at) plain += v;
  const Evaluation fused = evaluate([](std::span<const Var> xs) { return sum(xs); }, at);
  const Evaluation loop = evaluate(
      [](std::span<const Var> xs) {
        Var s;
        for (const Var& x : xs) s += x;
        return s;
      },
      at);
  // The fused sum adds in another order (several running sums), so it may differ in the last
  // bits; the loop records exactly the double arithmetic.
  EXPECT_NEAR(fused.value, plain, 1e-14 * 257 * 3.0);
  EXPECT_EQ(loop.value, plain);
  for (double g : fused.grads) EXPECT_EQ(g, 1.0);
  expect_same_gradients(fused, loop, 0.0);
}

TEST_F(FusedPrimitives, SumPassesGradcheck) {
  const GradcheckResult r =
      gradcheck([](std::span<const Var> xs) { return sum(xs); }, random_values(8, -3, 3, 2));
  EXPECT_TRUE(r.passed) << r.report();
}

TEST_F(FusedPrimitives, SumOfAVarUsedTwiceAddsBothGradients) {
  Var x = 2.0, y = 3.0;
  const std::vector<Var> xs = {x, y, x};
  Var s = sum(xs);
  s.backward();
  EXPECT_EQ(s.value(), 7.0);
  EXPECT_EQ(x.grad(), 2.0);
  EXPECT_EQ(y.grad(), 1.0);
}
TEST_F(FusedPrimitives, ProdMatchesPlainLoops) {
  const std::vector<double> at = random_values(40, 0.5, 1.5, 3);
  double plain = 1.0;
  for (double v : at) plain *= v;
  const Evaluation fused = evaluate([](std::span<const Var> xs) { return prod(xs); }, at);
  const Evaluation loop = evaluate(
      [](std::span<const Var> xs) {
        Var p = Var::constant(1.0);
        for (const Var& x : xs) p *= x;
        return p;
      },
      at);
  // The fused product multiplies in another order (Note [Products of all but one]).
  EXPECT_NEAR(fused.value, plain, 1e-14 * std::fabs(plain));
  EXPECT_EQ(loop.value, plain);
  expect_same_gradients(fused, loop, 1e-13);
}

TEST_F(FusedPrimitives, ProdWithAZeroFactor) {
  Var a = 2.0, zero = 0.0, b = 3.0, c = 4.0;
  const std::vector<Var> xs = {a, zero, b, c};
  Var p = prod(xs);
  p.backward();
  EXPECT_EQ(p.value(), 0.0);
  EXPECT_EQ(a.grad(), 0.0);
  EXPECT_EQ(zero.grad(), 24.0);  // the product of the others, no division by zero
  EXPECT_EQ(b.grad(), 0.0);
  EXPECT_EQ(c.grad(), 0.0);
  EXPECT_FALSE(std::isnan(zero.grad()));
}

TEST_F(FusedPrimitives, ProdWithTwoZeroFactorsHasZeroGradients) {
  const Evaluation e =
      evaluate([](std::span<const Var> xs) { return prod(xs); }, {0.0, 5.0, 0.0});
  EXPECT_EQ(e.value, 0.0);
  for (double g : e.grads) EXPECT_EQ(g, 0.0);
}

TEST_F(FusedPrimitives, ProdPassesGradcheck) {
  const GradcheckResult r = gradcheck([](std::span<const Var> xs) { return prod(xs); },
                                      {1.5, -0.5, 2.0, 0.0, 0.75});
  EXPECT_TRUE(r.passed) << r.report();
}

}  // namespace
}  // namespace gradflow
