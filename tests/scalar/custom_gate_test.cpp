// User-defined gates, written in the user's own code: a gate struct of the table's shape used
// with apply<>, and a function that calls record() with its own forward value and local
// gradient. Both must match the built-in sigmoid exactly, and pass gradcheck.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string_view>

#include "value_and_grad.hpp"

namespace gradflow {
namespace {

// A user's sigmoid as a gate struct, the same shape as gates::Sigmoid.
struct UserSigmoid {
  static constexpr std::string_view name = "user_sigmoid", symbol = "user_sigmoid";
  static constexpr gates::Domain domain = {-6.0, 6.0};
  static double forward(double x) {
    if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
  }
  // d sigma/dx = sigma (1 - sigma)
  static double local_grad(double, double out) { return out * (1.0 - out); }
};
static_assert(gates::UnaryGate<UserSigmoid>);

// A user's sigmoid through record(): forward value and local gradient, computed by the user.
Var user_sigmoid(const Var& x) {
  const double s = UserSigmoid::forward(x.value());
  return record(s, x, s * (1.0 - s), "user_sigmoid");
}

// A user's binary gate through record(): hypot(x, y) = sqrt(x^2 + y^2).
Var user_hypot(const Var& x, const Var& y) {
  const double h = std::hypot(x.value(), y.value());
  return record(h, x, x.value() / h, y, y.value() / h, "hypot");
}

// A user's gate with a constant, the table's parametric shape: x^2 + c.
struct SquarePlus {
  static constexpr std::string_view name = "square_plus", symbol = "x^2+c";
  static constexpr gates::Domain domain = {-2.0, 2.0}, param_domain = {-1.0, 1.0};
  static double forward(double x, double c) { return x * x + c; }
  static double local_grad(double x, double, double) { return 2.0 * x; }
};

class CustomGate : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(CustomGate, GateStructWithApplyMatchesBuiltInSigmoidExactly) {
  for (double x : {-7.5, -2.0, -0.3, 0.0, 0.3, 1.0, 2.0, 40.0}) {
    const ValueAndGrad mine = value_and_grad_at(x, [](const Var& v) { return apply<UserSigmoid>(v); });
    const ValueAndGrad builtin = value_and_grad_at(x, [](const Var& v) { return sigmoid(v); });
    EXPECT_EQ(mine.value, builtin.value) << "at " << x;
    EXPECT_EQ(mine.grad, builtin.grad) << "at " << x;
  }
}

TEST_F(CustomGate, RecordMatchesBuiltInSigmoidExactly) {
  for (double x : {-7.5, -2.0, -0.3, 0.0, 0.3, 1.0, 2.0, 40.0}) {
    const ValueAndGrad mine = value_and_grad_at(x, [](const Var& v) { return user_sigmoid(v); });
    const ValueAndGrad builtin = value_and_grad_at(x, [](const Var& v) { return sigmoid(v); });
    EXPECT_EQ(mine.value, builtin.value) << "at " << x;
    EXPECT_EQ(mine.grad, builtin.grad) << "at " << x;
  }
}

TEST_F(CustomGate, UserSigmoidInTheNeuronGivesTheNotesNumbers) {
  Var w0 = 2.0, w1 = -3.0, w2 = -3.0;
  Var x0 = -1.0, x1 = -2.0;
  Var f = user_sigmoid(w0 * x0 + w1 * x1 + w2);
  f.backward();
  EXPECT_DOUBLE_EQ(f.value(), 0.7310585786300049);
  EXPECT_DOUBLE_EQ(x0.grad(), 0.3932238664829637);
  EXPECT_DOUBLE_EQ(x1.grad(), -0.5898357997244456);
  EXPECT_DOUBLE_EQ(w0.grad(), -0.19661193324148185);
  EXPECT_DOUBLE_EQ(w1.grad(), -0.3932238664829637);
  EXPECT_DOUBLE_EQ(w2.grad(), 0.19661193324148185);
}

TEST_F(CustomGate, UserGatesPassGradcheck) {
  const GradcheckResult a =
      gradcheck([](std::span<const Var> v) { return apply<UserSigmoid>(v[0]); }, {0.7});
  EXPECT_TRUE(a.passed) << a.report();
  const GradcheckResult b =
      gradcheck([](std::span<const Var> v) { return user_hypot(v[0], v[1]); }, {3.0, -4.0});
  EXPECT_TRUE(b.passed) << b.report();
  EXPECT_EQ(b.value, 5.0);
  const GradcheckResult c =
      gradcheck([](std::span<const Var> v) { return apply<SquarePlus>(v[0], 0.25); }, {-1.5});
  EXPECT_TRUE(c.passed) << c.report();
  EXPECT_EQ(c.value, 2.5);
}

TEST_F(CustomGate, RecordOfAConstantInputGivesAConstant) {
  const Var c = user_sigmoid(Var::constant(0.0));
  EXPECT_TRUE(c.is_constant());
  EXPECT_EQ(c.value(), 0.5);
  const Var h = user_hypot(Var::constant(3.0), Var::constant(4.0));
  EXPECT_TRUE(h.is_constant());
  EXPECT_EQ(h.value(), 5.0);
}

TEST_F(CustomGate, RecordWithOneConstantOperandDifferentiatesTheOther) {
  Var x = 3.0;
  Var h = user_hypot(x, Var::constant(4.0));
  h.backward();
  EXPECT_EQ(h.value(), 5.0);
  EXPECT_EQ(x.grad(), 0.6);
}

TEST_F(CustomGate, RecordUnderNoGradGuardGivesAConstant) {
  Var x = 1.0;
  NoGradGuard no_grad;
  const Var s = user_sigmoid(x);
  EXPECT_TRUE(s.is_constant());
}

TEST_F(CustomGate, RecordedNameLabelsTheGateWhenAnnotating) {
  AnnotateGuard annotate;
  Var x = 0.0;
  Var s = user_sigmoid(x);
  const SlotAnnotation* a = Tape::current().annotation(s.slot("test"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->op, "user_sigmoid");
  EXPECT_EQ(a->value, 0.5);
}

}  // namespace
}  // namespace gradflow
