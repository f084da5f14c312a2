#pragma once
/// @file
/// Fashion-MNIST (Zalando's 28x28 grey images of clothing, 10 classes) from Debian's
/// `dataset-fashion-mnist` package.

#include <gradflow/data/dataset.hpp>

#include <filesystem>
#include <string_view>

namespace gradflow::data {

/// Which half of a data set.
enum class Split { train, test };

/// "train" or "test" -> Split; throws Error for anything else.
Split parse_split(std::string_view name);

/// Where Debian's `dataset-fashion-mnist` installs the IDX files.
inline constexpr std::string_view fashion_mnist_default_dir = "/usr/share/datasets/fashion-mnist";

/// Mean and standard deviation of the training pixels scaled to [0, 1]: the constants
/// ../shared/peers/torch_reference.py standardises with (see Standardization::fashion_mnist()).
inline constexpr double fashion_mnist_mean = 0.2860;
inline constexpr double fashion_mnist_std = 0.3530;

/// Loads one split: inputs are float32 pixels / 255 in [0, 1], shape N x 1 x 28 x 28 (60000 train,
/// 10000 test); labels in [0, 10). Reads `{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz` (or
/// the same names without .gz) from `dir`. `named_by` is the setting a program took `dir` from
/// (an environment variable or a flag, e.g. "--data-dir"), empty for a directory of its own
/// choosing. Throws Error that names the Debian package when the files are missing (and, when
/// given, `named_by` as the thing to change), and names the file and the fault when one is
/// corrupt or the images and labels disagree.
Dataset load_fashion_mnist(Split split,
                           const std::filesystem::path& dir = fashion_mnist_default_dir,
                           std::string_view named_by = {});

}  // namespace gradflow::data
