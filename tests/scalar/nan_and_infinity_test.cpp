// Non-finite numbers: NaN inputs flow through as NaN (IEEE arithmetic, never an exception), and
// an infinite local gradient off the path to the output does not poison any gradient.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace gradflow {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

class NonFinite : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(NonFinite, NaNInputFlowsThroughValueAndGradient) {
  Var x = kNaN, y = 2.0;
  Var f = sigmoid(x * y) + 1.0;
  EXPECT_TRUE(std::isnan(f.value()));
  f.backward();
  EXPECT_TRUE(std::isnan(x.grad()));
  EXPECT_TRUE(std::isnan(y.grad()));
}

TEST_F(NonFinite, NaNThroughTheNotesGates) {
  Var x = kNaN;
  EXPECT_TRUE(std::isnan(relu(x).value()));
  EXPECT_TRUE(std::isnan(max(x, 1.0).value()));
  EXPECT_TRUE(std::isnan(max(1.0, x).value()));
  EXPECT_TRUE(std::isnan(min(x, 1.0).value()));
  EXPECT_TRUE(std::isnan(reciprocal(x).value()));
  EXPECT_TRUE(std::isnan(exp(x).value()));
  EXPECT_TRUE(std::isnan((x + 1.0).value()));
  EXPECT_TRUE(std::isnan((3.0 * x).value()));
}

TEST_F(NonFinite, NaNInFusedPrimitives) {
  std::vector<Var> xs = {Var(1.0), Var(kNaN), Var(2.0)};
  EXPECT_TRUE(std::isnan(sum(xs).value()));
  EXPECT_TRUE(std::isnan(prod(xs).value()));
  EXPECT_TRUE(std::isnan(log_sum_exp(xs).value()));
}

TEST_F(NonFinite, NaNDoesNotThrowInBackward) {
  Var x = kNaN;
  Var f = x * x;
  EXPECT_NO_THROW(f.backward());
  EXPECT_TRUE(std::isnan(x.grad()));
}

TEST_F(NonFinite, InfinityFollowsIEEERules) {
  Var x = 0.0;
  Var r = reciprocal(x);
  EXPECT_EQ(r.value(), kInf);
  Var e = exp(Var(1000.0));
  EXPECT_EQ(e.value(), kInf);
  Var l = log(Var(0.0));
  EXPECT_EQ(l.value(), -kInf);
}

// Note: the sweep skips a gate whose gradient is exactly 0. sqrt(0) has local gradient +inf;
// when it is off the path to the output, 0 * inf = NaN must not reach x.
TEST_F(NonFinite, InfiniteLocalGradientOffThePathDoesNotPoisonTheGradient) {
  Var x = 0.0;
  Var unused = sqrt(x);  // recorded between x and f, local gradient 0.5 / 0 = inf
  Var f = x * 3.0;
  f.backward();
  EXPECT_EQ(unused.value(), 0.0);
  EXPECT_EQ(x.grad(), 3.0);
  EXPECT_EQ(unused.grad(), 0.0);
}

TEST_F(NonFinite, InfiniteLocalGradientOnAPathCarryingZeroGradient) {
  // max routes nothing to sqrt(x) here, so sqrt's infinite local gradient is never multiplied
  Var x = 0.0;
  Var f = max(Var::constant(1.0), sqrt(x)) + 2.0 * x;
  f.backward();
  EXPECT_EQ(f.value(), 1.0);
  EXPECT_EQ(x.grad(), 2.0);
}

// Note [Quotient partials from the reciprocal] in gates/table.hpp: 1/d overflows for
// |d| < 2^-1024, and a zero quotient's partial must stay the derivative 0, not 0 * inf = NaN.
TEST_F(NonFinite, ZeroOverATinyDenominatorHasAZeroGradient) {
  const double tiny = std::numeric_limits<double>::denorm_min() * 1000.0;
  ASSERT_EQ(1.0 / tiny, kInf);
  Var n = 0.0, d = tiny;
  Var q = n / d;
  q.backward();
  EXPECT_EQ(q.value(), 0.0);
  EXPECT_EQ(d.grad(), 0.0);
  EXPECT_EQ(n.grad(), kInf);  // 1/d, which overflows
}

// pow at a zero base, with PyTorch's partials (torch.pow(x, y) and torch.pow(0.0, y) at x = 0):
// d/dy is 0 for y >= 0 (0^y is 0 for every y > 0) and x^y log x = inf * -inf = -inf for y < 0.
TEST_F(NonFinite, PowAtAZeroBaseHasPyTorchsPartials) {
  const std::vector<double> ys = {2.0, 0.0, -1.0, 0.5};
  const std::vector<double> dx = {0.0, 0.0, -kInf, kInf}, dy = {0.0, 0.0, -kInf, 0.0};
  for (std::size_t i = 0; i < ys.size(); ++i) {
    new_graph();
    Var x = 0.0, y = ys[i];
    pow(x, y).backward();
    EXPECT_EQ(x.grad(), dx[i]) << "y = " << ys[i];
    EXPECT_EQ(y.grad(), dy[i]) << "y = " << ys[i];
    new_graph();
    Var e = ys[i];
    pow(0.0, e).backward();
    EXPECT_EQ(e.grad(), dy[i]) << "pow(0, " << ys[i] << ")";
  }
}

TEST_F(NonFinite, InfiniteLocalGradientOnThePathGivesInfinity) {
  Var x = 0.0;
  Var f = sqrt(x);
  f.backward();
  EXPECT_EQ(x.grad(), kInf);
}

}  // namespace
}  // namespace gradflow
