// `gradflow train --save` then `gradflow eval --load`, and eval's errors: missing, truncated,
// corrupt and foreign model files, and a model of another architecture.

#include "train_cli/helpers.hpp"

#include <gtest/gtest.h>

namespace {

using namespace gradflow::test;

// One saved spiral model for all the tests here (training it is the slow part).
class Eval : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const ProgramResult r = run_gradflow(short_spiral({"--save", model(), "--json"}));
    ASSERT_EQ(r.status, 0) << r.err;
    train_json_ = new nlohmann::json(json_of(r));
  }
  static void TearDownTestSuite() {
    delete train_json_;
    delete dir_;
  }
  static std::string model() { return *dir_ / "spiral.safetensors"; }
  static std::string file(const std::string& name) { return *dir_ / name; }

  // The saved bytes with `from` replaced by `to` (of the same length, so offsets stay right).
  static std::string edited(const std::string& from, const std::string& to) {
    std::string bytes = slurp(model());
    const std::size_t at = bytes.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) bytes.replace(at, from.size(), to);
    return bytes;
  }

  static void expect_bad_input(const ProgramResult& r, const std::string& fragment) {
    expect_one_message(r, 2, "gradflow eval", fragment);
  }

  static TempDir* dir_;
  static nlohmann::json* train_json_;
};

TempDir* Eval::dir_ = nullptr;
nlohmann::json* Eval::train_json_ = nullptr;

TEST_F(Eval, SavedSpiralModelScoresWhatTrainingReported) {
  EXPECT_EQ((*train_json_)["files"], nlohmann::json::array({model()}));
  const ProgramResult r = run_gradflow({"eval", "--load", model(), "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = json_of(r);
  EXPECT_EQ(j["model"], "mlp");
  EXPECT_EQ(j["data"], "spiral");  // from the file's metadata
  EXPECT_EQ(j["split"], "train");
  EXPECT_EQ(j["samples"], 300);
  EXPECT_EQ(j["accuracy"].get<double>(), (*train_json_)["train_accuracy"].get<double>());
}

TEST_F(Eval, TextOutput) {
  const ProgramResult r = run_gradflow({"eval", "--load", model(), "--data", "spiral"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("mlp for samples of shape [2] and 3 classes, on spiral"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("train accuracy "), std::string::npos) << r.out;
}

TEST_F(Eval, SaveLeavesNoTemporaryFiles) {
  for (const auto& entry : std::filesystem::directory_iterator(dir_->path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST_F(Eval, MissingFile) {
  expect_bad_input(
      run_gradflow({"eval", "--load", file("nothing.safetensors"), "--data", "spiral"}),
      "nothing.safetensors");
}

TEST_F(Eval, MissingLoad) {
  expect_bad_input(run_gradflow({"eval", "--data", "fashion-mnist"}), "--load FILE is required");
}

TEST_F(Eval, TruncatedFile) {
  const std::string bytes = slurp(model());
  for (std::size_t keep :
       {std::size_t{0}, std::size_t{5}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    const std::string cut = file("cut.safetensors");
    write_bytes(cut, bytes.substr(0, keep));
    expect_bad_input(run_gradflow({"eval", "--load", cut, "--data", "spiral"}), "cut.safetensors");
  }
}

TEST_F(Eval, CorruptFile) {
  const std::string junk = file("junk.safetensors");
  write_bytes(junk, std::string("\xff\xff\xff\xff\xff\xff\xff\x7f{\"a\":1}", 15));
  expect_bad_input(run_gradflow({"eval", "--load", junk, "--data", "spiral"}), "junk.safetensors");
  write_bytes(junk, edited("\"dtype\"", "\"dtypo\""));
  expect_bad_input(run_gradflow({"eval", "--load", junk, "--data", "spiral"}), "junk.safetensors");
}

TEST_F(Eval, FileNotSavedByGradflowTrain) {
  const std::string foreign = file("foreign.safetensors");
  write_bytes(foreign, edited("gradflow.model", "gradflow.mode_"));
  expect_bad_input(run_gradflow({"eval", "--load", foreign, "--data", "spiral"}),
                   "was the file saved by gradflow train?");
}

TEST_F(Eval, FileWhoseTensorsAreAnotherArchitecture) {
  // The metadata says svm (a linear classifier) but the tensors are the mlp's. eval has no
  // --model: it builds what the metadata names, so the message says that first.
  const std::string other = file("other.safetensors");
  write_bytes(other, edited("\"mlp\"", "\"svm\""));
  expect_bad_input(run_gradflow({"eval", "--load", other, "--data", "spiral"}),
                   other + ": the metadata describes svm for samples of shape [2] and 3 classes, "
                           "but the stored tensors differ: ");
}

TEST_F(Eval, ModelForAnotherDataSet) {
  if (!fashion_mnist_installed()) GTEST_SKIP() << "apt-get install dataset-fashion-mnist";
  expect_bad_input(run_gradflow({"eval", "--load", model(), "--data", "fashion-mnist"}),
                   "needs a model for samples of shape [1,28,28] and 10 classes");
}

TEST_F(Eval, UnknownDataSet) {
  expect_bad_input(run_gradflow({"eval", "--load", model(), "--data", "mnist"}),
                   "unknown data set \"mnist\"");
}

TEST(EvalFashionMnist, SoftmaxSavedAfterOneEpochScoresItsTestAccuracy) {
  if (!fashion_mnist_installed()) GTEST_SKIP() << "apt-get install dataset-fashion-mnist";
  TempDir dir;
  const std::string model = dir / "softmax.safetensors";
  const ProgramResult t = run_gradflow({"train", "--data", "fashion-mnist", "--model", "softmax",
                                        "--epochs", "1", "--save", model, "--json"});
  ASSERT_EQ(t.status, 0) << t.err;
  const nlohmann::json tj = json_of(t);
  EXPECT_GT(tj["test_accuracy"].get<double>(), 0.75);  // a linear classifier reaches ~0.84
  EXPECT_EQ(tj["test_accuracy_per_epoch"], nlohmann::json::array({tj["test_accuracy"]}));
  EXPECT_EQ(tj["best_test_accuracy"], tj["test_accuracy"]);
  EXPECT_EQ(tj["best_epoch"], 1);
  const ProgramResult e =
      run_gradflow({"eval", "--load", model, "--data", "fashion-mnist", "--json"});
  ASSERT_EQ(e.status, 0) << e.err;
  const nlohmann::json ej = json_of(e);
  EXPECT_EQ(ej["split"], "test");
  EXPECT_EQ(ej["samples"], 10000);
  EXPECT_EQ(ej["accuracy"].get<double>(), tj["test_accuracy"].get<double>());
  EXPECT_EQ(ej["loss"].get<double>(), tj["test_loss"].get<double>());
}

TEST(EvalFashionMnist, MissingDataSetNamesTheDebianPackage) {
  TempDir dir;
  const ProgramResult r = run_gradflow({"train", "--data", "fashion-mnist", "--model", "mlp"},
                                       {"GRADFLOW_FASHION_MNIST_DIR=" + (dir / "none")});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("dataset-fashion-mnist"), std::string::npos) << r.err;
  // The directory came from the environment, so that is what the message says to change.
  EXPECT_NE(r.err.find("the directory " + (dir / "none") +
                       " is named by GRADFLOW_FASHION_MNIST_DIR. Point "
                       "GRADFLOW_FASHION_MNIST_DIR to the directory that holds the IDX files"),
            std::string::npos)
      << r.err;
}

TEST(EvalFashionMnist, CorruptDataSet) {
  TempDir dir;
  for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                           "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
    write_bytes(dir / name, "not gzip at all");
  }
  const ProgramResult r = run_gradflow({"train", "--data", "fashion-mnist", "--model", "mlp"},
                                       {"GRADFLOW_FASHION_MNIST_DIR=" + dir.path().string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("idx"), std::string::npos) << r.err;
}

}  // namespace
