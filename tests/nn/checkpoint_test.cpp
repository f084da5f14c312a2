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

// A valid checkpoint of `spec` whose metadata then has `key` set to `value`, as a hand edit
// would leave it: the tensors stay those of the original spec.
fs::path crafted_checkpoint(const ModelSpec& spec, const std::string& key,
                            const std::string& value) {
  Generator gen(7);
  const fs::path path = temp_file("crafted.safetensors");
  save_model(make_model(spec.kind, spec.sample_shape, spec.classes, gen), spec, path);
  data::SafetensorsFile file = data::load_safetensors(path);
  file.metadata[key] = value;
  data::save_safetensors(path, file.tensors, file.metadata);
  return path;
}

std::string load_error(const fs::path& path) {
  std::string what = "no error";
  try {
    load_model(path);
  } catch (const Error& e) {
    what = e.what();
  }
  fs::remove(path);
  return what;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Metadata that asks for layers far larger than the stored tensors (or for sizes that overflow)
// is an error before any layer is built: under ASan, building them aborted the process.
TEST(Checkpoint, MetadataThatDisagreesWithTheTensorsIsAnErrorBeforeAnyAllocation) {
  const ModelSpec spiral_softmax{ModelKind::softmax, {2}, 3};
  for (const std::string classes : {"4000000000", "1000000000000", "4"}) {
    const std::string e =
        load_error(crafted_checkpoint(spiral_softmax, "gradflow.classes", classes));
    EXPECT_TRUE(contains(e, "stored tensors differ")) << e;
    EXPECT_TRUE(contains(e, "[" + classes + ",2]")) << e;  // the expected shape of 1.weight
  }
  for (const std::string shape : {"100000000000", "1000,1000,1000", "3"}) {
    const std::string e =
        load_error(crafted_checkpoint(spiral_softmax, "gradflow.sample_shape", shape));
    EXPECT_TRUE(contains(e, "stored tensors differ")) << e;
  }
  const ModelSpec spiral_mlp{ModelKind::mlp, {2}, 3};
  const std::string mlp_classes =
      load_error(crafted_checkpoint(spiral_mlp, "gradflow.classes", "4000000000"));
  EXPECT_TRUE(contains(mlp_classes,
                       "tensor '3.weight' has shape [3,100], expected [4000000000,100]"))
      << mlp_classes;
  const std::string mlp_shape =
      load_error(crafted_checkpoint(spiral_mlp, "gradflow.sample_shape", "1,100000,100000"));
  EXPECT_TRUE(contains(mlp_shape, "stored tensors differ")) << mlp_shape;
  const ModelSpec cnn_spec{ModelKind::cnn, {1, 28, 28}, 10};
  const std::string cnn_classes =
      load_error(crafted_checkpoint(cnn_spec, "gradflow.classes", "4000000000"));
  EXPECT_TRUE(contains(cnn_classes, "tensor '9.weight' has shape [10,128]")) << cnn_classes;
  const std::string cnn_shape =
      load_error(crafted_checkpoint(cnn_spec, "gradflow.sample_shape", "1,280000,280000"));
  EXPECT_TRUE(contains(cnn_shape, "cannot build")) << cnn_shape;
  const std::string cnn_as_mlp =
      load_error(crafted_checkpoint(cnn_spec, "gradflow.model", "mlp"));
  EXPECT_TRUE(contains(cnn_as_mlp, "stored tensors differ")) << cnn_as_mlp;
}

TEST(Checkpoint, MetadataNumbersOutOfRangeAreErrors) {
  const ModelSpec spiral_softmax{ModelKind::softmax, {2}, 3};
  // The product of the sample shape overflows int64 (it was signed overflow in make_model).
  const std::string product = load_error(
      crafted_checkpoint(spiral_softmax, "gradflow.sample_shape", "3037000500,3037000500"));
  EXPECT_TRUE(contains(product, "gradflow.sample_shape")) << product;
  EXPECT_TRUE(contains(product, "64-bit")) << product;
  for (const std::string classes : {"9223372036854775808", "0", "-3"}) {
    const std::string e =
        load_error(crafted_checkpoint(spiral_softmax, "gradflow.classes", classes));
    EXPECT_TRUE(contains(e, "\"gradflow.classes\" = \"" + classes + "\"")) << e;
  }
  // Many dimensions, or a long value, do not make a message as long as the file.
  std::string many = "1";
  for (int i = 0; i < 10000; ++i) many += ",1";
  const std::string dims =
      load_error(crafted_checkpoint(spiral_softmax, "gradflow.sample_shape", many));
  EXPECT_TRUE(contains(dims, "more than 8 dimensions")) << dims;
  EXPECT_LT(dims.size(), 300u) << dims;
  const std::string long_value =
      load_error(crafted_checkpoint(spiral_softmax, "gradflow.classes", std::string(10000, '7')));
  EXPECT_TRUE(contains(long_value, "(10000 characters)")) << long_value;
  EXPECT_LT(long_value.size(), 300u) << long_value;
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
