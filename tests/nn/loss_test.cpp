// Losses: the L2 penalty and its gradient, the named classification losses (the SVM loss by
// the linear classifier notes' worked example), accuracy counting.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/nn.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace gradflow::nn {
namespace {

constexpr DType f64 = DType::Float64;

TEST(Loss, L2IsHalfRegTimesSumOfSquaresWithGradientRegW) {
  Tensor a = tensor({1.0, -2.0}, f64).requires_grad_();
  Tensor b = tensor({3.0}, f64).requires_grad_();
  const Tensor r = l2_regularization({a, b}, 0.1);
  EXPECT_DOUBLE_EQ(r.item(), 0.5 * 0.1 * (1 + 4 + 9));
  r.backward();
  EXPECT_EQ(a.grad().to_vector(), (std::vector<double>{0.1, -0.2}));
  EXPECT_DOUBLE_EQ(b.grad().item(), 0.1 * 3.0);
}

TEST(Loss, WeightsOfSkipsBiases) {
  Generator gen(0);
  const Sequential net = mlp({4, 3, 2}, gen);
  const std::vector<Tensor> w = weights_of(net);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].shape(), (Shape{3, 4}));
  EXPECT_EQ(w[1].shape(), (Shape{2, 3}));
}

TEST(Loss, HingeIsTheNotesMulticlassSvm) {
  // The notes' example: scores [13, -7, 11], correct class 0, margin 10 gives 8; with
  // margin 1 it is max(0, -7 - 13 + 1) + max(0, 11 - 13 + 1) = 0.
  const Tensor s = tensor({13.0, -7.0, 11.0, 3.2, 5.1, -1.7}, {2, 3}, f64);
  EXPECT_DOUBLE_EQ(hinge_loss(s.slice(0, 0, 1), {0}, 10.0).item(), 8.0);
  // Row 2, class 0: max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9; mean with row 1's 0.
  EXPECT_NEAR(classification_loss(Loss::hinge, s, {0, 0}).item(), 2.9 / 2.0, 1e-12);
}

TEST(Loss, HingeWithANegativeMarginCountsOnlyTheOtherClasses) {
  // The j = y term is max(0, margin) = 0 here: [0, 1, 0], class 0, margin -0.5 gives
  // max(0, 1 - 0 - 0.5) + max(0, 0 - 0 - 0.5) = 0.5, as torch's multi_margin_loss * C does.
  const Tensor s = tensor({0.0, 1.0, 0.0}, {1, 3}, f64);
  EXPECT_DOUBLE_EQ(hinge_loss(s, {0}, -0.5).item(), 0.5);
  EXPECT_DOUBLE_EQ(multi_margin_loss(s, {0}, -0.5).item(), 0.5 / 3.0);
  EXPECT_DOUBLE_EQ(hinge_loss(Tensor::zeros({2, 3}, f64), {0, 2}, -1.0).item(), 0.0);
}

TEST(Loss, HingeWithAnInfiniteCorrectScoreSkipsItsOwnTerm) {
  // s_y - s_y + margin is NaN for s_y = +-inf; the j = y term is not part of the loss. PyTorch's
  // multi_margin_loss gives 1/3 for +inf (row 0 counts 0) and inf for -inf, with these gradients.
  const double inf = std::numeric_limits<double>::infinity();
  Tensor s = tensor({inf, 1.0, 2.0, 0.5, 1.0, 0.0}, {2, 3}, f64).requires_grad_();
  const Tensor loss = multi_margin_loss(s, {0, 0});
  EXPECT_DOUBLE_EQ(loss.item(), 1.0 / 3.0);
  loss.backward();
  EXPECT_EQ(s.grad().to_vector(),
            (std::vector<double>{0.0, 0.0, 0.0, -1.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0}));
  EXPECT_DOUBLE_EQ(hinge_loss(s.detach(), {0, 0}).item(), 1.0);
  EXPECT_EQ(hinge_loss(tensor({-inf, 1.0, 2.0}, {1, 3}, f64), {0}).item(), inf);
}

TEST(Loss, CrossEntropyByName) {
  const Tensor s = tensor({1.0, 2.0, 3.0}, {1, 3}, f64);
  const double want = -std::log(std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0)));
  EXPECT_NEAR(classification_loss(Loss::cross_entropy, s, {2}).item(), want, 1e-12);
  EXPECT_EQ(loss_name(Loss::hinge), "hinge");
}

TEST(Loss, CountCorrect) {
  const Tensor s = tensor({0.1, 0.9, 0.8, 0.2, 0.3, 0.3}, {3, 2}, f64);
  EXPECT_EQ(count_correct(s, {1, 0, 0}), 3);
  EXPECT_EQ(count_correct(s, {0, 0, 1}), 1);
  EXPECT_THROW(count_correct(s, {0}), Error);
}

}  // namespace
}  // namespace gradflow::nn
