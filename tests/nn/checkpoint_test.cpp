// Checkpoints rebuild their model from the metadata; metrics rows are CSV.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/nn.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

namespace gradflow::nn {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("gradflow_nn_" + std::to_string(::getpid()) + "_" + name);
}

TEST(Checkpoint, RebuildsTheModelFromTheMetadata) {
  Generator gen(7);
  const ModelSpec spec{ModelKind::cnn, {1, 28, 28}, 10};
  Sequential net = make_model(spec.kind, spec.sample_shape, spec.classes, gen);
  const fs::path path = temp_file("cnn.safetensors");
  save_model(net, spec, path, {{"note", "test"}});
  LoadedModel loaded = load_model(path);
  fs::remove(path);
  EXPECT_EQ(loaded.spec.kind, ModelKind::cnn);
  EXPECT_EQ(loaded.spec.sample_shape, (std::vector<std::int64_t>{1, 28, 28}));
  EXPECT_EQ(loaded.spec.classes, 10);
  EXPECT_EQ(loaded.metadata.at("note"), "test");
  EXPECT_EQ(loaded.model.parameters()[2].to_vector(), net.parameters()[2].to_vector());
}

TEST(Checkpoint, FileWithoutSpecSaysSo) {
  Generator gen(7);
  const fs::path path = temp_file("plain.safetensors");
  save(mlp({2, 3, 2}, gen), path);
  try {
    load_model(path);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("gradflow.model"), std::string::npos) << e.what();
  }
  fs::remove(path);
  EXPECT_THROW(
      spec_from_metadata(
          {{"gradflow.model", "mlp"}, {"gradflow.sample_shape", "1,x"}, {"gradflow.classes", "10"}},
          "f"),
      Error);
}

TEST(Metrics, CsvRows) {
  EpochMetrics m;
  m.epoch = 3;
  m.loss = 0.5;
  m.train_accuracy = 0.75;
  m.test_loss = m.test_accuracy = std::numeric_limits<double>::quiet_NaN();
  m.lr = 0.001;
  m.seconds = 2;
  m.samples_per_second = 100;
  EXPECT_EQ(metrics_csv_header(),
            "epoch,loss,train_accuracy,test_loss,test_accuracy,lr,seconds,samples_per_second");
  EXPECT_EQ(metrics_csv_row(m), "3,0.5,0.75,,,0.001,2,100");
}

}  // namespace
}  // namespace gradflow::nn
