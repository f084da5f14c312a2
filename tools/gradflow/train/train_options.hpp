#pragma once
/// @file
/// The options of `gradflow train`: their text as given, and the validated plan they make, with
/// each data set's reference settings filled in where a flag was not given.

#include "train/datasets.hpp"

#include <gradflow/nn/models.hpp>
#include <gradflow/nn/train.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace gradflow::cli {

/// The options as typed; an empty string means "not given".
struct TrainArgs {
  std::string data;
  std::string model;
  std::string epochs;
  std::string batch;
  std::string lr;
  std::string optimizer;
  std::string weight_decay;
  std::string seed;
  std::string threads;
  std::optional<std::string> load;  // given, even as "": an empty name is an error
  std::string save;
  std::string metrics;
  std::string plot;
  bool json = false;
};

/// A validated training run.
struct TrainPlan {
  DataSet data = DataSet::spiral;
  nn::ModelKind model = nn::ModelKind::mlp;
  nn::TrainConfig config;      // TrainConfig::spiral() or ::fashion_mnist(), then the flags
  std::uint32_t seed = 0;      // of the data (spiral), the initial weights and the shuffling
  std::optional<int> threads;  // none: the library's default
  std::string load;            // empty: the model's own initial weights
  std::string save;            // empty: not asked for
  std::string metrics;
  std::string plot;
  bool json = false;
};

/// Checks every option and builds the plan. --weight-decay sets the L2 penalty added to the loss
/// (TrainConfig::l2, the case study's `reg`). Throws Error with a one-line message for bad input:
/// a missing or unknown --data/--model/--optimizer, a number out of range, the cnn on spiral, a
/// --load name that is empty or not a readable regular file, an output file that cannot be
/// written (check_output_file in output_files.hpp), two outputs naming one file (the decision
/// regions' FILE-regions.png included), --metrics or --plot naming the --load file, a --plot
/// name that does not end in .png. (Whether a --load file fits the model is checked once the
/// model is built.)
TrainPlan plan_training(const TrainArgs& args);

}  // namespace gradflow::cli
