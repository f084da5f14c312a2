// The n-ary record's layouts (Note [Compact n-ary records] in tape.hpp): operands that are
// consecutive slots and unit partials are stored compactly; every other span takes the general
// path. Each layout must give the same values and gradients as a plain Var loop.

#include "scalar/fused_test_support.hpp"

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <span>
#include <string>
#include <vector>

namespace gradflow {
namespace {

using fused_test::FusedPrimitives;

// Three spans over the same values: leaves made together, leaves separated by gates (so not
// consecutive), and the consecutive span reversed.
struct Spans {
  std::vector<Var> together, interleaved, reversed;
  explicit Spans(const std::vector<double>& values) {
    together = Var::leaves(values);
    for (double v : values) {
      interleaved.push_back(Var(v));
      (void)(interleaved.back() * 2.0);  // a gate between consecutive leaves
    }
    reversed.assign(together.rbegin(), together.rend());
  }
};

TEST_F(FusedPrimitives, EveryLayoutGivesThePlainLoopsGradients) {
  const std::vector<double> values = {0.5, -1.25, 2.0, 0.75};
  const std::vector<double> weights = {1.0, -2.0, 0.5, 3.0};
  Spans s(values);
  const Var out = sum(s.together) + sum(s.interleaved) + prod(s.together) +
                  prod(s.interleaved) + log_sum_exp(s.reversed) + dot(s.together, weights);
  out.backward();

  double p = 1.0;
  for (double v : values) p *= v;
  double z = 0.0;
  for (double v : values) z += std::exp(v);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double d_together = 1.0 + p / values[i] + std::exp(values[i]) / z + weights[i];
    const double d_interleaved = 1.0 + p / values[i];
    EXPECT_NEAR(s.together[i].grad(), d_together, 1e-12) << "input " << i;
    EXPECT_NEAR(s.interleaved[i].grad(), d_interleaved, 1e-12) << "input " << i;
  }
}

TEST_F(FusedPrimitives, CompactRecordsHoldNoPerOperandSlots) {
  const std::vector<Var> xs = Var::leaves(std::vector<double>(1000, 0.5));
  const std::size_t before = Tape::current().bytes_in_use();
  (void)sum(xs);  // consecutive, unit partials: one entry and one record, no operand pool
  const std::size_t added = Tape::current().bytes_in_use() - before;
  EXPECT_LT(added, 100u);
  const std::size_t before_prod = Tape::current().bytes_in_use();
  (void)prod(xs);  // consecutive: a partial per operand, no slot
  EXPECT_LT(Tape::current().bytes_in_use() - before_prod, 1000 * sizeof(double) + 100);
}

TEST_F(FusedPrimitives, ASpanWithAStaleVarInTheMiddleThrows) {
  const std::vector<Var> old = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  new_graph();
  std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  xs[1] = old[1];  // same slot number, older graph: not consecutive in the current graph
  EXPECT_THROW((void)sum(xs), Error);
  EXPECT_THROW((void)prod(xs), Error);
}

TEST_F(FusedPrimitives, ASpanReachingPastTheTapeIsNotTakenAsConsecutive) {
  std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0});
  new_graph();
  const Var fresh = 4.0;  // slot 1 again, in the new graph
  xs[0] = fresh;          // xs[1] is stale: slot 2 of the old graph, past this tape's end
  EXPECT_THROW((void)sum(xs), Error);
}

TEST_F(FusedPrimitives, ConstantsInASpanGetNoGradientAndBreakNoLayout) {
  Var a = 2.0, b = 3.0;
  const std::vector<Var> xs = {a, Var::constant(10.0), b};
  const Var s = sum(xs);
  const Var p = prod(xs);
  (s + p).backward();
  EXPECT_DOUBLE_EQ(s.value(), 15.0);
  EXPECT_DOUBLE_EQ(a.grad(), 1.0 + 30.0);
  EXPECT_DOUBLE_EQ(b.grad(), 1.0 + 20.0);
}

TEST_F(FusedPrimitives, DiagramsListEveryOperandOfACompactRecord) {
  AnnotateGuard annotate;
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  const Var s = sum(xs);
  const Tape& tape = Tape::current();
  const TapeEntry e = tape.entry(s.slot("test"));
  ASSERT_EQ(e.a, kNaryMarker);
  ASSERT_EQ(tape.nary(e).count, 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(tape.nary_operand(e, k).slot, xs[k].slot("test"));
    EXPECT_EQ(tape.nary_operand(e, k).partial, 1.0);
  }
  const std::string dot_text = to_dot(s);
  const std::string sum_node = "n" + std::to_string(s.slot("test"));
  for (const Var& x : xs) {
    // Appended, not "n" + ...: GCC 12 at -O3 warns falsely inside std::string's operator+.
    const std::string wire =
        std::string("n").append(std::to_string(x.slot("test"))).append(" -> ").append(sum_node);
    EXPECT_NE(dot_text.find(wire), std::string::npos) << wire;
  }
}

TEST_F(FusedPrimitives, GradsOfARunMatchEachVarsGrad) {
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  EXPECT_EQ(grads(xs), (std::vector<double>{0.0, 0.0, 0.0}));  // before any backward pass
  const Var f = xs[0] * xs[2] + xs[1];
  f.backward();
  EXPECT_EQ(grads(xs), (std::vector<double>{3.0, 1.0, 1.0}));
  const std::vector<Var> reversed(xs.rbegin(), xs.rend());  // not a run: the general path
  EXPECT_EQ(grads(reversed), (std::vector<double>{1.0, 1.0, 3.0}));
  const std::vector<Var> with_constant = {xs[0], Var::constant(5.0), xs[2]};
  EXPECT_EQ(grads(with_constant), (std::vector<double>{3.0, 0.0, 1.0}));
}

TEST_F(FusedPrimitives, GradsOfASpanWithAStaleVarThrows) {
  const std::vector<Var> old = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  new_graph();
  std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  sum(xs).backward();
  xs[2] = old[2];
  EXPECT_THROW((void)grads(xs), Error);
}

}  // namespace
}  // namespace gradflow
