#pragma once
/// @file
/// The models of issue 5 and ../shared/peers/torch_reference.py, layer for layer, so parameter
/// names and shapes match the PyTorch reference's state_dict and the two can be compared.

#include <gradflow/data/safetensors.hpp>
#include <gradflow/data/spiral.hpp>
#include <gradflow/nn/loss.hpp>
#include <gradflow/nn/sequential.hpp>
#include <gradflow/tensor/dtype.hpp>
#include <gradflow/tensor/random.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace gradflow::nn {

/// The architectures `gradflow train --model` offers.
enum class ModelKind {
  softmax,  // linear classifier, softmax cross-entropy loss
  svm,      // linear classifier, multiclass SVM (hinge) loss
  mlp,      // 784-256-128-10 ReLU (2-100-3 on spiral)
  cnn,      // two conv5x5-ReLU-maxpool2 stages, then 1568-128-10 (28x28 images only)
};

/// "softmax", "svm", "mlp", "cnn".
std::string_view model_name(ModelKind kind) noexcept;
/// The kind of a name; throws Error listing the names for any other.
ModelKind parse_model(std::string_view name);
/// The loss a kind trains with: hinge for svm, cross-entropy otherwise.
Loss default_loss(ModelKind kind) noexcept;

/// Flatten, Linear(features, classes): parameters "1.weight", "1.bias".
Sequential linear_classifier(std::int64_t features, std::int64_t classes, Generator& gen,
                             DType dtype = DType::Float32);

/// Flatten, then Linear-ReLU pairs through `sizes` ({784, 256, 128, 10}: Linear(784, 256),
/// ReLU, Linear(256, 128), ReLU, Linear(128, 10)), as torch_reference.py's mlp(). Throws Error
/// for fewer than 2 sizes.
Sequential mlp(const std::vector<std::int64_t>& sizes, Generator& gen,
               DType dtype = DType::Float32);

/// torch_reference.py's cnn() for [N, 1, 28, 28]: Conv2d(1, 16, 5, pad 2), ReLU, MaxPool2d(2),
/// Conv2d(16, 32, 5, pad 2), ReLU, MaxPool2d(2), Flatten, Linear(1568, 128), ReLU,
/// Linear(128, classes).
Sequential cnn(Generator& gen, std::int64_t classes = 10, DType dtype = DType::Float32);

/// The model of a kind for samples of shape `sample_shape` (e.g. {1, 28, 28} or {2}) and
/// `classes` classes: the MLP's hidden sizes are 256, 128 for images and 100 otherwise (the
/// case study's 2-100-3). Throws Error for a CNN on anything but 1x28x28, and for a sample
/// shape sample_features() rejects.
Sequential make_model(ModelKind kind, const std::vector<std::int64_t>& sample_shape,
                      std::int64_t classes, Generator& gen, DType dtype = DType::Float32);

/// The number of inputs a sample of shape `sample_shape` gives a Linear layer: the product of
/// the shape. Throws Error for a dimension below 1 or a product beyond int64.
std::int64_t sample_features(const std::vector<std::int64_t>& sample_shape);

/// The parameters make_model() creates (names, dtypes, shapes, in order), worked out without
/// allocating any of them, so a loader can check a file against the architecture its metadata
/// describes before building it. Throws Error where make_model() would, and for classes < 1.
std::vector<data::TensorSpec> parameter_specs(ModelKind kind,
                                              const std::vector<std::int64_t>& sample_shape,
                                              std::int64_t classes, DType dtype = DType::Float32);

/// Sets a 2-hidden-K mlp() to the case study's initial weights (data::spiral()'s init, drawn
/// from the same numpy stream as the points), transposed into PyTorch's [out, in] layout, so
/// a run reproduces torch_reference.py's spiral workload. Throws Error for other shapes.
void load_spiral_init(Sequential& model, const data::SpiralInit& init);

}  // namespace gradflow::nn
