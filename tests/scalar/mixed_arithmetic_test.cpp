// Arithmetic between Vars and plain doubles on either side, compound assignment, and the pow
// special cases the issue names.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>

#include "value_and_grad.hpp"

namespace gradflow {
namespace {

class MixedArithmetic : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(MixedArithmetic, DoubleOnTheRight) {
  const double x = 1.5;
  auto r = value_and_grad_at(x, [](const Var& v) { return v + 2.0; });
  EXPECT_EQ(r.value, 3.5);
  EXPECT_EQ(r.grad, 1.0);
  r = value_and_grad_at(x, [](const Var& v) { return v - 2.0; });
  EXPECT_EQ(r.value, -0.5);
  EXPECT_EQ(r.grad, 1.0);
  r = value_and_grad_at(x, [](const Var& v) { return v * 2.0; });
  EXPECT_EQ(r.value, 3.0);
  EXPECT_EQ(r.grad, 2.0);
  r = value_and_grad_at(x, [](const Var& v) { return v / 3; });  // an int converts too
  EXPECT_EQ(r.value, 0.5);
  EXPECT_EQ(r.grad, 1.0 / 3.0);
  r = value_and_grad_at(x, [](const Var& v) { return pow(v, 3.0); });
  EXPECT_EQ(r.value, 3.375);
  EXPECT_EQ(r.grad, 3.0 * 2.25);
  r = value_and_grad_at(x, [](const Var& v) { return max(v, 2.0); });
  EXPECT_EQ(r.value, 2.0);
  EXPECT_EQ(r.grad, 0.0);
  r = value_and_grad_at(x, [](const Var& v) { return min(v, 2.0); });
  EXPECT_EQ(r.value, 1.5);
  EXPECT_EQ(r.grad, 1.0);
}

TEST_F(MixedArithmetic, DoubleOnTheLeft) {
  const double x = 1.5;
  auto r = value_and_grad_at(x, [](const Var& v) { return 2.0 + v; });
  EXPECT_EQ(r.value, 3.5);
  EXPECT_EQ(r.grad, 1.0);
  r = value_and_grad_at(x, [](const Var& v) { return 2.0 - v; });
  EXPECT_EQ(r.value, 0.5);
  EXPECT_EQ(r.grad, -1.0);
  r = value_and_grad_at(x, [](const Var& v) { return 2.0 * v; });
  EXPECT_EQ(r.value, 3.0);
  EXPECT_EQ(r.grad, 2.0);
  r = value_and_grad_at(x, [](const Var& v) { return 3.0 / v; });
  EXPECT_EQ(r.value, 2.0);
  EXPECT_DOUBLE_EQ(r.grad, -3.0 / (1.5 * 1.5));
  r = value_and_grad_at(x, [](const Var& v) { return pow(2.0, v); });
  EXPECT_EQ(r.value, std::pow(2.0, 1.5));
  EXPECT_DOUBLE_EQ(r.grad, std::pow(2.0, 1.5) * std::log(2.0));
  r = value_and_grad_at(x, [](const Var& v) { return max(2.0, v); });
  EXPECT_EQ(r.value, 2.0);
  EXPECT_EQ(r.grad, 0.0);
  r = value_and_grad_at(x, [](const Var& v) { return min(2.0, v); });
  EXPECT_EQ(r.value, 1.5);
  EXPECT_EQ(r.grad, 1.0);
}

TEST_F(MixedArithmetic, UnaryMinusAndPlus) {
  auto r = value_and_grad_at(1.5, [](const Var& v) { return -v; });
  EXPECT_EQ(r.value, -1.5);
  EXPECT_EQ(r.grad, -1.0);
  r = value_and_grad_at(1.5, [](const Var& v) { return +v * 1.0; });
  EXPECT_EQ(r.value, 1.5);
  EXPECT_EQ(r.grad, 1.0);
}

TEST_F(MixedArithmetic, DoublesNeverBecomeLeaves) {
  Var x = 2.0;
  const std::size_t before = Tape::current().size();
  Var y = 3.0 * x + 1.0;  // two gates with a constant, no leaf for 3 or 1
  EXPECT_EQ(Tape::current().size(), before + 2);
  EXPECT_EQ(y.value(), 7.0);
}

TEST_F(MixedArithmetic, CompoundAssignmentWithVars) {
  Var x = 2.0, y = -3.0;
  Var s = 0.0;  // a leaf too; its gradient is that of the running sum's start
  s += x;
  s += y;
  s -= x * y;  // s = x + y - x y
  Var p = 1.0;
  p *= x;
  p *= y;
  p /= x + 4.0;  // p = x y / (x + 4)
  Var f = s + p;
  f.backward();
  EXPECT_EQ(s.value(), 2.0 - 3.0 + 6.0);
  EXPECT_EQ(p.value(), -6.0 / 6.0);
  // df/dx = 1 - y + y/(x+4) - x y/(x+4)^2 ; df/dy = 1 - x + x/(x+4)
  EXPECT_DOUBLE_EQ(x.grad(), 1.0 + 3.0 - 3.0 / 6.0 + 6.0 / 36.0);
  EXPECT_DOUBLE_EQ(y.grad(), 1.0 - 2.0 + 2.0 / 6.0);
}

TEST_F(MixedArithmetic, CompoundAssignmentWithDoubles) {
  Var x = 2.0;
  Var a = x;  // a copy is the same node
  a += 1.0;
  a *= 3.0;
  a -= 4.0;
  a /= 2.0;  // a = (3 (x + 1) - 4) / 2
  a.backward();
  EXPECT_EQ(a.value(), 2.5);
  EXPECT_EQ(x.grad(), 1.5);
}

TEST_F(MixedArithmetic, CompoundAssignmentLoopAccumulatesEveryTerm) {
  Var xs[] = {1.0, 2.0, 3.0, 4.0};
  Var s = Var();  // the constant 0: the loop's sum starts off the graph
  Var p = Var::constant(1.0);
  for (const Var& x : xs) {
    s += x;
    p *= x;
  }
  Var f = s + p;
  f.backward();
  EXPECT_EQ(s.value(), 10.0);
  EXPECT_EQ(p.value(), 24.0);
  EXPECT_EQ(xs[0].grad(), 1.0 + 24.0);
  EXPECT_EQ(xs[1].grad(), 1.0 + 12.0);
  EXPECT_EQ(xs[2].grad(), 1.0 + 8.0);
  EXPECT_EQ(xs[3].grad(), 1.0 + 6.0);
}

TEST_F(MixedArithmetic, PowOfNegativeBaseWithIntegerExponent) {
  Var x = -2.0;
  Var f = pow(x, 3);
  f.backward();
  EXPECT_EQ(f.value(), -8.0);
  EXPECT_EQ(x.grad(), 12.0);

  new_graph();
  Var y = -2.0;
  Var g = pow(y, 2);
  g.backward();
  EXPECT_EQ(g.value(), 4.0);
  EXPECT_EQ(y.grad(), -4.0);
}

TEST_F(MixedArithmetic, PowWithZeroExponentAtZeroHasGradientZero) {
  Var x = 0.0;
  Var f = pow(x, 0.0);
  f.backward();
  EXPECT_EQ(f.value(), 1.0);
  EXPECT_EQ(x.grad(), 0.0);
  EXPECT_FALSE(std::isnan(x.grad()));
}

TEST_F(MixedArithmetic, PowOfTwoVarsAtZeroBase) {
  Var x = 0.0, y = 2.0;
  Var f = pow(x, y);
  f.backward();
  EXPECT_EQ(f.value(), 0.0);
  EXPECT_EQ(x.grad(), 0.0);
  EXPECT_EQ(y.grad(), 0.0);  // x^y is flat in y at x = 0 (no 0 * log 0 = NaN)
}

TEST_F(MixedArithmetic, PowOfTwoVars) {
  Var x = 2.0, y = 3.0;
  Var f = pow(x, y);
  f.backward();
  EXPECT_EQ(f.value(), 8.0);
  EXPECT_DOUBLE_EQ(x.grad(), 12.0);
  EXPECT_DOUBLE_EQ(y.grad(), 8.0 * std::log(2.0));
}

TEST_F(MixedArithmetic, ComparisonsReadForwardValuesAndRecordNothing) {
  Var x = 2.0, y = 3.0;
  const std::size_t before = Tape::current().size();
  EXPECT_TRUE(x < y);
  EXPECT_TRUE(x <= 2.0);
  EXPECT_TRUE(3.0 > x);
  EXPECT_TRUE(y >= x);
  EXPECT_TRUE(x == 2.0);
  EXPECT_FALSE(x == y);
  EXPECT_EQ(Tape::current().size(), before);
}

}  // namespace
}  // namespace gradflow
