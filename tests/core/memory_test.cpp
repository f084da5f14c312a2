// Memory does not grow across iterations: a loop that builds a graph, backpropagates and starts
// over keeps the tape's reserved bytes constant once the first iterations have sized it.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace gradflow {
namespace {

class Memory : public ::testing::Test {
 protected:
  void SetUp() override { Tape::current().release_memory(); }
  void TearDown() override { Tape::current().release_memory(); }
};

// One training-like iteration: leaves, a Param, scalar gates, a fused primitive, backward.
double iteration(int i, const Param& w) {
  Var x = 0.001 * i;
  Var y = 2.0;
  const std::vector<Var> terms = {x * w, sigmoid(y - x), pow(x + 1.0, 2)};
  Var f = log_sum_exp(terms) + sum(terms) * tanh(x);
  f.backward();
  return x.grad();
}

TEST_F(Memory, BuildBackwardNewGraphLoopKeepsReservedBytesConstant) {
  constexpr int kIterations = 100'000;
  constexpr int kWarmUp = 10;
  Param w = 0.5;
  Tape& tape = Tape::current();
  std::size_t reserved = 0;
  std::size_t in_use = 0;
  for (int i = 0; i < kIterations; ++i) {
    new_graph();
    (void)iteration(i, w);
    if (i == kWarmUp) {
      reserved = tape.bytes_reserved();
      in_use = tape.bytes_in_use();
      ASSERT_GT(reserved, 0u);
    } else if (i > kWarmUp && (i % 1000 == 0 || i == kIterations - 1)) {
      ASSERT_EQ(tape.bytes_reserved(), reserved) << "at iteration " << i;
      ASSERT_EQ(tape.bytes_in_use(), in_use) << "at iteration " << i;
    }
  }
  EXPECT_NE(w.grad(), 0.0);  // the Param took part in every iteration
}

TEST_F(Memory, NewGraphKeepsMemoryForReuseAndReleaseMemoryGivesItBack) {
  Tape& tape = Tape::current();
  Var x = 1.0;
  Var y = x;
  for (int i = 0; i < 100'000; ++i) y = y * 1.0;
  y.backward();
  const std::size_t big = tape.bytes_reserved();
  EXPECT_GE(big, 100'000u * 32u);  // an entry and an adjoint per gate
  new_graph();
  EXPECT_EQ(tape.bytes_reserved(), big);
  EXPECT_LT(tape.bytes_in_use(), 1000u);
  tape.release_memory();
  EXPECT_LT(tape.bytes_reserved(), big / 100);
  // the tape works after giving its memory back
  Var a = 3.0;
  Var f = a * a;
  f.backward();
  EXPECT_EQ(a.grad(), 6.0);
}

TEST_F(Memory, AScalarGateCostsThirtyTwoBytes) {
  Tape& tape = Tape::current();
  Var x = 1.0;
  Var y = x;
  const std::size_t before = tape.bytes_in_use();
  for (int i = 0; i < 1000; ++i) y = y * 1.5;
  EXPECT_EQ(tape.bytes_in_use() - before, 1000u * 32u);
}

}  // namespace
}  // namespace gradflow
