// gradcheck's verdict: it passes correct gradients, fails a deliberately wrong user gate (and
// its report says so), reports per input the analytic and numeric values and the relative
// error, and leaves the caller's graph as it was.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace gradflow {
namespace {

// A sigmoid whose local gradient forgets the (1 - sigma) factor.
struct WrongSigmoid {
  static constexpr std::string_view name = "wrong_sigmoid", symbol = "wrong_sigmoid";
  static constexpr gates::Domain domain = {-6.0, 6.0};
  static double forward(double x) { return 1.0 / (1.0 + std::exp(-x)); }
  static double local_grad(double, double out) { return out; }  // should be out (1 - out)
};

// x * y with the correct partial for x and a wrong one for y (x's own value, not swapped).
Var half_wrong_mul(const Var& x, const Var& y) {
  return record(x.value() * y.value(), x, y.value(), y, y.value(), "half_wrong_mul");
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

class GradcheckVerdict : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(GradcheckVerdict, PassesCorrectGradientsAndReportsEachInput) {
  const GradcheckResult r =
      gradcheck([](std::span<const Var> v) { return v[0] * sin(v[1]) + exp(v[0] / v[1]); },
                {0.7, -1.3});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_DOUBLE_EQ(r.value, 0.7 * std::sin(-1.3) + std::exp(0.7 / -1.3));
  ASSERT_EQ(r.inputs.size(), 2u);
  const double dx = std::sin(-1.3) + std::exp(0.7 / -1.3) / -1.3;
  EXPECT_DOUBLE_EQ(r.inputs[0].analytic, dx);
  EXPECT_NEAR(r.inputs[0].numeric, dx, 1e-8);
  for (const InputCheck& c : r.inputs) {
    EXPECT_TRUE(c.passed);
    EXPECT_LT(c.relative_error, 1e-6);
    EXPECT_LE(c.relative_error, r.max_relative_error);
  }
  const std::string report = r.report();
  EXPECT_NE(report.find("x[0]"), std::string::npos) << report;
  EXPECT_NE(report.find("x[1]"), std::string::npos) << report;
  EXPECT_EQ(count(report, "pass"), 2u) << report;
  EXPECT_EQ(count(report, "FAIL"), 0u) << report;
  EXPECT_NE(report.find("PASSED"), std::string::npos) << report;
}

TEST_F(GradcheckVerdict, FailsAWrongUserGateAndTheReportSaysFail) {
  const GradcheckResult r =
      gradcheck([](std::span<const Var> v) { return apply<WrongSigmoid>(v[0]); }, {0.4});
  EXPECT_FALSE(r.passed);
  EXPECT_FALSE(static_cast<bool>(r));
  ASSERT_EQ(r.inputs.size(), 1u);
  const double s = 1.0 / (1.0 + std::exp(-0.4));
  EXPECT_EQ(r.inputs[0].analytic, s);                 // what the wrong gate claims
  EXPECT_NEAR(r.inputs[0].numeric, s * (1.0 - s), 1e-8);  // the truth
  EXPECT_FALSE(r.inputs[0].passed);
  EXPECT_GT(r.inputs[0].relative_error, 0.5);
  EXPECT_EQ(r.max_relative_error, r.inputs[0].relative_error);
  const std::string report = r.report();
  EXPECT_NE(report.find("FAIL"), std::string::npos) << report;
  EXPECT_NE(report.find("FAILED"), std::string::npos) << report;
}

TEST_F(GradcheckVerdict, NamesTheWrongInputOnly) {
  const GradcheckResult r =
      gradcheck([](std::span<const Var> v) { return half_wrong_mul(v[0], v[1]); }, {2.0, 3.0});
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_TRUE(r.inputs[0].passed);
  EXPECT_FALSE(r.inputs[1].passed);
  EXPECT_EQ(r.inputs[1].analytic, 3.0);
  EXPECT_NEAR(r.inputs[1].numeric, 2.0, 1e-8);
  const std::string report = r.report();
  EXPECT_EQ(count(report, "pass"), 1u) << report;
  EXPECT_EQ(count(report, "FAIL"), 2u) << report;  // the input's line and the verdict
}

TEST_F(GradcheckVerdict, ToleranceDecidesASlightlyWrongGradient) {
  // local gradient 0.1% too large
  auto slightly_wrong = [](std::span<const Var> v) {
    return record(v[0].value() * v[0].value(), v[0], 2.002 * v[0].value(), "slightly_wrong");
  };
  EXPECT_FALSE(gradcheck(slightly_wrong, {1.5}).passed);
  GradcheckOptions loose;
  loose.rtol = 1e-2;
  const GradcheckResult r = gradcheck(slightly_wrong, {1.5}, loose);
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(r.options.rtol, 1e-2);
}

TEST_F(GradcheckVerdict, NaNFails) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const GradcheckResult r = gradcheck([](std::span<const Var> v) { return v[0] * kNaN; }, {1.0});
  EXPECT_FALSE(r.passed);
  EXPECT_TRUE(std::isnan(r.max_relative_error));
  EXPECT_NE(r.report().find("FAIL"), std::string::npos);
}

// A function whose gradient is 0 but that jumps to +inf left of 0: backprop gives 0 at x = 0,
// f(-h) is infinite, so the numeric value is -inf. The tolerance rtol * max(|a|, |n|) is then
// infinite too, and used to accept the finite analytic value.
TEST_F(GradcheckVerdict, AnInfiniteNumericValueFails) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const GradcheckResult r = gradcheck(
      [](std::span<const Var> v) { return v[0] * 0.0 + (v[0].value() < 0.0 ? kInf : 0.0); },
      {0.0});
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_EQ(r.inputs[0].analytic, 0.0) << r.report();
  EXPECT_EQ(r.inputs[0].numeric, -kInf) << r.report();
  EXPECT_FALSE(r.inputs[0].passed) << r.report();
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.report().find("FAIL"), std::string::npos);
}

TEST_F(GradcheckVerdict, FunctionThatIgnoresAnInputHasZeroGradientThere) {
  const GradcheckResult r =
      gradcheck([](std::span<const Var> v) { return v[0] * 2.0; }, {1.0, 5.0});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(r.inputs[1].analytic, 0.0);
  EXPECT_EQ(r.inputs[1].numeric, 0.0);
  EXPECT_EQ(r.inputs[1].relative_error, 0.0);
}

TEST_F(GradcheckVerdict, ConstantFunctionPasses) {
  const GradcheckResult r =
      gradcheck([](std::span<const Var>) { return Var::constant(3.0); }, {1.0});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(r.value, 3.0);
}

TEST_F(GradcheckVerdict, LeavesTheCallersGraphUntouched) {
  Tape& tape = Tape::current();
  Var x = 2.0, y = 3.0;
  Var f = x * y + sin(x);
  f.backward();
  const std::size_t size = tape.size();
  const std::uint32_t generation = tape.generation();
  const double dx = x.grad(), dy = y.grad();

  const GradcheckResult r = gradcheck(
      [](std::span<const Var> v) { return v[0] * v[1] + sin(v[0]); }, {x.value(), y.value()});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(r.inputs[0].analytic, dx);  // the same gradient, computed on its own graph
  EXPECT_EQ(r.inputs[1].analytic, dy);

  EXPECT_EQ(&Tape::current(), &tape);
  EXPECT_EQ(tape.size(), size);
  EXPECT_EQ(tape.generation(), generation);
  EXPECT_TRUE(tape.recording());
  EXPECT_EQ(x.grad(), dx);
  EXPECT_EQ(y.grad(), dy);
  // the caller's graph still works: one more backward accumulates
  f.backward();
  EXPECT_EQ(x.grad(), 2.0 * dx);
}

TEST_F(GradcheckVerdict, CapturingACallersVarIsAnErrorAndTheCallersGraphSurvives) {
  Tape& tape = Tape::current();
  Var outer = 2.0;
  const std::size_t size = tape.size();
  try {
    (void)gradcheck([&](std::span<const Var> v) { return v[0] * outer; }, {1.0});
    ADD_FAILURE() << "no Error";
  } catch (const Error& e) {
    // The message names this cause among the others, and the way out.
    EXPECT_NE(std::string(e.what()).find("on an outer graph while a nested one is current "
                                         "(inside gradcheck or a Tape::Scope: pass it to the "
                                         "checked function as an input)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(&Tape::current(), &tape);
  EXPECT_EQ(tape.size(), size);
  Var f = outer * 3.0;
  f.backward();
  EXPECT_EQ(outer.grad(), 3.0);
}

TEST_F(GradcheckVerdict, WorksInsideANoGradGuard) {
  NoGradGuard no_grad;
  const GradcheckResult r = gradcheck([](std::span<const Var> v) { return exp(v[0]); }, {0.5});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_DOUBLE_EQ(r.inputs[0].analytic, std::exp(0.5));
  EXPECT_FALSE(Tape::current().recording());
}

}  // namespace
}  // namespace gradflow
