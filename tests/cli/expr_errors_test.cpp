// Bad expressions: each error says what and where (the column, with a caret under it).

#include "expr/error.hpp"
#include "expr/evaluate.hpp"
#include "expr/parser.hpp"

#include <gradflow/scalar/scalar.hpp>

#include <gtest/gtest.h>

#include <string>

namespace gradflow::expr {
namespace {

// The error parse() (or evaluate() with `at`) raises for `text`.
ExprError error_of(const std::string& text, std::vector<Binding> at = {}) {
  try {
    Tape::Scope scope;
    evaluate(parse(text), at);
  } catch (const ExprError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return ExprError("none", 0);
}

TEST(ExprErrors, ColumnAndCaret) {
  const ExprError e = error_of("(x + *y)");
  EXPECT_EQ(e.column(), 6u);
  EXPECT_NE(e.reason().find("found '*'"), std::string::npos) << e.reason();
  EXPECT_EQ(e.show("(x + *y)"), std::string(e.what()) + "\n  (x + *y)\n       ^");
}

TEST(ExprErrors, CaretStaysUnderTheColumnWithTabs) {
  const ExprError e = error_of("x\t+\t)");
  EXPECT_EQ(e.column(), 5u);
  EXPECT_EQ(e.show("x\t+\t)"), std::string(e.what()) + "\n  x + )\n      ^");
}

TEST(ExprErrors, LongExpressionShowsAWindow) {
  std::string text = "x";
  for (int i = 0; i < 1000; ++i) text += "+x";
  text += "+*";
  const ExprError e = error_of(text, {{"x", 1}});
  EXPECT_EQ(e.column(), text.size());
  const std::string shown = e.show(text);
  EXPECT_LT(shown.size(), 400u);
  const std::size_t line2 = shown.find('\n') + 1;
  const std::size_t line3 = shown.find('\n', line2) + 1;
  const std::string expr_line = shown.substr(line2, line3 - line2 - 1);
  const std::string caret_line = shown.substr(line3);
  EXPECT_EQ(expr_line[caret_line.size() - 1], '*');
  EXPECT_EQ(expr_line.substr(0, 5), "  ...");
}

TEST(ExprErrors, Syntax) {
  EXPECT_EQ(error_of("").reason(), "the expression is empty");
  EXPECT_EQ(error_of(" \t ").reason(), "the expression is empty");
  EXPECT_EQ(error_of("x +").column(), 4u);
  EXPECT_NE(error_of("x +").reason().find("the end of the expression"), std::string::npos);
  EXPECT_EQ(error_of("x )").column(), 3u);
  EXPECT_NE(error_of("x )").reason().find("unmatched ')'"), std::string::npos);
  EXPECT_EQ(error_of("((x)").column(), 5u);
  EXPECT_NE(error_of("((x)").reason().find("'(' at column 1 is never closed"), std::string::npos);
  EXPECT_NE(error_of("2x").reason().find("write '*' to multiply"), std::string::npos);
  EXPECT_EQ(error_of("2x").column(), 2u);
  EXPECT_EQ(error_of("x, y").column(), 2u);
  EXPECT_NE(error_of("()").reason().find("found ')'"), std::string::npos);
  EXPECT_EQ(error_of("x $ y").column(), 3u);
  EXPECT_NE(error_of("x $ y").reason().find("unexpected character '$'"), std::string::npos);
  EXPECT_NE(error_of("x \xff").reason().find("\\xFF"), std::string::npos);
}

TEST(ExprErrors, MalformedNumbers) {
  EXPECT_NE(error_of("1e").reason().find("exponent"), std::string::npos);
  EXPECT_NE(error_of("2.5E+").reason().find("exponent"), std::string::npos);
  EXPECT_NE(error_of("1e999").reason().find("out of the range"), std::string::npos);
  EXPECT_EQ(error_of("x + 1e999").column(), 5u);
  EXPECT_EQ(error_of("1.2.3").column(), 4u);
}

TEST(ExprErrors, UnknownFunctionListsTheKnownOnes) {
  const ExprError e = error_of("1 + foo(x)");
  EXPECT_EQ(e.column(), 5u);
  EXPECT_NE(e.reason().find("unknown function 'foo'"), std::string::npos);
  for (const char* f : {"sigmoid", "exp", "log", "tanh", "relu", "sqrt", "abs", "sin", "cos",
                        "max", "min", "pow"}) {
    EXPECT_NE(e.reason().find(f), std::string::npos) << f;
  }
}

TEST(ExprErrors, WrongNumberOfArguments) {
  EXPECT_EQ(error_of("max(x)").reason(), "max takes 2 arguments but was given 1");
  EXPECT_EQ(error_of("2 * sigmoid(x, y)").reason(), "sigmoid takes 1 argument but was given 2");
  EXPECT_EQ(error_of("2 * sigmoid(x, y)").column(), 5u);
  EXPECT_EQ(error_of("exp()").reason(), "exp takes 1 argument but was given 0");
  EXPECT_NE(error_of("max(x,)").reason().find("found ')'"), std::string::npos);
}

TEST(ExprErrors, FunctionNameWithoutCall) {
  EXPECT_NE(error_of("exp + 1").reason().find("'exp' is a function"), std::string::npos);
}

TEST(ExprErrors, VariableWithoutValue) {
  const ExprError e = error_of("x * y + z", {{"x", 1}, {"z", 2}});
  EXPECT_EQ(e.column(), 5u);
  EXPECT_NE(e.reason().find("'y' has no value"), std::string::npos);
  EXPECT_NE(e.reason().find("--at y=VALUE"), std::string::npos);
}

TEST(ExprErrors, CommaOutsideACall) {
  EXPECT_NE(error_of("(x, y)").reason().find("',' outside a function call"), std::string::npos);
}

}  // namespace
}  // namespace gradflow::expr
