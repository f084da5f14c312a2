// Save/load: a bit-exact round trip through a safetensors file, and the error messages of a
// file that does not fit the model.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/nn.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

namespace gradflow::nn {
namespace {

namespace fs = std::filesystem;

class Serialize : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("gradflow_nn_serialize_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path file(const std::string& name) const { return dir_ / name; }

  static std::string error_of(Module& m, const fs::path& path) {
    try {
      load(m, path);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }

 private:
  fs::path dir_;
};

void expect_bit_equal(const Module& a, const Module& b) {
  const std::vector<NamedTensor> pa = a.named_parameters();
  const std::vector<NamedTensor> pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) {
    ASSERT_EQ(pa[i].tensor.dtype(), pb[i].tensor.dtype());
    const auto bytes =
        static_cast<std::size_t>(pa[i].tensor.numel()) * dtype_size(pa[i].tensor.dtype());
    EXPECT_EQ(
        std::memcmp(pa[i].tensor.impl().storage->data, pb[i].tensor.impl().storage->data, bytes), 0)
        << pa[i].name;
  }
}

TEST_F(Serialize, RoundTripIsBitExact) {
  Generator g1(1), g2(2);
  Sequential saved = cnn(g1);
  Sequential loaded = cnn(g2);
  save(saved, file("cnn.safetensors"), {{"model", "cnn"}});
  const data::Metadata meta = load(loaded, file("cnn.safetensors"));
  EXPECT_EQ(meta.at("model"), "cnn");
  expect_bit_equal(saved, loaded);
}

TEST_F(Serialize, Float64RoundTrip) {
  Generator g1(1), g2(2);
  Sequential saved = mlp({3, 4, 2}, g1, DType::Float64);
  Sequential loaded = mlp({3, 4, 2}, g2, DType::Float64);
  save(saved, file("mlp64.safetensors"));
  load(loaded, file("mlp64.safetensors"));
  expect_bit_equal(saved, loaded);
}

TEST_F(Serialize, StateDictUsesPytorchNames) {
  Generator gen(0);
  const data::NamedArrays sd = state_dict(mlp({4, 3, 2}, gen));
  std::vector<std::string> names;
  for (const auto& [name, array] : sd) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"1.bias", "1.weight", "3.bias", "3.weight"}));
  EXPECT_EQ(sd.at("1.weight").shape, (std::vector<std::int64_t>{3, 4}));
}

TEST_F(Serialize, AnotherArchitectureSaysWhichTensorDiffers) {
  Generator gen(0);
  save(mlp({784, 256, 128, 10}, gen), file("mlp.safetensors"));
  Sequential wider = mlp({784, 300, 128, 10}, gen);
  const std::vector<double> before = wider.parameters()[0].to_vector();
  const std::string shape_error = error_of(wider, file("mlp.safetensors"));
  EXPECT_NE(shape_error.find("1.weight"), std::string::npos) << shape_error;
  EXPECT_NE(shape_error.find("mlp.safetensors"), std::string::npos) << shape_error;
  EXPECT_EQ(wider.parameters()[0].to_vector(), before);  // nothing changed

  Sequential conv = cnn(gen);
  const std::string name_error = error_of(conv, file("mlp.safetensors"));
  EXPECT_NE(name_error.find("0.weight"), std::string::npos) << name_error;

  Sequential same64 = mlp({784, 256, 128, 10}, gen, DType::Float64);
  const std::string dtype_error = error_of(same64, file("mlp.safetensors"));
  EXPECT_NE(dtype_error.find("F32"), std::string::npos) << dtype_error;
  EXPECT_NE(dtype_error.find("F64"), std::string::npos) << dtype_error;
}

TEST_F(Serialize, MissingAndCorruptFilesAreErrors) {
  Generator gen(0);
  Sequential net = mlp({2, 3, 2}, gen);
  EXPECT_NE(error_of(net, file("absent.safetensors")).find("absent.safetensors"),
            std::string::npos);
  save(net, file("ok.safetensors"));
  fs::resize_file(file("ok.safetensors"), fs::file_size(file("ok.safetensors")) - 4);
  EXPECT_THROW(load(net, file("ok.safetensors")), Error);
}

}  // namespace
}  // namespace gradflow::nn
