// Runs that fail after their options were accepted: an empty data set or a non-finite --load
// file (bad input, exit status 2, decided before any output is opened) and a loss that stops
// being finite (exit status 3, the run ends there, nothing saved). Neither may destroy a file that was there before.

#include "train_cli/helpers.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

using namespace gradflow::test;

// An uncompressed IDX file (the reader takes plain files as well as gzip): the big-endian magic
// for unsigned bytes with `dims` dimensions, the dimensions, then zeros for the data.
std::string idx(const std::vector<std::uint32_t>& dims) {
  std::string bytes = {0, 0, 0x08, static_cast<char>(dims.size())};
  std::size_t size = 1;
  for (std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((d >> shift) & 0xff);
    size *= d;
  }
  return bytes + std::string(size, '\0');
}

// A Fashion-MNIST directory with `train` and `test` images (all black, class 0).
void write_fashion_mnist(const std::filesystem::path& dir, std::uint32_t train,
                         std::uint32_t test) {
  write_bytes(dir / "train-images-idx3-ubyte", idx({train, 28, 28}));
  write_bytes(dir / "train-labels-idx1-ubyte", idx({train}));
  write_bytes(dir / "t10k-images-idx3-ubyte", idx({test, 28, 28}));
  write_bytes(dir / "t10k-labels-idx1-ubyte", idx({test}));
}

void expect_one_line(const ProgramResult& r, int status, const std::string& prefix,
                     const std::string& needle) {
  EXPECT_EQ(r.status, status) << r.err;
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

TEST(FailedRuns, EmptyTrainingSetIsBadInputAndKeepsTheMetricsFile) {
  const TempDir dir;
  write_fashion_mnist(dir.path(), 0, 1);
  write_bytes(dir / "keep.csv", "precious");
  const ProgramResult r =
      run_gradflow({"train", "--data", "fashion-mnist", "--model", "softmax", "--metrics",
                    dir / "keep.csv"},
                   {"GRADFLOW_FASHION_MNIST_DIR=" + dir.path().string()});
  expect_one_line(r, 2, "gradflow train: ", "training set is empty");
  EXPECT_EQ(slurp(dir / "keep.csv"), "precious");
}

TEST(FailedRuns, EmptyTestSetIsBadInput) {
  const TempDir dir;
  write_fashion_mnist(dir.path(), 1, 0);
  const ProgramResult r = run_gradflow({"train", "--data", "fashion-mnist", "--model", "softmax"},
                                       {"GRADFLOW_FASHION_MNIST_DIR=" + dir.path().string()});
  expect_one_line(r, 2, "gradflow train: ", "test set is empty");
}

TEST(FailedRuns, EvalOfAnEmptyTestSplitIsBadInput) {
  const TempDir dir;
  write_fashion_mnist(dir.path(), 1, 1);
  const std::vector<std::string> env = {"GRADFLOW_FASHION_MNIST_DIR=" + dir.path().string()};
  ASSERT_EQ(run_gradflow({"train", "--data", "fashion-mnist", "--model", "softmax", "--epochs",
                          "1", "--save", dir / "m.st"},
                         env)
                .status,
            0);
  write_fashion_mnist(dir.path(), 1, 0);
  expect_one_line(run_gradflow({"eval", "--load", dir / "m.st"}, env), 2, "gradflow eval: ",
                  "test set is empty");
}

TEST(FailedRuns, DivergedTrainingExitsThreeAndSavesNothing) {
  const TempDir dir;
  write_bytes(dir / "m.st", "the previous model");
  const ProgramResult r =
      run_gradflow({"train", "--data", "spiral", "--model", "softmax", "--epochs", "2", "--lr",
                    "1e300", "--json", "--save", dir / "m.st", "--metrics", dir / "m.csv"});
  expect_one_line(r, 3, "gradflow train: ", "stopped being finite (NaN or infinite) at epoch ");
  EXPECT_NE(r.err.find("nothing was saved"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(dir / "m.st"), "the previous model");
  EXPECT_TRUE(json_of(r)["final_loss"].is_null());
  EXPECT_EQ(count_lines(slurp(dir / "m.csv")), 3u);  // the header and both epochs: the evidence
}

TEST(FailedRuns, DivergedTrainingStopsAtThatEpoch) {
  const TempDir dir;
  const ProgramResult r =
      run_gradflow({"train", "--data", "spiral", "--model", "softmax", "--epochs", "5000", "--lr",
                    "1e300", "--json", "--metrics", dir / "m.csv"});
  expect_one_line(r, 3, "gradflow train: ", "stopped being finite (NaN or infinite) at epoch ");
  const std::string marker = "at epoch ";
  const int diverged = std::stoi(r.err.substr(r.err.find(marker) + marker.size()));
  ASSERT_LT(diverged, 10) << r.err;
  // The rows end at the diverged epoch: the header and one row per epoch run.
  EXPECT_EQ(count_lines(slurp(dir / "m.csv")), static_cast<std::size_t>(diverged) + 1);
  EXPECT_EQ(json_of(r)["epochs"], diverged);
}

// A spiral softmax model saved by a short run, its last parameter then made NaN.
void save_non_finite_model(const std::string& path) {
  ASSERT_EQ(run_gradflow({"train", "--data", "spiral", "--model", "softmax", "--epochs", "2",
                          "--save", path})
                .status,
            0);
  // The last float32 of the data section (a parameter) becomes a NaN.
  std::string bytes = slurp(path);
  bytes.replace(bytes.size() - 4, 4, std::string{0, 0, static_cast<char>(0xc0), 0x7f});
  write_bytes(path, bytes);
}

TEST(FailedRuns, EvalOfANonFiniteModelIsBadInput) {
  const TempDir dir;
  save_non_finite_model(dir / "m.st");
  const ProgramResult r = run_gradflow({"eval", "--load", dir / "m.st"});
  expect_one_line(r, 2, "gradflow eval: ", "holds NaN or infinite values");
  EXPECT_EQ(r.out, "");
}

// A model file's text (a tensor name, a metadata value) reaches the message escaped: one line,
// and no terminal escape sequence from a crafted file.
TEST(FailedRuns, AModelFilesControlCharactersAreShownEscaped) {
  const TempDir dir;
  const auto safetensors = [](const std::string& header) {
    std::string length(8, '\0');
    for (std::size_t i = 0; i < 8; ++i) length[i] = static_cast<char>(header.size() >> (8 * i));
    return length + header + std::string(4, '\0');
  };
  write_bytes(dir / "name.st", safetensors(R"({"w\n\u001b[2J":{"dtype":"XX","shape":[1],)"
                                           R"("data_offsets":[0,4]}})"));
  ProgramResult r = run_gradflow({"eval", "--load", dir / "name.st"});
  expect_one_line(r, 2, "gradflow eval: ", R"(tensor 'w\x0a\x1b[2J')");
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;

  write_bytes(dir / "meta.st",
              safetensors(R"({"__metadata__":{"gradflow.model":"mlp\n\u001b[2J"},)"
                          R"("w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})"));
  r = run_gradflow({"eval", "--load", dir / "meta.st"});
  expect_one_line(r, 2, "gradflow eval: ", R"(unknown model "mlp\x0a\x1b[2J")");
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
}

// A model file's data set and seed reach the message as its tensor names and model do: a
// backslash doubled, so that a value spelling \x0a does not read as one holding a newline.
TEST(FailedRuns, AModelFilesDataSetAndSeedAreShownEscaped) {
  const TempDir dir;
  ASSERT_EQ(run_gradflow({"train", "--data", "spiral", "--model", "softmax", "--epochs", "1",
                          "--save", dir / "m.st"})
                .status,
            0);
  const std::string saved = slurp(dir / "m.st");
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    length |= std::uint64_t{static_cast<unsigned char>(saved[i])} << (8 * i);
  }
  // The same file with one metadata value replaced (the header's length prefix rewritten).
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string header = saved.substr(8, length);
    const std::size_t at = header.find(from);
    EXPECT_NE(at, std::string::npos) << header;
    header.replace(at, from.size(), to);
    std::string prefix(8, '\0');
    for (std::size_t i = 0; i < 8; ++i) prefix[i] = static_cast<char>(header.size() >> (8 * i));
    return prefix + header + saved.substr(8 + length);
  };
  const auto eval_error = [&](const std::string& bytes) {
    write_bytes(dir / "crafted.st", bytes);
    return run_gradflow({"eval", "--load", dir / "crafted.st"}).err;
  };
  const std::string data = R"("gradflow.data":"spiral")";
  const std::string spelt = eval_error(with(data, R"("gradflow.data":"spiral\\x0a")"));
  EXPECT_EQ(spelt, "gradflow eval: unknown data set \"spiral\\\\x0a\"; choose spiral or "
                   "fashion-mnist\n");
  EXPECT_NE(spelt, eval_error(with(data, R"("gradflow.data":"spiral\n")")));
  const std::string seed = R"("gradflow.seed":"0")";
  const std::string seed_spelt = eval_error(with(seed, R"("gradflow.seed":"1\\x0a")"));
  EXPECT_NE(seed_spelt.find(R"(metadata gradflow.seed 1\\x0a: not a whole number)"),
            std::string::npos)
      << seed_spelt;
  EXPECT_NE(seed_spelt, eval_error(with(seed, R"("gradflow.seed":"1\n")")));
}

TEST(FailedRuns, TrainFromANonFiniteModelIsBadInput) {
  const TempDir dir;
  save_non_finite_model(dir / "m.st");
  write_bytes(dir / "m.csv", "precious");
  const ProgramResult r =
      run_gradflow({"train", "--data", "spiral", "--model", "softmax", "--epochs", "2", "--load",
                    dir / "m.st", "--metrics", dir / "m.csv"});
  expect_one_line(r, 2, "gradflow train: ", "holds NaN or infinite values");
  EXPECT_NE(r.err.find(dir / "m.st"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(slurp(dir / "m.csv"), "precious");
}

}  // namespace
