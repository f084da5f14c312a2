#pragma once
/// @file
/// The training loop of `gradflow train`, as a library function: mini-batch (or full-batch)
/// gradient descent of a classifier on a data::Dataset, per-epoch metrics, a progress callback,
/// and evaluation. The CLI only parses options, prints progress and writes files.

#include <gradflow/data/dataset.hpp>
#include <gradflow/nn/loss.hpp>
#include <gradflow/nn/module.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace gradflow::nn {

/// The update rules train() can use.
enum class OptimizerKind { sgd, adam };
/// "sgd" or "adam".
std::string_view optimizer_name(OptimizerKind kind) noexcept;
/// The kind of a name; throws Error for another.
OptimizerKind parse_optimizer(std::string_view name);

/// How to train. The defaults are the Fashion-MNIST reference (Adam 1e-3, batch 64, 10 epochs);
/// spiral() gives the case study's.
struct TrainConfig {
  int epochs = 10;
  std::size_t batch_size = 64;  // 0: the whole training set in one batch (full-batch descent)
  OptimizerKind optimizer = OptimizerKind::adam;
  double lr = 1e-3;
  double momentum = 0.0;      // SGD only
  double weight_decay = 0.0;  // the optimizer's (added to the gradient, as in PyTorch)
  double l2 = 0.0;            // 0.5 * l2 * sum(W²) over the weights added to the loss (cs231n)
  Loss loss = Loss::cross_entropy;
  std::uint32_t seed = 0;  // of the shuffling (numpy's RandomState permutation stream)
  bool shuffle = true;
  int lr_step = 0;  // StepLR: multiply lr by lr_gamma every lr_step epochs (0: never)
  double lr_gamma = 0.1;
  std::size_t eval_batch_size = 1000;  // batches of evaluate() on the test set

  /// The cs231n case study: full batch, SGD lr 1.0, L2 1e-3, 10,000 steps (epochs).
  static TrainConfig spiral();
  /// torch_reference.py's Fashion-MNIST runs: Adam 1e-3, batch 64, 10 epochs.
  static TrainConfig fashion_mnist();
};

/// Where training stands, after each batch.
struct Progress {
  int epoch = 0;  // 1-based
  int epochs = 0;
  std::size_t batch = 0;  // 1-based
  std::size_t batches = 0;
  double loss = 0.0;      // mean loss of this epoch's batches so far (incl. the L2 term)
  double accuracy = 0.0;  // training accuracy of this epoch's batches so far
  double samples_per_second = 0.0;
  double eta_seconds = 0.0;  // for the whole run, from this run's speed so far
};

/// One row of the per-epoch metrics.
struct EpochMetrics {
  int epoch = 0;                // 1-based
  double loss = 0.0;            // mean training loss over the epoch's batches (incl. the L2 term)
  double train_accuracy = 0.0;  // over the epoch's batches, each counted before its update
  double test_loss = 0.0;       // NaN without a test set
  double test_accuracy = 0.0;   // NaN without a test set
  double lr = 0.0;              // the learning rate used in this epoch
  double seconds = 0.0;         // training time of the epoch (excluding the test evaluation)
  double samples_per_second = 0.0;
};

/// What train() returns: one row per epoch.
struct TrainResult {
  std::vector<EpochMetrics> epochs;
};

/// Called after every batch.
using ProgressCallback = std::function<void(const Progress&)>;
/// Called after every epoch, with its metrics (e.g. to write a CSV row as it happens).
using EpochCallback = std::function<void(const EpochMetrics&)>;

/// Trains `model` (in place) on `train_set`, evaluating on `test_set` after each epoch when it is
/// given. Training stops early after an epoch whose training loss is NaN or infinite (a
/// diverged run): the result then ends with that epoch. Inputs are converted to the model's
/// dtype batch by batch. The loop runs on a nested
/// graph (Tape::Scope), so the caller's graph is untouched, and memory stays flat across steps.
/// Throws Error, before the first step, for an empty training set, a model without parameters,
/// a label outside [0, num_classes) in either set, or a model with fewer outputs than either set
/// has classes (nn::check_class_scores).
TrainResult train(Module& model, const data::Dataset& train_set, const data::Dataset* test_set,
                  const TrainConfig& config, const ProgressCallback& on_batch = {},
                  const EpochCallback& on_epoch = {});

/// Mean loss and accuracy of a model on a data set.
struct Evaluation {
  double loss = 0.0;
  double accuracy = 0.0;
};

/// Evaluates in eval mode without recording (the model's mode is restored afterwards).
Evaluation evaluate(Module& model, const data::Dataset& dataset, Loss loss = Loss::cross_entropy,
                    std::size_t batch_size = 1000);

/// The predicted class of each sample (argmax of the scores), in eval mode, without recording.
std::vector<std::int64_t> predict(Module& model, const data::Array& inputs,
                                  std::size_t batch_size = 1000);

}  // namespace gradflow::nn
