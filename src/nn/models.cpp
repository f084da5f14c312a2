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

#include <string>

namespace gradflow::nn {

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
  detail::fail("unknown model \"" + std::string(name) + "\"; choose softmax, svm, mlp or cnn");
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
  const Conv2dOptions conv{.padding = 2, .dtype = dtype};
  Sequential net;
  net.add(Conv2d(1, 16, 5, gen, conv)).add(ReLU()).add(MaxPool2d(2));
  net.add(Conv2d(16, 32, 5, gen, conv)).add(ReLU()).add(MaxPool2d(2));
  net.add(Flatten());
  net.add(Linear(32 * 7 * 7, 128, gen, {.dtype = dtype})).add(ReLU());
  net.add(Linear(128, classes, gen, {.dtype = dtype}));
  return net;
}

Sequential make_model(ModelKind kind, const std::vector<std::int64_t>& sample_shape,
                      std::int64_t classes, Generator& gen, DType dtype) {
  std::int64_t features = 1;
  for (std::int64_t d : sample_shape) features *= d;
  const bool image = sample_shape.size() == 3;
  switch (kind) {
    case ModelKind::softmax:
    case ModelKind::svm: return linear_classifier(features, classes, gen, dtype);
    case ModelKind::mlp:
      return image ? mlp({features, 256, 128, classes}, gen, dtype)
                   : mlp({features, 100, classes}, gen, dtype);
    case ModelKind::cnn:
      if (sample_shape != std::vector<std::int64_t>{1, 28, 28}) {
        detail::fail("the cnn model takes 1x28x28 images (fashion-mnist), not samples of shape " +
                     data::shape_string(sample_shape));
      }
      return cnn(gen, classes, dtype);
  }
  detail::fail("make_model: unknown model kind");
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
