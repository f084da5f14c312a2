#include "train/datasets.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/data/fashion_mnist.hpp>
#include <gradflow/data/standardize.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace gradflow::cli {

namespace {

constexpr const char* kDirVariable = "GRADFLOW_FASHION_MNIST_DIR";

data::Dataset fashion_mnist(data::Split split) {
  const char* env = std::getenv(kDirVariable);
  data::Dataset set =
      env != nullptr && *env != '\0'
          ? data::load_fashion_mnist(split, env, kDirVariable)
          : data::load_fashion_mnist(split, data::fashion_mnist_default_dir);
  data::Standardization::fashion_mnist().apply(set.inputs);
  return set;
}

}  // namespace

std::string_view data_name(DataSet data) noexcept {
  return data == DataSet::spiral ? "spiral" : "fashion-mnist";
}

DataSet parse_data(std::string_view name) {
  if (name == "spiral") return DataSet::spiral;
  if (name == "fashion-mnist") return DataSet::fashion_mnist;
  // Escaped as a quoted name must be (print_error leaves backslashes): it may come from a model
  // file's metadata, and a newline in it must not read like a "\x0a" spelt out.
  throw gradflow::Error("unknown data set \"" + detail::printable(name) +
                        "\"; choose spiral or fashion-mnist");
}

TrainingData load_training_data(DataSet data, std::uint32_t seed) {
  TrainingData out;
  if (data == DataSet::spiral) {
    data::Spiral s = data::spiral({.seed = seed});
    out.train = std::move(s.data);
    out.spiral_init = std::move(s.init);
    return out;
  }
  out.train = fashion_mnist(data::Split::train);
  out.test = fashion_mnist(data::Split::test);
  return out;
}

data::Dataset load_evaluation_data(DataSet data, std::uint32_t seed) {
  if (data == DataSet::spiral) return data::spiral({.seed = seed}).data;
  return fashion_mnist(data::Split::test);
}

std::vector<std::int64_t> sample_shape(const data::Dataset& set) {
  return {set.inputs.shape.begin() + (set.inputs.shape.empty() ? 0 : 1), set.inputs.shape.end()};
}

void require_samples(const data::Dataset& set, DataSet data, std::string_view split) {
  if (set.size() != 0) return;
  throw gradflow::Error("the " + std::string(data_name(data)) + " " + std::string(split) +
                        " set is empty (0 samples); use a complete copy of the data set");
}

}  // namespace gradflow::cli
