// gradcheck validates what it is asked: the step must be positive and finite, tolerances
// non-negative, and there must be inputs. Each misuse is a gradflow::Error naming gradcheck.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <span>
#include <string>
#include <vector>

namespace gradflow {
namespace {

Var square(std::span<const Var> v) { return v[0] * v[0]; }

std::string error_of(const GradcheckOptions& options, std::span<const double> at) {
  try {
    (void)gradcheck(square, at, options);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "gradcheck accepted the options";
  return {};
}

const std::vector<double> kPoint = {1.0};

TEST(GradcheckOptions, StepMustBePositiveAndFinite) {
  for (double step : {0.0, -1e-6, std::numeric_limits<double>::quiet_NaN(),
                      std::numeric_limits<double>::infinity()}) {
    GradcheckOptions o;
    o.step = step;
    const std::string message = error_of(o, kPoint);
    EXPECT_NE(message.find("gradcheck"), std::string::npos) << message;
    EXPECT_NE(message.find("step"), std::string::npos) << message;
  }
  // A tiny negative step is spelled as given, not "-0.000000", and the advice follows it.
  GradcheckOptions tiny;
  tiny.step = -1e-9;
  EXPECT_EQ(error_of(tiny, kPoint),
            "gradcheck: step must be positive and finite, got -1e-09; 1e-6 suits functions of "
            "inputs around 1 (scale it with the inputs)");
}

TEST(GradcheckOptions, TolerancesMustBeNonNegative) {
  GradcheckOptions negative_rtol;
  negative_rtol.rtol = -1e-5;
  EXPECT_NE(error_of(negative_rtol, kPoint).find("tolerance"), std::string::npos);
  GradcheckOptions negative_atol;
  negative_atol.atol = -1e-7;
  EXPECT_NE(error_of(negative_atol, kPoint).find("tolerance"), std::string::npos);
  GradcheckOptions nan_rtol;
  nan_rtol.rtol = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(error_of(nan_rtol, kPoint).find("gradcheck"), std::string::npos);
}

TEST(GradcheckOptions, ZeroTolerancesAreAllowed) {
  GradcheckOptions exact;
  exact.rtol = 0.0;
  exact.atol = 0.0;
  // a linear function's centered difference is exact up to rounding; the call itself is valid
  EXPECT_NO_THROW((void)gradcheck([](std::span<const Var> v) { return v[0] * 2.0; }, {0.5},
                                  exact));
}

TEST(GradcheckOptions, NoInputsIsAnError) {
  const std::string message = error_of(GradcheckOptions{}, std::span<const double>());
  EXPECT_NE(message.find("gradcheck"), std::string::npos) << message;
  EXPECT_NE(message.find("no inputs"), std::string::npos) << message;
  EXPECT_THROW((void)gradcheck(square, std::vector<double>{}), Error);
}

TEST(GradcheckOptions, InvalidOptionsLeaveTheCallersGraphAlone) {
  new_graph();
  Tape& tape = Tape::current();
  Var x = 1.0;
  const std::size_t size = tape.size();
  GradcheckOptions o;
  o.step = 0.0;
  EXPECT_THROW((void)gradcheck(square, kPoint, o), Error);
  EXPECT_EQ(&Tape::current(), &tape);
  EXPECT_EQ(tape.size(), size);
  EXPECT_EQ(x.grad(), 0.0);
  new_graph();
}

TEST(GradcheckOptions, CustomStepIsUsedAndReported) {
  GradcheckOptions o;
  o.step = 1e-4;
  o.rtol = 1e-6;
  const GradcheckResult r = gradcheck(square, {3.0}, o);
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(r.options.step, 1e-4);
  EXPECT_NEAR(r.inputs[0].numeric, 6.0, 1e-9);  // exact for a quadratic, up to rounding
  EXPECT_NE(r.report().find("step 0.0001"), std::string::npos) << r.report();
}

}  // namespace
}  // namespace gradflow
