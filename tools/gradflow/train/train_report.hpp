#pragma once
/// @file
/// What `gradflow train` prints when it is done: a short text summary, or one JSON object.

#include "train/train_options.hpp"

#include <gradflow/nn/train.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gradflow::cli {

/// A finished run.
struct TrainReport {
  TrainPlan plan;
  nn::TrainResult result;
  std::size_t train_samples = 0;
  double seconds = 0.0;                 // wall time of the training loop (all epochs)
  double train_accuracy = 0.0;          // of the final model, on the whole training set
  std::optional<double> test_accuracy;  // of the final model, on the test split
  std::optional<double> test_loss;
  std::vector<std::string> written;  // files written, in order (model, CSV, PNGs)
};

/// "sgd lr 1, full batch, weight decay 0.001": the optimizer settings, for people.
std::string describe_training(const TrainPlan& plan, std::size_t train_samples);

/// The median of the epochs' training times (what torch_reference.py reports).
double median_seconds_per_epoch(const nn::TrainResult& result);

/// {"data", "model", "optimizer", "lr", "batch_size" (null: full batch), "weight_decay",
/// "seed", "threads", "epochs", "train_samples", "train_accuracy", "test_accuracy" (after the
/// last epoch; null for spiral), "test_loss", "test_accuracy_per_epoch", "best_test_accuracy"
/// and "best_epoch" (the first epoch that reached it; these three null for spiral),
/// "final_loss", "seconds", "seconds_per_epoch", "samples_per_second", "files"}.
nlohmann::ordered_json to_json(const TrainReport& report);

/// Three or four lines: what was trained and how long it took, the accuracies and the final
/// loss, the files written.
std::string format_text(const TrainReport& report);

}  // namespace gradflow::cli
