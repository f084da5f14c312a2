// `gradflow grad` end to end: the built executable, its output, its JSON and its exit status.

#include "cli/run_program.hpp"
#include "cli/shared.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

using gradflow::test::count_lines;
using gradflow::test::ProgramResult;
using gradflow::test::TempDir;

ProgramResult grad(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), "grad");
  return gradflow::test::run_program(GRADFLOW_EXE, args, input);
}

nlohmann::json json_of(const ProgramResult& r) {
  return nlohmann::json::parse(r.out);  // throws (failing the test) unless it is one object
}

constexpr const char* kNotes = "(x + sigmoid(y)) / (sigmoid(x) + (x+y)^2)";

TEST(Grad, DefaultOutputHasValueAndEveryGradient) {
  const ProgramResult r = grad({kNotes, "--at", "x=3,y=-4,unused=1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("f = 1.545644884"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("df/dx = 2.059569796"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("df/dy = 1.592232751"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("df/dunused = 0"), std::string::npos) << r.out;
}

TEST(Grad, Json) {
  const ProgramResult r = grad({kNotes, "--at", "x=3", "--at", "y=-4,z=2", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = json_of(r);
  EXPECT_NEAR(j["value"].get<double>(), 1.5456448841, 1e-9);
  EXPECT_NEAR(j["gradient"]["x"].get<double>(), 2.0595697960, 1e-9);
  EXPECT_NEAR(j["gradient"]["y"].get<double>(), 1.5922327514, 1e-9);
  EXPECT_EQ(j["gradient"]["z"].get<double>(), 0.0);
  EXPECT_TRUE(j["warnings"].empty());
}

TEST(Grad, NeuronMatchesTheNotes) {
  const ProgramResult r = grad({"1/(1+exp(-(w0*x0+w1*x1+w2)))", "--at",
                                "w0=2,x0=-1,w1=-3,x1=-2,w2=-3", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = json_of(r);
  EXPECT_NEAR(j["value"].get<double>(), 0.73, 0.005);
  EXPECT_NEAR(j["gradient"]["x0"].get<double>(), 0.39, 0.005);
  EXPECT_NEAR(j["gradient"]["x1"].get<double>(), -0.59, 0.005);
  EXPECT_NEAR(j["gradient"]["w0"].get<double>(), -0.20, 0.005);
  EXPECT_NEAR(j["gradient"]["w1"].get<double>(), -0.39, 0.005);
  EXPECT_NEAR(j["gradient"]["w2"].get<double>(), 0.20, 0.005);
}

TEST(Grad, ExpressionStartingWithMinus) {
  const ProgramResult r = grad({"-x^2", "--at", "x=3", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json_of(r)["value"].get<double>(), -9.0);
  const ProgramResult after = grad({"--at", "x=3", "--json", "--", "-x^2"});
  ASSERT_EQ(after.status, 0) << after.err;
  EXPECT_EQ(json_of(after)["gradient"]["x"].get<double>(), -6.0);
  EXPECT_EQ(json_of(grad({"2^3^2", "--json"}))["value"].get<double>(), 512.0);
}

TEST(Grad, TraceStagesTheComputationLikeTheNotes) {
  const ProgramResult r = grad({kNotes, "--at", "x=3,y=-4", "--trace"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("#1 sigy = sigmoid(y) = 0.0179862\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("#3 sigx = sigmoid(x) = 0.952574\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("#4 xpy = x + y = -1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("#5 xpysqr = xpy ^ 2 = 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("#7 f = xpsigy / t6 = 1.54564\n"), std::string::npos) << r.out;
  // Backward in reverse order; x forks three ways, so its later lines accumulate.
  const std::size_t b7 = r.out.find("#7 backprop");
  const std::size_t b1 = r.out.find("#1 backprop");
  ASSERT_NE(b7, std::string::npos);
  ASSERT_NE(b1, std::string::npos);
  EXPECT_LT(b7, b1);
  EXPECT_NE(r.out.find("     dx = 1 × 1.58319 = 1.58319\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("     dx += 0.0451767 × -0.791593 = -0.0357615\n"), std::string::npos);
  EXPECT_NE(r.out.find("     dy += 0.0176627 × 0.512144 = 0.00904586\n"), std::string::npos);
}

TEST(Grad, TraceInJson) {
  const ProgramResult r = grad({"x*y + x", "--at", "x=2,y=5", "--trace", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = json_of(r);
  ASSERT_EQ(j["trace"]["forward"].size(), 2u);
  EXPECT_EQ(j["trace"]["forward"][0]["formula"], "x * y");
  ASSERT_EQ(j["trace"]["backward"].size(), 4u);  // add: d(xty), dx; mul: dx +=, dy
  EXPECT_EQ(j["trace"]["backward"][2]["target"], "x");
  EXPECT_EQ(j["trace"]["backward"][2]["accumulate"], true);
}

TEST(Grad, Check) {
  const ProgramResult r = grad({kNotes, "--at", "x=3,y=-4", "--check"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("all gradients pass"), std::string::npos) << r.out;
  const ProgramResult j = grad({kNotes, "--at", "x=3,y=-4", "--check", "--json"});
  ASSERT_EQ(j.status, 0) << j.err;
  const nlohmann::json c = json_of(j)["check"];
  EXPECT_TRUE(c["passed"].get<bool>());
  EXPECT_LT(c["inputs"]["x"]["relative_error"].get<double>(), 1e-6);
  EXPECT_NEAR(c["inputs"]["y"]["numeric"].get<double>(), 1.5922327514, 1e-6);
}

TEST(Grad, CheckAtAKinkFailsWithStatusOne) {
  // relu's gradient at 0 is taken as 0; the centered difference sees the average slope 0.5.
  const ProgramResult r = grad({"relu(x)", "--at", "x=0", "--check"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL"), std::string::npos);
}

// A NaN reads "nan" everywhere, in the check table too: printf writes "-nan" for a NaN whose sign
// bit is set, as glibc's sqrt(-1) and log(-1) give.
TEST(Grad, NaNIsSpelledOneWay) {
  for (const char* f : {"sqrt(x)", "log(x)"}) {
    const ProgramResult r = grad({f, "--at", "x=-1", "--check", "--trace"});
    EXPECT_EQ(r.status, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("nan"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("-nan"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("-nan"), std::string::npos) << r.err;
  }
}

// Far from 1 the default step fails a right gradient: x + 1e-6 rounds to x at x = 1e12, and
// log(x - 1e-6) is NaN at x = 1e-7. A step that scales with x checks both, and the step used
// is reported.
TEST(Grad, CheckStepScalesWithTheInput) {
  EXPECT_EQ(grad({"x*x", "--at", "x=1e12", "--check"}).status, 1);
  const ProgramResult large = grad({"x*x", "--at", "x=1e12", "--check", "--step", "1e3"});
  EXPECT_EQ(large.status, 0) << large.out << large.err;
  EXPECT_NE(large.out.find("step 1000"), std::string::npos) << large.out;
  EXPECT_EQ(grad({"log(x)", "--at", "x=1e-7", "--check"}).status, 1);
  const ProgramResult small =
      grad({"log(x)", "--at", "x=1e-7", "--check", "--step", "1e-12", "--json"});
  ASSERT_EQ(small.status, 0) << small.out << small.err;
  EXPECT_EQ(json_of(small)["check"]["step"].get<double>(), 1e-12);
}

// ---- bad input: status 2, one message on stderr, nothing on stdout ------------------------

void expect_bad_input(const ProgramResult& r, const std::string& needle) {
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_LE(count_lines(r.err), 4u) << r.err;
}

TEST(GradBadInput, CheckStepMustBePositiveAndFiniteAndNeedsCheck) {
  for (const char* step : {"0", "-1", "inf", "nan"}) {
    expect_bad_input(grad({"x", "--at", "x=1", "--check", "--step", step}),
                     "--step " + std::string(step) + ": the finite-difference step must be");
  }
  expect_bad_input(grad({"x", "--at", "x=1", "--step", "0.1"}), "--step requires --check");
}

TEST(GradBadInput, SyntaxErrorShowsColumnAndCaret) {
  const ProgramResult r = grad({"(x + *y)", "--at", "x=1,y=2"});
  expect_bad_input(r, "column 6");
  EXPECT_NE(r.err.find("\n  (x + *y)\n       ^\n"), std::string::npos) << r.err;
}

TEST(GradBadInput, UnknownFunction) {
  const ProgramResult r = grad({"sigmod(x)", "--at", "x=1"});
  expect_bad_input(r, "unknown function 'sigmod'");
  EXPECT_NE(r.err.find("sigmoid"), std::string::npos);
}

TEST(GradBadInput, WrongArgumentCount) {
  expect_bad_input(grad({"max(x)", "--at", "x=1"}), "max takes 2 arguments but was given 1");
  expect_bad_input(grad({"pow(x, 2, 3)", "--at", "x=1"}), "pow takes 2 arguments");
}

TEST(GradBadInput, MissingVariable) {
  const ProgramResult r = grad({"x * y", "--at", "x=1"});
  expect_bad_input(r, "'y' has no value");
  EXPECT_NE(r.err.find("--at y=VALUE"), std::string::npos);
}

TEST(GradBadInput, MalformedAt) {
  expect_bad_input(grad({"x", "--at", "x"}), "'x' has no '='");
  expect_bad_input(grad({"x", "--at", "x=abc"}), "'abc', is not a number");
  expect_bad_input(grad({"x", "--at", "x=1,,y=2"}), "empty item");
  expect_bad_input(grad({"x", "--at", "x=1,x=2"}), "x is given more than once");
  expect_bad_input(grad({"x", "--at", "1x=2"}), "'1x' is not a variable name");
  expect_bad_input(grad({"x", "--at", "x="}), "x has no value");
  expect_bad_input(grad({"x", "--at", "x=nan"}), "is not a finite number");
  expect_bad_input(grad({"x", "--at", "x=1e999"}), "is beyond the range of a double");
  expect_bad_input(grad({"x", "--at", "x=-1e999"}), "is beyond the range of a double");
  // Underflow is not the same mistake: the value is tiny, not infinite.
  expect_bad_input(grad({"x", "--at", "x=1e-400"}), "is too close to 0 for a double");
  const ProgramResult subnormal = grad({"x", "--at", "x=4e-320"});  // representable: accepted
  EXPECT_EQ(subnormal.status, 0) << subnormal.err;
}

TEST(GradBadInput, MissingExpressionOrUnknownOption) {
  EXPECT_EQ(grad({}).status, 2);
  EXPECT_EQ(grad({"x", "--at", "x=1", "--frobnicate"}).status, 2);
}

// ---- any input size: read from standard input, since no command line holds these ---------

TEST(GradLargeInput, TwoHundredThousandTerms) {
  std::string text = "x";
  for (int i = 1; i < 200000; ++i) text += " + x";
  const ProgramResult r = grad({"-", "--at", "x=0.5", "--json"}, text);
  ASSERT_EQ(r.status, 0) << r.err.substr(0, 500);
  EXPECT_EQ(json_of(r)["value"].get<double>(), 100000.0);
  EXPECT_EQ(json_of(r)["gradient"]["x"].get<double>(), 200000.0);
}

TEST(GradLargeInput, HundredThousandNestedParentheses) {
  const std::string text = std::string(100000, '(') + "x" + std::string(100000, ')');
  const ProgramResult r = grad({"-", "--at", "x=2", "--json"}, text);
  ASSERT_EQ(r.status, 0) << r.err.substr(0, 500);
  EXPECT_EQ(json_of(r)["gradient"]["x"].get<double>(), 1.0);
}

TEST(GradLargeInput, FiftyThousandNestedCalls) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "sin(";
  text.append("x").append(50000, ')');  // not "x" + ...: GCC 12 at -O3 warns falsely there
  const ProgramResult r = grad({"-", "--at", "x=0.1", "--json"}, text);
  ASSERT_EQ(r.status, 0) << r.err.substr(0, 500);
  const double v = json_of(r)["value"].get<double>();
  EXPECT_GT(v, 0.0);
  EXPECT_LT(v, 0.1);
}

TEST(GradLargeInput, UnbalancedDeepNestingIsAnErrorNotACrash) {
  const ProgramResult r = grad({"-", "--at", "x=2"}, std::string(100000, '(') + "x");
  expect_bad_input(r, "is never closed");
  EXPECT_LT(r.err.size(), 600u);
}

// ---- non-finite results: status 3 and a warning naming the first gate -------------------

TEST(GradNonFinite, LogOfMinusOne) {
  const ProgramResult r = grad({"log(x) * 2", "--at", "x=-1"});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.out.find("f = nan"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("warning"), std::string::npos);
  EXPECT_NE(r.err.find("log at column 1: log(-1) = nan"), std::string::npos) << r.err;
}

TEST(GradNonFinite, OneOverZero) {
  const ProgramResult r = grad({"1/0", "--json"});
  EXPECT_EQ(r.status, 3);
  const nlohmann::json j = json_of(r);
  EXPECT_EQ(j["value"], "inf");
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_NE(j["warnings"][0].get<std::string>().find("div at column 2: div(1, 0) = inf"),
            std::string::npos)
      << j["warnings"][0];
}

TEST(GradNonFinite, JsonWritesNonFiniteNumbersAsStrings) {
  const ProgramResult r = grad({"log(x) + 1/y - 1/z", "--at", "x=-1,y=0,z=0", "--json"});
  EXPECT_EQ(r.status, 3);
  const nlohmann::json j = json_of(r);
  EXPECT_EQ(j["value"], "nan");
  EXPECT_EQ(j["gradient"]["x"].get<double>(), -1.0);
  EXPECT_EQ(j["gradient"]["y"], "-inf");
  EXPECT_EQ(j["gradient"]["z"], "inf");
  ASSERT_EQ(j["warnings"].size(), 2u);
  EXPECT_NE(j["warnings"][0].get<std::string>().find("log(-1) = nan"), std::string::npos);
  EXPECT_NE(j["warnings"][1].get<std::string>().find("the gradient is not finite"),
            std::string::npos);
}

TEST(GradNonFinite, InfiniteGradientOfAFiniteValue) {
  const ProgramResult r = grad({"sqrt(x)", "--at", "x=0", "--json"});
  EXPECT_EQ(r.status, 3);
  const nlohmann::json j = json_of(r);
  EXPECT_EQ(j["value"].get<double>(), 0.0);
  EXPECT_EQ(j["gradient"]["x"], "inf");
  EXPECT_NE(j["warnings"][0].get<std::string>().find("sqrt at column 1"), std::string::npos)
      << j["warnings"][0];
}

TEST(GradNonFinite, BothWarningsSpellTheOperationAsWritten) {
  // The tape records x^0.5 as pow_const(x); the warnings show what the expression says.
  const ProgramResult r = grad({"x^0.5", "--at", "x=-1", "--json"});
  EXPECT_EQ(r.status, 3);
  const nlohmann::json j = json_of(r);
  ASSERT_EQ(j["warnings"].size(), 2u);
  EXPECT_EQ(j["warnings"][0], "the value is nan: the first non-finite value comes from pow at "
                              "column 2: pow(-1, 0.5) = nan");
  EXPECT_EQ(j["warnings"][1], "the gradient is not finite (x is nan); it comes from pow at "
                              "column 2: pow(-1, 0.5) has local gradient nan");
  // A literal on the left (recorded as div_into) and two variables, which name the input.
  EXPECT_NE(grad({"1/x", "--at", "x=0"}).err.find("it comes from div at column 2: div(1, 0) has "
                                                  "local gradient -inf\n"),
            std::string::npos);
  EXPECT_NE(grad({"x/y", "--at", "x=1,y=0"})
                .err.find("it comes from div at column 2: div(1, 0) has local gradient inf with "
                          "respect to input 1\n"),
            std::string::npos);
}

// ---- diagrams --------------------------------------------------------------------------

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("gradflow-grad-test-" + std::to_string(::getpid()) + "-" + name);
}

TEST(GradDiagram, DotFile) {
  const auto path = temp_path("notes.dot");
  const ProgramResult r = grad({kNotes, "--at", "x=3,y=-4", "--dot", path.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(path);
  const std::string dot((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove(path);
  EXPECT_EQ(dot.rfind("digraph", 0), 0u);
  EXPECT_NE(dot.find("rankdir=LR"), std::string::npos);
  EXPECT_NE(dot.find("label=<sigmoid>"), std::string::npos);
  EXPECT_NE(dot.find("label=<^2>"), std::string::npos);
}

TEST(GradDiagram, SvgAndPng) {
  if (std::system("command -v dot > /dev/null 2>&1") != 0) GTEST_SKIP() << "Graphviz not installed";
  const auto svg = temp_path("notes.svg");
  const auto png = temp_path("notes.png");
  const ProgramResult r =
      grad({kNotes, "--at", "x=3,y=-4", "--svg", svg.string(), "--png", png.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream s(svg);
  const std::string text((std::istreambuf_iterator<char>(s)), {});
  EXPECT_NE(text.find("<svg"), std::string::npos);
  std::ifstream p(png, std::ios::binary);
  char magic[4] = {};
  p.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  std::filesystem::remove(svg);
  std::filesystem::remove(png);
}

TEST(GradDiagram, MissingGraphvizIsAClearError) {
  // No `dot` on PATH and none named: the message says how to install it.
  const TempDir empty;
  const ProgramResult r = gradflow::test::run_program(
      GRADFLOW_EXE, {"grad", "x*x", "--at", "x=1", "--png", temp_path("never.png").string()}, "",
      {"PATH=" + empty.path().string(), "GRADFLOW_DOT="});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("Graphviz is not installed (apt-get install graphviz)"), std::string::npos)
      << r.err;
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
}

TEST(GradDiagram, GraphvizNamedByTheVariableThatCannotRun) {
  // A program GRADFLOW_DOT names is the variable's fault, not a missing Graphviz.
  for (const std::string program : {"/nope", "/"}) {
    const ProgramResult r = gradflow::test::run_program(
        GRADFLOW_EXE, {"grad", "x*x", "--at", "x=1", "--svg", temp_path("never.svg").string()},
        "", {"GRADFLOW_DOT=" + program});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "gradflow grad: '" + program +
                         "' (named by GRADFLOW_DOT) was not found or could not be run: unset "
                         "GRADFLOW_DOT to use `dot` from PATH, or point it at the dot program; "
                         "--dot writes the diagram without it\n");
  }
}

}  // namespace
