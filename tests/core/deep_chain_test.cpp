// Backward is a reverse loop over the tape, not a recursion: a chain of ten million gates
// backpropagates without overflowing the stack.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace gradflow {
namespace {

// Ten million gates. Under AddressSanitizer in a Debug build each recorded gate costs several
// times more, and ten million took 3 to 14 s depending on the machine's load, so a sanitized
// build runs two million: still far deeper than a recursive backward survives on an 8 MB stack
// (some tens of thousands of frames), which is what this test is about.
#if defined(__SANITIZE_ADDRESS__)
#define GRADFLOW_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GRADFLOW_TEST_SANITIZED 1
#endif
#endif
#ifdef GRADFLOW_TEST_SANITIZED
constexpr int kChainLength = 2'000'000;
#else
constexpr int kChainLength = 10'000'000;
#endif
// The other chains check other shapes of entry and need not be as long.
constexpr int kShorterChain = 1'000'000;

class DeepChain : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  // The chain holds hundreds of megabytes; give them back for the tests that follow.
  void TearDown() override { Tape::current().release_memory(); }
};

TEST_F(DeepChain, ChainOfScaleGatesBackpropagates) {
  constexpr double c = 1.0 + 1e-7;
  Var x = 1.0;
  Var y = x;
  for (int i = 0; i < kChainLength; ++i) y = y * c;
  EXPECT_GE(Tape::current().size(), static_cast<std::size_t>(kChainLength));
  y.backward();
  // dy/dx = c^n, accumulated by n multiplications (relative rounding error about n * 1e-16)
  const double expected = std::pow(c, kChainLength);
  EXPECT_NEAR(x.grad(), expected, 1e-8 * expected);
  EXPECT_NEAR(y.value(), expected, 1e-8 * expected);
  EXPECT_EQ(y.grad(), 1.0);
}

TEST_F(DeepChain, ChainOfBinaryGatesSumsEveryBranch) {
  // y = x + x + ... + x: x feeds every gate, so its gradient is the chain length, exactly
  Var x = 0.5;
  Var y = x;
  for (int i = 1; i < kShorterChain; ++i) y = y + x;
  y.backward();
  EXPECT_EQ(x.grad(), static_cast<double>(kShorterChain));
  EXPECT_EQ(y.value(), 0.5 * kShorterChain);
}

TEST_F(DeepChain, ChainOfNonlinearGatesMatchesTheProductOfLocalGradients) {
  // y = tanh(tanh(...tanh(x))): the gradient is the product of 1 - tanh^2 along the chain,
  // computed here in plain doubles the same way
  constexpr int n = kShorterChain;
  Var x = 0.3;
  Var y = x;
  double value = 0.3;
  double grad = 1.0;
  for (int i = 0; i < n; ++i) {
    y = tanh(y);
    value = std::tanh(value);
    grad *= 1.0 - value * value;
  }
  y.backward();
  EXPECT_EQ(y.value(), value);
  // the sweep multiplies in the reverse order, so the rounding differs slightly
  EXPECT_NEAR(x.grad(), grad, 1e-9 * grad);
}

}  // namespace
}  // namespace gradflow
