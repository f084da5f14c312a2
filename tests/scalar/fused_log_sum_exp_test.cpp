// log_sum_exp over a span of Var: values and gradients (softmax) against plain loops and
// gradcheck, and stability at scores of +-1000 where a plain exp overflows.

#include "scalar/fused_test_support.hpp"

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace gradflow {
namespace {

using fused_test::evaluate;
using fused_test::Evaluation;
using fused_test::expect_same_gradients;
using fused_test::FusedPrimitives;
using fused_test::random_values;

TEST_F(FusedPrimitives, LogSumExpMatchesPlainLoops) {
  const std::vector<double> at = random_values(64, -5.0, 5.0, 4);
  double m = at[0];
  for (double v : at) m = std::max(m, v);
  double s = 0.0;
  for (double v : at) s += std::exp(v - m);
  const double plain = m + std::log(s);
  const Evaluation fused = evaluate([](std::span<const Var> xs) { return log_sum_exp(xs); }, at);
  const Evaluation loop = evaluate(
      [](std::span<const Var> xs) {
        Var total;
        for (const Var& x : xs) total += exp(x);
        return log(total);
      },
      at);
  EXPECT_DOUBLE_EQ(fused.value, plain);
  EXPECT_NEAR(loop.value, plain, 1e-13);
  expect_same_gradients(fused, loop, 1e-13);
  double softmax_total = 0.0;
  for (double g : fused.grads) softmax_total += g;
  EXPECT_NEAR(softmax_total, 1.0, 1e-14);
}

TEST_F(FusedPrimitives, LogSumExpIsStableForLargeScores) {
  // Plain exp overflows at 1000 and underflows at -1000; the fused version shifts by the max.
  const Evaluation e = evaluate([](std::span<const Var> xs) { return log_sum_exp(xs); },
                                {1000.0, -1000.0, 999.0});
  const double tail = std::exp(-1.0);
  EXPECT_DOUBLE_EQ(e.value, 1000.0 + std::log1p(tail));
  EXPECT_DOUBLE_EQ(e.grads[0], 1.0 / (1.0 + tail));
  EXPECT_EQ(e.grads[1], 0.0);
  EXPECT_DOUBLE_EQ(e.grads[2], tail / (1.0 + tail));

  const Evaluation low = evaluate([](std::span<const Var> xs) { return log_sum_exp(xs); },
                                  {-1000.0, -1000.0, -1000.0, -1000.0});
  EXPECT_DOUBLE_EQ(low.value, -1000.0 + std::log(4.0));
  for (double g : low.grads) EXPECT_DOUBLE_EQ(g, 0.25);
}

TEST_F(FusedPrimitives, LogSumExpPassesGradcheck) {
  const GradcheckResult r = gradcheck([](std::span<const Var> xs) { return log_sum_exp(xs); },
                                      random_values(6, -3.0, 3.0, 5));
  EXPECT_TRUE(r.passed) << r.report();
  const GradcheckResult big = gradcheck(
      [](std::span<const Var> xs) { return log_sum_exp(xs); }, {1000.0, 999.5, -1000.0});
  EXPECT_TRUE(big.passed) << big.report();
}

}  // namespace
}  // namespace gradflow
