// Module bookkeeping: parameter names and order (as PyTorch's state_dict), modes, zero_grad,
// functional_call.

#include "helpers.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/nn/nn.hpp>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace gradflow::nn {
namespace {

std::vector<std::pair<std::string, std::vector<std::int64_t>>> names_and_shapes(const Module& m) {
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
  for (const NamedTensor& p : m.named_parameters())
    out.emplace_back(p.name, p.tensor.shape().vec());
  return out;
}

// From torch_reference.py: [(k, list(v.shape)) for k, v in mlp().state_dict().items()].
TEST(Models, MlpNamesAndShapesMatchTorchReference) {
  Generator gen(0);
  const Sequential net = mlp({784, 256, 128, 10}, gen);
  EXPECT_EQ(names_and_shapes(net), (std::vector<std::pair<std::string, std::vector<std::int64_t>>>{
                                       {"1.weight", {256, 784}},
                                       {"1.bias", {256}},
                                       {"3.weight", {128, 256}},
                                       {"3.bias", {128}},
                                       {"5.weight", {10, 128}},
                                       {"5.bias", {10}}}));
  EXPECT_EQ(net.num_parameters(), 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
}

TEST(Models, CnnNamesAndShapesMatchTorchReference) {
  Generator gen(0);
  Sequential net = cnn(gen);
  EXPECT_EQ(names_and_shapes(net), (std::vector<std::pair<std::string, std::vector<std::int64_t>>>{
                                       {"0.weight", {16, 1, 5, 5}},
                                       {"0.bias", {16}},
                                       {"3.weight", {32, 16, 5, 5}},
                                       {"3.bias", {32}},
                                       {"7.weight", {128, 1568}},
                                       {"7.bias", {128}},
                                       {"9.weight", {10, 128}},
                                       {"9.bias", {10}}}));
  EXPECT_EQ(net(Tensor::zeros({2, 1, 28, 28})).shape(), (Shape{2, 10}));
}

// load_model checks a file against parameter_specs() before make_model() builds anything, so
// the two must describe the same parameters for every kind.
TEST(Models, ParameterSpecsAreWhatMakeModelBuilds) {
  const std::vector<std::vector<std::int64_t>> shapes{{2}, {1, 28, 28}, {3, 4}};
  for (ModelKind kind : {ModelKind::softmax, ModelKind::svm, ModelKind::mlp, ModelKind::cnn}) {
    for (const std::vector<std::int64_t>& shape : shapes) {
      if (kind == ModelKind::cnn && shape.size() != 3) continue;
      for (DType dtype : {DType::Float32, DType::Float64}) {
        Generator gen(0);
        const Sequential net = make_model(kind, shape, 7, gen, dtype);
        std::vector<std::tuple<std::string, data::DType, std::vector<std::int64_t>>> built;
        for (const NamedTensor& p : net.named_parameters()) {
          built.emplace_back(p.name, data_dtype(p.tensor.dtype()), p.tensor.shape().vec());
        }
        std::vector<std::tuple<std::string, data::DType, std::vector<std::int64_t>>> specified;
        for (const data::TensorSpec& s : parameter_specs(kind, shape, 7, dtype)) {
          specified.emplace_back(s.name, s.dtype, s.shape);
        }
        EXPECT_EQ(specified, built) << model_name(kind) << " " << data::shape_string(shape);
      }
    }
  }
  EXPECT_THROW(parameter_specs(ModelKind::cnn, {2}, 3), Error);
  EXPECT_THROW(parameter_specs(ModelKind::mlp, {2}, 0), Error);
  EXPECT_THROW(parameter_specs(ModelKind::mlp, {3037000500, 3037000500}, 3), Error);
  EXPECT_THROW(sample_features({0, 3}), Error);
  EXPECT_EQ(sample_features({1, 28, 28}), 784);
}

TEST(Models, MakeModelByName) {
  Generator gen(0);
  EXPECT_EQ(parse_model("svm"), ModelKind::svm);
  EXPECT_THROW(parse_model("resnet"), Error);
  EXPECT_EQ(default_loss(ModelKind::svm), Loss::hinge);
  EXPECT_EQ(make_model(ModelKind::mlp, {2}, 3, gen).describe(),
            "Sequential(Flatten(), Linear(2, 100), ReLU(), Linear(100, 3))");
  EXPECT_EQ(make_model(ModelKind::softmax, {1, 28, 28}, 10, gen).describe(),
            "Sequential(Flatten(), Linear(784, 10))");
  EXPECT_THROW(make_model(ModelKind::cnn, {2}, 3, gen), Error);
}

TEST(Module, TrainAndEvalReachEveryChild) {
  Sequential net;
  net.add(Linear(2, 2)).add(Dropout(0.5));
  EXPECT_TRUE(net[1].is_training());
  net.eval();
  EXPECT_FALSE(net.is_training());
  EXPECT_FALSE(net[1].is_training());
  net.train();
  EXPECT_TRUE(net[1].is_training());
}

TEST(Module, ZeroGradDropsEveryGradient) {
  Sequential net;
  net.add(Linear(3, 2)).add(ReLU()).add(Linear(2, 1));
  sum(net(Tensor::ones({4, 3}))).backward();
  for (const Tensor& p : net.parameters()) EXPECT_TRUE(p.grad().defined());
  net.zero_grad();
  for (const Tensor& p : net.parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Module, ParametersAreTheModulesOwnTensors) {
  Linear layer(2, 2);
  Tensor w = layer.parameters()[0];
  {
    NoGradGuard no_grad;
    w.fill_(3.0);
  }
  EXPECT_EQ(layer.weight().to_vector(), (std::vector<double>{3, 3, 3, 3}));
}

TEST(Module, FunctionalCallRestoresTheParameters) {
  Linear layer(2, 1, {.dtype = DType::Float64});
  const std::vector<double> before = layer.weight().to_vector();
  const Tensor x = tensor({1.0, 1.0}, {1, 2}, DType::Float64);
  const Tensor y = functional_call(
      layer, {Tensor::zeros({1, 2}, DType::Float64), Tensor::ones({1}, DType::Float64)}, x);
  EXPECT_EQ(y.to_vector(), (std::vector<double>{1.0}));
  EXPECT_EQ(layer.weight().to_vector(), before);
  EXPECT_THROW(functional_call(layer, {Tensor::zeros({2, 2})}, x), Error);
  EXPECT_EQ(layer.weight().to_vector(), before);
}

TEST(Module, MovingKeepsTheParameters) {
  Generator gen(3);
  Linear a(2, 2, gen);
  const std::vector<double> w = a.weight().to_vector();
  Sequential net;
  net.add(std::move(a));
  EXPECT_EQ(net.named_parameters()[0].tensor.to_vector(), w);
}

}  // namespace
}  // namespace gradflow::nn
