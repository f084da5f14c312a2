#pragma once
/// @file
/// Per-epoch metrics as CSV (for `--metrics FILE.csv` and gnuplot), one row per EpochMetrics,
/// written as each epoch ends so an interrupted run keeps its rows.

#include <gradflow/nn/train.hpp>

#include <string>

namespace gradflow::nn {

/// "epoch,loss,train_accuracy,test_loss,test_accuracy,lr,seconds,samples_per_second".
std::string metrics_csv_header();
/// One row, without a newline; NaN (no test set) is written as an empty field.
std::string metrics_csv_row(const EpochMetrics& m);

}  // namespace gradflow::nn
