// The expression grammar: precedence, associativity, numbers, whitespace, functions from the
// gate table, and inputs of any size or depth evaluated without recursion.

#include "expr/evaluate.hpp"
#include "expr/functions.hpp"
#include "expr/parser.hpp"

#include <gradflow/gates/table.hpp>
#include <gradflow/scalar/scalar.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace gradflow::expr {
namespace {

std::string canonical(const std::string& text) { return to_string(parse(text)); }

// The value and gradients of `text` at `at`, on a graph of the test's own.
struct Result {
  double value;
  std::vector<double> grad;
};
Result run(const std::string& text, std::vector<Binding> at = {}) {
  Tape::Scope scope;
  const Program p = parse(text);
  Evaluation ev = evaluate(p, at);
  if (!ev.output.is_constant()) ev.output.backward();
  Result r{ev.output.value(), {}};
  for (const Var& v : ev.variables) r.grad.push_back(v.grad());
  return r;
}

TEST(Parser, Precedence) {
  EXPECT_EQ(canonical("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(canonical("(1 + 2) * 3"), "((1 + 2) * 3)");
  EXPECT_EQ(canonical("a - b - c"), "((a - b) - c)");
  EXPECT_EQ(canonical("a / b / c"), "((a / b) / c)");
  EXPECT_EQ(canonical("a * b + c / d"), "((a * b) + (c / d))");
  EXPECT_EQ(canonical("-a * b"), "((-a) * b)");
  EXPECT_EQ(canonical("a * -b"), "(a * (-b))");
  EXPECT_EQ(canonical("a - -b"), "(a - (-b))");
  EXPECT_EQ(canonical("+a"), "a");
}

TEST(Parser, PowerBindsTighterThanUnaryMinus) {
  EXPECT_EQ(canonical("-x^2"), "(-(x ^ 2))");
  EXPECT_EQ(canonical("-2^2"), "(-(2 ^ 2))");
  EXPECT_DOUBLE_EQ(run("-x^2", {{"x", 3}}).value, -9.0);
  EXPECT_DOUBLE_EQ(run("-x^2", {{"x", 3}}).grad[0], -6.0);
  EXPECT_DOUBLE_EQ(run("(-x)^2", {{"x", 3}}).value, 9.0);
}

TEST(Parser, PowerIsRightAssociative) {
  EXPECT_EQ(canonical("2^3^2"), "(2 ^ (3 ^ 2))");
  EXPECT_DOUBLE_EQ(run("2^3^2").value, 512.0);
  EXPECT_DOUBLE_EQ(run("(2^3)^2").value, 64.0);
}

TEST(Parser, ExponentMayCarryASign) {
  EXPECT_EQ(canonical("2^-x"), "(2 ^ (-x))");
  EXPECT_EQ(canonical("2^-x^2"), "(2 ^ (-(x ^ 2)))");
  EXPECT_EQ(canonical("x^-y*z"), "((x ^ (-y)) * z)");
  EXPECT_DOUBLE_EQ(run("2^-1").value, 0.5);
}

TEST(Parser, Numbers) {
  EXPECT_DOUBLE_EQ(run("2").value, 2.0);
  EXPECT_DOUBLE_EQ(run("0.5").value, 0.5);
  EXPECT_DOUBLE_EQ(run("1e-3").value, 1e-3);
  EXPECT_DOUBLE_EQ(run("2.5E2").value, 250.0);
  EXPECT_DOUBLE_EQ(run("1E+2").value, 100.0);
  EXPECT_DOUBLE_EQ(run(".25").value, 0.25);
  EXPECT_DOUBLE_EQ(run("3.").value, 3.0);
  EXPECT_EQ(canonical("1e-3"), "0.001");
}

TEST(Parser, WhitespaceAnywhere) {
  EXPECT_EQ(canonical(" \t max ( x ,\n y ) ^ 2 \r\n"), "(max(x, y) ^ 2)");
  EXPECT_EQ(canonical("sigmoid   (x)"), "sigmoid(x)");
  EXPECT_EQ(canonical("x*y"), canonical("  x  *  y  "));
}

TEST(Parser, VariablesInOrderOfFirstUse) {
  const Program p = parse("b + a * b + _c1");
  EXPECT_EQ(p.variables, (std::vector<std::string>{"b", "a", "_c1"}));
}

TEST(Parser, RoundTripsThroughItsOwnOutput) {
  for (const char* text : {"(x + sigmoid(y)) / (sigmoid(x) + (x+y)^2)", "-x^2", "2^3^2",
                           "max(a, -b) - pow(c, 2) / 3e-7", "--x", "1/(1+exp(-(w0*x0+w2)))"}) {
    const std::string once = canonical(text);
    EXPECT_EQ(canonical(once), once) << text;
  }
}

TEST(Functions, ComeFromTheGateTable) {
  // Every unary and binary gate that no operator spells is callable, with its arity.
  std::size_t expected = 0;
  gates::UnaryGates::for_each([&]<class G>() {
    if (G::name != gates::Neg::name) {
      ++expected;
      const FunctionInfo* f = find_function(G::name);
      ASSERT_NE(f, nullptr) << G::name;
      EXPECT_EQ(f->arity, 1u);
    }
  });
  gates::BinaryGates::for_each([&]<class G>() {
    const bool op = G::name == gates::Add::name || G::name == gates::Sub::name ||
                    G::name == gates::Mul::name || G::name == gates::Div::name;
    if (!op) {
      ++expected;
      const FunctionInfo* f = find_function(G::name);
      ASSERT_NE(f, nullptr) << G::name;
      EXPECT_EQ(f->arity, 2u);
    }
  });
  EXPECT_EQ(functions().size(), expected);
  for (const char* name : {"sigmoid", "exp", "log", "tanh", "relu", "sqrt", "abs", "sin", "cos",
                           "max", "min", "pow"}) {
    EXPECT_NE(find_function(name), nullptr) << name;
  }
  EXPECT_EQ(find_function("add"), nullptr);
}

TEST(Evaluate, EveryFunctionMatchesItsGate) {
  const double x = 0.7;
  const double y = 1.3;
  gates::UnaryGates::for_each([&]<class G>() {
    if (find_function(G::name) == nullptr) return;
    const Result r = run(std::string(G::name) + "(x)", {{"x", x}});
    const double out = G::forward(x);
    EXPECT_DOUBLE_EQ(r.value, out) << G::name;
    EXPECT_DOUBLE_EQ(r.grad[0], G::local_grad(x, out)) << G::name;
  });
  gates::BinaryGates::for_each([&]<class G>() {
    if (find_function(G::name) == nullptr) return;
    const Result r = run(std::string(G::name) + "(x, y)", {{"x", x}, {"y", y}});
    const double out = G::forward(x, y);
    EXPECT_DOUBLE_EQ(r.value, out) << G::name;
    EXPECT_DOUBLE_EQ(r.grad[0], G::local_grad(x, y, out).dx) << G::name;
    EXPECT_DOUBLE_EQ(r.grad[1], G::local_grad(x, y, out).dy) << G::name;
  });
}

TEST(Evaluate, NotesExampleMatchesVar) {
  const Result r = run("(x + sigmoid(y)) / (sigmoid(x) + (x+y)^2)", {{"x", 3}, {"y", -4}});
  Tape::Scope scope;
  Var x = 3.0;
  Var y = -4.0;
  Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
  f.backward();
  EXPECT_DOUBLE_EQ(r.value, f.value());
  EXPECT_DOUBLE_EQ(r.grad[0], x.grad());
  EXPECT_DOUBLE_EQ(r.grad[1], y.grad());
}

TEST(Evaluate, LiteralsBecomeGateConstants) {
  // x + 1 is one add_const gate, not an add with a second input (Note [Literals]).
  Tape::Scope scope;
  AnnotateGuard annotate;
  const std::vector<Binding> at = {{"x", 2.0}};
  Evaluation ev = evaluate(parse("(x + 1) * 2 - 3 / x + 2 ^ x + x ^ 3 + 4 - x"), at);
  std::vector<std::string> ops;
  for (Slot s = 2; s < scope.tape().size(); ++s) ops.emplace_back(scope.tape().annotation(s)->op);
  EXPECT_EQ(ops, (std::vector<std::string>{"add_const", "scale", "div_into", "sub", "const_pow",
                                           "add", "pow_const", "add", "add_const", "sub"}));
}

TEST(Evaluate, LiteralsAloneAreFolded) {
  Tape::Scope scope;
  Evaluation ev = evaluate(parse("2 * 3 + exp(0)"), std::vector<Binding>{});
  EXPECT_TRUE(ev.output.is_constant());
  EXPECT_DOUBLE_EQ(ev.output.value(), 7.0);
  EXPECT_EQ(scope.tape().size(), 1u);  // only the sink
}

TEST(Evaluate, UnusedBindingHasGradientZero) {
  const Result r = run("x * x", {{"x", 3}, {"unused", 5}});
  EXPECT_DOUBLE_EQ(r.grad[0], 6.0);
  EXPECT_DOUBLE_EQ(r.grad[1], 0.0);
}

TEST(Evaluate, TwoHundredThousandTerms) {
  std::string text = "x";
  for (int i = 1; i < 200000; ++i) text += "+x";
  const Result r = run(text, {{"x", 1.5}});
  EXPECT_DOUBLE_EQ(r.value, 300000.0);
  EXPECT_DOUBLE_EQ(r.grad[0], 200000.0);
}

TEST(Evaluate, HundredThousandNestedParentheses) {
  const int n = 100000;
  const std::string text = std::string(n, '(') + "x" + std::string(n, ')') + " * 2";
  const Result r = run(text, {{"x", 4}});
  EXPECT_DOUBLE_EQ(r.value, 8.0);
  EXPECT_DOUBLE_EQ(r.grad[0], 2.0);
}

TEST(Evaluate, FiftyThousandNestedCalls) {
  const int n = 50000;
  std::string text;
  for (int i = 0; i < n; ++i) text += "abs(";
  text += "x";
  text += std::string(n, ')');
  const Result r = run(text, {{"x", -2}});
  EXPECT_DOUBLE_EQ(r.value, 2.0);
  EXPECT_DOUBLE_EQ(r.grad[0], -1.0);
}

TEST(Evaluate, DeeplyNestedUnaryMinusAndPowers) {
  const int n = 100000;
  const Result neg = run(std::string(n, '-') + "x", {{"x", 3}});  // even count: +x
  EXPECT_DOUBLE_EQ(neg.value, 3.0);
  std::string chain = "1";
  for (int i = 0; i < 50000; ++i) chain += "^1";
  EXPECT_DOUBLE_EQ(run(chain).value, 1.0);
}

}  // namespace
}  // namespace gradflow::expr
