// The sweep jumps over runs of leaves (Note [Leaf runs] in tape.hpp), whose entries are never
// written. Whatever the jump skips must be exactly what a leaf-by-leaf sweep would have left
// alone: gradients of leaves in, before and after runs, of gates between runs, and of a
// backward pass that starts at a leaf.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace gradflow {
namespace {

class LeafRuns : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(LeafRuns, GatesBeforeBetweenAndAfterRunsGetTheirGradients) {
  Var a = 2.0;                                                   // a single leaf
  const Var a2 = a * a;                                          // a gate below the first run
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  const Var mid = xs[0] * a2;                                    // a gate between the runs
  const std::vector<Var> ys = Var::leaves(std::vector<double>{4.0, 5.0});
  Var b = 7.0;                                                   // a single leaf after a run
  const Var f = mid + xs[2] * ys[1] + a2 * b;
  f.backward();
  EXPECT_DOUBLE_EQ(f.value(), 1.0 * 4.0 + 3.0 * 5.0 + 4.0 * 7.0);
  EXPECT_DOUBLE_EQ(xs[0].grad(), 4.0);
  EXPECT_DOUBLE_EQ(xs[1].grad(), 0.0);
  EXPECT_DOUBLE_EQ(xs[2].grad(), 5.0);
  EXPECT_DOUBLE_EQ(ys[0].grad(), 0.0);
  EXPECT_DOUBLE_EQ(ys[1].grad(), 3.0);
  EXPECT_DOUBLE_EQ(b.grad(), 4.0);
  EXPECT_DOUBLE_EQ(a2.grad(), 1.0 + 7.0);
  EXPECT_DOUBLE_EQ(a.grad(), (1.0 + 7.0) * 2.0 * 2.0);
}

TEST_F(LeafRuns, BackwardFromALeafInsideARunTouchesNothingElse) {
  Var a = 3.0;
  const Var g = a * 2.0;
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  xs[1].backward();
  EXPECT_DOUBLE_EQ(xs[1].grad(), 1.0);
  EXPECT_DOUBLE_EQ(xs[0].grad(), 0.0);
  EXPECT_DOUBLE_EQ(xs[2].grad(), 0.0);
  EXPECT_DOUBLE_EQ(g.grad(), 0.0);
  EXPECT_DOUBLE_EQ(a.grad(), 0.0);
}

TEST_F(LeafRuns, ALeafInsideARunWhoseTopGotNoGradientIsStillSteppedPast) {
  Var a = 2.0;
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0, 4.0});
  const Var f = xs[1] * a;  // the run's top (xs[3]) gets nothing, xs[1] does
  f.backward();
  EXPECT_DOUBLE_EQ(xs[1].grad(), 2.0);
  EXPECT_DOUBLE_EQ(xs[3].grad(), 0.0);
  EXPECT_DOUBLE_EQ(a.grad(), 2.0);
}

TEST_F(LeafRuns, AGateFeedingTheSlotJustBelowARunStillCarries) {
  // The entry right above a run's top leaf feeds it through the sweep's carry register; the
  // jump must not drop that contribution.
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0});
  const Var f = xs[1] * 10.0;  // operand slot = f's slot - 1
  f.backward();
  EXPECT_DOUBLE_EQ(xs[1].grad(), 10.0);
  EXPECT_DOUBLE_EQ(xs[0].grad(), 0.0);
}

TEST_F(LeafRuns, ARunsEntriesAreNeverReadEvenWhenTheMemoryHoldsOldGates) {
  // A run writes no entries: its slots keep the entries of the previous graph's gates. The sweep
  // must jump over them and entry() must read them as leaves.
  {
    Var x = 1.5;
    Var chain = x;
    for (int i = 0; i < 50; ++i) chain = chain * 1.1 + x;
  }
  new_graph();
  const std::vector<Var> xs = Var::leaves(std::vector<double>(20, 2.0));
  const std::vector<Var> ys = Var::leaves(std::vector<double>(20, 3.0));  // adjacent runs
  Var s;
  for (std::size_t i = 0; i < xs.size(); i += 2) s += xs[i] * ys[i + 1];
  s.backward();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    EXPECT_DOUBLE_EQ(xs[i].grad(), i % 2 == 0 ? 3.0 : 0.0) << i;
    EXPECT_DOUBLE_EQ(ys[i].grad(), i % 2 == 1 ? 2.0 : 0.0) << i;
  }
  const Tape& tape = Tape::current();
  for (const Var& v : {xs[0], xs[7], xs[19], ys[0], ys[19]}) {
    EXPECT_TRUE(Tape::is_leaf(tape.entry(v.slot("test"))));
  }
  EXPECT_FALSE(Tape::is_leaf(tape.entry(s.slot("test"))));
}

TEST_F(LeafRuns, ParamsBoundAmongRunsAccumulate) {
  Param w = 0.5;
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  Var s;
  for (const Var& x : xs) s += x * w;
  s.backward();
  s.backward();  // a second pass accumulates through the scratch buffer
  EXPECT_DOUBLE_EQ(w.grad(), 2.0 * 6.0);
  EXPECT_DOUBLE_EQ(xs[2].grad(), 2.0 * 0.5);
}

TEST_F(LeafRuns, ALargeRunOfUnusedInputsIsSkippedCorrectly) {
  Var a = 1.5;
  const Var twice = a * 2.0;
  const std::vector<Var> unused = Var::leaves(std::vector<double>(100'000, 1.0));
  const Var f = twice * twice;
  f.backward();
  EXPECT_DOUBLE_EQ(a.grad(), 2.0 * 3.0 * 2.0);
  EXPECT_DOUBLE_EQ(unused.front().grad(), 0.0);
  EXPECT_DOUBLE_EQ(unused.back().grad(), 0.0);
}

}  // namespace
}  // namespace gradflow
