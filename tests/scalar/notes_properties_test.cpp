// The patterns the backprop notes teach: add distributes the gradient unchanged, multiply swaps
// its inputs, max routes it, scaling an input scales the weight gradient, and a value used
// twice (the branch) gets the sum of its gradients.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace gradflow {
namespace {

class NotesProperties : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(NotesProperties, AddDistributesTheGradientUnchanged) {
  Var x = 1.5, y = -0.25, z = 7.0;
  Var sum = x + y;
  Var f = sum * z;  // upstream gradient into the add gate: z = 7
  f.backward();
  EXPECT_EQ(sum.grad(), 7.0);
  EXPECT_EQ(x.grad(), sum.grad());
  EXPECT_EQ(y.grad(), sum.grad());
}

TEST_F(NotesProperties, AddWithAConstantDistributesTheGradientUnchanged) {
  Var x = 1.5;
  Var shifted = x + 10.0;
  Var f = shifted * 3.0;
  f.backward();
  EXPECT_EQ(x.grad(), shifted.grad());
  EXPECT_EQ(x.grad(), 3.0);
}

TEST_F(NotesProperties, MultiplySwapsItsInputs) {
  Var x = 3.0, y = -4.0;
  Var p = x * y;
  Var f = p * 2.0;  // upstream gradient 2
  f.backward();
  EXPECT_EQ(p.grad(), 2.0);
  EXPECT_EQ(x.grad(), y.value() * 2.0);
  EXPECT_EQ(y.grad(), x.value() * 2.0);
}

TEST_F(NotesProperties, MaxRoutesTheGradientToTheLargerInput) {
  Var x = 4.0, y = 2.0;
  Var m = max(x, y);
  Var f = m * 5.0;
  f.backward();
  EXPECT_EQ(m.value(), 4.0);
  EXPECT_EQ(x.grad(), 5.0);
  EXPECT_EQ(y.grad(), 0.0);

  new_graph();
  Var a = -1.0, b = 2.0;
  Var g = max(a, b) * 5.0;
  g.backward();
  EXPECT_EQ(g.value(), 10.0);
  EXPECT_EQ(a.grad(), 0.0);
  EXPECT_EQ(b.grad(), 5.0);
}

TEST_F(NotesProperties, MaxTieSendsTheFullGradientToBoth) {
  Var x = 2.0, y = 2.0;
  Var f = max(x, y) * 3.0;
  f.backward();
  EXPECT_EQ(f.value(), 6.0);
  EXPECT_EQ(x.grad(), 3.0);
  EXPECT_EQ(y.grad(), 3.0);
}

TEST_F(NotesProperties, MinRoutesTheGradientToTheSmallerInput) {
  Var x = 4.0, y = 2.0;
  Var f = min(x, y) * 5.0;
  f.backward();
  EXPECT_EQ(x.grad(), 0.0);
  EXPECT_EQ(y.grad(), 5.0);
}

TEST_F(NotesProperties, MaxWithAConstantRoutesToTheVarOrToNothing) {
  Var x = 3.0;
  Var above = max(x, 1.0);
  above.backward();
  EXPECT_EQ(x.grad(), 1.0);

  new_graph();
  Var y = -3.0;
  Var clipped = max(0.0, y);  // relu written with max: below 0 no gradient passes
  clipped.backward();
  EXPECT_EQ(clipped.value(), 0.0);
  EXPECT_EQ(y.grad(), 0.0);
}

// The weight gradient of a linear score w.x is the input: multiply the data by 1000 (a
// preprocessing mistake the notes warn about) and the weight gradient is 1000 times larger.
TEST_F(NotesProperties, ScalingTheInputBy1000ScalesTheWeightGradientBy1000) {
  const double w_values[] = {2.0, -3.0, 0.5};
  const double x_values[] = {-1.0, -2.0, 0.75};
  auto weight_grads = [&](double scale) {
    new_graph();
    Var w0 = w_values[0], w1 = w_values[1], w2 = w_values[2];
    Var f = w0 * (x_values[0] * scale) + w1 * (x_values[1] * scale) + w2 * (x_values[2] * scale);
    f.backward();
    return std::vector<double>{w0.grad(), w1.grad(), w2.grad()};
  };
  const std::vector<double> plain = weight_grads(1.0);
  const std::vector<double> scaled = weight_grads(1000.0);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    EXPECT_EQ(plain[i], x_values[i]);
    EXPECT_DOUBLE_EQ(scaled[i], 1000.0 * plain[i]);
  }
}

TEST_F(NotesProperties, ScalingTheInputScalesTheWeightGradientThroughANeuron) {
  // With a nonlinearity on top the weight gradient is x times the (changed) upstream gradient;
  // at the kink-free point w.x = 0 the upstream gradient is the same, so the ratio is 1000.
  auto weight_grad = [](double scale) {
    new_graph();
    Var w = 0.0;
    Var f = tanh(w * (0.5 * scale));
    f.backward();
    return w.grad();
  };
  EXPECT_DOUBLE_EQ(weight_grad(1000.0), 1000.0 * weight_grad(1.0));
}

TEST_F(NotesProperties, BranchAValueUsedTwiceGetsTheSumOfItsGradients) {
  Var x = 3.0;
  Var twice = x + x;
  twice.backward();
  EXPECT_EQ(x.grad(), 2.0);

  new_graph();
  Var a = 3.0;
  Var sq = a * a;
  sq.backward();
  EXPECT_EQ(a.grad(), 6.0);  // 3 from each branch

  new_graph();
  Var u = 2.0, v = -5.0;
  Var g = u * v + sin(u);  // u forks into the multiply and the sin
  g.backward();
  EXPECT_EQ(u.grad(), v.value() + std::cos(2.0));
  EXPECT_EQ(v.grad(), 2.0);
}

TEST_F(NotesProperties, BranchThroughAnIntermediateUsedByThreeGates) {
  Var x = 0.5;
  Var h = x * 4.0;  // h = 2, used three times
  Var f = h * h + exp(h) - h;
  f.backward();
  const double dh = 2.0 * 2.0 + std::exp(2.0) - 1.0;
  EXPECT_DOUBLE_EQ(h.grad(), dh);
  EXPECT_DOUBLE_EQ(x.grad(), 4.0 * dh);
}

}  // namespace
}  // namespace gradflow
