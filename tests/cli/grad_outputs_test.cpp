// `gradflow grad --dot/--svg/--png`: every output is checked before any is written, so a bad
// name or a missing Graphviz never leaves some files overwritten and the others not.

#include "cli/run_program.hpp"
#include "cli/shared.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using gradflow::test::ProgramResult;
using gradflow::test::run_program;
using gradflow::test::slurp;
using gradflow::test::TempDir;

// `text` as one word of a /bin/sh command line, whatever it holds (a build directory with a
// space, say).
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void expect_one_line(const ProgramResult& r, int status, const std::string& needle) {
  gradflow::test::expect_one_message(r, status, "gradflow grad", needle);
}

TEST(GradOutputs, MissingGraphvizWritesNothing) {
  const TempDir dir;
  std::ofstream(dir / "p.dot") << "precious\n";
  const ProgramResult r = run_program(
      GRADFLOW_EXE, {"grad", "x*2", "--at", "x=1", "--dot", dir / "p.dot", "--png", dir / "q.png"},
      "", {"GRADFLOW_DOT=/nonexistent/dot"});
  expect_one_line(r, 1,
                  "'/nonexistent/dot' (named by GRADFLOW_DOT) was not found or could not be run: "
                  "unset GRADFLOW_DOT to use `dot` from PATH, or point it at the dot program");
  EXPECT_EQ(slurp(dir / "p.dot"), "precious\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "q.png"));
}

TEST(GradOutputs, GraphvizFailureWritesNothing) {
  const TempDir dir;
  std::ofstream(dir / "p.dot") << "precious\n";
  std::ofstream(dir / "q.svg") << "old svg\n";
  // A `dot` that runs and fails: the images are rendered before any output is written.
  const ProgramResult r = run_program(
      GRADFLOW_EXE,
      {"grad", "x*2", "--at", "x=1", "--dot", dir / "p.dot", "--svg", dir / "q.svg", "--png",
       dir / "q.png"},
      "", {"GRADFLOW_DOT=/bin/false"});
  expect_one_line(r, 1, "Graphviz could not write " + dir / "q.svg");
  EXPECT_EQ(slurp(dir / "p.dot"), "precious\n");
  EXPECT_EQ(slurp(dir / "q.svg"), "old svg\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "q.png"));
}

TEST(GradOutputs, OutputsMayShareADevice) {
  // Graphviz's drawing is not the point: a `dot` that succeeds will do.
  const ProgramResult r = run_program(
      GRADFLOW_EXE, {"grad", "x*2", "--at", "x=1", "--dot", "/dev/null", "--svg", "/dev/null"}, "",
      {"GRADFLOW_DOT=/bin/true"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(GradOutputs, SymbolicLinkToNothingIsRefused) {
  const TempDir dir;
  std::filesystem::create_symlink(dir / "missing-dir/x.dot", dir / "link.dot");
  const ProgramResult r =
      run_program(GRADFLOW_EXE, {"grad", "x", "--at", "x=1", "--dot", dir / "link.dot"});
  expect_one_line(r, 2, "a symbolic link to a file that does not exist");
  EXPECT_FALSE(std::filesystem::exists(dir / "missing-dir"));
}

TEST(GradOutputs, SymbolicLinkLoopIsNamedAsSuch) {
  const TempDir dir;
  std::filesystem::create_symlink("loop.dot", dir / "loop.dot");
  const ProgramResult r =
      run_program(GRADFLOW_EXE, {"grad", "x", "--at", "x=1", "--dot", dir / "loop.dot"});
  expect_one_line(r, 2, "a symbolic link that cannot be followed: ");
  EXPECT_EQ(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST(GradOutputs, MissingDirectoryOfALaterOutputWritesNothing) {
  const TempDir dir;
  std::ofstream(dir / "p.dot") << "precious\n";
  const ProgramResult r =
      run_program(GRADFLOW_EXE, {"grad", "x*2", "--at", "x=1", "--dot", dir / "p.dot", "--png",
                                 "/nonexistent-dir/x.png"});
  expect_one_line(r, 2,
                  "--png /nonexistent-dir/x.png: the directory /nonexistent-dir does not exist");
  EXPECT_EQ(slurp(dir / "p.dot"), "precious\n");
}

TEST(GradOutputs, TwoOutputsNamingOneFileAreRefused) {
  const TempDir dir;
  const ProgramResult r = run_program(
      GRADFLOW_EXE, {"grad", "x", "--at", "x=1", "--dot", dir / "k.dot", "--svg", dir / "k.dot"});
  expect_one_line(r, 2, "are the same file");
  EXPECT_FALSE(std::filesystem::exists(dir / "k.dot"));
  // Also through another spelling of the same path.
  const ProgramResult r2 = run_program(
      GRADFLOW_EXE, {"grad", "x", "--at", "x=1", "--dot", dir / "k.dot", "--png", dir / "./k.dot"});
  expect_one_line(r2, 2, "are the same file");
}

TEST(GradOutputs, ControlCharacterInAFileNameIsRefused) {
  const TempDir dir;
  const ProgramResult r =
      run_program(GRADFLOW_EXE, {"grad", "x", "--at", "x=1", "--dot", dir / "a\nb.dot"});
  expect_one_line(r, 2, "--dot: the file name holds a control character");
  EXPECT_TRUE(std::filesystem::is_empty(dir / ""));
}

TEST(GradOutputs, UnreadableStandardInputIsAReadError) {
  // Standard input is a directory: reading it fails, which is not an empty expression.
  const ProgramResult r =
      run_program("/bin/sh", {"-c", shell_quoted(GRADFLOW_EXE) + " grad - --at x=1 < /"});
  expect_one_line(r, 2, "cannot read the expression from standard input");
}

}  // namespace
