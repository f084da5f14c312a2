// Adam: the first step by the formula (bias correction makes it lr * sign(g)), then three-step
// sequences against torch.optim.Adam.

#include "steps.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/optim/adam.hpp>

#include <cmath>

namespace gradflow::optim {
namespace {

using test::expect_steps;
using test::run_steps;

std::function<std::unique_ptr<Optimizer>(std::vector<Tensor>)> adam(AdamOptions o) {
  return [o](std::vector<Tensor> ps) { return std::make_unique<Adam>(std::move(ps), o); };
}

TEST(Adam, FirstStepByTheFormula) {
  Tensor p = tensor({2.0, -1.0}, DType::Float64).requires_grad_();
  sum(p * tensor({0.5, -3.0}, DType::Float64)).backward();
  Adam opt({p}, {.lr = 0.01});
  opt.step();
  // m = 0.1 g, v = 0.001 g²; corrected m / sqrt(v) = g / |g|: each moves by lr against g
  // (less eps's share).
  for (int i = 0; i < 2; ++i) {
    const double g = i == 0 ? 0.5 : -3.0;
    const double m = 0.1 * g, v = 0.001 * g * g;
    const double want =
        (i == 0 ? 2.0 : -1.0) - 0.01 / (1 - 0.9) * m / (std::sqrt(v) / std::sqrt(1 - 0.999) + 1e-8);
    EXPECT_NEAR(p.to_vector()[static_cast<std::size_t>(i)], want, 1e-15);
  }
}

TEST(Adam, MatchesTorchDefaults) {
  expect_steps(run_steps(adam({.lr = 0.01})),
               {{0x1.fae147b6ab80cp-1, -0x1.fd70a3d92ffefp+0, 0x1.f5c28f61e2f9bp-2},
                {0x1.fdbea1ed331acp-1, -0x1.fe927341a56e0p+0, 0x1.ebe064b3f54a6p-2},
                {0x1.fc0cab36becd7p-1, -0x1.ff72796df6312p+0, 0x1.e54905703bdb8p-2}});
}

TEST(Adam, MatchesTorchBetasEpsAndWeightDecay) {
  expect_steps(
      run_steps(adam({.lr = 0.01, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6, .weight_decay = 0.1})),
      {{0x1.fae1495b9317dp-1, -0x1.fd70a44269f64p+0, 0x1.f5c291470312ap-2},
       {0x1.fc72af024f31bp-1, -0x1.fd5d15db38223p+0, 0x1.eba3432312606p-2},
       {0x1.f99d5db567a18p-1, -0x1.fca3be4420920p+0, 0x1.e4d543b018bacp-2}});
}

TEST(Adam, RejectsBadOptions) {
  Tensor p = tensor({1.0}).requires_grad_();
  EXPECT_THROW(Adam({p}, {.beta1 = 1.0}), Error);
  EXPECT_THROW(Adam({p}, {.eps = -1.0}), Error);
}

}  // namespace
}  // namespace gradflow::optim
