// Every layer: the shape of its output, and a gradient check of its input and parameters on
// tiny float64 inputs.

#include "helpers.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/nn/nn.hpp>

#include <bit>
#include <cmath>
#include <cstdint>

namespace gradflow::nn {
namespace {

using test::expect_gradcheck;
using test::uniform64;

constexpr DType f64 = DType::Float64;

/// The bit patterns of a tensor's values (float32 values widen exactly, signs of 0 kept).
std::vector<std::uint64_t> bits(const Tensor& t) {
  std::vector<std::uint64_t> out;
  for (double v : t.to_vector()) out.push_back(std::bit_cast<std::uint64_t>(v));
  return out;
}

TEST(Linear, ShapeAndGradcheck) {
  Generator gen(1);
  Linear layer(4, 3, gen, {.dtype = f64});
  EXPECT_EQ(layer.weight().shape(), (Shape{3, 4}));
  EXPECT_EQ(layer.bias().shape(), (Shape{3}));
  const Tensor x = uniform64({2, 4}, 2);
  EXPECT_EQ(layer(x).shape(), (Shape{2, 3}));
  expect_gradcheck(layer, x);
}

TEST(Linear, WithoutBias) {
  Generator gen(1);
  Linear layer(3, 2, gen, {.bias = false, .dtype = f64});
  EXPECT_FALSE(layer.bias().defined());
  EXPECT_EQ(layer.parameters().size(), 1u);
  expect_gradcheck(layer, uniform64({5, 3}, 3));
}

TEST(Linear, ComputesXWTransposedPlusB) {
  Linear layer(2, 1, {.dtype = f64});
  Tensor w = layer.weight();
  Tensor b = layer.bias();
  {
    NoGradGuard no_grad;
    w.copy_(tensor({2.0, -1.0}, {1, 2}, f64));
    b.copy_(tensor({0.5}, f64));
  }
  EXPECT_EQ(layer(tensor({3.0, 4.0}, {1, 2}, f64)).to_vector(), (std::vector<double>{2.5}));
}

TEST(Linear, WrongInputSizeNamesTheLayerAndShape) {
  Linear layer(4, 3);
  try {
    layer(Tensor::zeros({2, 5}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Linear(4, 3)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2,5]"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("Flatten"), std::string::npos) << e.what();
  }
  // Images whose pixels are the features: the message says to flatten them.
  const auto message_of = [&](const Tensor& input) -> std::string {
    try {
      layer(input);
    } catch (const Error& e) {
      return e.what();
    }
    return "no Error";
  };
  EXPECT_EQ(message_of(Tensor::zeros({3, 2, 2})),
            "Linear(4, 3): the input of shape [3,2,2] should end in 4 features; flatten it "
            "first (nn::Flatten)");
  // A dtype that differs from the parameters' is named as such, not as a matmul mismatch.
  EXPECT_EQ(message_of(Tensor::zeros({2, 4}, DType::Float64)),
            "Linear(4, 3): the input is Float64 [2,4] and the layer's parameters are Float32; "
            "convert the input with .to(DType::Float32) or build the layer with that dtype");
}

TEST(Conv2d, ShapeAndGradcheck) {
  Generator gen(4);
  Conv2d layer(2, 3, 3, gen, {.padding = 1, .dtype = f64});
  EXPECT_EQ(layer.weight().shape(), (Shape{3, 2, 3, 3}));
  const Tensor x = uniform64({2, 2, 4, 4}, 5);
  EXPECT_EQ(layer(x).shape(), (Shape{2, 3, 4, 4}));
  expect_gradcheck(layer, x);
}

TEST(Conv2d, StrideWithoutPadding) {
  Generator gen(6);
  Conv2d layer(1, 2, 2, gen, {.stride = 2, .dtype = f64});
  const Tensor x = uniform64({1, 1, 5, 5}, 7);
  EXPECT_EQ(layer(x).shape(), (Shape{1, 2, 2, 2}));
  expect_gradcheck(layer, x);
}

TEST(Conv2d, WrongChannelsNamesTheLayer) {
  Conv2d layer(3, 4, 3);
  EXPECT_THROW(layer(Tensor::zeros({1, 1, 8, 8})), Error);
  EXPECT_THROW(layer(Tensor::zeros({3, 8, 8})), Error);
}

TEST(MaxPool2d, ShapeAndGradcheck) {
  MaxPool2d pool(2);
  const Tensor x = uniform64({2, 2, 4, 6}, 8);
  EXPECT_EQ(pool(x).shape(), (Shape{2, 2, 2, 3}));
  expect_gradcheck(pool, x);
}

TEST(Flatten, MergesAllButTheBatchAxis) {
  Flatten flatten;
  const Tensor x = uniform64({2, 3, 2, 2}, 9);
  EXPECT_EQ(flatten(x).shape(), (Shape{2, 12}));
  EXPECT_EQ(flatten(uniform64({4, 5}, 1)).shape(), (Shape{4, 5}));
  expect_gradcheck(flatten, x);
}

TEST(Activations, ShapeValuesAndGradcheck) {
  // Inputs kept away from 0, where ReLU has its kink.
  const Tensor x = tensor({-1.5, -0.5, 0.25, 2.0, 0.75, -0.3}, {2, 3}, f64);
  ReLU relu_layer;
  Sigmoid sigmoid_layer;
  Tanh tanh_layer;
  EXPECT_EQ(relu_layer(x).to_vector(), (std::vector<double>{0, 0, 0.25, 2.0, 0.75, 0}));
  EXPECT_DOUBLE_EQ(sigmoid_layer(x).to_vector()[3], 1.0 / (1.0 + std::exp(-2.0)));
  EXPECT_DOUBLE_EQ(tanh_layer(x).to_vector()[0], std::tanh(-1.5));
  for (Module* m : std::initializer_list<Module*>{&relu_layer, &sigmoid_layer, &tanh_layer}) {
    EXPECT_EQ((*m)(x).shape(), x.shape());
    expect_gradcheck(*m, x);
  }
}

TEST(Dropout, DropsAboutPAndScalesTheRest) {
  Dropout dropout(0.25, 3);
  const Tensor x = Tensor::ones({100, 100}, f64);
  const std::vector<double> y = dropout(x).to_vector();
  int zeros = 0;
  for (double v : y) {
    if (v == 0.0) {
      ++zeros;
    } else {
      EXPECT_DOUBLE_EQ(v, 1.0 / 0.75);
    }
  }
  EXPECT_NEAR(zeros / 10000.0, 0.25, 0.02);
}

TEST(Dropout, EvalModeIsTheIdentityAndSeedsRepeat) {
  Dropout a(0.5, 11);
  Dropout b(0.5, 11);
  const Tensor x = uniform64({4, 8}, 12);
  EXPECT_EQ(a(x).to_vector(), b(x).to_vector());
  a.eval();
  EXPECT_EQ(a(x).to_vector(), x.to_vector());
  EXPECT_THROW(Dropout(1.0), Error);
}

TEST(Dropout, GradientFlowsThroughKeptElementsOnly) {
  // The same seed in every evaluation makes the mask a constant of the function.
  const TensorFunction f = [](const std::vector<Tensor>& in) {
    Dropout dropout(0.5, 13);
    return dropout(in[0]);
  };
  const TensorGradcheckResult r = tensor_gradcheck(f, {uniform64({3, 4}, 14)});
  EXPECT_TRUE(r.passed) << r.report;
}

TEST(Sequential, ChainsAndGradchecksAWholeModel) {
  Generator gen(15);
  Sequential net;
  net.add(Linear(4, 6, gen, {.dtype = f64})).add(Tanh()).add(Linear(6, 3, gen, {.dtype = f64}));
  EXPECT_EQ(net.size(), 3u);
  EXPECT_EQ(net.describe(), "Sequential(Linear(4, 6), Tanh(), Linear(6, 3))");
  const Tensor x = uniform64({5, 4}, 16);
  EXPECT_EQ(net(x).shape(), (Shape{5, 3}));
  expect_gradcheck(net, x);
}

TEST(Sequential, PoolsBeforeItsReLUWithTheOpsValuesAndGradients) {
  // Sequential runs ReLU, MaxPool2d as MaxPool2d, ReLU (Note [ReLU before max pooling]). Against
  // the ops in the written order, bit for bit, on windows that are: all negative, tied at 0,
  // tied between positives, mixed, and holding a NaN.
  const std::vector<double> values{-3, -1, 0,  0,  //
                                   -2, -5, 0,  0,  //
                                   2,  7,  -1, 4,  //
                                   7,  1,  4,  -9,  //
                                   5,  -1, 1, std::nan(""),  //
                                   -2, 3,  2,  -1};
  for (const DType dtype : {DType::Float32, DType::Float64}) {
    Sequential net;
    net.add(ReLU()).add(MaxPool2d(2));
    const Tensor weights = tensor({1.5, -2.0, 0.25, 3.0, -1.0, 0.5}, {1, 1, 3, 2}, dtype);
    Tensor x1 = tensor(values, {1, 1, 6, 4}, dtype).requires_grad_();
    Tensor x2 = x1.detach().requires_grad_();
    const Tensor by_module = net(x1);
    const Tensor by_ops = max_pool2d(relu(x2), 2);
    sum(by_module * weights).backward();
    sum(by_ops * weights).backward();
    const std::vector<double> out1 = by_module.to_vector(), out2 = by_ops.to_vector();
    const std::vector<double> g1 = x1.grad().to_vector(), g2 = x2.grad().to_vector();
    ASSERT_EQ(out1.size(), out2.size());
    for (std::size_t i = 0; i < out1.size(); ++i) {
      EXPECT_TRUE(out1[i] == out2[i] || (std::isnan(out1[i]) && std::isnan(out2[i]))) << i;
    }
    ASSERT_EQ(g1.size(), g2.size());
    for (std::size_t i = 0; i < g1.size(); ++i) EXPECT_EQ(g1[i], g2[i]) << "element " << i;
    new_graph();
  }
}

TEST(Sequential, FusesAConvIntoItsPoolWithTheOpsValuesAndGradients) {
  // Note [Conv2d into MaxPool2d]: conv, ReLU, pool and conv, pool, against the ops as written.
  for (const DType dtype : {DType::Float32, DType::Float64}) {
    Generator gen(21);
    Sequential net;
    net.add(Conv2d(2, 3, 3, gen, {.padding = 1, .dtype = dtype})).add(ReLU()).add(MaxPool2d(2));
    net.add(Conv2d(3, 2, 3, gen, {.padding = 1, .dtype = dtype})).add(MaxPool2d(3, 2, 1));
    std::vector<Tensor> params;
    for (const Tensor& p : net.parameters()) params.push_back(p.detach().requires_grad_());
    Tensor x1 = Tensor::randn({5, 2, 8, 8}, gen, dtype).requires_grad_();
    Tensor x2 = x1.detach().requires_grad_();
    const Tensor by_module = net(x1);
    const Tensor by_ops = max_pool2d(
        conv2d(max_pool2d(relu(conv2d(x2, params[0], params[1], 1, 1)), 2), params[2], params[3],
               1, 1),
        3, 2, 1);
    const Tensor weights = Tensor::randn(by_ops.shape(), gen, dtype);
    sum(by_module * weights).backward();
    sum(by_ops * weights).backward();
    // Bit patterns: the conv's backward erases the sign of a zero that the ReLU's swap may
    // change, so here even the gradients are the same bits.
    EXPECT_EQ(bits(by_module), bits(by_ops));
    EXPECT_EQ(bits(x1.grad()), bits(x2.grad()));
    const std::vector<Tensor> module_params = net.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      EXPECT_EQ(bits(module_params[i].grad()), bits(params[i].grad())) << i;
    }
    new_graph();
  }
}

/// A subclass computes something else: Sequential must run it as written.
class AbsoluteValue : public ReLU {
 public:
  Tensor forward(const Tensor& input) override { return abs(input); }
};

TEST(Sequential, RunsSubclassesAsWritten) {
  Sequential net;
  net.add(AbsoluteValue()).add(MaxPool2d(2));
  const Tensor x = uniform64({1, 2, 4, 4}, 24);
  EXPECT_EQ(net(x).to_vector(), max_pool2d(abs(x), 2).to_vector());
}

TEST(Sequential, AFusedConvAndPoolNameBothLayersInErrors) {
  Generator gen(22);
  Sequential net;
  net.add(Conv2d(1, 2, 3, gen, {.dtype = f64})).add(MaxPool2d(4));
  try {
    (void)net(uniform64({1, 1, 5, 5}, 23));
    ADD_FAILURE() << "a 4x4 pool of a 3x3 conv output must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Conv2d(1, 2, kernel_size=3) followed by "
                                         "MaxPool2d(kernel_size=4): conv2d_max_pool2d: kernel 4 "
                                         "is larger than the padded input [1,2,3,3]"),
              std::string::npos)
        << e.what();
  }
}

TEST(Sequential, AFusedConvReluAndPoolNameAllThreeLayersInErrors) {
  Generator gen(22);
  Sequential net;
  net.add(Conv2d(1, 2, 3, gen, {.dtype = f64})).add(ReLU()).add(MaxPool2d(4));
  try {
    (void)net(uniform64({1, 1, 5, 5}, 23));
    ADD_FAILURE() << "a 4x4 pool of a 3x3 conv output must be refused";
  } catch (const Error& e) {
    const std::string relu = ReLU().describe();
    EXPECT_NE(std::string(e.what()).find("Conv2d(1, 2, kernel_size=3) followed by " + relu +
                                         " and MaxPool2d(kernel_size=4): conv2d_max_pool2d: "),
              std::string::npos)
        << e.what();
  }
}

TEST(Sequential, ConvNetThroughALoss) {
  // A miniature of the reference CNN, differentiated through the loss as in training.
  Generator gen(17);
  Sequential net;
  net.add(Conv2d(1, 2, 3, gen, {.padding = 1, .dtype = f64})).add(ReLU()).add(MaxPool2d(2));
  net.add(Flatten()).add(Linear(2 * 2 * 2, 3, gen, {.dtype = f64}));
  const Tensor x = uniform64({2, 1, 4, 4}, 18);
  const std::vector<std::int64_t> labels{2, 0};
  std::vector<Tensor> inputs;
  for (const Tensor& p : net.parameters()) inputs.push_back(p.detach());
  const TensorFunction f = [&](const std::vector<Tensor>& params) {
    return cross_entropy(functional_call(net, params, x), labels);
  };
  const TensorGradcheckResult r = tensor_gradcheck(f, inputs);
  EXPECT_TRUE(r.passed) << r.report;
}

}  // namespace
}  // namespace gradflow::nn
