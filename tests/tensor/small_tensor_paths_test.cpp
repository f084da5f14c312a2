// The fast paths for tiny and same-shape tensors (values inside the Storage, flat elementwise
// loops, the inline pool): they must keep every behaviour of the general path, including the
// version check of saved tensors and blocks freed on another thread.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace gradflow {
namespace {

class SmallTensorPaths : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(SmallTensorPaths, AZeroDimTensorChangedInPlaceAfterBeingSavedIsAnError) {
  Tensor a = scalar_tensor(3.0, DType::Float64).requires_grad_();
  Tensor b = scalar_tensor(4.0, DType::Float64);
  const Tensor y = a * b;
  EXPECT_EQ(y.item(), 12.0);
  {
    NoGradGuard no_grad;
    b.add_(scalar_tensor(1.0, DType::Float64));
  }
  try {
    y.backward();
    FAIL() << "backward after an in-place change of a saved tensor did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("changed in place"), std::string::npos) << e.what();
  }
}

TEST_F(SmallTensorPaths, SameShapeAndViewOperandsGiveTheSameValuesAndGradients) {
  Tensor a = Tensor::randn({3, 4}, 1).requires_grad_();
  Tensor b = Tensor::randn({3, 4}, 2).requires_grad_();
  const Tensor y = sum(a * b / (b * b + 1.0));  // contiguous, same shapes: the flat path
  y.backward();
  const std::vector<double> ga = a.grad().to_vector(), gb = b.grad().to_vector();
  a.zero_grad();
  b.zero_grad();
  new_graph();
  const Tensor a_view = a.t().contiguous().t();  // the same values, not contiguous
  const Tensor y2 = sum(a_view * b / (b * b + 1.0));
  y2.backward();
  const std::vector<double> ga2 = a.grad().to_vector(), gb2 = b.grad().to_vector();
  ASSERT_EQ(ga.size(), ga2.size());
  for (std::size_t i = 0; i < ga.size(); ++i) {
    EXPECT_NEAR(ga[i], ga2[i], 1e-6) << i;
    EXPECT_NEAR(gb[i], gb2[i], 1e-6) << i;
  }
  EXPECT_NEAR(y.item(), y2.item(), 1e-5);
}

TEST_F(SmallTensorPaths, TensorsMadeOnOneThreadAreFreedOnAnother) {
  for (int round = 0; round < 3; ++round) {
    std::vector<Tensor> made;
    bool has_grad = false;
    std::thread maker([&] {
      new_graph();
      Tensor w = Tensor::randn({}, 3, DType::Float64).requires_grad_();
      Tensor x = w;
      for (int i = 0; i < 1000; ++i) {
        x = tanh(x * w + w);
        made.push_back(x);
      }
      made.push_back(Tensor::randn({300, 100}));
      x.backward();
      has_grad = w.grad().defined();
    });
    maker.join();
    EXPECT_TRUE(has_grad);
    double after = 0.0;
    std::thread freer([&] {
      const Tensor before = Tensor::ones({}) * 2.0;  // this thread's pools exist
      made.clear();
      after = (Tensor::ones({}) * 3.0).item();
    });
    freer.join();
    EXPECT_EQ(after, 3.0);
  }
}

TEST_F(SmallTensorPaths, ZeroDimChainsOnTwoThreadsAgreeWithOneThread) {
  const auto work = [] {
    new_graph();
    Tensor a = scalar_tensor(1.0, DType::Float64).requires_grad_();
    Tensor x = scalar_tensor(0.5, DType::Float64);
    for (int i = 0; i < 2000; ++i) x = tanh((x * a + a) * a);
    x.backward();
    return a.grad().item();
  };
  const double alone = work();
  double r1 = 0.0, r2 = 0.0;
  std::thread t1([&] { r1 = work(); }), t2([&] { r2 = work(); });
  t1.join();
  t2.join();
  EXPECT_EQ(r1, alone);
  EXPECT_EQ(r2, alone);
}

}  // namespace
}  // namespace gradflow
