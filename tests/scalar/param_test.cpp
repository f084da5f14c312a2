// Param: a leaf that outlives graphs. It stays valid across new_graph(), binds once per graph,
// and its gradient accumulates over every backward pass until its own zero_grad().

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace gradflow {
namespace {

class ParamTest : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(ParamTest, PersistsAcrossNewGraphAndAccumulates) {
  Param w = 0.5;
  for (int i = 1; i <= 3; ++i) {
    new_graph();
    Var x = static_cast<double>(i);
    Var f = w * x;  // df/dw = x
    f.backward();
  }
  EXPECT_EQ(w.grad(), 1.0 + 2.0 + 3.0);
  EXPECT_EQ(w.value(), 0.5);
  w.zero_grad();
  EXPECT_EQ(w.grad(), 0.0);
}

TEST_F(ParamTest, UsedTwiceInOneGraphBindsOnceAndSumsTheBranches) {
  Param w = 3.0;
  const std::size_t before = Tape::current().size();
  Var a = w;
  Var b = w.var();
  EXPECT_EQ(Tape::current().size(), before + 1);  // one leaf for both uses
  Var f = a * b + w;  // w^2 + w
  f.backward();
  EXPECT_EQ(w.grad(), 2.0 * 3.0 + 1.0);
  EXPECT_EQ(a.grad(), w.grad());  // the graph's view of the same leaf
}

TEST_F(ParamTest, GradientDescentLoopConverges) {
  // fit y = 2 x with one weight, the loop of param.hpp's doc comment
  Param w = 0.5;
  for (int step = 0; step < 200; ++step) {
    new_graph();
    Var loss = pow(w * 1.5 - 3.0, 2);
    loss.backward();
    w.set_value(w.value() - 0.1 * w.grad());
    w.zero_grad();
  }
  EXPECT_NEAR(w.value(), 2.0, 1e-9);
}

TEST_F(ParamTest, SetValueIsSeenByLaterGraphs) {
  Param w = 1.0;
  Var before = w * 2.0;
  w.set_value(4.0);
  new_graph();
  Var after = w * 2.0;
  EXPECT_EQ(before.value(), 2.0);
  EXPECT_EQ(after.value(), 8.0);
}

TEST_F(ParamTest, CopiesShareOneParameter) {
  Param w = 1.0;
  Param alias = w;
  Var f = alias * 5.0;
  f.backward();
  EXPECT_EQ(w.grad(), 5.0);
  alias.set_value(7.0);
  EXPECT_EQ(w.value(), 7.0);
}

TEST_F(ParamTest, BackwardTwiceAccumulatesTwice) {
  Param w = 2.0;
  Var f = w * w;
  f.backward();
  f.backward();
  EXPECT_EQ(w.grad(), 8.0);
}

TEST_F(ParamTest, SecondBackwardFromAnotherOutputOfTheSameGraphAccumulates) {
  Param w = 2.0;
  Var f = w * 3.0;
  Var g = w * w;
  f.backward();
  g.backward();
  EXPECT_EQ(w.grad(), 3.0 + 4.0);
}

TEST_F(ParamTest, ZeroGradOfTheGraphLeavesParamGradients) {
  // zero_grad() clears this graph's Var gradients; a Param's gradient is cleared by its own
  // zero_grad(), like a PyTorch parameter's .grad.
  Param w = 2.0;
  Var f = w * 3.0;
  f.backward();
  zero_grad();
  EXPECT_EQ(w.grad(), 3.0);
  EXPECT_EQ(w.var().grad(), 0.0);
}

TEST_F(ParamTest, UnderNoGradGuardAParamIsAConstant) {
  Param w = 2.0;
  NoGradGuard no_grad;
  const Var v = w;
  EXPECT_TRUE(v.is_constant());
  EXPECT_EQ(v.value(), 2.0);
}

TEST_F(ParamTest, UsedInANestedScopeAndInTheOuterGraph) {
  // The Param is bound in the outer graph, then in a Tape::Scope (which rebinds it there),
  // then used again outside: the outer graph must still deliver both outer uses' gradients.
  Param w = 2.0;
  Var a = w * 2.0;
  {
    Tape::Scope scope;
    Var b = w * 3.0;
    b.backward();
  }
  EXPECT_EQ(w.grad(), 3.0);
  Var c = w * 5.0;
  Var f = a + c;
  f.backward();
  EXPECT_EQ(w.grad(), 3.0 + 2.0 + 5.0);
}

TEST_F(ParamTest, ParamCapturedByGradcheck) {
  Param w = 1.5;
  const GradcheckResult r =
      gradcheck([&](std::span<const Var> x) { return sin(w * x[0]); }, {0.7});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_DOUBLE_EQ(r.inputs[0].analytic, 1.5 * std::cos(1.5 * 0.7));
}

}  // namespace
}  // namespace gradflow
