// SGD: one step by the formula, then three-step sequences against torch.optim.SGD.

#include "steps.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/optim/sgd.hpp>

namespace gradflow::optim {
namespace {

using test::expect_steps;
using test::run_steps;

std::function<std::unique_ptr<Optimizer>(std::vector<Tensor>)> sgd(SGDOptions o) {
  return [o](std::vector<Tensor> ps) { return std::make_unique<SGD>(std::move(ps), o); };
}

TEST(SGD, OneStepIsPMinusLrTimesGradPlusDecay) {
  Tensor p = tensor({2.0, -1.0}, DType::Float64).requires_grad_();
  sum(p * tensor({0.5, 3.0}, DType::Float64)).backward();
  SGD opt({p}, {.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01});
  opt.step();
  // The first momentum buffer is the gradient itself: p - lr (g + wd p).
  EXPECT_DOUBLE_EQ(p.to_vector()[0], 2.0 - 0.1 * (0.5 + 0.01 * 2.0));
  EXPECT_DOUBLE_EQ(p.to_vector()[1], -1.0 - 0.1 * (3.0 + 0.01 * -1.0));
}

TEST(SGD, MatchesTorchPlain) {
  expect_steps(run_steps(sgd({.lr = 0.1})),
               {{0x1.fae147ae147aep-1, -0x1.fae147ae147aep+0, 0x1.e147ae147ae14p-2},
                {0x1.07ae147ae147bp+0, -0x1.03d70a3d70a3dp+1, 0x1.a3d70a3d70a3dp-2},
                {0x1.eb851eb851eb9p-1, -0x1.03d70a3d70a3dp+1, 0x1.ae147ae147ae1p-2}});
}

TEST(SGD, MatchesTorchMomentumAndWeightDecay) {
  expect_steps(run_steps(sgd({.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01})),
               {{0x1.fa5e353f7ced9p-1, -0x1.fa5e353f7ced9p+0, 0x1.e0c49ba5e353fp-2},
                {0x1.04a2ec28b2a6bp+0, -0x1.00cbe1eb4202ep+1, 0x1.86bd09e12a51ep-2},
                {0x1.f2536eb46010dp-1, -0x1.03ca71797b275p+1, 0x1.3f8fa31814ec1p-2}});
}

TEST(SGD, MatchesTorchNesterov) {
  expect_steps(run_steps(sgd({.lr = 0.1, .momentum = 0.9, .nesterov = true})),
               {{0x1.f645a1cac0831p-1, -0x1.f645a1cac0831p+0, 0x1.c5a1cac083127p-2},
                {0x1.0c84b5dcc63f1p+0, -0x1.0538ef34d6a16p+1, 0x1.380346dc5d638p-2},
                {0x1.e1cc100e6afccp-1, -0x1.088a47ecfe9b8p+1, 0x1.034eb9a176ddap-2}});
}

TEST(SGD, MatchesTorchDampening) {
  expect_steps(run_steps(sgd({.lr = 0.1, .momentum = 0.5, .dampening = 0.3})),
               {{0x1.fae147ae147aep-1, -0x1.fae147ae147aep+0, 0x1.e147ae147ae14p-2},
                {0x1.0353f7ced9168p+0, -0x1.00a3d70a3d70ap+1, 0x1.a6e978d4fdf3bp-2},
                {0x1.f374bc6a7ef9dp-1, -0x1.023d70a3d70a4p+1, 0x1.90e5604189374p-2}});
}

TEST(SGD, SkipsParametersWithoutGradient) {
  Tensor a = tensor({1.0}, DType::Float64).requires_grad_();
  Tensor b = tensor({1.0}, DType::Float64).requires_grad_();
  sum(a * 2.0).backward();
  SGD opt({a, b}, {.lr = 0.5});
  opt.step();
  EXPECT_DOUBLE_EQ(a.item(), 0.0);
  EXPECT_DOUBLE_EQ(b.item(), 1.0);
}

TEST(SGD, Float32StepsInFloat32) {
  Tensor p = tensor({1.0f, 2.0f}).requires_grad_();
  sum(p * p).backward();  // grad 2p
  SGD opt({p}, {.lr = 0.25});
  opt.step();
  EXPECT_EQ(p.to_vector(), (std::vector<double>{0.5, 1.0}));
}

TEST(SGD, RejectsBadParametersAndOptions) {
  Tensor plain = tensor({1.0});
  EXPECT_THROW(SGD({plain}, {}), Error);
  Tensor p = tensor({1.0}).requires_grad_();
  EXPECT_THROW(SGD({p}, {.lr = -1.0}), Error);
  EXPECT_THROW(SGD({p}, {.nesterov = true}), Error);
  // set_lr checks as the constructor does (a schedule's bug would otherwise ascend silently).
  SGD opt({p}, {.lr = 0.1});
  try {
    opt.set_lr(-1e-9);
    ADD_FAILURE() << "set_lr(-1e-9) accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "optimizer: the learning rate must be >= 0, got -1e-09");
  }
  EXPECT_EQ(opt.lr(), 0.1);
}

TEST(SGD, UpdatingAParameterABackwardStepSavedIsReported) {
  Tensor w = tensor({1.0, 2.0}, DType::Float64).requires_grad_();
  sum(w * w).backward();
  const Tensor pending = sum(w * w);  // saved w, backward not yet run
  SGD opt({w}, {.lr = 0.1});
  opt.step();
  EXPECT_THROW(pending.backward(), Error);
}

}  // namespace
}  // namespace gradflow::optim
