#pragma once
/// @file
/// The data sets `gradflow train` and `gradflow eval` run on, loaded ready for the models:
/// Fashion-MNIST standardised with torch_reference.py's constants, spiral as the case study
/// draws it (with its initial weights).

#include <gradflow/data/dataset.hpp>
#include <gradflow/data/spiral.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace gradflow::cli {

enum class DataSet { spiral, fashion_mnist };

/// "spiral" or "fashion-mnist".
std::string_view data_name(DataSet data) noexcept;
/// The data set of a name; throws Error listing the names for any other.
DataSet parse_data(std::string_view name);

/// What train() needs: the training split, the test split where the data set has one, and the
/// case study's initial weights for spiral.
struct TrainingData {
  data::Dataset train;
  std::optional<data::Dataset> test;  // Fashion-MNIST's t10k split; none for spiral
  std::optional<data::SpiralInit> spiral_init;
};

/// Fashion-MNIST is read from /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist),
/// or from the directory named by the environment variable GRADFLOW_FASHION_MNIST_DIR.
///
/// Loads (or draws, for spiral with `seed`) the training data. Throws Error for a missing or
/// corrupt data set; the message names the Debian package that provides Fashion-MNIST.
TrainingData load_training_data(DataSet data, std::uint32_t seed);

/// The split a saved model is evaluated on: Fashion-MNIST's test split, or the spiral points
/// (spiral has no test split) drawn with `seed`.
data::Dataset load_evaluation_data(DataSet data, std::uint32_t seed);

/// Throws Error unless `set` holds a sample: an empty split (a truncated copy of the data set)
/// is bad input, named before any output is opened. `split` is "training" or "test".
void require_samples(const data::Dataset& set, DataSet data, std::string_view split);

/// A sample's shape: the inputs' shape after the first dimension ({1, 28, 28} or {2}).
std::vector<std::int64_t> sample_shape(const data::Dataset& set);

}  // namespace gradflow::cli
