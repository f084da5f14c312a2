// The reference architectures. Layer order (and so the parameter names) follows
// torch_reference.py exactly: Flatten is layer 0 of the MLP there, hence "1.weight".

#include <gradflow/core/error.hpp>
#include <gradflow/nn/activation.hpp>
#include <gradflow/nn/arrays.hpp>
#include <gradflow/nn/conv.hpp>
#include <gradflow/nn/flatten.hpp>
#include <gradflow/nn/linear.hpp>
#include <gradflow/nn/models.hpp>
#include <gradflow/nn/serialize.hpp>

#include <cstdint>
#include <iterator>
#include <limits>
#include <string>

namespace gradflow::nn {

namespace {

// torch_reference.py's cnn(), written once for cnn() and parameter_specs(): two conv5x5 stages
// (padding 2 keeps 28x28, each max pool halves it), then Linear(32 * 7 * 7, 128) and the classes.
struct ConvStage {
  std::int64_t in_channels, out_channels;
};
constexpr ConvStage kCnnStages[] = {{1, 16}, {16, 32}};
constexpr std::int64_t kCnnKernel = 5;
constexpr std::int64_t kCnnPadding = 2;
constexpr std::int64_t kCnnFeatures = 32 * 7 * 7;
constexpr std::int64_t kCnnHidden = 128;

// Sequential indices: the CNN's layers before its first Linear (conv, ReLU, pool twice, then
// Flatten), and the one Flatten before an MLP's.
constexpr std::size_t kCnnFirstLinear = 7;
constexpr std::size_t kCnnConvIndex[] = {0, 3};
constexpr std::size_t kMlpFirstLinear = 1;

// The widths of the Linear layers a kind stacks, input first: the one place that says them, so
// that make_model() and parameter_specs() cannot disagree.
std::vector<std::int64_t> linear_widths(ModelKind kind,
                                        const std::vector<std::int64_t>& sample_shape,
                                        std::int64_t classes) {
  const std::int64_t features = sample_features(sample_shape);
  const bool image = sample_shape.size() == 3;
  switch (kind) {
    case ModelKind::softmax:
    case ModelKind::svm: return {features, classes};
    case ModelKind::mlp:
      return image ? std::vector<std::int64_t>{features, 256, 128, classes}
                   : std::vector<std::int64_t>{features, 100, classes};
    case ModelKind::cnn:
      if (sample_shape != std::vector<std::int64_t>{1, 28, 28}) {
        detail::fail("the cnn model takes 1x28x28 images (fashion-mnist), not samples of shape " +
                     data::shape_string(sample_shape));
      }
      return {kCnnFeatures, kCnnHidden, classes};
  }
  detail::fail("make_model: unknown model kind");
}

}  // namespace

std::string_view model_name(ModelKind kind) noexcept {
  switch (kind) {
    case ModelKind::softmax: return "softmax";
    case ModelKind::svm: return "svm";
    case ModelKind::mlp: return "mlp";
    case ModelKind::cnn: return "cnn";
  }
  return "?";
}

ModelKind parse_model(std::string_view name) {
  for (ModelKind k : {ModelKind::softmax, ModelKind::svm, ModelKind::mlp, ModelKind::cnn}) {
    if (name == model_name(k)) return k;
  }
  detail::fail("unknown model \"" + detail::printable(name) + "\"; choose softmax, svm, mlp or cnn");
}

Loss default_loss(ModelKind kind) noexcept {
  return kind == ModelKind::svm ? Loss::hinge : Loss::cross_entropy;
}

Sequential linear_classifier(std::int64_t features, std::int64_t classes, Generator& gen,
                             DType dtype) {
  Sequential net;
  net.add(Flatten()).add(Linear(features, classes, gen, {.dtype = dtype}));
  return net;
}

Sequential mlp(const std::vector<std::int64_t>& sizes, Generator& gen, DType dtype) {
  if (sizes.size() < 2) detail::fail("mlp: needs at least an input and an output size");
  Sequential net;
  net.add(Flatten());
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    if (i > 0) net.add(ReLU());
    net.add(Linear(sizes[i], sizes[i + 1], gen, {.dtype = dtype}));
  }
  return net;
}

Sequential cnn(Generator& gen, std::int64_t classes, DType dtype) {
  const Conv2dOptions conv{.padding = kCnnPadding, .dtype = dtype};
  Sequential net;
  for (const ConvStage& stage : kCnnStages) {
    net.add(Conv2d(stage.in_channels, stage.out_channels, kCnnKernel, gen, conv))
        .add(ReLU())
        .add(MaxPool2d(2));
  }
  net.add(Flatten());
  net.add(Linear(kCnnFeatures, kCnnHidden, gen, {.dtype = dtype})).add(ReLU());
  net.add(Linear(kCnnHidden, classes, gen, {.dtype = dtype}));
  return net;
}

std::int64_t sample_features(const std::vector<std::int64_t>& sample_shape) {
  // Checked: the shape may come from a checkpoint's metadata, and a product that wraps would
  // be undefined behaviour and then a wrong (or huge) layer.
  std::int64_t features = 1;
  for (std::int64_t d : sample_shape) {
    if (d < 1) {
      detail::fail("sample shape " + data::shape_string(sample_shape) +
                   ": every dimension must be positive");
    }
    if (features > std::numeric_limits<std::int64_t>::max() / d) {
      detail::fail("sample shape " + data::shape_string(sample_shape) +
                   " has more elements than a 64-bit count holds");
    }
    features *= d;
  }
  return features;
}

Sequential make_model(ModelKind kind, const std::vector<std::int64_t>& sample_shape,
                      std::int64_t classes, Generator& gen, DType dtype) {
  const std::vector<std::int64_t> widths = linear_widths(kind, sample_shape, classes);
  switch (kind) {
    case ModelKind::softmax:
    case ModelKind::svm: return linear_classifier(widths[0], widths[1], gen, dtype);
    case ModelKind::mlp: return mlp(widths, gen, dtype);
    case ModelKind::cnn: return cnn(gen, classes, dtype);
  }
  detail::fail("make_model: unknown model kind");
}

std::vector<data::TensorSpec> parameter_specs(ModelKind kind,
                                              const std::vector<std::int64_t>& sample_shape,
                                              std::int64_t classes, DType dtype) {
  if (classes < 1) {
    detail::fail("parameter_specs: " + std::to_string(classes) +
                 " classes; a model needs 1 or more");
  }
  const std::vector<std::int64_t> widths = linear_widths(kind, sample_shape, classes);
  const data::DType stored = data_dtype(dtype);
  std::vector<data::TensorSpec> specs;
  // Every layer here has a weight whose first dimension is its outputs, and a bias of that size.
  const auto layer = [&](std::size_t index, std::vector<std::int64_t> weight) {
    const std::string prefix = std::to_string(index) + ".";
    const std::int64_t outputs = weight.front();
    specs.push_back({prefix + "weight", stored, std::move(weight)});
    specs.push_back({prefix + "bias", stored, {outputs}});
  };
  std::size_t first_linear = kMlpFirstLinear;
  if (kind == ModelKind::cnn) {
    for (std::size_t i = 0; i < std::size(kCnnStages); ++i) {
      layer(kCnnConvIndex[i], {kCnnStages[i].out_channels, kCnnStages[i].in_channels, kCnnKernel,
                               kCnnKernel});
    }
    first_linear = kCnnFirstLinear;
  }
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    layer(first_linear + 2 * i, {widths[i + 1], widths[i]});  // Linear, then ReLU (but the last)
  }
  return specs;
}

void load_spiral_init(Sequential& model, const data::SpiralInit& init) {
  const auto transposed = [&](const data::Array& w) {
    return to_array(to_tensor(w, DType::Float64).t());
  };
  const auto row = [&](const data::Array& b) {
    return to_array(to_tensor(b, DType::Float64).flatten());
  };
  data::NamedArrays state{{"1.weight", transposed(init.w1)},
                          {"1.bias", row(init.b1)},
                          {"3.weight", transposed(init.w2)},
                          {"3.bias", row(init.b2)}};
  // The init is float64; the model may be float32: convert to the model's dtypes first.
  for (const NamedTensor& p : model.named_parameters()) {
    auto it = state.find(p.name);
    if (it != state.end()) it->second = to_array(to_tensor(it->second, p.tensor.dtype()));
  }
  load_state_dict(model, state, "the spiral case study's init");
}

}  // namespace gradflow::nn
