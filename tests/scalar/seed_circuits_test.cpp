// The circuits of the backprop notes, with their exact numbers, and the staged example with its
// intermediates compared against the notes' hand-written staged backward pass.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace gradflow {
namespace {

class SeedCircuits : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(SeedCircuits, AddThenMultiply) {
  // f = (x + y) z at x = -2, y = 5, z = -4
  Var x = -2.0, y = 5.0, z = -4.0;
  Var q = x + y;
  Var f = q * z;
  f.backward();
  EXPECT_EQ(f.value(), -12.0);
  EXPECT_EQ(x.grad(), -4.0);
  EXPECT_EQ(y.grad(), -4.0);
  EXPECT_EQ(z.grad(), 3.0);
  // the intermediate's gradient, the notes' dq = z
  EXPECT_EQ(q.grad(), -4.0);
  EXPECT_EQ(f.grad(), 1.0);
}

TEST_F(SeedCircuits, TwoDimensionalNeuron) {
  // f = sigmoid(w0 x0 + w1 x1 + w2) at w = [2, -3, -3], x = [-1, -2]
  Var w0 = 2.0, w1 = -3.0, w2 = -3.0;
  Var x0 = -1.0, x1 = -2.0;
  Var dot = w0 * x0 + w1 * x1 + w2;
  Var f = sigmoid(dot);
  f.backward();
  EXPECT_DOUBLE_EQ(f.value(), 0.7310585786300049);
  EXPECT_DOUBLE_EQ(x0.grad(), 0.3932238664829637);
  EXPECT_DOUBLE_EQ(x1.grad(), -0.5898357997244456);
  EXPECT_DOUBLE_EQ(w0.grad(), -0.19661193324148185);
  EXPECT_DOUBLE_EQ(w1.grad(), -0.3932238664829637);
  EXPECT_DOUBLE_EQ(w2.grad(), 0.19661193324148185);
  // the notes' ddot = (1 - f) f, the sigmoid gate's local gradient written with its output
  EXPECT_DOUBLE_EQ(dot.grad(), (1.0 - f.value()) * f.value());
}

TEST_F(SeedCircuits, NeuronWithSigmoidComposedFromPrimitiveGates) {
  // The same neuron with sigmoid written as 1 / (1 + exp(-z)): four gates, the same numbers.
  Var w0 = 2.0, w1 = -3.0, w2 = -3.0;
  Var x0 = -1.0, x1 = -2.0;
  Var f = 1.0 / (1.0 + exp(-(w0 * x0 + w1 * x1 + w2)));
  f.backward();
  EXPECT_DOUBLE_EQ(f.value(), 0.7310585786300049);
  EXPECT_DOUBLE_EQ(x0.grad(), 0.3932238664829637);
  EXPECT_DOUBLE_EQ(x1.grad(), -0.5898357997244456);
  EXPECT_DOUBLE_EQ(w0.grad(), -0.19661193324148185);
  EXPECT_DOUBLE_EQ(w1.grad(), -0.3932238664829637);
  EXPECT_DOUBLE_EQ(w2.grad(), 0.19661193324148185);
}

TEST_F(SeedCircuits, StagedExampleInOneExpression) {
  // f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2) at x = 3, y = -4
  Var x = 3.0, y = -4.0;
  Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
  f.backward();
  EXPECT_DOUBLE_EQ(f.value(), 1.5456448841066441);
  EXPECT_DOUBLE_EQ(x.grad(), 2.0595697955721652);
  EXPECT_DOUBLE_EQ(y.grad(), 1.5922327514838093);
}

TEST_F(SeedCircuits, StagedExampleIntermediatesMatchTheNotesStagedBackward) {
  const double xv = 3.0, yv = -4.0;

  // forward, staged, on Vars
  Var x = xv, y = yv;
  Var sigy = sigmoid(y);         // (1)
  Var num = x + sigy;            // (2)
  Var sigx = sigmoid(x);         // (3)
  Var xpy = x + y;               // (4)
  Var xpysqr = pow(xpy, 2);      // (5)
  Var den = sigx + xpysqr;       // (6)
  Var invden = reciprocal(den);  // (7)
  Var f = num * invden;          // (8)
  f.backward();

  // the same forward pass in plain doubles
  const double d_sigy = 1.0 / (1.0 + std::exp(-yv));
  const double d_num = xv + d_sigy;
  const double d_sigx = 1.0 / (1.0 + std::exp(-xv));
  const double d_xpy = xv + yv;
  const double d_xpysqr = d_xpy * d_xpy;
  const double d_den = d_sigx + d_xpysqr;
  const double d_invden = 1.0 / d_den;
  const double d_f = d_num * d_invden;

  // the notes' staged backward pass, by hand, in plain doubles (+= where a value forks)
  const double dnum = d_invden;                                  // (8)
  const double dinvden = d_num;                                  // (8)
  const double dden = (-1.0 / (d_den * d_den)) * dinvden;        // (7)
  const double dsigx = 1.0 * dden;                               // (6)
  const double dxpysqr = 1.0 * dden;                             // (6)
  const double dxpy = (2.0 * d_xpy) * dxpysqr;                   // (5)
  double dx = 1.0 * dxpy;                                        // (4)
  double dy = 1.0 * dxpy;                                        // (4)
  dx += ((1.0 - d_sigx) * d_sigx) * dsigx;                       // (3)
  dx += 1.0 * dnum;                                              // (2)
  const double dsigy = 1.0 * dnum;                               // (2)
  dy += ((1.0 - d_sigy) * d_sigy) * dsigy;                       // (1)

  EXPECT_DOUBLE_EQ(sigy.value(), d_sigy);
  EXPECT_DOUBLE_EQ(num.value(), d_num);
  EXPECT_DOUBLE_EQ(sigx.value(), d_sigx);
  EXPECT_DOUBLE_EQ(xpy.value(), d_xpy);
  EXPECT_DOUBLE_EQ(xpysqr.value(), d_xpysqr);
  EXPECT_DOUBLE_EQ(den.value(), d_den);
  EXPECT_DOUBLE_EQ(invden.value(), d_invden);
  EXPECT_DOUBLE_EQ(f.value(), d_f);
  EXPECT_DOUBLE_EQ(f.value(), 1.5456448841066441);

  EXPECT_DOUBLE_EQ(num.grad(), dnum);
  EXPECT_DOUBLE_EQ(invden.grad(), dinvden);
  EXPECT_DOUBLE_EQ(den.grad(), dden);
  EXPECT_DOUBLE_EQ(sigx.grad(), dsigx);
  EXPECT_DOUBLE_EQ(xpysqr.grad(), dxpysqr);
  EXPECT_DOUBLE_EQ(xpy.grad(), dxpy);
  EXPECT_DOUBLE_EQ(sigy.grad(), dsigy);
  EXPECT_DOUBLE_EQ(x.grad(), dx);
  EXPECT_DOUBLE_EQ(y.grad(), dy);
  EXPECT_DOUBLE_EQ(x.grad(), 2.0595697955721652);
  EXPECT_DOUBLE_EQ(y.grad(), 1.5922327514838093);
}

TEST_F(SeedCircuits, StagedExamplePassesGradcheck) {
  const GradcheckResult r = gradcheck(
      [](std::span<const Var> v) {
        return (v[0] + sigmoid(v[1])) / (sigmoid(v[0]) + pow(v[0] + v[1], 2));
      },
      {3.0, -4.0});
  EXPECT_TRUE(r.passed) << r.report();
}

}  // namespace
}  // namespace gradflow
