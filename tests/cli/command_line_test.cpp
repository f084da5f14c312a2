// What main.cpp decides for every subcommand: which arguments are options, empty option values,
// unknown commands, and command-line errors as one line.

#include "cli/run_program.hpp"
#include "cli/shared.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using gradflow::test::count_lines;
using gradflow::test::ProgramResult;

ProgramResult gradflow_run(const std::vector<std::string>& args) {
  return gradflow::test::run_program(GRADFLOW_EXE, args);
}

void expect_one_line(const ProgramResult& r, const std::string& prefix, const std::string& needle) {
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

TEST(CommandLine, ExpressionsStartingWithAnOptionLetterAreExpressions) {
  const ProgramResult square = gradflow_run({"grad", "-h^2", "--at", "h=3"});
  EXPECT_EQ(square.status, 0) << square.err;
  EXPECT_NE(square.out.find("f = -9"), std::string::npos) << square.out;
  const ProgramResult product = gradflow_run({"grad", "-h*x", "--at", "h=3,x=1"});
  EXPECT_EQ(product.status, 0) << product.err;
  EXPECT_NE(product.out.find("f = -3"), std::string::npos) << product.out;
}

TEST(CommandLine, TheExactShortOptionIsStillAnOption) {
  const ProgramResult r = gradflow_run({"grad", "-h"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("Usage: gradflow grad"), std::string::npos) << r.out;
}

TEST(CommandLine, EmptyOptionValuesAreBadInput) {
  expect_one_line(gradflow_run({"train", "--data", "spiral", "--model", "softmax", "--epochs", ""}),
                  "gradflow train: ", "--epochs: an empty value");
  expect_one_line(
      gradflow_run({"train", "--data", "spiral", "--model", "softmax", "--weight-decay", ""}),
      "gradflow train: ", "--weight-decay: an empty value");
  expect_one_line(gradflow_run({"grad", "x", "--at", "x=1", "--dot", ""}), "gradflow grad: ",
                  "--dot: an empty value");
  expect_one_line(gradflow_run({"eval", "--load", ""}), "gradflow eval: ",
                  "--load: an empty value");
}

TEST(CommandLine, UnknownCommandIsNamed) {
  expect_one_line(gradflow_run({"bogus"}), "gradflow: ", "unknown command \"bogus\"");
}

TEST(CommandLine, ParseErrorsAreOneLine) {
  expect_one_line(gradflow_run({}), "gradflow: ", "gradflow --help");
  expect_one_line(gradflow_run({"grad"}), "gradflow grad: ", "EXPR is required");
  expect_one_line(gradflow_run({"grad", "x", "--at", "x=1", "--frobnicate"}), "gradflow grad: ",
                  "--frobnicate");
}

}  // namespace
