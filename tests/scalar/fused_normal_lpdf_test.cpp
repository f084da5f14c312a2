// normal_lpdf of data given Var mu and sigma: value and gradients against plain loops, the
// closed forms and gradcheck, and the error for a sigma that is not positive.

#include "scalar/fused_test_support.hpp"

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace gradflow {
namespace {

using fused_test::evaluate;
using fused_test::Evaluation;
using fused_test::expect_same_gradients;
using fused_test::FusedPrimitives;
using fused_test::random_values;

double plain_normal_lpdf(const std::vector<double>& y, double mu, double sigma) {
  double total = 0.0;
  for (double yi : y) {
    const double z = (yi - mu) / sigma;
    total += -0.5 * z * z - std::log(sigma) - 0.5 * std::log(2.0 * std::numbers::pi);
  }
  return total;
}

TEST_F(FusedPrimitives, NormalLpdfMatchesPlainLoops) {
  const std::vector<double> y = random_values(1000, -1.0, 4.0, 8);
  const double mu = 1.25, sigma = 0.8;
  const Evaluation fused = evaluate(
      [&](std::span<const Var> p) { return normal_lpdf(y, p[0], p[1]); }, {mu, sigma});
  const Evaluation loop = evaluate(
      [&](std::span<const Var> p) {
        Var total;
        for (double yi : y) {
          total += -0.5 * pow((yi - p[0]) / p[1], 2) - log(p[1]) -
                   0.5 * std::log(2.0 * std::numbers::pi);
        }
        return total;
      },
      {mu, sigma});
  const double plain = plain_normal_lpdf(y, mu, sigma);
  EXPECT_NEAR(fused.value, plain, 1e-12 * std::fabs(plain));
  EXPECT_NEAR(loop.value, plain, 1e-12 * std::fabs(plain));
  expect_same_gradients(fused, loop, 1e-11);
  // the closed forms of the header's comment
  double d_mu = 0.0, d_sigma = 0.0;
  for (double yi : y) {
    d_mu += (yi - mu) / (sigma * sigma);
    d_sigma += (yi - mu) * (yi - mu) / (sigma * sigma * sigma) - 1.0 / sigma;
  }
  EXPECT_NEAR(fused.grads[0], d_mu, 1e-11 * (1.0 + std::fabs(d_mu)));
  EXPECT_NEAR(fused.grads[1], d_sigma, 1e-11 * (1.0 + std::fabs(d_sigma)));
}

TEST_F(FusedPrimitives, NormalLpdfPassesGradcheck) {
  const std::vector<double> y = {0.5, -1.0, 2.5, 1.0};
  const GradcheckResult r = gradcheck(
      [&](std::span<const Var> p) { return normal_lpdf(y, p[0], p[1]); }, {0.3, 1.7});
  EXPECT_TRUE(r.passed) << r.report();
}

TEST_F(FusedPrimitives, NormalLpdfWithConstantMuDifferentiatesSigmaOnly) {
  const std::vector<double> y = {0.5, -1.0};
  Var sigma = 2.0;
  Var f = normal_lpdf(y, Var::constant(0.0), sigma);
  f.backward();
  EXPECT_DOUBLE_EQ(sigma.grad(), (0.25 + 1.0) / 8.0 - 2.0 / 2.0);
}

TEST_F(FusedPrimitives, NormalLpdfRejectsSigmaThatIsNotPositive) {
  const std::vector<double> y = {0.5, 1.0};
  for (double bad : {0.0, -1.0}) {
    try {
      (void)normal_lpdf(y, Var(0.0), Var(bad));
      FAIL() << "sigma = " << bad << " did not throw";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("normal_lpdf"), std::string::npos) << message;
      EXPECT_NE(message.find("sigma"), std::string::npos) << message;
      EXPECT_NE(message.find("positive"), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace gradflow
