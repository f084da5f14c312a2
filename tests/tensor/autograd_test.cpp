// Gradients through tensors: the notes' matrix multiply, accumulation, graphs and parameters,
// NoGradGuard, detach, Var mixing, and the errors of misuse.

#include "helpers.hpp"

#include <gradflow/gradflow.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace gradflow {
namespace {

using test::expect_error;

void expect_close(const Tensor& a, const Tensor& b, double tol = 1e-5) {
  ASSERT_TRUE(a.defined());
  ASSERT_TRUE(b.defined());
  ASSERT_EQ(a.shape(), b.shape());
  const auto va = a.to_vector(), vb = b.to_vector();
  for (std::size_t i = 0; i < va.size(); ++i) EXPECT_NEAR(va[i], vb[i], tol) << "at " << i;
}

class TensorAutograd : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
};

// The notes: D = W X, dW = dD Xᵀ, dX = Wᵀ dD.
TEST_F(TensorAutograd, NotesMatrixMultiply) {
  for (DType dt : {DType::Float32, DType::Float64}) {
    Tensor W = Tensor::randn({5, 10}, 1, dt).requires_grad_();
    Tensor X = Tensor::randn({10, 3}, 2, dt).requires_grad_();
    Tensor D = matmul(W, X);
    EXPECT_EQ(D.shape(), (std::vector<std::int64_t>{5, 3}));
    const Tensor dD = Tensor::randn({5, 3}, 3, dt);
    D.backward(dD);
    NoGradGuard no_grad;
    expect_close(W.grad(), matmul(dD, X.t()));
    expect_close(X.grad(), matmul(W.t(), dD));
  }
}

TEST_F(TensorAutograd, SpecExample) {
  Tensor W = Tensor::randn({5, 10}).requires_grad_();
  Tensor X = Tensor::randn({10, 3});
  Tensor D = matmul(W, X);
  D.backward(Tensor::ones({5, 3}));
  EXPECT_EQ(W.grad().shape(), (std::vector<std::int64_t>{5, 10}));
  expect_close(W.grad(), matmul(Tensor::ones({5, 3}), X.t()));
  EXPECT_FALSE(X.grad().defined());
}

TEST_F(TensorAutograd, LeafGradientsAccumulateUntilZeroed) {
  Tensor x = tensor({1, 2, 3}, {3}, DType::Float64).requires_grad_();
  sum(x * x).backward();
  expect_close(x.grad(), tensor({2, 4, 6}, {3}, DType::Float64));
  sum(x * x).backward();  // a second graph on the same tape: adds
  expect_close(x.grad(), tensor({4, 8, 12}, {3}, DType::Float64));
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
  sum(3.0 * x).backward();
  expect_close(x.grad(), tensor({3, 3, 3}, {3}, DType::Float64));
}

TEST_F(TensorAutograd, BackwardTwiceOnOneGraphAddsOnce) {
  Tensor x = tensor({1, 2}, {2}, DType::Float64).requires_grad_();
  const Tensor y = sum(exp(x) * 2.0);
  y.backward();
  y.backward();
  expect_close(x.grad(), 4.0 * exp(x.detach()));
}

TEST_F(TensorAutograd, FanOutSumsGradients) {
  Tensor x = tensor({1, 2}, {2}, DType::Float64).requires_grad_();
  const Tensor h = x * 3.0;
  sum(h + h * h).backward();  // d/dx (3x + 9x^2) = 3 + 18x
  expect_close(x.grad(), tensor({21, 39}, {2}, DType::Float64));
  x.zero_grad();
  sum(x + x + x).backward();
  expect_close(x.grad(), tensor({3, 3}, {2}, DType::Float64));
}

TEST_F(TensorAutograd, BroadcastGradientsAreReduced) {
  Tensor a = Tensor::ones({2, 3}, DType::Float64).requires_grad_();
  Tensor b = tensor({1, 2, 3}, {3}, DType::Float64).requires_grad_();
  Tensor c = tensor({5}, {1, 1}, DType::Float64).requires_grad_();
  sum((a + b) * c).backward();
  expect_close(b.grad(), tensor({10, 10, 10}, {3}, DType::Float64));
  expect_close(c.grad(), tensor({18}, {1, 1}, DType::Float64));
  expect_close(a.grad(), Tensor::full({2, 3}, 5, DType::Float64));
}

TEST_F(TensorAutograd, ParametersOutliveGraphsAndStaleTensorsThrow) {
  Tensor w = tensor({2}, {1}, DType::Float64).requires_grad_();
  Tensor h = w * 3.0;
  new_graph();
  // The leaf is still usable, and so are the values of h.
  sum(w * w).backward();
  expect_close(w.grad(), tensor({4}, {1}, DType::Float64));
  EXPECT_DOUBLE_EQ(h.item(), 6.0);
  expect_error([&] { (void)(h * 2.0); }, "scale: a tensor of shape [1] was computed in a graph "
                                         "that is no longer current");
  expect_error([&] { sum(h).backward(); }, "no longer current");
  // detach() takes the values as a constant.
  EXPECT_DOUBLE_EQ((h.detach() * 2.0).item(), 12.0);
}

TEST_F(TensorAutograd, NoGradGuardRecordsNothing) {
  Tensor w = Tensor::ones({2}).requires_grad_();
  const std::size_t before = Tape::current().size();
  {
    NoGradGuard no_grad;
    const Tensor y = w * 2.0 + 1.0;
    EXPECT_FALSE(y.requires_grad());
    w.sub_(tensor({0.5, 0.5}));  // an optimizer step
  }
  EXPECT_EQ(Tape::current().size(), before);
  EXPECT_DOUBLE_EQ(w.to_vector()[0], 0.5);
  expect_error([&] { w.sub_(tensor({1, 1})); }, "sub_: this tensor requires grad");
}

TEST_F(TensorAutograd, InPlaceChangeOfSavedTensorIsAnError) {
  Tensor w = Tensor::ones({2}, DType::Float64).requires_grad_();
  Tensor x = Tensor::ones({2}, DType::Float64);
  const Tensor y = sum(w * x);
  x.add_(Tensor::ones({2}, DType::Float64));
  expect_error([&] { y.backward(); }, "was changed in place");
}

TEST_F(TensorAutograd, BackwardErrors) {
  Tensor x = Tensor::ones({2, 2}).requires_grad_();
  expect_error([&] { (x * 2.0).backward(); },
               "backward(): this tensor has shape [2,2] (4 elements); backward() without an "
               "upstream gradient needs a one-element tensor");
  expect_error([] { Tensor::ones({1}).backward(); }, "does not require grad");
  expect_error([&] { (x * 2.0).backward(Tensor::ones({3})); }, "upstream gradient has shape [3]");
  expect_error([&] { (void)(x * 2.0).requires_grad_(); }, "only leaves can be marked");
}

TEST_F(TensorAutograd, RetainGradShowsIntermediates) {
  Tensor x = tensor({1, 2}, {2}, DType::Float64).requires_grad_();
  Tensor h = x * 2.0;
  h.retain_grad();
  sum(h * h).backward();
  expect_close(h.grad(), tensor({4, 8}, {2}, DType::Float64));
  EXPECT_FALSE((x * 2.0).grad().defined());
  // Using that undefined gradient says where it may have come from.
  Tensor not_retained = x * 3.0;
  sum(not_retained).backward();
  expect_error([&] { (void)(not_retained.grad() + 1.0); },
               "a computed tensor keeps its gradient only after retain_grad()");
}

// A Linear layer's x Wᵀ: the gradient of Wᵀ is computed in W's layout (permuted for Wᵀ).
// Retained, it reads as Wᵀ's gradient; W's own gradient is its transpose.
TEST_F(TensorAutograd, GradientOfTransposedWeightInEitherLayout) {
  for (DType dt : {DType::Float32, DType::Float64}) {
    new_graph();
    Tensor W = Tensor::randn({4, 3}, 1, dt).requires_grad_();
    const Tensor x = Tensor::randn({5, 3}, 2, dt);
    Tensor wt = W.t();
    wt.retain_grad();
    const Tensor dy = Tensor::randn({5, 4}, 3, dt);
    matmul(x, wt).backward(dy);
    NoGradGuard no_grad;
    const Tensor expected = matmul(x.t(), dy);  // d(Wᵀ) = xᵀ dy, [3, 4]
    expect_close(wt.grad(), expected);
    expect_close(W.grad(), expected.t().contiguous());
    EXPECT_TRUE(W.grad().is_contiguous());
  }
}

// A float32 tensor's gate gives the double computation's result rounded to float32: relu's
// bits, NaN, infinities, signed zeros and subnormals included.
TEST_F(TensorAutograd, ReluInFloat32IsTheDoubleResultRounded) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const float tiny = std::numeric_limits<float>::denorm_min();
  const std::vector<float> xs = {-2.5f, -0.0f, 0.0f, tiny, -tiny, 1.5f, inf, -inf, nan, 3e38f};
  const std::vector<float> gs = {1.0f, -2.0f, 3.0f, -0.5f, nan, inf, -1.0f, 2.0f, 0.25f, -0.0f};
  std::vector<double> xd(xs.begin(), xs.end()), gd(gs.begin(), gs.end());
  Tensor x = tensor(xd, {10}, DType::Float32).requires_grad_();
  Tensor y = relu(x);
  y.backward(tensor(gd, {10}, DType::Float32));
  const std::vector<double> got_y = y.to_vector(), got_dx = x.grad().to_vector();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const auto want_y = static_cast<float>(gates::Relu::forward(static_cast<double>(xs[i])));
    const auto want_dx = static_cast<float>(
        static_cast<double>(gs[i]) * gates::Relu::local_grad(static_cast<double>(xs[i]), 0.0));
    const auto y_i = static_cast<float>(got_y[i]), dx_i = static_cast<float>(got_dx[i]);
    if (std::isnan(want_y)) {
      EXPECT_TRUE(std::isnan(y_i)) << i;
    } else {
      EXPECT_EQ(std::bit_cast<std::uint32_t>(y_i), std::bit_cast<std::uint32_t>(want_y)) << i;
    }
    if (std::isnan(want_dx)) {
      EXPECT_TRUE(std::isnan(dx_i)) << i;
    } else {
      EXPECT_EQ(std::bit_cast<std::uint32_t>(dx_i), std::bit_cast<std::uint32_t>(want_dx)) << i;
    }
  }
}

TEST_F(TensorAutograd, VarTimesTensorAndTensorLossAsVar) {
  Var alpha = 2.0;
  Tensor x = tensor({1, 2, 3}, {3}, DType::Float64).requires_grad_();
  // A scalar hyper-parameter times a tensor, the tensor loss turned into a Var, mixed again.
  const Var loss = to_var(sum(alpha * x * x)) * alpha + 1.0;  // alpha^2 sum(x^2) + 1
  loss.backward();
  EXPECT_DOUBLE_EQ(loss.value(), 4 * 14 + 1);
  EXPECT_NEAR(alpha.grad(), 2 * 2 * 14, 1e-12);
  expect_close(x.grad(), tensor({8, 16, 24}, {3}, DType::Float64));
  // More than one element: the error names to_var, not the item() it calls.
  expect_error([&] { (void)to_var(x); }, "to_var: the tensor has shape [3] (3 elements)");
}

TEST_F(TensorAutograd, TensorBackwardReachesVars) {
  Var a = 3.0;
  Param p = 0.5;
  Tensor x = tensor({1, 2}, {2}).requires_grad_();
  const Tensor y = sum(x * a + x * Var(p) / a);
  y.backward();
  EXPECT_NEAR(a.grad(), 3.0 - 0.5 * 3.0 / 9.0, 1e-6);
  EXPECT_NEAR(p.grad(), 3.0 / 3.0, 1e-6);
  expect_close(x.grad(), Tensor::full({2}, 3.0 + 0.5 / 3.0));
}

TEST_F(TensorAutograd, ThreadsRecordIndependentGraphs) {
  auto work = [] {
    Tensor w = Tensor::ones({4, 4}, DType::Float64).requires_grad_();
    for (int i = 0; i < 50; ++i) {
      new_graph();
      sum(matmul(w, w)).backward();
    }
    return w.grad().to_vector()[0];
  };
  double r1 = 0, r2 = 0;
  std::thread t1([&] { r1 = work(); }), t2([&] { r2 = work(); });
  t1.join();
  t2.join();
  EXPECT_DOUBLE_EQ(r1, 50 * 8.0);
  EXPECT_DOUBLE_EQ(r2, 50 * 8.0);
}

// Note [Leaves shared by threads]: threads whose graphs share one weight add into its gradient
// at the same time. Every pass's gradient must arrive, and the buffer must never be replaced
// under a thread that adds into it (under ASan that was a heap-use-after-free). A fresh weight
// per round makes the first gradient's arrival race too.
TEST_F(TensorAutograd, ThreadsBackpropagatingIntoOneLeafAddEveryGradient) {
  constexpr int kThreads = 4, kPasses = 25, kRounds = 40;
  for (int round = 0; round < kRounds; ++round) {
    Tensor w = Tensor::ones({64}, DType::Float64).requires_grad_();
    auto work = [&w] {
      for (int i = 0; i < kPasses; ++i) {
        new_graph();
        sum(w * w).backward();  // d/dw = 2w = 2
      }
      new_graph();
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) threads.emplace_back(work);
    for (std::thread& t : threads) t.join();
    const std::vector<double> grad = w.grad().to_vector();
    ASSERT_EQ(grad.size(), 64u);
    for (double g : grad) ASSERT_EQ(g, 2.0 * kThreads * kPasses) << "round " << round;
  }
}

TEST_F(TensorAutograd, StepsDescribeThemselvesForDiagrams) {
  Tensor w = Tensor::ones({2, 3}).requires_grad_();
  const Tensor y = relu(matmul(w, Tensor::ones({3, 4})));
  const Tape& tape = Tape::current();
  const TapeEntry last = tape.entry(static_cast<Slot>(tape.size() - 1));
  ASSERT_EQ(last.a, kStepMarker);
  const BackwardStep& step = tape.step(last);
  EXPECT_EQ(step.name(), "relu");
  EXPECT_EQ(step.label(), "relu [2,4]");
  ASSERT_EQ(step.inputs().size(), 1u);
  EXPECT_EQ(tape.step(tape.entry(step.inputs()[0])).name(), "matmul");
  EXPECT_EQ(y.shape(), (std::vector<std::int64_t>{2, 4}));
}

TEST_F(TensorAutograd, DtypesAndCasts) {
  Tensor x = tensor({1, 2}, {2}, DType::Float32).requires_grad_();
  const Tensor y = sum(x.to(DType::Float64) * 2.0);
  EXPECT_EQ(y.dtype(), DType::Float64);
  y.backward();
  EXPECT_EQ(x.grad().dtype(), DType::Float32);
  expect_close(x.grad(), Tensor::full({2}, 2.0));
}

}  // namespace
}  // namespace gradflow
