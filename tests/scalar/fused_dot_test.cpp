// dot of a span of Var with constant weights: values and gradients against plain loops and
// gradcheck, and the error for spans of different lengths.

#include "scalar/fused_test_support.hpp"

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gradflow {
namespace {

using fused_test::evaluate;
using fused_test::Evaluation;
using fused_test::expect_same_gradients;
using fused_test::FusedPrimitives;
using fused_test::random_values;

TEST_F(FusedPrimitives, DotMatchesPlainLoops) {
  const std::vector<double> at = random_values(100, -2.0, 2.0, 6);
  const std::vector<double> w = random_values(100, -2.0, 2.0, 7);
  double plain = 0.0;
  for (std::size_t i = 0; i < at.size(); ++i) plain += at[i] * w[i];
  const Evaluation fused = evaluate([&](std::span<const Var> xs) { return dot(xs, w); }, at);
  const Evaluation loop = evaluate(
      [&](std::span<const Var> xs) {
        Var total;
        for (std::size_t i = 0; i < xs.size(); ++i) total += xs[i] * w[i];
        return total;
      },
      at);
  EXPECT_EQ(fused.value, plain);
  EXPECT_EQ(loop.value, plain);
  for (std::size_t i = 0; i < w.size(); ++i) EXPECT_EQ(fused.grads[i], w[i]);
  expect_same_gradients(fused, loop, 0.0);
}

TEST_F(FusedPrimitives, DotPassesGradcheck) {
  const std::vector<double> w = {0.5, -1.5, 2.0};
  const GradcheckResult r =
      gradcheck([&](std::span<const Var> xs) { return dot(xs, w); }, {1.0, 2.0, -3.0});
  EXPECT_TRUE(r.passed) << r.report();
}

TEST_F(FusedPrimitives, DotWithMismatchedLengthsThrowsNamingBothLengths) {
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  const std::vector<double> w = {1.0, 2.0};
  try {
    (void)dot(xs, w);
    FAIL() << "dot of 3 Vars and 2 weights did not throw";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("dot"), std::string::npos) << message;
    EXPECT_NE(message.find('3'), std::string::npos) << message;
    EXPECT_NE(message.find('2'), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace gradflow
