// Initialisers: PyTorch's default bounds for Linear and Conv2d, the Kaiming and Xavier
// variances, and reproducibility from a seed.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/nn.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace gradflow::nn {
namespace {

struct Stats {
  double mean = 0, var = 0, min = 0, max = 0;
};

Stats stats(const Tensor& t) {
  const std::vector<double> v = t.to_vector();
  Stats s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  for (double x : v) s.var += (x - s.mean) * (x - s.mean);
  s.var /= static_cast<double>(v.size());
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  return s;
}

TEST(Init, LinearDefaultIsUniformOnInverseSqrtFanIn) {
  Generator gen(0);
  Linear layer(400, 300, gen);
  const double bound = 1.0 / 20.0;
  const Stats w = stats(layer.weight());
  EXPECT_GE(w.min, -bound);
  EXPECT_LE(w.max, bound);
  EXPECT_GT(w.max, 0.99 * bound);  // the whole interval is used
  EXPECT_NEAR(w.var, bound * bound / 3.0, 0.02 * bound * bound / 3.0);
  const Stats b = stats(layer.bias());
  EXPECT_GE(b.min, -bound);
  EXPECT_LE(b.max, bound);
}

TEST(Init, Conv2dFanInCountsTheKernel) {
  Generator gen(0);
  Conv2d layer(16, 32, 5, gen);
  EXPECT_EQ(init::fans(layer.weight()).in, 16 * 25);
  EXPECT_EQ(init::fans(layer.weight()).out, 32 * 25);
  EXPECT_LE(stats(layer.weight()).max, 1.0 / 20.0);
  EXPECT_LE(stats(layer.bias()).max, 1.0 / 20.0);
}

TEST(Init, KaimingAndXavierVariances) {
  Generator gen(1);
  Tensor w = Tensor::empty({500, 200});
  init::kaiming_normal_(w, gen, 0.0, init::FanMode::fan_in, init::Nonlinearity::relu);
  EXPECT_NEAR(stats(w).var, 2.0 / 200.0, 0.03 * 2.0 / 200.0);
  init::kaiming_uniform_(w, gen, 0.0, init::FanMode::fan_out, init::Nonlinearity::relu);
  EXPECT_NEAR(stats(w).var, 2.0 / 500.0, 0.03 * 2.0 / 500.0);
  init::xavier_uniform_(w, gen);
  EXPECT_NEAR(stats(w).var, 2.0 / 700.0, 0.03 * 2.0 / 700.0);
  init::xavier_normal_(w, gen, init::gain(init::Nonlinearity::tanh));
  EXPECT_NEAR(stats(w).var, 25.0 / 9.0 * 2.0 / 700.0, 0.03 * 25.0 / 9.0 * 2.0 / 700.0);
  EXPECT_NEAR(std::fabs(stats(w).mean), 0.0, 0.01);
}

TEST(Init, SameSeedSameModel) {
  Generator a(42), b(42), c(43);
  EXPECT_EQ(mlp({4, 8, 3}, a).parameters()[0].to_vector(),
            mlp({4, 8, 3}, b).parameters()[0].to_vector());
  EXPECT_NE(mlp({4, 8, 3}, a).parameters()[0].to_vector(),
            mlp({4, 8, 3}, c).parameters()[0].to_vector());
}

TEST(Init, WorksOnParametersThatRequireGrad) {
  Generator gen(2);
  Tensor w = Tensor::zeros({3, 3}).requires_grad_();
  init::xavier_uniform_(w, gen);
  EXPECT_NE(stats(w).max, 0.0);
  Tensor v = Tensor::zeros({3});
  EXPECT_THROW(init::kaiming_uniform_(v, gen), Error);  // no fan-in for 1-d
}

}  // namespace
}  // namespace gradflow::nn
