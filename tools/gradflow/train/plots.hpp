#pragma once
/// @file
/// The pictures of `gradflow train --plot FILE.png`, drawn by gnuplot: the loss and accuracy
/// curves over the epochs (FILE.png), and for two-dimensional data (spiral) the classifier's
/// decision regions with the data points on top (FILE-regions.png), the cs231n case study's
/// picture.

#include <gradflow/data/dataset.hpp>
#include <gradflow/nn/module.hpp>
#include <gradflow/nn/train.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace gradflow::cli {

/// Two panels side by side: loss, and accuracy, against the epoch; training and (with
/// `has_test`) test. The data are the rows of the --metrics CSV.
void plot_curves(const std::vector<nn::EpochMetrics>& epochs, bool has_test,
                 const std::string& title, const std::filesystem::path& png);

/// The class `model` predicts at each point of a grid over the data's bounding box, as coloured
/// regions, with the points of `points` (2-d inputs) drawn over them in their true class.
void plot_decision_regions(nn::Module& model, const data::Dataset& points, const std::string& title,
                           const std::filesystem::path& png);

/// Where plot_decision_regions() draws for `--plot FILE.png`: FILE-regions.png.
std::filesystem::path regions_path(const std::filesystem::path& plot);

}  // namespace gradflow::cli
