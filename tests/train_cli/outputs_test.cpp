// The files `gradflow train` writes: every name is checked before training (exit status 2, one
// line, nothing written), no output overwrites another, and --save replaces only regular files.

#include "train_cli/helpers.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace gradflow::test;

std::vector<std::string> tiny_run(std::vector<std::string> more) {
  std::vector<std::string> args = {"train", "--data", "spiral", "--model", "softmax", "--epochs",
                                   "2"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

void expect_refused(const ProgramResult& r, const std::string& needle) {
  expect_one_message(r, 2, "gradflow train", needle);
}

TEST(TrainOutputs, ControlCharacterInAPlotNameCannotReachGnuplot) {
  const TempDir dir;
  const std::string marker = dir / "pwned";
  const ProgramResult r =
      run_gradflow(tiny_run({"--plot", dir / "a\nsystem \"touch " + marker + "\"\nx.png"}));
  expect_refused(r, "--plot: the file name holds a control character");
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(TrainOutputs, ControlCharacterRefusedForEveryOutput) {
  const TempDir dir;
  for (const std::string option : {"--save", "--metrics"}) {
    expect_refused(run_gradflow(tiny_run({option, dir / "a\tb"})),
                   option + ": the file name holds a control character");
  }
}

TEST(TrainOutputs, TwoOutputsNamingOneFileAreRefusedBeforeTraining) {
  const TempDir dir;
  write_bytes(dir / "same.x", "precious");
  expect_refused(run_gradflow(tiny_run({"--metrics", dir / "same.x", "--save", dir / "same.x"})),
                 "are the same file");
  EXPECT_EQ(slurp(dir / "same.x"), "precious");
  expect_refused(run_gradflow(tiny_run({"--save", dir / "s.png", "--plot", dir / "s.png"})),
                 "are the same file");
  // The decision regions' name is derived from --plot.
  expect_refused(
      run_gradflow(tiny_run({"--metrics", dir / "r-regions.png", "--plot", dir / "r.png"})),
      "--plot (its decision regions)");
  // Another spelling of the same file.
  expect_refused(run_gradflow(tiny_run({"--metrics", dir / "m.csv", "--save", dir / "./m.csv"})),
                 "are the same file");
}

TEST(TrainOutputs, SaveRefusesAnythingButARegularFile) {
  const TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  expect_refused(run_gradflow(tiny_run({"--save", dir / "fifo"})), "not a regular file");
  struct stat st {};
  ASSERT_EQ(::lstat((dir / "fifo").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  expect_refused(run_gradflow(tiny_run({"--save", "/dev/null"})), "not a regular file");
  std::filesystem::create_symlink(dir / "nothing-there", dir / "dangling");
  expect_refused(run_gradflow(tiny_run({"--save", dir / "dangling"})),
                 "a symbolic link to a file that does not exist");
}

TEST(TrainOutputs, SymbolicLinkToNothingIsRefusedForEveryOutput) {
  const TempDir dir;
  // Its target's directory does not exist: written in place, the link would fail after training.
  std::filesystem::create_symlink(dir / "no-dir/m.csv", dir / "dangling");
  for (const std::string option : {"--save", "--metrics"}) {
    expect_refused(run_gradflow(tiny_run({option, dir / "dangling"})),
                   option + " " + dir / "dangling" +
                       ": a symbolic link to a file that does not exist");
  }
}

TEST(TrainOutputs, SymbolicLinkLoopIsNamedAsSuch) {
  const TempDir dir;
  std::filesystem::create_symlink("loop", dir / "loop");
  for (const std::string option : {"--save", "--metrics"}) {
    const ProgramResult r = run_gradflow(tiny_run({option, dir / "loop"}));
    expect_refused(r, "a symbolic link that cannot be followed: ");
    EXPECT_EQ(r.err.find("does not exist"), std::string::npos) << r.err;
  }
}

TEST(TrainOutputs, MetricsMayBeADevice) {
  const ProgramResult r = run_gradflow(tiny_run({"--metrics", "/dev/null"}));
  EXPECT_EQ(r.status, 0) << r.err;
  // /dev/stdout leads to whatever standard output is (under a pipe, /proc/self/fd/1 ->
  // "pipe:[...]", a link to something without a name): no link to nothing.
  const ProgramResult r2 = run_gradflow(tiny_run({"--metrics", "/dev/stdout"}));
  EXPECT_EQ(r2.status, 0) << r2.err;
}

TEST(TrainOutputs, SaveWritesThroughASymbolicLink) {
  const TempDir dir;
  write_bytes(dir / "target.st", "old");
  std::filesystem::create_symlink("target.st", dir / "link.st");
  const ProgramResult r = run_gradflow(tiny_run({"--save", dir / "link.st"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_symlink(dir / "link.st"));
  EXPECT_NE(slurp(dir / "target.st"), "old");
  EXPECT_EQ(run_gradflow({"eval", "--load", dir / "link.st"}).status, 0);
}

TEST(TrainOutputs, SaveAcceptsTheLongestFileName) {
  const TempDir dir;
  // NAME_MAX bytes exactly; appended, not ... + ".st": GCC 12 at -O3 warns falsely there.
  const std::string name = std::string(255 - 3, 'm').append(".st");
  const ProgramResult r = run_gradflow(tiny_run({"--save", dir / name}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_regular_file(dir / name));
  expect_refused(run_gradflow(tiny_run({"--save", dir / ("m" + name)})), "longer than 255 bytes");
}

TEST(TrainOutputs, UnwritableDirectoryIsRefusedBeforeTraining) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into any directory";
  const TempDir dir;
  std::filesystem::create_directory(dir / "ro");
  std::filesystem::permissions(dir / "ro", std::filesystem::perms::owner_read |
                                               std::filesystem::perms::owner_exec);
  expect_refused(run_gradflow(tiny_run({"--save", dir / "ro/m.st"})), "is not writable");
  expect_refused(run_gradflow(tiny_run({"--metrics", dir / "ro/m.csv"})), "is not writable");
  std::filesystem::permissions(dir / "ro", std::filesystem::perms::owner_all);
}

}  // namespace
