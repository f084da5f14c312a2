// StepLR: lr = base * gamma^floor(epoch / step_size), as torch.optim.lr_scheduler.StepLR.

#include <gradflow/core/error.hpp>
#include <gradflow/optim/sgd.hpp>
#include <gradflow/optim/step_lr.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

namespace gradflow::optim {
namespace {

TEST(StepLR, DecaysEveryStepSizeEpochs) {
  Tensor p = tensor({1.0}).requires_grad_();
  SGD opt({p}, {.lr = 1.0});
  StepLR schedule(opt, 2, 0.5);
  std::vector<double> lrs;
  for (int epoch = 0; epoch < 6; ++epoch) {
    lrs.push_back(opt.lr());
    schedule.step();
  }
  EXPECT_EQ(lrs, (std::vector<double>{1.0, 1.0, 0.5, 0.5, 0.25, 0.25}));
}

TEST(StepLR, RejectsStepSizeZero) {
  Tensor p = tensor({1.0}).requires_grad_();
  SGD opt({p}, {});
  EXPECT_THROW(StepLR(opt, 0), Error);
}

}  // namespace
}  // namespace gradflow::optim
