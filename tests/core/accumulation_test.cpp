// Gradients of intermediates are readable after backward; they accumulate over backward calls
// (from the same output or another output of the graph) until zero_grad() clears them or
// new_graph() starts over, as in PyTorch.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace gradflow {
namespace {

class Accumulation : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(Accumulation, IntermediateGradientsAreReadable) {
  Var x = -2.0, y = 5.0, z = -4.0;
  Var q = x + y;
  Var f = q * z;
  f.backward();
  EXPECT_EQ(q.grad(), -4.0);  // the notes' dq
  EXPECT_EQ(f.grad(), 1.0);   // the seed
}

TEST_F(Accumulation, ABranchNoBackwardReachedHasGradientZero) {
  Var x = 1.0, y = 2.0;
  Var used = x * 3.0;
  Var unused = y * 4.0;
  used.backward();
  EXPECT_EQ(x.grad(), 3.0);
  EXPECT_EQ(y.grad(), 0.0);
  EXPECT_EQ(unused.grad(), 0.0);
}

TEST_F(Accumulation, BackwardTwiceDoublesLeavesAndIntermediates) {
  Var x = -2.0, y = 5.0, z = -4.0;
  Var q = x + y;
  Var f = q * z;
  f.backward();
  f.backward();
  EXPECT_EQ(x.grad(), -8.0);
  EXPECT_EQ(y.grad(), -8.0);
  EXPECT_EQ(z.grad(), 6.0);
  EXPECT_EQ(q.grad(), -8.0);
  EXPECT_EQ(f.grad(), 2.0);
  f.backward();
  EXPECT_EQ(x.grad(), -12.0);
  EXPECT_EQ(q.grad(), -12.0);
  EXPECT_EQ(f.grad(), 3.0);
}

TEST_F(Accumulation, BackwardTwiceThroughANonlinearGraphDoubles) {
  Var x = 3.0, y = -4.0;
  Var num = x + sigmoid(y);
  Var f = num / (sigmoid(x) + pow(x + y, 2));
  f.backward();
  const double dx = x.grad(), dy = y.grad(), dnum = num.grad();
  f.backward();
  EXPECT_EQ(x.grad(), 2.0 * dx);
  EXPECT_EQ(y.grad(), 2.0 * dy);
  EXPECT_EQ(num.grad(), 2.0 * dnum);
}

TEST_F(Accumulation, SecondBackwardFromAnotherOutputAddsItsGradients) {
  Var x = 2.0, y = 3.0;
  Var q = x * y;
  Var f = q + x;    // df/dx = y + 1, df/dq = 1
  Var g = q * 2.0;  // dg/dx = 2y,    dg/dq = 2
  f.backward();
  EXPECT_EQ(x.grad(), 4.0);
  EXPECT_EQ(g.grad(), 0.0);
  g.backward();
  EXPECT_EQ(x.grad(), (3.0 + 1.0) + 2.0 * 3.0);
  EXPECT_EQ(y.grad(), 2.0 + 2.0 * 2.0);
  EXPECT_EQ(q.grad(), 1.0 + 2.0);
  EXPECT_EQ(f.grad(), 1.0);
  EXPECT_EQ(g.grad(), 1.0);
}

TEST_F(Accumulation, SecondBackwardFromAnEarlierOutput) {
  Var x = 2.0, y = 3.0;
  Var q = x * y;
  Var f = q + x;
  Var g = q * 2.0;
  g.backward();  // the later output first
  f.backward();
  EXPECT_EQ(x.grad(), (3.0 + 1.0) + 2.0 * 3.0);
  EXPECT_EQ(y.grad(), 2.0 + 2.0 * 2.0);
  EXPECT_EQ(q.grad(), 1.0 + 2.0);
}

TEST_F(Accumulation, BackwardOfAnOutputRecordedAfterAnEarlierBackward) {
  Var x = 2.0;
  Var f = x * x;
  f.backward();
  EXPECT_EQ(x.grad(), 4.0);
  Var g = f * 3.0 + x;  // recorded after the first pass; dg/dx = 6x + 1
  g.backward();
  EXPECT_EQ(x.grad(), 4.0 + 13.0);
  EXPECT_EQ(f.grad(), 1.0 + 3.0);
}

TEST_F(Accumulation, ZeroGradClearsLeavesAndIntermediatesAndKeepsTheGraph) {
  Var x = -2.0, y = 5.0, z = -4.0;
  Var q = x + y;
  Var f = q * z;
  f.backward();
  f.backward();
  zero_grad();
  EXPECT_EQ(x.grad(), 0.0);
  EXPECT_EQ(q.grad(), 0.0);
  EXPECT_EQ(f.grad(), 0.0);
  EXPECT_EQ(f.value(), -12.0);  // the graph is still there
  f.backward();
  EXPECT_EQ(x.grad(), -4.0);
  EXPECT_EQ(q.grad(), -4.0);
  EXPECT_EQ(z.grad(), 3.0);
}

TEST_F(Accumulation, NewGraphStartsFresh) {
  Var x = 1.0;
  Var f = x * 5.0;
  f.backward();
  const std::size_t used = Tape::current().size();
  const std::uint32_t generation = Tape::current().generation();
  new_graph();
  EXPECT_EQ(Tape::current().size(), 1u);  // only the sink
  EXPECT_NE(Tape::current().generation(), generation);
  EXPECT_LT(Tape::current().size(), used);
  Var a = 1.0;
  Var g = a * 7.0;
  EXPECT_EQ(a.grad(), 0.0);  // nothing carried over from the old graph
  g.backward();
  EXPECT_EQ(a.grad(), 7.0);
}

TEST_F(Accumulation, BackwardFromALeafSeedsOne) {
  Var x = 4.0;
  x.backward();
  EXPECT_EQ(x.grad(), 1.0);
}

TEST_F(Accumulation, BackwardFromAnIntermediateReachesOnlyItsInputs) {
  Var x = 2.0, y = 3.0;
  Var q = x * y;
  Var f = q + y;
  q.backward();
  EXPECT_EQ(x.grad(), 3.0);
  EXPECT_EQ(y.grad(), 2.0);
  EXPECT_EQ(f.grad(), 0.0);
}

TEST_F(Accumulation, TapeBackwardWithASeedScalesEveryGradient) {
  Var x = 2.0, y = 3.0;
  Var f = x * y;
  Tape::current().backward(f.slot("test"), 0.5);
  EXPECT_EQ(x.grad(), 1.5);
  EXPECT_EQ(y.grad(), 1.0);
  EXPECT_EQ(f.grad(), 0.5);
}

TEST_F(Accumulation, BackwardInsideNoGradGuardStillDifferentiatesTheRecordedGraph) {
  Var x = 2.0;
  Var f = x * x;
  NoGradGuard no_grad;
  f.backward();
  EXPECT_EQ(x.grad(), 4.0);
}

TEST_F(Accumulation, GradsOfManyVarsAtOnce) {
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  Var f = xs[0] * xs[1] + xs[2];
  f.backward();
  EXPECT_EQ(grads(xs), (std::vector<double>{2.0, 1.0, 1.0}));
  std::vector<double> out(2);
  EXPECT_THROW(grads(xs, out), Error);
}

}  // namespace
}  // namespace gradflow
