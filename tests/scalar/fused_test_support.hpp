#pragma once
// Shared by the fused_*_test.cpp files: random inputs, and a function's value and gradients on
// a fresh graph, to compare a fused primitive with the same computation as a plain Var loop.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <span>
#include <vector>

namespace gradflow {
namespace fused_test {

class FusedPrimitives : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

inline std::vector<double> random_values(std::size_t n, double lo, double hi, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(n);
  for (double& x : v) x = u(rng);
  return v;
}

using VarFunction = std::function<Var(std::span<const Var>)>;

// Value and gradients of f at `at` on a fresh graph.
struct Evaluation {
  double value;
  std::vector<double> grads;
};
inline Evaluation evaluate(const VarFunction& f, const std::vector<double>& at) {
  new_graph();
  const std::vector<Var> xs = Var::leaves(at);
  const Var out = f(xs);
  out.backward();
  return {out.value(), grads(xs)};
}

inline void expect_same_gradients(const Evaluation& fused, const Evaluation& loop, double rel) {
  ASSERT_EQ(fused.grads.size(), loop.grads.size());
  for (std::size_t i = 0; i < fused.grads.size(); ++i) {
    EXPECT_NEAR(fused.grads[i], loop.grads[i], rel * (1.0 + std::fabs(loop.grads[i])))
        << "input " << i;
  }
}

}  // namespace fused_test
}  // namespace gradflow
