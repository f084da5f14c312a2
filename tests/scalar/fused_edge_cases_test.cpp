// What every fused primitive shares: empty spans, all-constant inputs, NoGradGuard, composing
// with ordinary gates, and stale Vars in a span.

#include "scalar/fused_test_support.hpp"

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <span>
#include <vector>

namespace gradflow {
namespace {

using fused_test::evaluate;
using fused_test::Evaluation;
using fused_test::expect_same_gradients;
using fused_test::FusedPrimitives;
using fused_test::random_values;

TEST_F(FusedPrimitives, EmptySpansGiveTheIdentityAsAConstant) {
  const std::span<const Var> none;
  EXPECT_TRUE(sum(none).is_constant());
  EXPECT_EQ(sum(none).value(), 0.0);
  EXPECT_TRUE(prod(none).is_constant());
  EXPECT_EQ(prod(none).value(), 1.0);
  EXPECT_TRUE(log_sum_exp(none).is_constant());
  EXPECT_EQ(log_sum_exp(none).value(), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(dot(none, std::span<const double>()).is_constant());
}

TEST_F(FusedPrimitives, BracedListsWorkLikeSpans) {
  Var x = 0.5, y = -1.0, z = 2.0;
  const Var s = sum({x, y, z});
  const Var p = prod({x, y, z});
  const Var l = log_sum_exp({x, y, z});
  EXPECT_EQ(s.value(), 1.5);
  EXPECT_EQ(p.value(), -1.0);
  EXPECT_DOUBLE_EQ(l.value(), std::log(std::exp(0.5) + std::exp(-1.0) + std::exp(2.0)));
  (s + p + l).backward();
  // d/dx of x + y + z, xyz and log-sum-exp: 1 + yz + softmax_x.
  const double softmax_x = std::exp(0.5 - l.value());
  EXPECT_DOUBLE_EQ(x.grad(), 1.0 + (-1.0 * 2.0) + softmax_x);
  EXPECT_TRUE(sum({}).is_constant());
}

TEST_F(FusedPrimitives, AllConstantInputsGiveAConstant) {
  const std::vector<Var> xs = {Var::constant(1.0), Var::constant(2.0)};
  EXPECT_TRUE(sum(xs).is_constant());
  EXPECT_TRUE(prod(xs).is_constant());
  EXPECT_TRUE(log_sum_exp(xs).is_constant());
  const std::vector<double> w = {1.0, 1.0};
  EXPECT_TRUE(dot(xs, w).is_constant());
}

TEST_F(FusedPrimitives, UnderNoGradGuardTheyGiveConstantsWithTheSameValues) {
  const std::vector<Var> xs = Var::leaves(std::vector<double>{0.5, 1.5, -2.0});
  const std::vector<double> w = {1.0, 2.0, 3.0};
  const double s = sum(xs).value(), p = prod(xs).value(), l = log_sum_exp(xs).value(),
               d = dot(xs, w).value();
  NoGradGuard no_grad;
  const std::size_t before = Tape::current().size();
  EXPECT_EQ(sum(xs).value(), s);
  EXPECT_EQ(prod(xs).value(), p);
  EXPECT_EQ(log_sum_exp(xs).value(), l);
  EXPECT_EQ(dot(xs, w).value(), d);
  EXPECT_TRUE(sum(xs).is_constant());
  EXPECT_TRUE(prod(xs).is_constant());
  EXPECT_TRUE(log_sum_exp(xs).is_constant());
  EXPECT_TRUE(dot(xs, w).is_constant());
  EXPECT_EQ(Tape::current().size(), before);
}

TEST_F(FusedPrimitives, FusedResultsComposeWithOrdinaryGates) {
  Var a = 1.0, b = 2.0, c = 3.0;
  const std::vector<Var> xs = {a, b, c};
  Var f = sum(xs) * prod(xs);  // (a + b + c) a b c
  f.backward();
  EXPECT_EQ(f.value(), 36.0);
  EXPECT_EQ(a.grad(), 6.0 + 6.0 * 6.0);
  EXPECT_EQ(b.grad(), 6.0 + 6.0 * 3.0);
  EXPECT_EQ(c.grad(), 6.0 + 6.0 * 2.0);
}

TEST_F(FusedPrimitives, StaleVarsInASpanThrow) {
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0});
  new_graph();
  EXPECT_THROW((void)sum(xs), Error);
  EXPECT_THROW((void)prod(xs), Error);
  EXPECT_THROW((void)log_sum_exp(xs), Error);
}

}  // namespace
}  // namespace gradflow
